"""Change over time: year-on-year and multi-year change of counts, and whether it is noise.

Owns the change of any count indicator between years — detected victims, convictions, a flow —
per area and breakdown, read from a ``StatTable`` with a ``"year"`` dimension, and the tests
that flag a change as ``"rising"`` or ``"falling"`` only when chance alone is unlikely to give
it. Imports ``stats.table`` only; works on any table another module computes.

Tests, and why these:

- **Two years** (``year_on_year``): the exact conditional test for two Poisson counts. Under
  equal rates, given the total ``n1 + n2``, the later count is Binomial(n1 + n2, 1/2), so
  ``scipy.stats.binomtest`` gives an exact two-sided p-value with no large-sample assumption
  (many counts in this field are under 20). Two counts cannot show overdispersion, and victims
  are detected in clusters (one case, one raid, many victims), so the test reads change beyond
  Poisson noise: treat its flags as a screen and prefer ``trend`` over several years.
- **Several years** (``trend``): a log-linear Poisson regression of count on year, fitted by
  IRLS, tested by likelihood ratio, with a quasi-Poisson correction: the dispersion ``phi`` is
  Pearson's X² over n − 2 degrees of freedom, floored at 1 so that unusually smooth series do
  not manufacture significance; where ``phi`` > 1 the deviance drop is divided by it and
  referred to F(1, n − 2) (as R's ``quasipoisson`` with ``anova(test="F")``), else to χ²(1).
  The likelihood ratio stays defined where the fit runs off to infinity (zeros in every year
  but the last), where a Wald test breaks down. The regression uses the counts' size — 1000 to
  2000 is stronger evidence than 1 to 2 — which the Mann–Kendall test (ranks only) ignores;
  with 4 years Mann–Kendall can never reach p < 0.05 (its smallest p-value is 1/12). Series
  of two years fall back to the two-year test. Under equal rates the floor makes the test a
  little conservative: 3–4% of pure-noise series are flagged at ``alpha`` = 0.05 (simulated,
  3 to 8 years, means 3 to 200); a steady doubling over 5 years from 20 is found about 60% of
  the time, so "no clear change" is not evidence of no change.

Interval cells (sums of published ``<5``) are tested at both ends: the series that make the
change smallest and largest (earlier years high and later years low, and the reverse); a
change is flagged only when both ends agree, and ``p_value`` gives both. Suppressed or missing
cells are not tested. Each table tests many cells: at ``alpha`` = 0.05, about 1 in 20 cells
with no real change is flagged anyway; ``adjust="fdr"`` applies the Benjamini–Hochberg
correction over all the tests of one table.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats  # type: ignore[import-untyped]

from tipis.stats.table import Cell, CellStatus, StatTable

__all__ = [
    "Adjust",
    "Change",
    "Flag",
    "TrendFit",
    "poisson_trend",
    "trend",
    "two_count_p_value",
    "year_on_year",
]

Flag = Literal["rising", "falling", "no clear change", "not tested"]
Adjust = Literal["none", "fdr"]
TestName = Literal["exact Poisson (binomial)", "quasi-Poisson log-linear trend"]

Vector = npt.NDArray[np.float64]
YEAR = "year"
MAX_SLOPE = 20.0  # a yearly factor of e^20 (5e8) is no finite trend but a start from zero
TWO_YEAR_TEST: TestName = "exact Poisson (binomial)"
TREND_TEST: TestName = "quasi-Poisson log-linear trend"


@dataclass(frozen=True)
class Change:
    """How one change was measured and judged; pairs of numbers are (low end, high end).

    ``relative`` is the later count over the earlier minus 1 (``None`` where the earlier may
    be 0); ``annual_rate_ratio`` the fitted yearly factor of a trend (1.1: +10% a year);
    ``dispersion`` the quasi-Poisson ``phi`` of a trend.
    """

    base_year: int
    year: int
    flag: Flag
    test: TestName | None = None
    relative: tuple[float | None, float | None] = (None, None)
    p_value: tuple[float, float] | None = None
    annual_rate_ratio: tuple[float, float] | None = None
    dispersion: tuple[float, float] | None = None


@dataclass(frozen=True)
class TrendFit:
    """A log-linear Poisson fit of counts on years and its likelihood-ratio test."""

    slope: float  # log of the annual rate ratio
    dispersion: float  # quasi-Poisson phi, at least 1
    p_value: float


# -- The tests --------------------------------------------------------------------------------


def two_count_p_value(before: int, after: int) -> float:
    """Two-sided exact p-value that two Poisson counts share one rate (1.0 when both are 0)."""
    if before + after == 0:
        return 1.0
    return float(stats.binomtest(after, before + after, 0.5).pvalue)


def poisson_trend(years: Sequence[int], counts: Sequence[int]) -> TrendFit:
    """Fit ``log E[count] = a + b·year`` and test ``b = 0`` (quasi-Poisson LR; see module)."""
    x = np.asarray(years, dtype=float)
    x -= x.mean()
    y = np.asarray(counts, dtype=float)
    if len(y) < 3:
        raise ValueError("a trend needs at least 3 years")
    if y.sum() == 0:
        return TrendFit(slope=0.0, dispersion=1.0, p_value=1.0)
    slope, mu = _irls(x, y)
    deviance_null = _deviance(y, np.full_like(y, y.mean()))
    drop = max(deviance_null - _deviance(y, mu), 0.0)
    residual_df = len(y) - 2
    phi = max(1.0, float(np.sum((y - mu) ** 2 / mu)) / residual_df)
    if phi > 1.0:
        p = float(stats.f.sf(drop / phi, 1, residual_df))
    else:
        p = float(stats.chi2.sf(drop, 1))
    # A fit that ran off to infinity (zeros in every year but the last) has no finite slope:
    slope = math.copysign(math.inf, slope) if abs(slope) > MAX_SLOPE else slope
    return TrendFit(slope=slope, dispersion=phi, p_value=p)


def _irls(x: Vector, y: Vector, steps: int = 100) -> tuple[float, Vector]:
    """Iteratively reweighted least squares for a Poisson log-linear model on centred ``x``."""
    design = np.column_stack([np.ones_like(x), x])
    eta = np.log(y + 0.5)
    previous = math.inf
    for _ in range(steps):
        mu = np.exp(eta)
        z = eta + (y - mu) / mu
        weighted = design * mu[:, None]
        coef = np.linalg.lstsq(design.T @ weighted, weighted.T @ z, rcond=None)[0]
        # Where the fit runs off to infinity (all zeros before the last year), keep mu > 0:
        eta = np.clip(design @ coef, -50.0, 50.0)
        deviance = _deviance(y, np.exp(eta))
        if abs(previous - deviance) < 1e-10 * (1.0 + deviance):
            break
        previous = deviance
    return float(coef[1]), np.exp(eta)


def _deviance(y: Vector, mu: Vector) -> float:
    ratio = np.where(y > 0, y / np.where(y > 0, mu, 1.0), 1.0)
    return float(2.0 * np.sum(np.where(y > 0, y * np.log(ratio), 0.0) - (y - mu)))


# -- Interval ends and flags --------------------------------------------------------------------


def _ends(years: Sequence[int], cells: Sequence[Cell]) -> tuple[list[int], list[int]]:
    """The series of least and of greatest change: earlier years high and later years low,
    and the reverse (the middle year low in the first, high in the second)."""
    middle = (years[0] + years[-1]) / 2
    least = [c.upper if y < middle else c.lower for y, c in zip(years, cells, strict=True)]
    most = [c.lower if y < middle else c.upper for y, c in zip(years, cells, strict=True)]
    return least, most


def _flag(directions: Sequence[float], p_values: Sequence[float], alpha: float) -> Flag:
    """Rising (falling) only when every end rises (falls) with p below ``alpha``."""
    if all(p < alpha for p in p_values):
        if all(d > 0 for d in directions):
            return "rising"
        if all(d < 0 for d in directions):
            return "falling"
    return "no clear change"


def _relative(before: Cell, after: Cell) -> tuple[float | None, float | None]:
    low = after.lower / before.upper - 1 if before.upper > 0 else None
    high = after.upper / before.lower - 1 if before.lower > 0 else None
    return low, high


def _testable(cell: Cell | None) -> bool:
    return cell is not None and cell.status in ("exact", "interval")


# -- Tables -------------------------------------------------------------------------------------


def _series(table: StatTable) -> dict[tuple[str, ...], dict[int, Cell]]:
    """Cells by the rest of their key, then by year."""
    index = table.dimensions.index(YEAR)
    series: dict[tuple[str, ...], dict[int, Cell]] = defaultdict(dict)
    for cell in table.cells:
        series[cell.key[:index] + cell.key[index + 1 :]][int(cell.key[index])] = cell
    return series


def _key(table: StatTable, rest: tuple[str, ...], year: str) -> tuple[str, ...]:
    index = table.dimensions.index(YEAR)
    return (*rest[:index], year, *rest[index:])


def _difference(key: tuple[str, ...], before: Cell | None, after: Cell | None) -> Cell:
    """The absolute change as an interval cell; hidden where either count is."""
    if before is None or after is None or "missing" in (before.status, after.status):
        return Cell(key, 0, 0, "missing")
    status: CellStatus = "exact" if before.exact and after.exact else "interval"
    if before.suppressed or after.suppressed:
        status = "suppressed_secondary"  # the change would reveal the hidden count
    return Cell(key, after.lower - before.upper, after.upper - before.lower, status)


def _two_year_change(before: Cell, after: Cell, base_year: int, year: int) -> Change:
    least, most = (before.upper, after.lower), (before.lower, after.upper)
    p = (two_count_p_value(*least), two_count_p_value(*most))
    return Change(base_year, year, "not tested", TWO_YEAR_TEST, _relative(before, after), p)


def _trend_change(years: list[int], cells: list[Cell]) -> Change:
    fits = [poisson_trend(years, series) for series in _ends(years, cells)]
    relative = _relative(cells[0], cells[-1]) if years else (None, None)
    return Change(
        years[0],
        years[-1],
        "not tested",
        TREND_TEST,
        relative,
        (fits[0].p_value, fits[1].p_value),
        (math.exp(fits[0].slope), math.exp(fits[1].slope)),
        (fits[0].dispersion, fits[1].dispersion),
    )


def _directions(change: Change, before: Cell, after: Cell) -> tuple[float, float]:
    if change.annual_rate_ratio is not None:
        return change.annual_rate_ratio[0] - 1, change.annual_rate_ratio[1] - 1
    return after.lower - before.upper, after.upper - before.lower


def _judge(
    tested: list[tuple[tuple[str, ...], Change, Cell, Cell]], alpha: float, adjust: Adjust
) -> dict[tuple[str, ...], Change]:
    """Flag every tested change, after the Benjamini–Hochberg adjustment if asked."""
    ends = np.array([change.p_value for _, change, _, _ in tested], dtype=float).reshape(-1, 2)
    if adjust == "fdr" and len(tested):
        ends = np.column_stack([stats.false_discovery_control(ends[:, i]) for i in (0, 1)])
    judged = {}
    for (key, change, before, after), p in zip(tested, ends, strict=True):
        p_values = (float(p[0]), float(p[1]))
        flag = _flag(_directions(change, before, after), p_values, alpha)
        judged[key] = replace(change, p_value=p_values, flag=flag)
    return judged


def _metadata(alpha: float, adjust: Adjust, test: str) -> dict[str, object]:
    return {
        "alpha": alpha,
        "adjust": adjust,
        "test": test,
        "notes": [
            "Interval cells are tested at both ends; a change is flagged only when both agree.",
            f"At alpha = {alpha}, about {alpha:.0%} of changes that are only noise are flagged"
            + (" before adjustment." if adjust == "none" else "; p-values are BH-adjusted."),
            "Suppressed and missing cells are not tested.",
        ],
    }


def year_on_year(table: StatTable, *, alpha: float = 0.05, adjust: Adjust = "none") -> StatTable:
    """Change from each year to the next year in the table, per rest of the key.

    Args:
        table: counts with a ``"year"`` dimension (years as text, e.g. ``"2021"``).
        alpha: the significance level of a flag.
        adjust: ``"fdr"`` for Benjamini–Hochberg over all changes of the table.

    Returns the absolute changes as cells with the input's dimensions (``year`` the later
    year of each pair; a pair with a missing year is ``missing``), and in
    ``metadata["changes"]`` a ``Change`` per cell key. Example: victims by area and year →
    ``year_on_year(table).metadata["changes"][("DEU", "2021")].flag``.
    """
    years = sorted({int(year) for year in table.values(YEAR)})
    cells, tested, untested = [], [], {}
    for rest, by_year in _series(table).items():
        for base_year, year in pairwise(years):
            key = _key(table, rest, str(year))
            before, after = by_year.get(base_year), by_year.get(year)
            cells.append(_difference(key, before, after))
            if before is not None and after is not None and _testable(before) and _testable(after):
                tested.append(
                    (key, _two_year_change(before, after, base_year, year), before, after)
                )
            else:
                untested[key] = Change(base_year, year, "not tested")
    return StatTable(
        f"{table.indicator}_change",
        table.dimensions,
        cells,
        table.metadata
        | _metadata(alpha, adjust, TWO_YEAR_TEST)
        | {
            "title": f"Year-on-year change: {table.metadata.get('title', table.indicator)}",
            "changes": untested | _judge(tested, alpha, adjust),
        },
    )


def trend(
    table: StatTable,
    *,
    first: int | None = None,
    last: int | None = None,
    alpha: float = 0.05,
    adjust: Adjust = "none",
) -> StatTable:
    """Change over the years ``first``..``last`` (default: all), tested as a trend.

    Cells have the input's dimensions with ``year`` as ``"first-last"`` and hold the absolute
    change from the first year to the last (``missing`` where either is absent; the trend is
    still fitted on the years there are). ``metadata["changes"]`` holds a ``Change`` per key:
    the quasi-Poisson log-linear trend where at least 3 years have testable counts, the
    two-year test where 2 have, ``"not tested"`` otherwise.
    """
    all_years = sorted({int(year) for year in table.values(YEAR)})
    first = all_years[0] if first is None else first
    last = all_years[-1] if last is None else last
    period = f"{first}-{last}"
    cells, tested, untested = [], [], {}
    for rest, by_year in _series(table).items():
        key = _key(table, rest, period)
        cells.append(_difference(key, by_year.get(first), by_year.get(last)))
        usable = {y: c for y, c in sorted(by_year.items()) if first <= y <= last and _testable(c)}
        years, series = list(usable), list(usable.values())
        if len(years) >= 3:
            tested.append((key, _trend_change(years, series), series[0], series[-1]))
        elif len(years) == 2:
            change = _two_year_change(series[0], series[1], years[0], years[1])
            tested.append((key, change, series[0], series[1]))
        else:
            untested[key] = Change(first, last, "not tested")
    return StatTable(
        f"{table.indicator}_trend",
        table.dimensions,
        cells,
        table.metadata
        | _metadata(alpha, adjust, TREND_TEST)
        | {
            "title": f"Trend {period}: {table.metadata.get('title', table.indicator)}",
            "period": (first, last),
            "changes": untested | _judge(tested, alpha, adjust),
        },
    )
