"""`tipis import` end to end: quarantine, export the bad rows, fix them, re-import, roll back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.ingest.test_run import BAD, GOOD, HEADER, PROFILE
from tipis.cli import app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIPIS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TIPIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("TIPIS_SECRET_KEY", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    return tmp_path / "home"


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert result.exit_code == code, result.output
    return result.output


def test_quarantined_rows_can_be_fixed_and_reimported(home: Path, tmp_path: Path) -> None:
    profile = tmp_path / "police.yaml"
    profile.write_text(PROFILE, encoding="utf-8")
    source = tmp_path / "police.csv"
    source.write_text("\n".join([HEADER, *GOOD, BAD]) + "\n", encoding="cp1252")

    refused = _run("import", str(source), "--profile", str(profile), code=1)
    assert "Nothing was written" in refused and "row 5, column 'Sexo'" in refused

    loaded = _run("import", str(source), "--profile", str(profile), "--quarantine")
    assert "quarantined" in loaded
    batch = loaded.split("batch ")[-1].split()[0]
    assert "row 5" in _run("import", "quarantine")

    fix = tmp_path / "fix.csv"
    _run("import", "quarantine", "--batch", batch, "--export", str(fix))
    with fix.open(encoding="utf-8-sig", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    row.update(
        Fecha="28/02/2024",
        Sexo="M",
        Edad="12",
        Nacionalidad="Albania",
        Explotacion="explotacion sexual",
    )
    with fix.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)

    again = _run(
        "import",
        str(fix),
        "--profile",
        str(profile),
        "--format",
        "csv",
        "--delimiter",
        ",",
        "--encoding",
        "utf-8-sig",
    )
    assert "created" in again
    assert "0 rows in quarantine" in _run("import", "quarantine")
    listing = _run("import", "list")
    assert "fix.csv" in listing and "police.csv" in listing
    last = again.split("batch ")[-1].split()[0]
    assert "1 records removed" in _run("import", "rollback", last)
    assert "1 rows in quarantine" in _run("import", "quarantine")


def test_an_unknown_profile_lists_the_built_in_ones(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    output = _run("import", str(path), "--profile", "nope", code=1)
    assert "no such profile" in output and "policia_es" in output


def test_binary_garbage_is_refused_with_its_file_name(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    output = _run("import", str(path), "--profile", "policia_es", code=1)
    assert "garbage.csv" in output
