"""Disclosure control: what of a ``StatTable`` or a record extract may be released.

Four tools, after the practice described in ``design/statistics.md``:

* ``publish`` — threshold rule (primary suppression, GLOTIP's ``< 5``) plus secondary
  (complementary) suppression, so that no hidden cell can be worked back out of the totals the
  table also shows: row and column totals (a ``"Total"`` category in any dimension) and the UN M49
  roll-up of areas (country → sub-region → region → world).
* ``k_anonymity`` — the check CTDC applied to record-level releases (k = 11 over all released
  attributes together).
* ``dp_counts`` — calibrated noise from OpenDP for counts that are released as differentially
  private, with the ε spent charged to a per-dataset ``PrivacyBudget``.
* ``feasible_ranges`` — the audit an attacker would run: the least and greatest value a hidden
  cell can take given everything published.

Secondary suppression method, and why
-------------------------------------
Finding the fewest cells to hide is an integer programme (the "cell suppression problem";
Fischetti & Salazar-González, τ-ARGUS); no maintained Python library solves it. TIPIS tables are
small, so a heuristic with an exact check is used instead:

1. *Singleton closure*: for every additive relation (a total equals the sum of its parts) that
   holds exactly one hidden cell, hide one more cell of it, preferring the smallest value that is
   at least the protection level (big enough to mask the hidden one, cheap to lose); repeat to a
   fixpoint. This removes every one-step recovery (``hidden = total - visible parts``).
2. *LP audit*: for every hidden cell, ``scipy.optimize.linprog`` (HiGHS) finds the minimum and
   maximum of its value subject to every published value, every additive relation and
   non-negativity. A cell fails when only one integer lies in that range (exactly recoverable)
   or, for a primary cell of value ``x``, when the range does not cover the protection interval
   ``[max(0, x - p), x + p]`` (``p`` defaults to the threshold). Covering it means an attacker can
   rule out neither "no victims" nor "at least the threshold": the table says no more about the
   cell than the ``<5`` rule meant it to. This is the usual symmetric protection level of the
   SDC literature with ``p = n``; ``protection=0`` keeps only the no-exact-recovery test.
3. A failing cell gets one more cell hidden, taken from the relations it is in (or, when those
   are all hidden already, from the relations of their hidden cells), and the loop goes back to
   step 1. Each round hides at least one more cell, so the loop ends.
4. *Pruning*: each complement, largest value first, is shown again if the audit still passes
   without it, since step 3's choices can leave some redundant.

The audit keeps every LP optimum as a witness point, so most re-checks solve nothing: hiding a
cell keeps old witnesses feasible, and a cell once safe stays safe while more are hidden. A
table of ~700 cells with 110 primary cells takes a few seconds.

Limits: the result is safe (it passes the audit) but not guaranteed minimal. The audit is the
LP relaxation: an attacker using integer programming may narrow a range further, although the
integer test in step 2 and the total unimodularity of two-way tables make this rare. Relations
are only those the table shows (totals and the M49 roll-up); an attacker who holds other
tables (another year, another indicator) is not modelled. A total larger than the sum of the
parts present (areas missing from the table) is kept as ``total >= parts``; one smaller than
its parts (sources that disagree) is dropped and counted in the metadata.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, Protocol

import numpy as np
import opendp.prelude as dp
from scipy.optimize import linprog  # type: ignore[import-untyped]
from scipy.sparse import csr_array  # type: ignore[import-untyped]

from tipis.standard.geography import UnknownArea, area, countries_in, country, is_country
from tipis.stats.table import Cell, StatTable

__all__ = [
    "TOTAL",
    "WORLD",
    "Constraint",
    "Hierarchy",
    "InMemoryPrivacyBudget",
    "KAnonymityReport",
    "PrivacyBudget",
    "PrivacyBudgetExceeded",
    "RareCombination",
    "additive_constraints",
    "default_hierarchy",
    "dp_counts",
    "feasible_ranges",
    "is_sensitive",
    "k_anonymity",
    "m49_hierarchy",
    "publish",
    "suppress_primary",
    "suppress_secondary",
]

TOTAL = "Total"
WORLD = "WLD"
_WORLD_M49 = "001"
_EPS = 1e-6
# Complements tried, cheapest first, before settling for the cheapest that does not suffice:
_TRIALS = 12

Key = tuple[str, ...]
Hierarchy = Mapping[str, Mapping[str, str]]
"""Per dimension, each value's parent (``{"area": {"FRA": "155", "155": "150", ...}}``)."""


# --- additive relations -------------------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    """``total == sum(parts)`` (``"eq"``), or ``total >= sum(parts)`` (``"ge"``) when the
    total also counts cells the table does not show."""

    total: Key
    parts: tuple[Key, ...]
    kind: Literal["eq", "ge"] = "eq"

    @property
    def keys(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@cache
def _region_of_subregion(code: str) -> str | None:
    members = countries_in(area(code))
    region = members[0].region if members else None
    return region.code if region is not None else None


def _aggregate_code(token: str) -> str | None:
    """The M49 code of a world/region/sub-region token ("WLD", "150", "Europe"), else None."""
    if token.upper() == WORLD:
        return _WORLD_M49
    if is_country(token):
        return None
    try:
        return area(token).code
    except UnknownArea:
        return None


def _ancestor_codes(token: str) -> tuple[str, ...]:
    """M49 codes above an area, nearest first."""
    if is_country(token):
        found = country(token)
        above = (found.subregion, found.region)
        return (*(a.code for a in above if a is not None), _WORLD_M49)
    code = _aggregate_code(token)
    if code is None or code == _WORLD_M49:
        return ()
    if area(code).level == "subregion":
        region = _region_of_subregion(code)
        return (region, _WORLD_M49) if region else (_WORLD_M49,)
    return (_WORLD_M49,)


def m49_hierarchy(areas: Iterable[str]) -> dict[str, str]:
    """Each area's nearest ancestor among ``areas`` (countries as ISO3; aggregates as M49 code,
    name, or ``"WLD"``), so a region adds up its countries when its sub-regions are absent."""
    present = list(dict.fromkeys(areas))
    tokens: dict[str, str] = {}
    for token in present:
        code = _aggregate_code(token)
        if code is not None:
            tokens.setdefault(code, token)
    parents: dict[str, str] = {}
    for token in present:
        nearest = next((tokens[c] for c in _ancestor_codes(token) if c in tokens), None)
        if nearest is not None and nearest != token:
            parents[token] = nearest
    return parents


def default_hierarchy(table: StatTable) -> dict[str, dict[str, str]]:
    """The M49 roll-up of the ``area`` dimension, if the table has one."""
    if "area" not in table.dimensions:
        return {}
    return {"area": m49_hierarchy(table.values("area"))}


def _parent_map(values: Sequence[str], parents: Mapping[str, str]) -> dict[str, str]:
    """Each value's nearest present parent: from ``parents``, else the ``"Total"`` category."""
    present = set(values)
    result: dict[str, str] = {}
    for value in values:
        if value == TOTAL:
            continue
        parent, seen = parents.get(value), {value}
        while parent is not None and parent not in present and parent not in seen:
            seen.add(parent)
            parent = parents.get(parent)
        if parent is not None and parent in present:
            result[value] = parent
        elif TOTAL in present:
            result[value] = TOTAL
    return result


def _groups(values: Sequence[str], parents: Mapping[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for child, parent in _parent_map(values, parents).items():
        groups[parent].append(child)
    return dict(groups)


def _relation(total: Cell, parts: Sequence[Cell]) -> Literal["eq", "ge"] | None:
    """How the true values relate: equal when they can be, ``ge`` when the total is larger."""
    low, high = sum(p.lower for p in parts), sum(p.upper for p in parts)
    if total.lower > high:
        return "ge"
    if total.upper < low:
        return None
    return "eq"


def _along(
    cells: Mapping[Key, Cell], index: int, parent: str, children: Sequence[str]
) -> Iterable[Constraint | None]:
    for key, cell in cells.items():
        if key[index] != parent:
            continue
        parts = [p for c in children if (p := (*key[:index], c, *key[index + 1 :])) in cells]
        if parts:
            kind = _relation(cell, [cells[p] for p in parts])
            yield Constraint(key, tuple(parts), kind) if kind else None


def _all_relations(table: StatTable, hierarchy: Hierarchy | None) -> list[Constraint | None]:
    hierarchy = default_hierarchy(table) if hierarchy is None else hierarchy
    cells = {c.key: c for c in table.cells if c.status != "missing"}
    found: list[Constraint | None] = []
    for index, dimension in enumerate(table.dimensions):
        groups = _groups(table.values(dimension), hierarchy.get(dimension, {}))
        for parent, children in groups.items():
            found.extend(_along(cells, index, parent, children))
    return found


def additive_constraints(table: StatTable, hierarchy: Hierarchy | None = None) -> list[Constraint]:
    """Every relation "total = sum of parts" the table shows, along each dimension.

    Args:
        table: cells with their true values (suppressed ones included).
        hierarchy: per dimension, each value's parent; ``None`` uses the M49 roll-up of
            ``area``. A ``"Total"`` value is the parent of every value without another one.
    """
    return [c for c in _all_relations(table, hierarchy) if c is not None]


# --- primary suppression ------------------------------------------------------------------


def is_sensitive(cell: Cell, threshold: int = 5, *, zeros_sensitive: bool = False) -> bool:
    """Whether the cell's value may be a count the threshold rule hides: ``0 < v < threshold``
    (or ``v == 0`` when zeros are sensitive), for any ``v`` in ``lower..upper``."""
    smallest = 0 if zeros_sensitive else 1
    return max(cell.lower, smallest) <= min(cell.upper, threshold - 1)


def suppress_primary(
    table: StatTable, threshold: int = 5, *, zeros_sensitive: bool = False
) -> StatTable:
    """The threshold rule alone: sensitive cells become ``suppressed_primary``. Not safe to
    publish by itself: totals give hidden cells away (``publish`` adds secondary suppression)."""
    cells = [
        c.with_status("suppressed_primary")
        if not c.suppressed
        and c.status != "missing"
        and is_sensitive(c, threshold, zeros_sensitive=zeros_sensitive)
        else c
        for c in table.cells
    ]
    return table.with_cells(cells)


# --- the attacker's audit -----------------------------------------------------------------


@dataclass
class _Row:
    """One relation over the unknown cells: ``coef . x == rhs`` or ``coef . x >= rhs``."""

    coef: dict[Key, float]
    rhs: float
    kind: Literal["eq", "ge"]


def _unknown(cell: Cell) -> bool:
    return cell.suppressed or not cell.exact


def _bounds(cell: Cell) -> tuple[float, float | None]:
    return (0.0, None) if cell.suppressed else (float(cell.lower), float(cell.upper))


def _row(constraint: Constraint, cells: Mapping[Key, Cell]) -> _Row | None:
    coef: dict[Key, float] = defaultdict(float)
    known = 0.0
    for key, sign in [(constraint.total, 1.0), *((p, -1.0) for p in constraint.parts)]:
        if _unknown(cells[key]):
            coef[key] += sign
        else:
            known += sign * cells[key].lower
    return _Row(dict(coef), -known, constraint.kind) if coef else None


def _components(rows: Sequence[_Row]) -> list[list[_Row]]:
    """Rows that share unknown cells, grouped, so each LP stays as small as it can."""
    root: dict[Key, Key] = {}

    def find(key: Key) -> Key:
        while root.setdefault(key, key) != key:
            root[key] = root[root[key]]
            key = root[key]
        return key

    for row in rows:
        first, *rest = row.coef
        for key in rest:
            root[find(key)] = find(first)
    grouped: dict[Key, list[_Row]] = defaultdict(list)
    for row in rows:
        grouped[find(next(iter(row.coef)))].append(row)
    return list(grouped.values())


def _matrix(rows: Sequence[_Row], index: Mapping[Key, int]) -> tuple[Any, Any]:
    data = [(v, i, index[k]) for i, r in enumerate(rows) for k, v in r.coef.items()]
    values, row_ids, col_ids = zip(*data, strict=True) if data else ((), (), ())
    matrix = csr_array((values, (row_ids, col_ids)), shape=(len(rows), len(index)))
    return matrix, np.array([r.rhs for r in rows], dtype=float)


@dataclass
class _Problem:
    """The LP of one component: its unknown cells (columns) and ``linprog``'s arguments."""

    keys: list[Key]
    arguments: dict[str, Any]


def _problem(rows: Sequence[_Row], cells: Mapping[Key, Cell]) -> _Problem:
    keys = list(dict.fromkeys(k for r in rows for k in r.coef))
    index = {k: i for i, k in enumerate(keys)}
    a_eq, b_eq = _matrix([r for r in rows if r.kind == "eq"], index)
    a_ge, b_ge = _matrix([r for r in rows if r.kind == "ge"], index)
    arguments = {
        "A_eq": a_eq if a_eq.shape[0] else None,
        "b_eq": b_eq if a_eq.shape[0] else None,
        "A_ub": -a_ge if a_ge.shape[0] else None,
        "b_ub": -b_ge if a_ge.shape[0] else None,
        "bounds": [_bounds(cells[k]) for k in keys],
        "method": "highs",
    }
    return _Problem(keys, arguments)


def _solve(problem: _Problem, key: Key, sense: Literal["min", "max"]) -> dict[Key, float] | None:
    """An optimal point for the cell's least or greatest value; ``None`` if unbounded."""
    objective = np.zeros(len(problem.keys))
    objective[problem.keys.index(key)] = 1.0 if sense == "min" else -1.0
    result = linprog(objective, **problem.arguments)
    if result.status == 3:  # unbounded: only a maximum can be
        return None
    if result.status != 0:
        raise RuntimeError(f"disclosure audit LP failed: {result.message}")
    return dict(zip(problem.keys, (float(x) for x in result.x), strict=True))


def _problems(cells: Mapping[Key, Cell], constraints: Iterable[Constraint]) -> list[_Problem]:
    rows = [r for c in constraints if (r := _row(c, cells)) is not None]
    return [_problem(component, cells) for component in _components(rows)]


def feasible_ranges(
    cells: Iterable[Cell], constraints: Iterable[Constraint]
) -> dict[Key, tuple[float, float]]:
    """For each suppressed cell, the least and greatest value it can take given the published
    cells (exact values, or ``lower..upper`` for intervals), the relations, and ``>= 0``.

    This is the attack ``publish`` defends against; the range is the LP relaxation's.
    """
    by_key = {c.key: c for c in cells}
    ranges = {k: (0.0, math.inf) for k, c in by_key.items() if c.suppressed}
    for problem in _problems(by_key, constraints):
        for key in (k for k in problem.keys if k in ranges):
            low, high = _solve(problem, key, "min"), _solve(problem, key, "max")
            assert low is not None  # bounded below by zero
            ranges[key] = (low[key], math.inf if high is None else high[key])
    return ranges


def _one_integer(low: float, high: float) -> bool:
    return math.isfinite(high) and math.floor(high + _EPS) <= math.ceil(low - _EPS)


def _exposed(cell: Cell, span: tuple[float, float], protection: int) -> bool:
    """Whether the attacker learns too much: the exact value, or (for a primary cell) a range
    that misses part of ``[max(0, x - p), x + p]``."""
    low, high = span
    if low > high or _one_integer(low, high):
        return True
    if cell.status != "suppressed_primary":
        return False
    return high < cell.upper + protection - _EPS or low > max(0, cell.lower - protection) + _EPS


def _agrees(point: Mapping[Key, float], cell: Cell) -> bool:
    """Whether a feasible point stays feasible once ``cell`` is published again."""
    value = point.get(cell.key)
    return value is None or cell.lower - _EPS <= value <= cell.upper + _EPS


class _Audit:
    """The attacker's LP over the cells as currently hidden, kept warm for the search.

    Every LP optimum found is kept as a witness: a point consistent with all that is published.
    A hidden cell passes when the witnesses (and its true value) already span its protection
    interval, so most checks solve nothing. Hiding a cell only widens what is feasible, so
    witnesses stay valid; showing one again drops the witnesses that disagree with its value.
    """

    def __init__(
        self, cells: dict[Key, Cell], constraints: Sequence[Constraint], protection: int
    ) -> None:
        self.cells, self.constraints, self.protection = cells, constraints, protection
        self.by_member = _by_member(constraints)
        self.points: list[dict[Key, float]] = []
        self._index: dict[Key, _Problem] | None = None

    def hide(self, key: Key) -> None:
        self.cells[key] = self.cells[key].with_status("suppressed_secondary")
        self._index = None

    def show(self, cell: Cell) -> list[dict[Key, float]]:
        """Publish ``cell`` again; returns the witnesses dropped, to restore on a revert."""
        self.cells[cell.key], self._index = cell, None
        dropped = [p for p in self.points if not _agrees(p, cell)]
        self.points = [p for p in self.points if _agrees(p, cell)]
        return dropped

    def problem(self, key: Key) -> _Problem | None:
        if self._index is None:
            problems = _problems(self.cells, self.constraints)
            self._index = {k: p for p in problems for k in p.keys}
        return self._index.get(key)

    def passes(self, key: Key) -> bool:
        """Whether the hidden cell ``key`` can be neither recovered nor narrowed too far."""
        cell, span = self.cells[key], self._span(key)
        for sense in ("max", "min"):
            if not _exposed(cell, span, self.protection):
                return True
            span = self._widened(key, span, sense)
        return not _exposed(cell, span, self.protection)

    def _span(self, key: Key) -> tuple[float, float]:
        values = [p[key] for p in self.points if key in p]
        if self.cells[key].exact:
            values.append(float(self.cells[key].lower))
        return (min(values), max(values)) if values else (math.inf, -math.inf)

    def _widened(
        self, key: Key, span: tuple[float, float], sense: Literal["min", "max"]
    ) -> tuple[float, float]:
        problem = self.problem(key)
        if problem is None:  # in no relation: anything from zero up
            return (0.0, math.inf)
        point = _solve(problem, key, sense)
        if point is None:
            return (span[0], math.inf)
        self.points.append(point)
        low, high = span
        return (min(low, point[key]), high) if sense == "min" else (low, max(high, point[key]))

    def linked(self, keys: Iterable[Key]) -> set[Key]:
        """The hidden cells sharing an LP with any of ``keys``."""
        problems = {id(p): p for k in keys if (p := self.problem(k)) is not None}
        return {k for p in problems.values() for k in p.keys if self.cells[k].suppressed}


# --- secondary suppression ----------------------------------------------------------------


def _cost(cell: Cell, protection: int) -> tuple[int, int, Key]:
    """Cheapest useful complement first: the smallest value that can mask ``protection``;
    then the rest, largest first (the most they can mask)."""
    big_enough = cell.lower >= max(protection, 1)
    return (0 if big_enough else 1, cell.lower if big_enough else -cell.lower, cell.key)


def _by_member(constraints: Sequence[Constraint]) -> dict[Key, list[Constraint]]:
    index: dict[Key, list[Constraint]] = defaultdict(list)
    for constraint in constraints:
        for key in constraint.keys:
            index[key].append(constraint)
    return index


def _neighbours(by_member: Mapping[Key, list[Constraint]], keys: Iterable[Key]) -> set[Key]:
    return {k for key in keys for c in by_member.get(key, ()) for k in c.keys}


def _close_singletons(audit: _Audit) -> set[Key]:
    """Hide a complement in every equality that holds exactly one hidden cell, to a fixpoint;
    returns the cells hidden."""
    hidden: set[Key] = set()
    changed = True
    while changed:
        changed = False
        for constraint in audit.constraints:
            members = [audit.cells[k] for k in constraint.keys]
            if constraint.kind != "eq" or sum(c.suppressed for c in members) != 1:
                continue
            visible = [c for c in members if not c.suppressed]
            if visible:
                choice = min(visible, key=lambda c: _cost(c, audit.protection)).key
                audit.hide(choice)
                hidden.add(choice)
                changed = True
    return hidden


def _nearest_visible(audit: _Audit, start: Key) -> list[Cell]:
    """Visible cells in ``start``'s relations, else in those of its hidden neighbours, etc.;
    cheapest first."""
    frontier, seen = {start}, {start}
    while frontier:
        near = _neighbours(audit.by_member, frontier) - seen
        visible = [audit.cells[k] for k in near if not audit.cells[k].suppressed]
        if visible:
            return sorted(visible, key=lambda c: _cost(c, audit.protection))
        seen |= near
        frontier = near
    return []


def _reinforce(audit: _Audit, start: Key) -> Key:
    """Hide the cheapest nearby cell that protects ``start``, else the cheapest nearby."""
    candidates = _nearest_visible(audit, start)
    if not candidates:
        raise RuntimeError(f"cell {start} cannot be protected by hiding more cells")
    for cell in candidates[:_TRIALS]:
        audit.hide(cell.key)
        if audit.passes(start):
            return cell.key
        audit.show(cell)
    audit.hide(candidates[0].key)
    return candidates[0].key


def _primary_first(audit: _Audit, keys: Iterable[Key]) -> list[Key]:
    return sorted(keys, key=lambda k: (audit.cells[k].status != "suppressed_primary", k))


def _first_failing(audit: _Audit, pending: set[Key]) -> Key | None:
    """The first pending cell that fails the audit; those that pass leave ``pending`` for good
    (hiding more cells can only widen their ranges)."""
    for key in _primary_first(audit, pending):
        if not audit.passes(key):
            return key
        pending.discard(key)
    return None


def _prune(audit: _Audit, original: Mapping[Key, Cell]) -> None:
    """Show again, largest first, each complement the audit proves is not needed."""
    secondary = [c for c in audit.cells.values() if c.status == "suppressed_secondary"]
    for cell in sorted(secondary, key=lambda c: (-c.lower, c.key)):
        hidden = {k for k in _neighbours(audit.by_member, [cell.key]) if audit.cells[k].suppressed}
        dropped = audit.show(original[cell.key])
        if not all(audit.passes(k) for k in audit.linked(hidden - {cell.key})):
            audit.hide(cell.key)
            audit.points.extend(dropped)


def suppress_secondary(
    table: StatTable, constraints: Sequence[Constraint], protection: int
) -> StatTable:
    """Hide complementary cells until every hidden cell passes the LP audit (see module doc),
    then show again those the audit proves unnecessary."""
    original = {c.key: c for c in table.cells}
    audit = _Audit(dict(original), constraints, protection)
    pending = {k for k, c in original.items() if c.suppressed}
    while True:
        pending |= _close_singletons(audit)
        failing = _first_failing(audit, pending)
        if failing is None:
            break
        pending.add(_reinforce(audit, failing))
    _prune(audit, original)
    return table.with_cells([audit.cells[c.key] for c in table.cells])


def _counts(table: StatTable) -> Counter[str]:
    return Counter(c.status for c in table.cells)


def publish(
    table: StatTable,
    *,
    threshold: int = 5,
    hierarchy: Hierarchy | None = None,
    zeros_sensitive: bool = False,
    protection: int | None = None,
) -> StatTable:
    """The table as it may be published: threshold rule, then secondary suppression.

    Args:
        table: true values, e.g. from ``tipis.stats.pipeline``.
        threshold: counts ``0 < v < threshold`` are hidden (GLOTIP: 5).
        hierarchy: per dimension, each value's parent; ``None``: the M49 roll-up of ``area``.
            ``"Total"`` categories are always treated as the sum of their dimension.
        zeros_sensitive: hide zeros too (when "none detected" is itself disclosive).
        protection: half-width ``p`` of the interval an attacker must not narrow a primary
            cell below, ``[max(0, x - p), x + p]``; defaults to ``threshold``.

    Example:
        >>> published = publish(table)  # doctest: +SKIP
        >>> published.metadata["disclosure"]["suppressed_secondary"]  # doctest: +SKIP
    """
    p = threshold if protection is None else protection
    relations = _all_relations(table, hierarchy)
    constraints = [c for c in relations if c is not None]
    primary = suppress_primary(table, threshold, zeros_sensitive=zeros_sensitive)
    result = suppress_secondary(primary, constraints, p)
    counts = _counts(result)
    rules = {
        "threshold": threshold,
        "zeros_sensitive": zeros_sensitive,
        "protection": p,
        "method": "threshold rule, then secondary cell suppression with an LP audit",
        "primary": f"threshold rule: cells with 0 < value < {threshold} hidden",
        "secondary": "singleton closure, then LP audit (scipy HiGHS) to a fixpoint",
        "suppressed": counts["suppressed_primary"] + counts["suppressed_secondary"],
        "suppressed_primary": counts["suppressed_primary"],
        "suppressed_secondary": counts["suppressed_secondary"],
        "constraints": len(constraints),
        "constraints_inconsistent": len(relations) - len(constraints),
    }
    return result.with_cells(result.cells, disclosure=_merged_rules(table, rules))


def _merged_rules(table: StatTable, rules: Mapping[str, Any]) -> dict[str, Any]:
    """Rules already applied (e.g. DP noise) stay recorded beside the new ones."""
    return dict(table.metadata.get("disclosure") or {}) | dict(rules)


# --- k-anonymity --------------------------------------------------------------------------


@dataclass(frozen=True)
class RareCombination:
    """Values of the checked attributes shared by fewer than k rows."""

    values: tuple[tuple[str, object], ...]
    count: int

    def as_dict(self) -> dict[str, object]:
        return dict(self.values)


@dataclass(frozen=True)
class KAnonymityReport:
    """Whether every combination of released values is shared by at least ``k`` rows."""

    k: int
    attributes: tuple[str, ...]
    rows: int
    combinations: int
    offending: tuple[RareCombination, ...] = field(default=())

    @property
    def rows_affected(self) -> int:
        """Rows that would have to be dropped or coarsened to release the extract."""
        return sum(c.count for c in self.offending)

    @property
    def satisfied(self) -> bool:
        return not self.offending

    def as_metadata(self) -> dict[str, Any]:
        return {
            "k": self.k,
            "attributes": list(self.attributes),
            "rows": self.rows,
            "rows_affected": self.rows_affected,
            "satisfied": self.satisfied,
        }


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return repr(value)
    return value


def k_anonymity(
    rows: Sequence[Mapping[str, object]], k: int = 11, attributes: Sequence[str] | None = None
) -> KAnonymityReport:
    """Check a record-level extract for k-anonymity.

    Args:
        rows: the records as they would be released.
        k: the smallest group allowed (CTDC: 11).
        attributes: the attributes combined; ``None`` means every attribute of every row
            together, CTDC's practice, since any released field may identify someone.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    names = tuple(attributes) if attributes is not None else _all_attributes(rows)
    counts = Counter(tuple(_hashable(row.get(n)) for n in names) for row in rows)
    rare = sorted(((c, v) for v, c in counts.items() if c < k), key=_smallest_first)
    offending = tuple(RareCombination(tuple(zip(names, v, strict=True)), c) for c, v in rare)
    return KAnonymityReport(k, names, len(rows), len(counts), offending)


def _all_attributes(rows: Sequence[Mapping[str, object]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for row in rows for name in row))


def _smallest_first(item: tuple[int, tuple[object, ...]]) -> tuple[int, str]:
    # repr: values of mixed types (None beside strings) cannot be compared directly.
    return item[0], repr(item[1])


# --- differential privacy -----------------------------------------------------------------


class PrivacyBudgetExceeded(RuntimeError):
    """A release would spend more ε on a dataset than its budget allows."""

    def __init__(self, dataset: str, total: float, spent: float, requested: float) -> None:
        super().__init__(
            f"privacy budget of dataset {dataset!r} exceeded: budget ε={total:g}, "
            f"already spent ε={spent:g}, requested ε={requested:g}"
        )
        self.dataset, self.total, self.spent, self.requested = dataset, total, spent, requested


class PrivacyBudget(Protocol):
    """The ε ledger per dataset; ε over all releases of one dataset adds up."""

    def spent(self, dataset: str) -> float: ...

    def total(self, dataset: str) -> float: ...

    def spend(self, dataset: str, epsilon: float, note: str) -> None:
        """Record a release; raise ``PrivacyBudgetExceeded`` rather than overspend."""


@dataclass
class InMemoryPrivacyBudget:
    """A ``PrivacyBudget`` in memory, for tests and one-off runs; datasets it has no total for
    have none (every release refused) unless ``default_total`` is given."""

    totals: dict[str, float] = field(default_factory=dict)
    default_total: float = 0.0
    ledger: list[tuple[str, float, str]] = field(default_factory=list)

    def spent(self, dataset: str) -> float:
        return sum(eps for name, eps, _ in self.ledger if name == dataset)

    def total(self, dataset: str) -> float:
        return self.totals.get(dataset, self.default_total)

    def spend(self, dataset: str, epsilon: float, note: str) -> None:
        _check_budget(self, dataset, epsilon)
        self.ledger.append((dataset, epsilon, note))


def _check_budget(budget: PrivacyBudget, dataset: str, epsilon: float) -> None:
    total, spent = budget.total(dataset), budget.spent(dataset)
    if spent + epsilon > total + 1e-12:
        raise PrivacyBudgetExceeded(dataset, total, spent, epsilon)


def _depth(value: str, parents: Mapping[str, str]) -> int:
    depth = 1
    while value in parents and depth <= len(parents):
        value, depth = parents[value], depth + 1
    return depth


def _contributions(table: StatTable, hierarchy: Hierarchy | None) -> int:
    """Cells one record is counted in: its own and one per total above it, per dimension."""
    hierarchy = default_hierarchy(table) if hierarchy is None else hierarchy
    product = 1
    for dimension in table.dimensions:
        values = table.values(dimension)
        parents = _parent_map(values, hierarchy.get(dimension, {}))
        product *= max((_depth(v, parents) for v in values), default=1)
    return product


def _laplace(scale: float) -> Any:
    # OpenDP gates its mechanisms behind the "contrib" feature flag: they are proven, but the
    # flag makes every caller opt in explicitly.
    dp.enable_features("contrib")
    space = dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int)
    return dp.m.make_laplace(*space, scale=scale)


def _noise_scale(contributions: int, epsilon: float) -> tuple[Any, float]:
    """The smallest Laplace scale OpenDP proves ε-DP for this sensitivity, with its mechanism."""
    dp.enable_features("contrib")
    scale = float(dp.binary_search_param(_laplace, d_in=contributions, d_out=epsilon))
    return _laplace(scale), scale


def dp_counts(
    table: StatTable,
    epsilon: float,
    budget: PrivacyBudget,
    *,
    dataset: str | None = None,
    hierarchy: Hierarchy | None = None,
    contributions: int | None = None,
) -> StatTable:
    """Counts with discrete Laplace (geometric) noise from OpenDP, ε charged to ``budget``.

    Every cell is noised independently at scale ``contributions / ε`` (L1 sensitivity: one
    record changes its own cell and each total above it by one); noisy counts below zero are
    published as zero (post-processing, no extra ε). OpenDP draws from the operating system's
    CSPRNG and cannot be seeded, on purpose. The ε is spent before any noise is drawn, so a
    failure can waste budget but never release unaccounted output.

    Args:
        table: exact counts (intervals cannot be noised: they are already published values).
        epsilon: privacy loss of this release; ε ≈ 0.5–1 gives noise of about ±3–6 per cell.
        budget: the ledger; ``PrivacyBudgetExceeded`` when ε would go over the dataset's total.
        dataset: the ledger's name for the source data; default ``metadata["dataset"]``.
        hierarchy: as for ``publish``; used to count the totals one record falls in.
        contributions: override that count (e.g. a person counted in several years).
    """
    name = dataset or table.metadata.get("dataset")
    if not name:
        raise ValueError("dp_counts needs the dataset the budget is kept for")
    if epsilon <= 0:
        raise ValueError(f"epsilon must be positive, not {epsilon}")
    live = [c for c in table.cells if c.status != "missing"]
    if inexact := [c.key for c in live if not c.exact]:
        raise ValueError(f"cells with interval values cannot be noised: {inexact[:5]}")
    sensitivity = contributions or _contributions(table, hierarchy)
    mechanism, scale = _noise_scale(sensitivity, epsilon)
    _check_budget(budget, str(name), epsilon)
    budget.spend(str(name), epsilon, f"dp_counts {table.indicator}: {len(live)} cells")
    noisy = iter(mechanism([c.lower for c in live]))
    cells = [c if c.status == "missing" else _noisy_cell(c, next(noisy)) for c in table.cells]
    rules = {
        "epsilon": epsilon,
        "dataset": str(name),
        "mechanism": "discrete Laplace noise (OpenDP make_laplace on integers)",
        "noise_scale": scale,
        "contributions": sensitivity,
    }
    return table.with_cells(cells, disclosure=_merged_rules(table, rules))


def _noisy_cell(cell: Cell, value: int) -> Cell:
    clamped = max(0, int(value))
    return Cell(cell.key, clamped, clamped, "exact")
