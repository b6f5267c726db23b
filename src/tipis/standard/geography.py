"""Countries and UN M49 areas: the geography every TIPIS record and statistic refers to.

Owns the list of countries and areas (ISO 3166-1, all 249), their names in the six UN languages,
and the UN M49 regions and sub-regions that UNODC GLOTIP reports by (5 regions, 17 sub-regions;
never the intermediate regions), plus the GLOTIP rule that classifies a trafficking flow as
domestic, sub-regional, regional or transregional.

Everything is read from data bundled with the installed packages (the country table of
``hdx-python-country``, loaded with ``use_live=False``, and ``m49_areas.csv`` beside this module);
nothing here reaches the network.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from hdx.location.country import Country as _HdxCountry

__all__ = [
    "LANGUAGES",
    "Area",
    "AreaLevel",
    "Country",
    "FlowType",
    "UnknownArea",
    "UnknownCountry",
    "area",
    "countries",
    "countries_in",
    "country",
    "flow_type",
    "from_iso2",
    "is_country",
    "regions",
    "subregions",
]

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

AreaLevel = Literal["world", "region", "subregion"]
FlowType = Literal["domestic", "subregional", "regional", "transregional"]

_HDX_LANGUAGE = {
    "ar": "Arabic",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
    "zh": "Chinese",
}

# The hdx table has no UN M49 names for Taiwan (M49 does not list it separately); these are the
# names UN documents use, so that every country has a name in each of the six languages.
_NAME_GAPS: dict[str, dict[str, str]] = {
    "TWN": {
        "ar": "تايوان، مقاطعة الصين",
        "en": "Taiwan Province of China",
        "es": "Taiwán (provincia de China)",
        "fr": "Taïwan (province de Chine)",
        "ru": "Тайвань, провинция Китая",
        "zh": "中国台湾省",
    },
}


class UnknownCountry(ValueError):
    """A code that names no ISO 3166-1 country or area."""

    def __init__(self, value: object) -> None:
        super().__init__(f"unknown country code: {value!r}")
        self.value = value


class UnknownArea(ValueError):
    """A code or name that names none of the UN M49 world, regions or sub-regions used here."""

    def __init__(self, value: object) -> None:
        super().__init__(f"unknown M49 area: {value!r}")
        self.value = value


def _name_in(names: Mapping[str, str], lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: expected one of {', '.join(LANGUAGES)}")
    return names[lang]


@dataclass(frozen=True)
class Area:
    """The world, a UN M49 region or a UN M49 sub-region."""

    code: str
    level: AreaLevel
    names: Mapping[str, str] = field(compare=False, repr=False)

    def name(self, lang: str = "en") -> str:
        """The UN M49 name in one of ``LANGUAGES``."""
        return _name_in(self.names, lang)


@dataclass(frozen=True)
class Country:
    """An ISO 3166-1 country or area, placed in its UN M49 region and sub-region."""

    iso3: str
    iso2: str
    m49: str
    names: Mapping[str, str] = field(compare=False, repr=False)
    region: Area | None = field(compare=False)
    subregion: Area | None = field(compare=False)
    latitude: float | None = field(compare=False, repr=False)
    longitude: float | None = field(compare=False, repr=False)

    def name(self, lang: str = "en") -> str:
        """The UN M49 name in one of ``LANGUAGES``."""
        return _name_in(self.names, lang)


def _m49(code: object) -> str:
    return str(int(str(code))).zfill(3)


@cache
def _areas() -> tuple[Area, ...]:
    text = resources.files(__package__).joinpath("m49_areas.csv").read_text(encoding="utf-8")
    areas = []
    for row in csv.DictReader(text.splitlines()):
        level: AreaLevel
        if row["level"] == "world":
            level = "world"
        elif row["level"] == "region":
            level = "region"
        else:
            level = "subregion"
        names = MappingProxyType({lang: row[lang] for lang in LANGUAGES})
        areas.append(Area(code=row["code"], level=level, names=names))
    return tuple(areas)


@cache
def _areas_by_key() -> dict[str, Area]:
    by_key: dict[str, Area] = {}
    for item in _areas():
        by_key[item.code] = item
        for text in item.names.values():
            by_key[text.casefold()] = item
    return by_key


def _area_or_none(code: object) -> Area | None:
    if code is None or code == "":
        return None
    return _areas_by_key().get(_m49(code))


def _float_or_none(value: object) -> float | None:
    if value is None or value == "":
        return None
    return float(str(value))


def _country_names(iso3: str, row: Mapping[str, Any]) -> Mapping[str, str]:
    gaps = _NAME_GAPS.get(iso3, {})
    names = {}
    for lang in LANGUAGES:
        text = row.get(f"M49 {_HDX_LANGUAGE[lang]}") or gaps.get(lang)
        names[lang] = str(text or row["Preferred Term"])
    return MappingProxyType(names)


def _country_from_row(row: Mapping[str, Any]) -> Country:
    iso3 = str(row["ISO 3166-1 Alpha 3-Codes"])
    return Country(
        iso3=iso3,
        iso2=str(row["ISO 3166-1 Alpha 2-Codes"]),
        m49=_m49(row["m49 numerical code"]),
        names=_country_names(iso3, row),
        region=_area_or_none(row.get("Region Code")),
        subregion=_area_or_none(row.get("Sub-region Code")),
        latitude=_float_or_none(row.get("Latitude")),
        longitude=_float_or_none(row.get("Longitude")),
    )


@cache
def countries() -> tuple[Country, ...]:
    """Every ISO 3166-1 country and area (249), sorted by ISO alpha-3 code."""
    table = _HdxCountry.countriesdata(use_live=False)["countries"]
    return tuple(sorted((_country_from_row(row) for row in table.values()), key=_iso3_of))


def _iso3_of(item: Country) -> str:
    return item.iso3


@cache
def _by_iso3() -> dict[str, Country]:
    return {item.iso3: item for item in countries()}


@cache
def _by_iso2() -> dict[str, Country]:
    return {item.iso2: item for item in countries()}


def country(iso3: str) -> Country:
    """The country with this ISO alpha-3 code (any case); ``UnknownCountry`` if there is none."""
    found = _by_iso3().get(iso3.upper()) if isinstance(iso3, str) else None
    if found is None:
        raise UnknownCountry(iso3)
    return found


def is_country(iso3: str) -> bool:
    """Whether this is the ISO alpha-3 code (any case) of a country or area."""
    return isinstance(iso3, str) and iso3.upper() in _by_iso3()


def from_iso2(iso2: str) -> Country:
    """The country with this ISO alpha-2 code (any case); ``UnknownCountry`` if there is none."""
    found = _by_iso2().get(iso2.upper()) if isinstance(iso2, str) else None
    if found is None:
        raise UnknownCountry(iso2)
    return found


def regions() -> tuple[Area, ...]:
    """The 5 UN M49 regions GLOTIP reports by: Africa, Americas, Asia, Europe, Oceania."""
    return tuple(sorted((a for a in _areas() if a.level == "region"), key=_english_name))


def subregions() -> tuple[Area, ...]:
    """The 17 UN M49 sub-regions GLOTIP reports by (no intermediate regions), by region."""
    return tuple(a for a in _areas() if a.level == "subregion")


def _english_name(item: Area) -> str:
    return item.name("en")


def area(code_or_name: str) -> Area:
    """The world, a region or a sub-region, by M49 code ("2", "002") or name (any case)."""
    key = code_or_name.strip().casefold() if isinstance(code_or_name, str) else ""
    if key.isdigit():
        key = _m49(key)
    found = _areas_by_key().get(key)
    if found is None:
        raise UnknownArea(code_or_name)
    return found


def countries_in(where: Area) -> tuple[Country, ...]:
    """The countries and areas in the world, a region or a sub-region, sorted by ISO3 code."""
    if where.level == "world":
        return countries()
    if where.level == "region":
        return tuple(c for c in countries() if c.region == where)
    return tuple(c for c in countries() if c.subregion == where)


def flow_type(origin_iso3: str, destination_iso3: str) -> FlowType:
    """GLOTIP's flow classes: same country, same sub-region, same region, or across regions.

    Antarctica has no M49 region or sub-region, so a flow between it and any other country is
    transregional.
    """
    origin, destination = country(origin_iso3), country(destination_iso3)
    if origin == destination:
        return "domestic"
    if origin.subregion is not None and origin.subregion == destination.subregion:
        return "subregional"
    if origin.region is not None and origin.region == destination.region:
        return "regional"
    return "transregional"
