"""Calibration: the figures that make synthetic cases look like the detected victims UNODC counts.

Owns deriving ``parameters.json`` from the UNODC GLOTIP dataset (release 2023-05-30) and loading
it. Only shares and weights are written, never GLOTIP rows, so the package ships without
``../shared`` (GLOTIP's terms allow use for calibration, not redistribution).

Run ``python -m tipis.synthetic.calibration [GLOTIP_CSV]`` to regenerate the file.

Choices, each for a reason:

- ``<5`` counts as 2.5, the mean of 1..4 (GLOTIP publishes small counts that way).
- Shares pool the country-years of 2012-2021: earlier years have few reporting countries and
  another questionnaire. Pooling weights countries by their detections, as GLOTIP's global
  shares do.
- A citizenship category counts as *national* when it says so ("Nationals", "own country",
  "ciudadanos de su país") or resolves to the reporting country. Raw strings are resolved with
  ``tipis.standard.resolver``; those that name no single country are skipped (unknowns,
  aggregates, questionnaire text).
- The yearly trend is the mean over reporting countries of each country's count relative to
  its own mean, so that countries joining the survey do not look like a rise in trafficking.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from tipis.standard.geography import is_country

__all__ = [
    "DEFAULT_GLOTIP_CSV",
    "PARAMETERS_FILE",
    "derive_parameters",
    "load_parameters",
    "main",
    "write_parameters",
]

#: Where the real file sits in a development checkout (beside the project, never inside it).
DEFAULT_GLOTIP_CSV = (
    Path(__file__).resolve().parents[3].parent
    / "shared/data/glotip/data_glotip_UNODC_release_2023-05-30.csv"
)
PARAMETERS_FILE = Path(__file__).with_name("parameters.json")

FIRST_YEAR, LAST_YEAR = 2012, 2021
VICTIMS = "Detected trafficking victims"
SMALL_COUNT = 2.5
AGES = {"0 to 17 years": "child", "18 years or over": "adult"}
SEXES = ("Female", "Male", "Other")
FORM_GROUPS = {
    "Sexual exploitation": "SexualExploitation",
    "Forced labour": "ForcedLabour",
    "Other forms of exploitation": "OtherForms",
}
#: Origins kept per country of detection: the long tail is mostly counts of 1-4.
MAX_ORIGINS = 25
MIN_ORIGIN_SHARE = 0.002
DIGITS = 5
MIN_COVERAGE = 0.5

_NATIONAL_WORDS = re.compile(
    r"^nationals?$|own country|su pais|nationaux|propre pays|citizens of the country"
)
#: Raw categories that are not a country: skip them before the resolver guesses.
_NOT_A_COUNTRY = re.compile(
    r"unknown|n/a|^other|otros|autres|specify|especifique|caribbean \(|countries|"
    r"etrangere|extranjer|foreign|stateless|apatride|^$"
)

#: What a resolver returns for "nationals of the reporting country".
NATIONALS = "nationals"
Row = dict[str, str]
Resolver = Callable[[str], str | None]


@dataclass(frozen=True)
class _Count:
    country: str
    year: int
    value: float


def count_value(text: str) -> float | None:
    """A GLOTIP txtVALUE as a number: ``<5`` is 2.5, thousands separators go; None if empty."""
    cleaned = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if cleaned == "<5":
        return SMALL_COUNT
    try:
        return float(cleaned)
    except ValueError:
        return None


def read_glotip(path: Path) -> Iterator[Row]:
    """Rows of detected victims by a country in the calibration window (other indicators are
    not used)."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            year = row.get("Year", "")
            if row.get("Indicator") != VICTIMS or not year.isdigit():
                continue
            # A few rows carry regional aggregates (CAR, SAM, ...) instead of a country.
            if FIRST_YEAR <= int(year) <= LAST_YEAR and is_country(row.get("Iso3_code", "")):
                yield row


def derive_parameters(path: Path, resolve: Resolver | None = None) -> dict[str, Any]:
    """All calibration figures from the GLOTIP CSV at ``path``, as a JSON-ready dict."""
    rows = list(read_glotip(path))
    resolve = resolve or default_resolver()
    nationals, flows = _citizenship(rows, resolve)
    return {
        "source": (
            "Derived from the UNODC Global Report on Trafficking in Persons dataset, release "
            f"2023-05-30 ({path.name}), detected victims {FIRST_YEAR}-{LAST_YEAR}; counts "
            "published as <5 taken as 2.5. Shares and weights only; no GLOTIP rows."
        ),
        "derived_on": date.today().isoformat(),
        "years": [FIRST_YEAR, LAST_YEAR],
        "sex_age": _sex_age(rows),
        "forms_by_sex_age": _forms(rows),
        "victims_by_country": _by_country(rows),
        "trend_by_year": _trend(rows),
        "nationals_share": nationals,
        "origins_by_destination": flows,
    }


def _totals(rows: Iterable[Row]) -> list[_Count]:
    counts = []
    for row in rows:
        if (row["Dimension"], row["Sex"], row["Age"]) != ("Total", "Total", "Total"):
            continue
        value = count_value(row["txtVALUE"])
        if value is not None:
            counts.append(_Count(row["Iso3_code"], int(row["Year"]), value))
    return counts


def _shares(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    return {key: round(value / total, DIGITS) for key, value in sorted(weights.items())}


def _sex_age(rows: Iterable[Row]) -> dict[str, float]:
    """Shares of Female/Male/Other x child/adult, and of victims with neither known."""
    sums: dict[str, float] = defaultdict(float)
    for row in rows:
        if row["Dimension"] != "Total":
            continue
        value = count_value(row["txtVALUE"])
        if value is None:
            continue
        if row["Sex"] in SEXES and row["Age"] in AGES:
            sums[f"{row['Sex']}|{AGES[row['Age']]}"] += value
        elif (row["Sex"], row["Age"]) == ("Unknown", "Unknown"):
            sums["Unknown|Unknown"] += value
    return _shares(sums)


def _forms(rows: Iterable[Row]) -> dict[str, dict[str, float]]:
    """Shares of the three GLOTIP form groups for female/male children and adults.

    GLOTIP's "Other" sex rows by form are few and erratic, so persons of another sex take the
    pooled shares of their age group (``Any|child``, ``Any|adult``).
    """
    sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        group = FORM_GROUPS.get(row["Category"])
        value = count_value(row["txtVALUE"])
        if row["Dimension"] != "by form of exploitation" or group is None or value is None:
            continue
        if row["Sex"] in ("Female", "Male") and row["Age"] in AGES:
            age = AGES[row["Age"]]
            sums[f"{row['Sex']}|{age}"][group] += value
            sums[f"Any|{age}"][group] += value
    return {key: _shares(groups) for key, groups in sorted(sums.items())}


def _by_country(rows: Iterable[Row]) -> dict[str, float]:
    """Mean yearly detected victims per country of detection (over the years it reported)."""
    per_country: dict[str, list[float]] = defaultdict(list)
    for count in _totals(rows):
        per_country[count.country].append(count.value)
    return {c: round(sum(v) / len(v), 1) for c, v in sorted(per_country.items())}


def _trend(rows: Iterable[Row]) -> dict[str, float]:
    """Yearly index (mean 1): each country relative to its own mean, averaged per year."""
    counts = _totals(rows)
    per_country: dict[str, list[float]] = defaultdict(list)
    for count in counts:
        per_country[count.country].append(count.value)
    means = {c: sum(v) / len(v) for c, v in per_country.items()}
    ratios: dict[int, list[float]] = defaultdict(list)
    for count in counts:
        if means[count.country] > 0:
            ratios[count.year].append(count.value / means[count.country])
    index = {year: sum(r) / len(r) for year, r in ratios.items()}
    scale = sum(index.values()) / len(index)
    return {str(year): round(value / scale, DIGITS) for year, value in sorted(index.items())}


def _citizenship(
    rows: list[Row], resolve: Resolver
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Nationals' share per country of detection, and origin shares among foreign victims.

    A country whose citizenship rows cover under half of its detected victims (in the same
    years) gets no nationals' share of its own: such countries mostly list foreigners only
    (India reports 3%), so the generator falls back to the overall share.
    """
    national: dict[str, float] = defaultdict(float)
    known: dict[str, float] = defaultdict(float)
    origins: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in rows:
        value = count_value(row["txtVALUE"])
        if row["Dimension"] != "by citizenship" or value is None:
            continue
        destination = row["Iso3_code"]
        origin = _origin(row["Category"], destination, resolve)
        if origin is None:
            continue
        known[destination] += value
        if origin == destination:
            national[destination] += value
        else:
            origins[destination][origin] += value
    covered = _covered(rows)
    kept = sorted(d for d in known if known[d] and d in covered)
    by_country = {d: round(national[d] / known[d], DIGITS) for d in kept}
    overall = round(sum(national[d] for d in kept) / sum(known[d] for d in kept), DIGITS)
    flows = {d: _top_origins(o) for d, o in sorted(origins.items()) if sum(o.values()) >= 5}
    return {"overall": overall, "by_country": by_country}, flows


def _covered(rows: list[Row]) -> set[str]:
    """Countries whose citizenship rows add up to at least half their detected victims."""
    totals = {(c.country, c.year): c.value for c in _totals(rows)}
    listed: dict[tuple[str, int], float] = defaultdict(float)
    for row in rows:
        value = count_value(row["txtVALUE"])
        if row["Dimension"] == "by citizenship" and value is not None:
            listed[(row["Iso3_code"], int(row["Year"]))] += value
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for key, value in listed.items():
        if key in totals:
            sums[key[0]][0] += value
            sums[key[0]][1] += totals[key]
    return {c for c, (cited, total) in sums.items() if total and cited / total >= MIN_COVERAGE}


def _top_origins(origins: Mapping[str, float]) -> dict[str, float]:
    total = sum(origins.values())
    ranked = sorted(origins.items(), key=lambda item: (-item[1], item[0]))[:MAX_ORIGINS]
    kept = {o: v for o, v in ranked if v / total >= MIN_ORIGIN_SHARE}
    return _shares(kept)


def _origin(category: str, destination: str, resolve: Resolver) -> str | None:
    text = fold(repair_mojibake(category))
    if _NATIONAL_WORDS.search(text):
        return destination
    if _NOT_A_COUNTRY.search(text):
        return None
    found = resolve(repair_mojibake(category).strip())
    return destination if found == NATIONALS else found


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as Latin-1 (``TÃ¼rkiye``); other text is returned unchanged."""
    try:
        return text.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def fold(text: str) -> str:
    """Lower case without accents, for matching fixed phrases."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


def default_resolver() -> Resolver:
    """``tipis.standard.resolver``: ISO code, or ``NATIONALS`` for "citizens of this country"."""
    from tipis.standard.resolver import resolve_country

    def resolve(text: str) -> str | None:
        found = resolve_country(text)
        return NATIONALS if found.kind == "nationals" else found.iso3

    return resolve


def write_parameters(parameters: Mapping[str, Any], path: Path = PARAMETERS_FILE) -> None:
    """Write compact, stable JSON (sorted keys, one line per top-level key)."""
    lines = [
        f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}"
        for key, value in parameters.items()
    ]
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")


@cache
def load_parameters() -> dict[str, Any]:
    """The shipped calibration (cached); works without ``../shared``."""
    text = resources.files("tipis.synthetic").joinpath("parameters.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def main(argv: list[str] | None = None) -> int:
    """Regenerate ``parameters.json`` from the GLOTIP CSV (first argument, or the default)."""
    args = sys.argv[1:] if argv is None else argv
    source = Path(args[0]) if args else DEFAULT_GLOTIP_CSV
    if not source.is_file():
        print(f"GLOTIP CSV not found: {source}", file=sys.stderr)
        return 2
    parameters = derive_parameters(source)
    write_parameters(parameters)
    print(f"wrote {PARAMETERS_FILE} ({PARAMETERS_FILE.stat().st_size:,} bytes) from {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
