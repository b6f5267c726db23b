"""The ``tipis`` command line: thin Typer commands over the library, Rich for output.

One module per command group. Commands parse options, read settings, call into the library
and print; they hold no logic of their own.
"""

from __future__ import annotations

import typer

from tipis.cli import cases, db, demo, ingest, standard, stats

app = typer.Typer(
    name="tipis",
    help="TIPIS: Trafficking in Persons Information System.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold personal values or the key
)
db.register(app)
standard.register(app)
demo.register(app)
app.add_typer(cases.app, name="cases")
app.add_typer(ingest.imports, name="import")
app.add_typer(ingest.profiles, name="profile")
app.add_typer(stats.app, name="stats")


def main() -> None:
    app()
