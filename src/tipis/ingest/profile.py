"""Mapping profiles: how one source layout maps onto the standard, declared in YAML.

A data manager writes a profile without Python: which file layout it reads, which column goes
to which field, how local labels (in any language) become standard codes, date formats,
defaults, derived fields and multi-value columns. One row becomes one record (a case with its
victim, route legs and services, or an aggregate observation). The built-in profiles live in
``profiles/*.yaml`` and are documented in ``docs/import-profiles.md``.

Example::

    name: policia_es
    produces: cases
    read: {format: csv, delimiter: ";"}
    organisation: {name: Policía Nacional, type: LawEnforcement, country: ESP}
    key: ["Nº Atestado"]
    fields:
      - {target: reference, column: "Nº Atestado", required: true}
      - {target: opened_on, column: Fecha, type: date, formats: ["%d/%m/%Y"]}
      - {target: "victims[0].person.gender", column: Sexo, codelist: gender,
         map: {H: Masculine, M: Feminine}}
      - {target: "victims[0].exploitation_forms", column: "Tipo de explotación",
         codelist: exploitation_form, split: ","}
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tipis.ingest.problems import FileProblem, Problem
from tipis.ingest.readers import ReadOptions

FieldType = Literal["text", "int", "float", "date", "bool", "code", "country", "count"]

#: A target path: dotted names with list indices, e.g. ``victims[0].route[1].country``.
_TARGET = re.compile(r"^[a-z_][a-z0-9_]*(\[\d+\])?(\.[a-z_][a-z0-9_]*(\[\d+\])?)*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldRule(Strict):
    """How one target field gets its value from a row."""

    target: str = Field(description="Where the value goes, e.g. victims[0].person.gender")
    column: str | None = Field(default=None, description="The source column")
    columns: list[str] = Field(default_factory=list, description="Several columns, for template")
    template: str | None = Field(
        default=None, description="Derived text from columns, e.g. '{Ciudad}, {Provincia}'"
    )
    value: Any = Field(default=None, description="A constant instead of a column")
    default: Any = Field(default=None, description="Used when the column is empty")
    type: FieldType | None = Field(default=None, description="Implied by codelist/country")
    codelist: str | None = Field(default=None, description="Standard code list of the value")
    map: dict[str, Any] = Field(
        default_factory=dict,
        description="Local value -> standard value; matched ignoring case, accents and "
        "spacing; null means 'missing'",
    )
    formats: list[str] = Field(default_factory=list, description="strptime formats for dates")
    split: str | None = Field(default=None, description="Separator of a multi-value column")
    flag: str | None = Field(
        default=None, description="Add this code to the target list when the cell is true"
    )
    required: bool = False
    max: float | None = Field(default=None, description="Larger numbers are implausible")
    on_error: Literal["problem", "flag"] = Field(
        default="problem",
        description="problem: the row cannot load as it is; flag: keep the row and record why "
        "in the record's flags (observations) - an unreadable value leaves the field empty, an "
        "implausibly large number is kept as published",
    )
    personal: bool | None = Field(
        default=None, description="Withhold values in messages (default: targets in .personal)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if not _TARGET.match(self.target):
            raise ValueError(f"target {self.target!r} is not a field path like victims[0].age")
        sources = [self.column is not None, bool(self.columns), self.value is not None]
        if sum(sources) != 1:
            raise ValueError(
                f"field {self.target}: give exactly one of column, columns (with template) or value"
            )
        if self.columns and not self.template:
            raise ValueError(f"field {self.target}: columns need a template")
        if self.flag is not None and self.codelist is None:
            raise ValueError(f"field {self.target}: a flag needs the codelist it belongs to")
        return self

    @property
    def kind(self) -> FieldType:
        if self.type is not None:
            return self.type
        return "code" if self.codelist else "text"

    @property
    def is_personal(self) -> bool:
        return self.personal if self.personal is not None else ".personal." in self.target

    @property
    def source_columns(self) -> list[str]:
        return [self.column] if self.column is not None else list(self.columns)


class OrganisationRef(Strict):
    """The organisation whose records a source holds; registered on first import."""

    name: str
    type: str
    country: str
    city: str | None = None


class Profile(Strict):
    """A mapping profile. See the module docstring for an example."""

    name: str = Field(pattern=r"^[a-z0-9_\-]+$")
    title: str = ""
    description: str = ""
    produces: Literal["cases", "observations"] = "cases"
    read: ReadOptions = Field(default_factory=ReadOptions)
    organisation: OrganisationRef | None = None
    key: list[str] = Field(
        default_factory=list,
        description="Columns identifying a record in this source; a changed row with the same "
        "key updates its record. Without a key, each distinct row is its own record (identical "
        "rows are one). '#row' means the row's position: rows are records even when identical.",
    )
    fields: list[FieldRule]
    defaults: dict[str, Any] = Field(
        default_factory=dict, description="Target -> value for fields no rule sets"
    )

    @model_validator(mode="after")
    def _organisation_for_cases(self) -> Self:
        if self.produces == "cases" and self.organisation is None:
            raise ValueError("a profile that produces cases names the organisation recording them")
        return self

    @property
    def personal_columns(self) -> set[str]:
        """Columns whose values are withheld from every message."""
        return {c for rule in self.fields if rule.is_personal for c in rule.source_columns}

    @property
    def columns(self) -> set[str]:
        return {c for rule in self.fields for c in rule.source_columns} | (set(self.key) - {"#row"})


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a profile from a YAML file path."""
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml"):
        return parse_profile(path.read_text(encoding="utf-8"), str(path))
    builtin = builtin_profiles()
    if name_or_path not in builtin:
        raise FileProblem(
            Problem(
                name_or_path,
                None,
                None,
                None,
                "no such profile",
                f"use one of {', '.join(sorted(builtin))}, or the path of a .yaml profile",
            )
        )
    return builtin[name_or_path]


def parse_profile(text: str, origin: str) -> Profile:
    """Read a profile from YAML text; ``origin`` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FileProblem(
            Problem(
                origin,
                None,
                None,
                None,
                f"not valid YAML ({error})",
                "check indentation and quotes around values with ':' or '#'",
            )
        ) from None
    try:
        return Profile.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FileProblem(
            Problem(
                origin,
                None,
                where or None,
                None,
                first["msg"],
                "see docs/import-profiles.md for the profile format",
            )
        ) from None


@cache
def builtin_profiles() -> dict[str, Profile]:
    """The profiles shipped with TIPIS, by name."""
    folder = resources.files("tipis.ingest") / "profiles"
    profiles = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            profile = parse_profile(entry.read_text(encoding="utf-8"), entry.name)
            profiles[profile.name] = profile
    return profiles


def dump_profile(profile: Profile) -> str:
    """A profile as YAML, for people to read and edit."""
    data = profile.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
