"""tipis.standard.geography: countries, UN M49 regions and sub-regions, GLOTIP flow types."""

from __future__ import annotations

import csv

import pytest

from tests.shared import M49_CSV, shared_file
from tipis.standard import geography
from tipis.standard.geography import LANGUAGES, UnknownArea, UnknownCountry

GLOTIP_REGIONS = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
GLOTIP_SUBREGIONS = {
    "Northern Africa",
    "Sub-Saharan Africa",
    "Latin America and the Caribbean",
    "Northern America",
    "Central Asia",
    "Eastern Asia",
    "South-eastern Asia",
    "Southern Asia",
    "Western Asia",
    "Eastern Europe",
    "Northern Europe",
    "Southern Europe",
    "Western Europe",
    "Australia and New Zealand",
    "Melanesia",
    "Micronesia",
    "Polynesia",
}


def m49_rows() -> list[dict[str, str]]:
    with shared_file(M49_CSV).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_iso_country_is_listed_once_and_sorted() -> None:
    countries = geography.countries()
    assert len(countries) == 249
    codes = [c.iso3 for c in countries]
    assert codes == sorted(set(codes))
    assert len({c.iso2 for c in countries}) == 249
    assert len({c.m49 for c in countries}) == 249
    assert geography.countries() is countries  # cached


def test_country_fields() -> None:
    romania = geography.country("ROU")
    assert (romania.iso3, romania.iso2, romania.m49) == ("ROU", "RO", "642")
    assert romania.region == geography.area("Europe")
    assert romania.subregion == geography.area("Eastern Europe")
    assert romania.latitude is not None and 43 < romania.latitude < 49
    assert romania.longitude is not None and 20 < romania.longitude < 30
    assert geography.country("afg").m49 == "004"


def test_every_country_has_a_name_in_each_un_language() -> None:
    for item in geography.countries():
        assert set(item.names) == set(LANGUAGES), item.iso3
        assert all(item.name(lang).strip() for lang in LANGUAGES), item.iso3


@pytest.mark.parametrize(
    ("iso3", "lang", "name"),
    [
        ("DEU", "en", "Germany"),
        ("DEU", "fr", "Allemagne"),
        ("DEU", "es", "Alemania"),
        ("DEU", "ru", "Германия"),
        ("DEU", "zh", "德国"),
        ("DEU", "ar", "ألمانيا"),
        ("COG", "en", "Congo"),
        ("TWN", "en", "Taiwan Province of China"),
    ],
)
def test_names(iso3: str, lang: str, name: str) -> None:
    assert geography.country(iso3).name(lang) == name


def test_name_in_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language 'de'"):
        geography.country("DEU").name("de")


def test_lookups_by_code() -> None:
    assert geography.from_iso2("gb").iso3 == "GBR"
    assert geography.is_country("usa") and geography.is_country("USA")
    assert not geography.is_country("XKX")
    assert not geography.is_country("")


@pytest.mark.parametrize("bad", ["XKX", "", "ZZZ", "US"])
def test_unknown_country_is_a_value_error_naming_the_value(bad: str) -> None:
    with pytest.raises(UnknownCountry, match=repr(bad)) as caught:
        geography.country(bad)
    assert isinstance(caught.value, ValueError)


def test_unknown_iso2_is_refused() -> None:
    with pytest.raises(UnknownCountry, match="'ZZ'"):
        geography.from_iso2("ZZ")


def test_regions_are_the_five_glotip_regions() -> None:
    regions = geography.regions()
    assert [r.name() for r in regions] == GLOTIP_REGIONS
    assert [r.code for r in regions] == ["002", "019", "142", "150", "009"]
    assert all(r.level == "region" for r in regions)


def test_subregions_are_the_seventeen_glotip_subregions() -> None:
    subregions = geography.subregions()
    assert len(subregions) == 17
    assert {s.name() for s in subregions} == GLOTIP_SUBREGIONS
    assert all(s.level == "subregion" for s in subregions)
    assert geography.area("Sub-Saharan Africa").code == "202"


def test_area_names_in_the_six_languages() -> None:
    ssa = geography.area("202")
    assert ssa.name("fr") == "Afrique subsaharienne"
    assert ssa.name("es") == "África subsahariana"
    assert ssa.name("ru") == "Африка к югу от Сахары"
    assert ssa.name("zh") == "撒哈拉以南非洲"
    assert ssa.name("ar") == "أفريقيا جنوب الصحراء الكبرى"
    for item in (*geography.regions(), *geography.subregions()):
        assert set(item.names) == set(LANGUAGES)
        assert len(set(item.names.values())) >= 2, item.name()  # translated, not copied


@pytest.mark.parametrize("key", ["2", "002", "Africa", "africa", "  AFRICA ", "Afrique"])
def test_area_by_code_or_name(key: str) -> None:
    assert geography.area(key) == geography.area("002")


def test_world() -> None:
    world = geography.area("001")
    assert world.level == "world"
    assert geography.countries_in(world) == geography.countries()


@pytest.mark.parametrize("bad", ["999", "Middle Africa", "Caribbean", "Atlantis", ""])
def test_intermediate_regions_and_unknown_areas_are_refused(bad: str) -> None:
    with pytest.raises(UnknownArea, match=repr(bad)):
        geography.area(bad)


def test_countries_in_regions_and_subregions_partition_the_world() -> None:
    in_regions = [c for r in geography.regions() for c in geography.countries_in(r)]
    in_subregions = [c for s in geography.subregions() for c in geography.countries_in(s)]
    assert sorted(c.iso3 for c in in_regions) == sorted(c.iso3 for c in in_subregions)
    assert {c.iso3 for c in geography.countries()} - {c.iso3 for c in in_regions} == {"ATA"}
    for sub in geography.subregions():
        regions_of = {c.region for c in geography.countries_in(sub)}
        assert len(regions_of) == 1, sub.name()


def test_antarctica_has_no_region() -> None:
    antarctica = geography.country("ATA")
    assert antarctica.region is None and antarctica.subregion is None


@pytest.mark.parametrize(
    ("origin", "destination", "expected"),
    [
        ("ROU", "ROU", "domestic"),
        ("ROU", "UKR", "subregional"),
        ("ROU", "ITA", "regional"),
        ("NGA", "ITA", "transregional"),
        ("MEX", "USA", "regional"),  # Latin America and Northern America: both in the Americas
        ("MEX", "GTM", "subregional"),
        ("CAN", "USA", "subregional"),
        ("THA", "MYS", "subregional"),
        ("CHN", "THA", "regional"),
        ("ATA", "ARG", "transregional"),
        ("ATA", "ATA", "domestic"),
        ("rou", "ita", "regional"),
    ],
)
def test_flow_type(origin: str, destination: str, expected: str) -> None:
    assert geography.flow_type(origin, destination) == expected


def test_flow_type_refuses_unknown_countries() -> None:
    with pytest.raises(UnknownCountry):
        geography.flow_type("ROU", "XKX")


@pytest.mark.shared_data
def test_regions_and_subregions_match_unsd_m49() -> None:
    rows = [r for r in m49_rows() if r["ISO-alpha3 Code"]]
    regions = {(r["Region Code"], r["Region Name"]) for r in rows if r["Region Code"]}
    subregions = {(r["Sub-region Code"], r["Sub-region Name"]) for r in rows if r["Region Code"]}
    assert {(str(int(a.code)), a.name()) for a in geography.regions()} == regions
    assert {(str(int(a.code)), a.name()) for a in geography.subregions()} == subregions


@pytest.mark.shared_data
def test_every_country_sits_where_unsd_m49_puts_it() -> None:
    rows = {r["ISO-alpha3 Code"]: r for r in m49_rows() if r["ISO-alpha3 Code"]}
    ours = {c.iso3: c for c in geography.countries()}
    assert set(ours) - set(rows) == {"TWN"}  # M49 does not list Taiwan Province of China
    for iso3, row in rows.items():
        item = ours[iso3]
        assert int(item.m49) == int(row["M49 Code"]), iso3
        assert (item.region.code if item.region else "") == _padded(row["Region Code"]), iso3
        subregion = item.subregion.code if item.subregion else ""
        assert subregion == _padded(row["Sub-region Code"]), iso3


def _padded(code: str) -> str:
    return code.zfill(3) if code else ""
