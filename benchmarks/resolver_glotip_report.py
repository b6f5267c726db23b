"""How well ``tipis.standard.resolver`` reads the raw citizenship strings of UNODC GLOTIP.

Usage: ``python benchmarks/resolver_glotip_report.py [path/to/data_glotip.csv]``

Reads the rows of the GLOTIP release whose Dimension is "by citizenship", resolves each distinct
``Category`` string and prints the score: how many resolved (by method), how many are
placeholders, how many name something that is not a country (own nationals, stateless, regions,
former states, Kosovo), how many stay genuinely unresolved, and each unresolved string with its
candidates and reason. The file is the one in ``../shared/data`` beside the project unless given.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

from tipis.standard.resolver import (
    NON_COUNTRY_KINDS,
    PLACEHOLDER_KINDS,
    CountryResolver,
    Resolution,
)

DEFAULT_FILE = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "glotip"
    / "data_glotip_UNODC_release_2023-05-30.csv"
)


def citizenship_strings(path: Path) -> list[str]:
    """The distinct Category strings of the "by citizenship" rows, sorted."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return sorted({r["Category"] for r in rows if r["Dimension"] == "by citizenship"})


def group(resolutions: list[Resolution]) -> dict[str, list[Resolution]]:
    groups: dict[str, list[Resolution]] = {
        "resolved": [],
        "placeholder": [],
        "non-country": [],
        "unresolved": [],
    }
    for found in resolutions:
        if found.resolved:
            groups["resolved"].append(found)
        elif found.kind in PLACEHOLDER_KINDS:
            groups["placeholder"].append(found)
        elif found.kind in NON_COUNTRY_KINDS:
            groups["non-country"].append(found)
        else:
            groups["unresolved"].append(found)
    return groups


def show(title: str, items: list[Resolution]) -> None:
    print(f"\n{title} ({len(items)}):")
    for found in items:
        candidates = f" candidates={','.join(found.candidates)}" if found.candidates else ""
        print(f"  [{found.kind}] {found.reason}{candidates}")


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_FILE
    if not path.exists():
        print(f"GLOTIP file not found: {path}", file=sys.stderr)
        return 2
    strings = citizenship_strings(path)
    started = time.perf_counter()
    resolver = CountryResolver()
    built = time.perf_counter()
    resolutions = [resolver.resolve(text) for text in strings]
    done = time.perf_counter()
    groups = group(resolutions)
    methods = Counter(str(r.method) for r in groups["resolved"])
    kinds = Counter(str(r.kind) for r in groups["non-country"])
    print(f"GLOTIP citizenship strings: {path.name}")
    print(f"distinct strings:          {len(strings)}")
    print(f"resolved to one country:   {len(groups['resolved'])}  {dict(sorted(methods.items()))}")
    print(f"placeholders:              {len(groups['placeholder'])}  (unknown/other/specify/...)")
    print(f"non-country categories:    {len(groups['non-country'])}  {dict(sorted(kinds.items()))}")
    print(f"genuinely unresolved:      {len(groups['unresolved'])}")
    print(f"time: index {built - started:.3f} s, {len(strings)} strings {done - built:.3f} s")
    show("genuinely unresolved", groups["unresolved"])
    show("non-country categories", groups["non-country"])
    show("placeholders", groups["placeholder"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
