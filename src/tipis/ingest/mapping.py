"""Applying a profile to rows: raw cells in, a record as plain data (or problems) out.

Values are normalised as spreadsheets really hold them before they are judged (``normalise``);
local labels become codes through the profile's map, then the code lists' own labels in the
six UN languages; countries go through the resolver. Each problem names file, row, column,
value, the rule and a fix; personal values are withheld. Validation against the record models
happens afterwards (``validate``), with each model error traced back to its column.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, get_origin

from pydantic import ValidationError

from tipis.ingest.normalise import (
    clean_text,
    fold,
    to_bool,
    to_count,
    to_date,
    to_float,
    to_int,
)
from tipis.ingest.problems import Problem
from tipis.ingest.profile import FieldRule, Profile
from tipis.ingest.readers import SourceRow
from tipis.standard.aggregates import Observation
from tipis.standard.codes import UnknownCode, codelist
from tipis.standard.records import (
    Case,
    Perpetrator,
    Person,
    PersonalDetails,
    Victim,
    describe_errors,
)
from tipis.standard.resolver import resolve_country

WITHHELD = "[personal value withheld]"
#: A key "column" meaning the row's position: for files whose rows are independent records
#: without an identifier (e.g. CTDC's k-anonymised rows, which repeat on purpose).
ROW_KEY = "#row"
_STEP = re.compile(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?")
#: The last list index of a target path: ``services[0]`` in ``victims[0].services[0].type``.
_LAST_INDEX = re.compile(r"\[(\d+)\](?=[^\[]*$)")


@dataclass
class MappedRow:
    """One source row after mapping: a record (plain data) or the problems that stop it."""

    number: int
    values: dict[str, object]
    key: str
    fingerprint: str
    record: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


class RowMapper:
    """Maps the rows of one file with one profile.

    Args:
        profile: the mapping profile.
        file_name: how problems name the file.
        context: values every record gets (e.g. ``organisation_id``), set before the rules.
    """

    def __init__(self, profile: Profile, file_name: str, context: Mapping[str, Any]) -> None:
        self.profile = profile
        self.file_name = file_name
        self.context = dict(context)
        self._maps = {
            id(rule): {fold(str(k)): v for k, v in rule.map.items()} for rule in profile.fields
        }

    def map(self, row: SourceRow) -> MappedRow:
        values = {name: _clean(value) for name, value in row.values.items()}
        mapped = MappedRow(row.number, values, self._key(row, values), fingerprint(values))
        mapped.problems.extend(getattr(row, "problems", ()))
        record: dict[str, Any] = {}
        filled: set[str] = set()
        for path, value in self.context.items():
            assign(record, path, value)
        for rule in self.profile.fields:
            self._apply(rule, values, record, filled, mapped.problems, row.number)
        for path, value in self.profile.defaults.items():
            if lookup(record, path) is None:
                assign(record, path, value)
        mapped.record = prune_unfilled(record, filled)
        return mapped

    def _key(self, row: SourceRow, values: Mapping[str, object]) -> str:
        if not self.profile.key:
            return fingerprint(values)
        parts = [
            f"{row.number}.{row.item or 0}"
            if column == ROW_KEY
            else fold(str(values.get(column) or ""))
            for column in self.profile.key
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def _apply(
        self,
        rule: FieldRule,
        values: Mapping[str, object],
        record: dict[str, Any],
        filled: set[str],
        problems: list[Problem],
        row: int,
    ) -> None:
        raw = self._raw(rule, values)
        column = rule.column or (", ".join(rule.columns) if rule.columns else None)
        shown = None if raw is None else (WITHHELD if rule.is_personal else str(raw))
        try:
            result = self._convert(rule, raw)
        except ValueError as error:
            if rule.on_error == "flag":
                if not isinstance(error, NotAProblem):
                    flags = lookup(record, "flags") or []
                    assign(record, "flags", [*flags, f"{_field_name(rule.target)}: {error}"])
                if not isinstance(error, Implausible):
                    return
                # An implausible number is kept as published, flagged: a count cannot be left
                # empty (the observation needs one), and dropping it would hide the artefact.
                result = error.value
            else:
                fix = error.fix if isinstance(error, CellError) else _fix_for(rule)
                problems.append(Problem(self.file_name, row, column, shown, str(error), fix))
                return
        if result is _MISSING:
            if rule.required:
                problems.append(
                    Problem(
                        self.file_name,
                        row,
                        column,
                        None,
                        f"{rule.target} is required",
                        f"fill in '{column}' for this row",
                    )
                )
            return
        if rule.flag is not None:
            if result:
                existing = lookup(record, rule.target) or []
                if rule.flag not in existing:  # two flags may name one code
                    assign(record, rule.target, [*existing, rule.flag])
                filled.add(rule.target)
            return
        if rule.kind == "count":
            _assign_count(record, rule.target, result)
            targets = [rule.target]
        else:
            spread = _spread(rule.target, result)
            for target, value in spread:
                assign(record, target, value)
            targets = [target for target, _ in spread]
        if rule.value is None:
            filled.update(targets)

    def _raw(self, rule: FieldRule, values: Mapping[str, object]) -> object:
        if rule.value is not None:
            return rule.value
        if rule.template is not None:
            parts = {c: values.get(c) for c in rule.columns}
            if all(v is None for v in parts.values()):
                return rule.default
            return clean_text(rule.template.format(**{k: v or "" for k, v in parts.items()}))
        raw = values.get(rule.column or "")
        return rule.default if raw is None else raw

    def _convert(self, rule: FieldRule, raw: object) -> Any:
        if raw is None:
            return _MISSING
        if isinstance(raw, list) or (rule.split is not None and isinstance(raw, str)):
            parts = raw if isinstance(raw, list) else raw.split(rule.split or "")
            items = [_clean(part) for part in parts]
            converted = [self._one(rule, item) for item in items if item is not None]
            present = [c for c in converted if c is not _MISSING]
            return list(dict.fromkeys(present)) or _MISSING
        value = self._one(rule, raw)
        listed = _field_name(rule.target) in list_fields()
        if listed and rule.flag is None and value is not _MISSING:  # a flag is a yes or no
            return value if isinstance(value, list) else [value]
        return value

    def _one(self, rule: FieldRule, raw: object) -> Any:
        local = self._maps[id(rule)]
        if local and isinstance(raw, str | int | float):
            folded = fold(str(raw))
            if folded in local:
                raw = local[folded]
                if raw is None:
                    return _MISSING
        if rule.flag is not None:
            return to_bool(raw)
        value = _CONVERTERS[rule.kind](rule, raw)
        if rule.max is not None:
            _check_max(rule, value)
        return value


class CellError(ValueError):
    """A cell's value is wrong, and here is how to fix it."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(message)
        self.fix = fix


class Implausible(CellError):
    """A value that parsed but is larger than the rule's ``max``; it carries the value."""

    def __init__(self, message: str, fix: str, value: Any) -> None:
        super().__init__(message, fix)
        self.value = value


class NotAProblem(ValueError):
    """No value, for a reason the data itself gives (e.g. 'Nationals' is no single country)."""


class _Missing:
    """No value: an empty cell, or one the profile maps to nothing."""


_MISSING: Any = _Missing()


def _clean(value: object) -> object:
    return clean_text(value) if isinstance(value, str) else value


def _as_code(rule: FieldRule, raw: object) -> str:
    codes = codelist(rule.codelist or "")
    text = str(raw)
    if text in codes:
        return text
    found = codes.lookup(text)
    if found is not None:
        return found
    error = UnknownCode(codes.name, text, codes.suggest(text))
    raise CellError(str(error), _code_fix(rule, error.suggestions))


def _code_fix(rule: FieldRule, suggestions: tuple[str, ...]) -> str:
    hint = f"did you mean {' or '.join(suggestions)}? " if suggestions else ""
    return (
        f"{hint}add the local label to the profile's map for {rule.target}, or use a code "
        f"or label of the '{rule.codelist}' list (`tipis codes {rule.codelist}`)"
    )


def _as_country(rule: FieldRule, raw: object) -> str:
    found = resolve_country(str(raw))
    if found.iso3 is not None:
        return found.iso3
    if found.kind == "nationals":
        raise NotAProblem(f"'{raw}' means the reporting country's own nationals")
    candidates = f" (candidates: {', '.join(found.candidates)})" if found.candidates else ""
    raise CellError(
        found.reason or f"'{raw}' is not a country TIPIS recognises",
        f"write the country's name or ISO code{candidates}, or map this value in the profile",
    )


_CONVERTERS: dict[str, Callable[[FieldRule, object], Any]] = {
    "text": lambda rule, raw: str(raw),
    "int": lambda rule, raw: to_int(raw),
    "float": lambda rule, raw: to_float(raw),
    "date": lambda rule, raw: to_date(raw, rule.formats),
    "bool": lambda rule, raw: to_bool(raw),
    "code": _as_code,
    "country": _as_country,
    "count": lambda rule, raw: to_count(raw),
}


def _check_max(rule: FieldRule, value: Any) -> None:
    number = getattr(value, "upper", value)
    if isinstance(number, int | float) and number > (rule.max or 0):
        raise Implausible(
            f"{number:,} is implausibly large for {rule.target} (over {rule.max:,.0f})",
            "check the source: questionnaire artefacts and typing slips look like this",
            value,
        )


def _fix_for(rule: FieldRule) -> str:
    if rule.kind == "date":
        formats = ", ".join(rule.formats) or "YYYY-MM-DD"
        return f"write the date as {formats}"
    if rule.kind in ("int", "float", "count"):
        return "write a number (e.g. 12, or <5 for a suppressed count)"
    if rule.kind == "bool":
        return "write yes/no, 1/0 or true/false"
    return f"correct the value for {rule.target}"


def _assign_count(record: dict[str, Any], target: str, count: Any) -> None:
    prefix = target.rsplit(".", 1)[0] + "." if "." in target else ""
    assign(record, f"{prefix}value_lower", count.lower)
    assign(record, f"{prefix}value_upper", count.upper)
    assign(record, f"{prefix}status", count.status)


def _spread(target: str, result: Any) -> list[tuple[str, Any]]:
    """Where values go: a multi-value cell mapped to a field of list items (e.g.
    ``victims[0].services[0].type``) gives one item per value, from that index on."""
    if not isinstance(result, list) or _field_name(target) in list_fields():
        return [(target, result)]
    found = _LAST_INDEX.search(target)
    if found is None:
        return [(target, result)]
    start, head, tail = int(found[1]), target[: found.start()], target[found.end() :]
    return [(f"{head}[{start + i}]{tail}", value) for i, value in enumerate(result)]


def _field_name(target: str) -> str:
    return _steps(target)[-1][0]


@cache
def list_fields() -> frozenset[str]:
    """Names of record fields that hold lists (a single cell mapped there becomes a list)."""
    models = (Case, Victim, Person, PersonalDetails, Perpetrator, Observation)
    return frozenset(
        name
        for model in models
        for name, info in model.model_fields.items()
        if get_origin(info.annotation) is list
    )


def fingerprint(values: Mapping[str, object]) -> str:
    """A digest of a row's content: the same row, the same fingerprint, in any format.

    Cells are compared as text, so a year a workbook holds as the number 2010 and a CSV file
    as "2010" is one value: the same table saved as XLSX or CSV is the same content.
    """
    plain = {k: v if isinstance(v, list | dict) else clean_text(v) for k, v in values.items()}
    text = json.dumps(plain, sort_keys=True, default=_jsonable, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _jsonable(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _steps(path: str) -> list[tuple[str, int | None]]:
    return [
        (m.group(1), None if m.group(2) is None else int(m.group(2))) for m in _STEP.finditer(path)
    ]


def assign(record: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at ``path`` (``a.b[2].c``), creating dicts and lists on the way."""
    node: Any = record
    steps = _steps(path)
    for i, (name, index) in enumerate(steps):
        last = i == len(steps) - 1
        if index is None:
            if last:
                node[name] = value
                return
            node = node.setdefault(name, {})
            continue
        items = node.setdefault(name, [])
        while len(items) <= index:
            items.append({})
        if last:
            items[index] = value
            return
        node = items[index]


def lookup(record: Mapping[str, Any], path: str) -> Any:
    node: Any = record
    for name, index in _steps(path):
        if not isinstance(node, Mapping) or name not in node:
            return None
        node = node[name]
        if index is not None:
            if not isinstance(node, list) or index >= len(node):
                return None
            node = node[index]
    return node


def prune_unfilled(record: dict[str, Any], filled: set[str]) -> dict[str, Any]:
    """Drop list items no column filled (e.g. a transit leg whose country cell is empty)."""

    def walk(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, f"{path}.{k}" if path else k) for k, v in node.items()}
        if isinstance(node, list):
            kept = []
            for i, item in enumerate(node):
                here = f"{path}[{i}]"
                if isinstance(item, dict) and not any(f.startswith(here) for f in filled):
                    continue
                kept.append(walk(item, here))
            return kept
        return node

    result: dict[str, Any] = walk(record, "")
    return result


def validate(profile: Profile, mapped: MappedRow, file_name: str) -> Case | Observation | None:
    """The record as a model, or ``None`` with the model's problems added to ``mapped``."""
    model: type[Case] | type[Observation] = Case if profile.produces == "cases" else Observation
    try:
        return model.model_validate(mapped.record)
    except ValidationError as error:
        columns = _columns_by_target(profile)
        for item in describe_errors(error):
            column = _column_for(item["field"], columns)
            personal = ".personal" in item["field"] or column in profile.personal_columns
            value = WITHHELD if personal else item["value"]
            mapped.problems.append(
                Problem(
                    file_name,
                    mapped.number,
                    column,
                    value,
                    f"{item['field']}: {item['problem']}",
                    "correct the cell, or the profile rule that fills this field",
                )
            )
        return None


def _columns_by_target(profile: Profile) -> dict[str, str]:
    return {
        _dotted(r.target): ", ".join(r.source_columns) for r in profile.fields if r.source_columns
    }


def _dotted(target: str) -> str:
    return re.sub(r"\[(\d+)\]", r".\1", target)


def _column_for(field_path: str, columns: Mapping[str, str]) -> str | None:
    """The column of the longest profile target that the model's error path lies under."""
    best = None
    for target, column in columns.items():
        if (field_path == target or field_path.startswith(target + ".")) and (
            best is None or len(target) > len(best[0])
        ):
            best = (target, column)
    return best[1] if best else None
