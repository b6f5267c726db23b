"""tipis.standard.resolver: free-text country strings to ISO3, with reasons when it cannot."""

from __future__ import annotations

import csv
import time
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.shared import GLOTIP_CSV, shared_file
from tipis.standard import geography
from tipis.standard.geography import LANGUAGES, UnknownCountry
from tipis.standard.resolver import (
    NON_COUNTRY_KINDS,
    PLACEHOLDER_KINDS,
    CountryResolver,
    Resolution,
    resolve_country,
)

# Codes that are also words people write for something else: documented round-trip exceptions.
CODE_EXCEPTIONS = {"NA"}  # Namibia's alpha-2 code, far more often "not available"


# (a) tricky inputs that must resolve, and how.
@pytest.mark.parametrize(
    ("text", "iso3", "method"),
    [
        ("USA", "USA", "iso3"),
        ("usa", "USA", "iso3"),
        ("U.S.A.", "USA", "name"),
        ("gb", "GBR", "iso2"),
        ("UK", "GBR", "name"),
        ("R.Dominicana", "DOM", "alias"),
        ("Rep. Dominicana", "DOM", "alias"),
        ("DRC", "COD", "alias"),
        ("Dem. Rep. of the Congo", "COD", "name"),
        ("Congo", "COG", "name"),  # the UN M49 short name of the Republic of the Congo
        ("Rep. of Korea", "KOR", "name"),
        ("Corea del Sur", "KOR", "alias"),
        ("Rusia", "RUS", "alias"),
        ("Brasil", "BRA", "name"),
        ("Gana", "GHA", "alias"),
        ("Sudafrica", "ZAF", "name"),
        ("Marruecos", "MAR", "name"),
        ("Allemagne", "DEU", "name"),
        ("Alemania", "DEU", "name"),
        ("Германия", "DEU", "name"),
        ("德国", "DEU", "name"),
        ("ألمانيا", "DEU", "name"),
        ("Romanian", "ROU", "demonym"),
        ("97 albanian", "ALB", "demonym"),
        ("nigériane", "NGA", "demonym"),
        ("3 maliens", "MLI", "demonym"),
        ("rumana", "ROU", "demonym"),
        ("китаец", "CHN", "demonym"),
        ("Guatemaltecos", "GTM", "demonym"),
        ("M\ufffdXICO", "MEX", "repaired"),
        ("MÃ©xico", "MEX", "repaired"),
        ("C\ufffdte d\ufffdIvoire", "CIV", "repaired"),
        ("TÃ¼rkiye", "TUR", "repaired"),
        ("mexico", "MEX", "name"),
        ("  viet-nam!! ", "VNM", "name"),
        ("BARSIL", "BRA", "fuzzy"),
        ("Kazakhistan", "KAZ", "fuzzy"),
        ("Dominican Rebublic", "DOM", "fuzzy"),
        ("Guinea", "GIN", "name"),
        ("Guinea Conakry", "GIN", "alias"),
        ("Niger", "NER", "name"),
        ("Nigerian", "NGA", "demonym"),
        ("Netherlands (own country)", "NLD", "name"),
        ("Myanmar Nation", "MMR", "name"),
        ("China, Taiwan Province of China", "TWN", "alias"),
        ("China, Hong Kong SAR", "HKG", "alias"),
        ("The former Yugoslav Republic of Macedonia", "MKD", "alias"),
        ("B & H", "BIH", "alias"),
    ],
)
def test_tricky_inputs(text: str, iso3: str, method: str) -> None:
    found = resolve_country(text)
    assert (found.iso3, found.method) == (iso3, method), found
    assert found.resolved and found.reason is None and found.kind is None
    assert found.text == text


# (b) what must not resolve: placeholders, non-countries and ambiguity, each with a reason.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "placeholder"),
        ("   ", "placeholder"),
        ("00", "placeholder"),
        ("ZZ", "placeholder"),
        ("0", "placeholder"),
        ("unknown", "placeholder"),
        ("Desconocido", "placeholder"),
        ("inconnu", "placeholder"),
        ("OTROS", "placeholder"),
        ("other", "placeholder"),
        ("(specify the country)", "placeholder"),
        ("(especifique otras nacionalidades)", "placeholder"),
        ("N/A", "placeholder"),
        ("Nationals", "nationals"),
        ("own country", "nationals"),
        ("Stateless", "stateless"),
        ("Other Europe", "region"),
        ("Central America", "region"),
        ("Africa", "region"),
        ("EU-28 others", "region"),
        ("Former Yugoslavia", "former"),
        ("Kosovo under UNSCR 1244", "no_iso_code"),
    ],
)
def test_non_countries_are_unresolved_with_a_reason(text: str, kind: str) -> None:
    found = resolve_country(text)
    assert found.iso3 is None and found.method is None and not found.resolved
    assert found.kind == kind
    assert found.reason is not None and found.reason.startswith(repr(text))


def test_placeholder_reasons_say_so() -> None:
    assert "unknown or unspecified" in str(resolve_country("Unknown").reason)
    assert "specify" in str(resolve_country("(specify the country)").reason)
    assert "names a region" in str(resolve_country("Other Europe").reason)
    assert "reporting country" in str(resolve_country("Nationals").reason)


@pytest.mark.parametrize(
    ("text", "kind", "candidates"),
    [
        ("Korea", "ambiguous", ("KOR", "PRK")),
        ("Congolese", "ambiguous", ("COD", "COG")),
        ("Dominican", "ambiguous", ("DMA", "DOM")),
        ("Virgin Islands", "ambiguous", ("VGB", "VIR")),
        ("guine", "ambiguous", ("GIN", "GNB", "GNQ")),
        ("Austr", "ambiguous", ("AUS", "AUT")),
        ("NA", "ambiguous", ("NAM",)),
        ("Sudan/South Sudan", "several", ("SDN", "SSD")),
        ("3 nigériens et 1 tunisien", "several", ("NER", "TUN")),
        ("Former Czechoslovakia", "former", ("CZE", "SVK")),
        ("Rohingya", "stateless", ("MMR",)),
        ("PERO", "unmatched", ("PER",)),  # "pero" is a word; four letters are too few to correct
        ("Lagos", "unmatched", ("LAO",)),  # a city, not a misspelt Laos
    ],
)
def test_ambiguous_inputs_give_candidates(
    text: str, kind: str, candidates: tuple[str, ...]
) -> None:
    found = resolve_country(text)
    assert (found.iso3, found.kind, found.candidates) == (None, kind, candidates)
    assert found.reason is not None


def test_ambiguity_reason_names_both_countries() -> None:
    assert resolve_country("Korea").reason == (
        "'Korea' could mean KOR (Republic of Korea) or PRK (Democratic People's Republic of Korea)"
    )


@pytest.mark.parametrize("text", ["xyz", "Narnia", "Paris", "London", "Texas", "Tijuana"])
def test_places_that_are_not_countries_do_not_resolve(text: str) -> None:
    found = resolve_country(text)
    assert found.iso3 is None and found.kind == "unmatched" and found.reason


def test_extra_aliases_win_and_are_checked() -> None:
    resolver = CountryResolver({"Kosovo": "SRB", "Congolese": "COD"})
    assert resolver.resolve("Kosovo").iso3 == "SRB"
    assert resolver.resolve("congolese").iso3 == "COD"
    assert resolve_country("Congolese").iso3 is None  # the default resolver is untouched
    with pytest.raises(UnknownCountry):
        CountryResolver({"Kosovo": "XKX"})


def test_results_are_cached_and_fast() -> None:
    texts = [f"{n} {name}" for n in range(40) for name in ("Romanian", "M\ufffdXICO", "Gana")]
    texts += [c.name(lang) for c in geography.countries() for lang in LANGUAGES]
    resolver = CountryResolver()
    started = time.perf_counter()
    results = [resolver.resolve(t) for t in texts * 5]
    assert time.perf_counter() - started < 5  # about 0.1 s; generous for slow CI machines
    assert len(results) == len(texts) * 5
    assert resolver.resolve("Gana") is resolver.resolve("Gana")


# (c) the real test: the raw citizenship strings of UNODC GLOTIP.

GLOTIP_SCORE = {"resolved": 358, "placeholder": 17, "non-country": 25, "unresolved": 3}
GLOTIP_SAMPLE = {  # hand-checked
    "Abania": "ALB",
    "Alemana": "DEU",
    "Armenie": "ARM",
    "BELICE\ufffdA": "BLZ",
    "BIELORRUSIA": "BLR",
    "Benin Rep": "BEN",
    "Bhuatnese": "BTN",
    "Bosnia Erzegovina": "BIH",
    "Columbia": "COL",
    "Congo": "COG",
    "Costa d'Avorio": "CIV",
    "CÃ´te d'Ivoire": "CIV",
    "Erithera": "ERI",
    "Filippine": "PHL",
    "HONDURE\ufffdA": "HND",
    "Hodruanian": "HND",
    "KIRGUIZSTÁN": "KGZ",
    "Keniano": "KEN",
    "Lao People's Dem. Republic": "LAO",
    "Libanon": "LBN",
    "Lybia": "LBY",
    "MORROCAN": "MAR",
    "Madagascarian": "MDG",
    "Monte Negro": "MNE",
    "Niger Rep": "NER",
    "République de Moldavie": "MDA",
    "Rep\ufffdblica Dominicana": "DOM",
    "SALVADORE\ufffdA": "SLV",
    "Swaziland": "SWZ",
    "The Ukraine": "UKR",
    "Venezolana": "VEN",
    "francais": "FRA",
    "luxembourgeois": "LUX",
    "pays-bas": "NLD",
    "Kosovo": None,
    "Nationals": None,
    "Caribbean (Trinidad and Tobago, Barbados, etc)": None,
}


def glotip_strings() -> list[str]:
    with shared_file(GLOTIP_CSV).open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle)
        return sorted({r["Category"] for r in rows if r["Dimension"] == "by citizenship"})


def score_group(found: Resolution) -> str:
    if found.resolved:
        return "resolved"
    if found.kind in PLACEHOLDER_KINDS:
        return "placeholder"
    return "non-country" if found.kind in NON_COUNTRY_KINDS else "unresolved"


@pytest.mark.shared_data
def test_glotip_citizenship_strings_score() -> None:
    strings = glotip_strings()
    assert len(strings) == 403
    results = [CountryResolver().resolve(text) for text in strings]
    score = dict.fromkeys(GLOTIP_SCORE, 0)
    for found in results:
        score[score_group(found)] += 1
        assert found.resolved == (found.reason is None), found
        if found.resolved:
            assert geography.is_country(str(found.iso3))
    assert score == GLOTIP_SCORE
    unresolved = {f.text for f in results if score_group(f) == "unresolved"}
    assert unresolved == {"3 nigériens et 1 tunisien", "Congolese", "PERO"}


@pytest.mark.shared_data
def test_glotip_hand_checked_sample() -> None:
    strings = set(glotip_strings())
    for text, iso3 in GLOTIP_SAMPLE.items():
        assert text in strings, text
        assert resolve_country(text).iso3 == iso3, (text, resolve_country(text))


# (d) properties.


@given(st.text())
@settings(max_examples=500, deadline=None)
def test_resolve_never_raises(text: str) -> None:
    found = resolve_country(text)
    assert found.text == text
    assert found.resolved == (found.iso3 is not None)
    assert (found.reason is None) == found.resolved
    if found.resolved:
        assert geography.is_country(str(found.iso3)) and found.method is not None
    else:
        assert found.method is None and found.kind is not None


@given(st.text(alphabet=st.sampled_from("aeiourstnlmkgxyz\ufffdÃ©¼ .-'"), max_size=30))
@settings(max_examples=300, deadline=None)
def test_resolve_never_raises_on_damaged_text(text: str) -> None:
    found = resolve_country(text)
    assert found.resolved == (found.iso3 is not None)


def test_every_country_name_in_every_language_resolves_back() -> None:
    wrong = [
        (item.iso3, lang, item.name(lang), resolve_country(item.name(lang)))
        for item in geography.countries()
        for lang in LANGUAGES
        if resolve_country(item.name(lang)).iso3 != item.iso3
    ]
    assert wrong == []


def test_every_country_code_resolves_back() -> None:
    for item in geography.countries():
        assert resolve_country(item.iso3).iso3 == item.iso3
        assert resolve_country(item.iso3.lower()).iso3 == item.iso3
        if item.iso2 not in CODE_EXCEPTIONS:
            assert resolve_country(item.iso2).iso3 == item.iso3


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_VARIANTS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "no accents": _strip_accents,
    "padded": lambda text: f"  {text}. ",
    "hyphens": lambda text: text.replace(" ", "-"),
    "mojibake": lambda text: text.encode("utf-8").decode("latin-1"),
}


@given(
    item=st.sampled_from(geography.countries()),
    lang=st.sampled_from(LANGUAGES),
    variant=st.sampled_from(sorted(_VARIANTS)),
)
@settings(max_examples=400, deadline=None)
def test_names_survive_case_punctuation_accents_and_mojibake(
    item: geography.Country, lang: str, variant: str
) -> None:
    text = _VARIANTS[variant](item.name(lang))
    assert resolve_country(text).iso3 == item.iso3, (text, resolve_country(text))
