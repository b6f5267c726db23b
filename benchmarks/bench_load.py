"""Benchmark: generate and load synthetic cases into SQLite and PostgreSQL.

Each run happens in a child process so its wall time and peak memory (max RSS) are its own.
Prints the figures and appends them, with date and machine, to benchmarks/RESULTS.md.

    python benchmarks/bench_load.py [--cases 1000000] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "RESULTS.md"
POSTGRES_URL = os.environ.get(
    "TIPIS_BENCH_POSTGRES_URL",
    os.environ.get("TIPIS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
SEED = 7
TARGET_SECONDS = 120
TARGET_GIB = 2.0


def child(backend: str, cases: int) -> None:
    """Run one load and print its figures as JSON on the last line."""
    import sqlalchemy as sa

    from tipis.store.cases import Store
    from tipis.store.crypto import key_from_text, new_key_text
    from tipis.store.engine import make_engine
    from tipis.store.migrate import upgrade
    from tipis.synthetic.bulk import load_synthetic
    from tipis.synthetic.generator import demo_organisations

    url, cleanup = _database(backend)
    try:
        store = Store(make_engine(url), key_from_text(new_key_text()))
        upgrade(store.engine)
        organisations = demo_organisations(SEED)
        for organisation in organisations:
            store.add_organisation(organisation)
        started = time.perf_counter()
        loaded = load_synthetic(store, cases, SEED, organisations)
        seconds = time.perf_counter() - started
        with store.engine.connect() as connection:
            rows = {
                name: connection.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar()
                for name in ("cases", "victims", "persons", "victim_codes", "route_events")
            }
        store.engine.dispose()
        print(json.dumps({"backend": backend, "cases": loaded, "seconds": seconds, "rows": rows}))
    finally:
        cleanup()


def _database(backend: str) -> tuple[str, object]:
    import sqlalchemy as sa

    from tipis.store.engine import make_engine

    if backend == "sqlite":
        WORK.mkdir(exist_ok=True)
        path = WORK / "bench.db"
        for stale in WORK.glob("bench.db*"):
            stale.unlink()
        return f"sqlite:///{path}", lambda: [p.unlink() for p in WORK.glob("bench.db*")]
    schema = f"tipis_bench_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))

    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}", drop


@dataclass
class Figures:
    backend: str
    cases: int
    seconds: float
    rows: dict[str, int]
    peak_gib: float = 0.0

    @property
    def within_target(self) -> bool:
        return self.seconds < TARGET_SECONDS and self.peak_gib < TARGET_GIB


def run(backend: str, cases: int) -> Figures:
    command = [sys.executable, __file__, "--child", backend, "--cases", str(cases)]
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, stdout=output, text=True)
        peak = 0
        while process.poll() is None:  # the loader and its workers together
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)
        if process.returncode != 0:
            raise SystemExit(f"{backend} run failed (status {process.returncode})")
        output.seek(0)
        figures = Figures(**json.loads(output.read().strip().splitlines()[-1]))
    figures.peak_gib = peak / 2**30
    return figures


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (Linux /proc)."""
    total = 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (FileNotFoundError, ProcessLookupError):
        return total
    return total + sum(tree_rss(int(child)) for child in children)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    python = platform.python_version()
    return f"{cpu}, {os.cpu_count()} cores, {pages / 2**30:.0f} GiB, Python {python}"


def record(results: list[Figures]) -> None:
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    lines = [
        f"\n## Load {results[0].cases:,} synthetic cases — {when}\n",
        f"Machine: {machine()}. Seed {SEED}. "
        f"Target: under {TARGET_SECONDS} s and {TARGET_GIB} GiB each.\n",
        "| backend | cases | seconds | cases/s | peak memory (GiB) | rows "
        "(cases/victims/persons/codes/route legs) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows = "/".join(f"{v:,}" for v in r.rows.values())
        lines.append(
            f"| {r.backend} | {r.cases:,} | {r.seconds:.1f} | {r.cases / r.seconds:,.0f} | "
            f"{r.peak_gib:.2f} | {rows} |"
        )
    if not RESULTS.exists():
        RESULTS.write_text("# Benchmark results\n\nFigures measured by `make bench`.\n")
    with RESULTS.open("a") as handle:
        handle.write("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cases)
        return
    results = []
    for backend in args.backends.split(","):
        print(f"loading {args.cases:,} cases into {backend} ...", flush=True)
        figures = run(backend, args.cases)
        verdict = "within target" if figures.within_target else "OVER TARGET"
        print(
            f"  {figures.seconds:.1f} s, {figures.cases / figures.seconds:,.0f} cases/s, "
            f"peak {figures.peak_gib:.2f} GiB — {verdict}",
            flush=True,
        )
        results.append(figures)
    record(results)
    print(f"recorded in {RESULTS}")


if __name__ == "__main__":
    main()
