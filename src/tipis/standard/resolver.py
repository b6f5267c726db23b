"""Turn the country strings people really type into ISO 3166-1 alpha-3 codes.

Owns the matching of free text to a country: ISO codes; names in the six UN languages (the UN M49
names and short names bundled with ``hdx-python-country``, the ISO names of ``pycountry``) and
curated aliases and demonyms (``country_aliases.csv``); text damaged by wrong encodings (mojibake
is re-decoded, U+FFFD matches any one letter); and a cautious fuzzy match for typos. It also owns
the vocabulary of strings that are *not* countries (placeholders such as "Unknown" or
"(specify the country)", "Nationals", "Stateless", regions, former states), so that each answer
says why it resolved or, when it did not, why not and which countries were in play.

A :class:`Resolution` never guesses between countries: when two countries fit equally well the
answer is unresolved, with the candidates and a plain-language reason. Nothing reaches the network.
"""

from __future__ import annotations

import bisect
import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import pycountry
from hdx.location.country import Country as _HdxCountry

from tipis.standard import geography

__all__ = [
    "NON_COUNTRY_KINDS",
    "PLACEHOLDER_KINDS",
    "CountryResolver",
    "Method",
    "Resolution",
    "UnresolvedKind",
    "resolve_country",
]

Method = Literal["iso3", "iso2", "name", "alias", "demonym", "fuzzy", "repaired"]
UnresolvedKind = Literal[
    "placeholder",  # unknown, other, "(specify the country)", empty, "0", "N/A", "TOTAL"
    "nationals",  # citizens of the reporting country itself
    "stateless",  # no citizenship at all
    "region",  # a region or a group of countries
    "former",  # a state that no longer exists (Yugoslavia, USSR, ...)
    "no_iso_code",  # a territory without an ISO 3166-1 code (Kosovo)
    "several",  # names more than one country
    "ambiguous",  # could mean more than one country
    "unmatched",  # matches nothing confidently
]

PLACEHOLDER_KINDS: frozenset[str] = frozenset({"placeholder"})
NON_COUNTRY_KINDS: frozenset[str] = frozenset(
    {"nationals", "stateless", "region", "former", "no_iso_code"}
)


@dataclass(frozen=True)
class Resolution:
    """What one text resolved to, or why it did not."""

    text: str
    iso3: str | None
    method: Method | None
    candidates: tuple[str, ...] = ()
    reason: str | None = None
    kind: UnresolvedKind | None = None

    @property
    def resolved(self) -> bool:
        """Whether the text named exactly one country."""
        return self.iso3 is not None


# --- vocabulary of strings that are not countries ---------------------------------------------


@dataclass(frozen=True)
class _NonCountry:
    kind: UnresolvedKind
    why: str  # completes "'<text>' ..."
    candidates: tuple[str, ...] = ()


_UNKNOWN = _NonCountry(
    "placeholder", "is a placeholder meaning the country is unknown or unspecified, not a country"
)
_OTHER = _NonCountry("placeholder", "is a catch-all placeholder ('other'), not a country")
_ARTEFACT = _NonCountry("placeholder", "is a questionnaire label or total, not a country")
_FOREIGN = _NonCountry(
    "placeholder", "is a placeholder meaning 'foreign', without saying which country"
)
_NATIONALS = _NonCountry(
    "nationals", "means citizens of the reporting country itself, not a named country"
)
_STATELESS = _NonCountry("stateless", "means without any citizenship, so it names no country")
_REGION = _NonCountry("region", "names a region or group of countries, not a country")
_KOSOVO = _NonCountry(
    "no_iso_code",
    "names Kosovo, which has no ISO 3166-1 code (XKX is user-assigned, outside the standard)",
)
_ROHINGYA = _NonCountry(
    "stateless",
    "names an ethnic group (Rohingya, mostly stateless people from Myanmar), not a citizenship",
    ("MMR",),
)

_USSR = ("ARM", "AZE", "BLR", "EST", "GEO", "KAZ", "KGZ", "LTU", "LVA", "MDA", "RUS", "TJK")
_USSR_ALL = (*_USSR, "TKM", "UKR", "UZB")
_YUGOSLAVIA = ("BIH", "HRV", "MKD", "MNE", "SRB", "SVN")


def _terms(listing: str) -> tuple[str, ...]:
    return tuple(term.strip() for term in listing.split("|") if term.strip())


_NON_COUNTRY_TERMS: tuple[tuple[_NonCountry, tuple[str, ...]], ...] = (
    (
        _UNKNOWN,
        _terms(
            """unknown | unk | not known | desconocido | desconocida | desconocidos | inconnu |
            inconnue | inconnus | sconosciuto | unbekannt | неизвестно | неизвестен | 未知 | 不明 |
            غير معروف | n a | n d | s d | s i | none | nil | null | no data | no information |
            no info | not stated | not specified | unspecified | undetermined | undefined |
            not applicable | sin informacion | sin dato | sin datos | no determinado |
            no determinada | sin determinar | indeterminado | no registra | no especificado |
            no especificada | no aplica | non specifie | non precise | indetermine | sans objet |
            disputed"""
        ),
    ),
    (
        _OTHER,
        _terms(
            """other | others | other countries | other country | other nationalities | otro |
            otros | otra | otras | otros paises | otras nacionalidades | autre | autres |
            autres pays | autres nationalites | altro | altri | другие | другое | прочие | 其他 |
            أخرى | various | varios | divers | mixed | multiple"""
        ),
    ),
    (
        _ARTEFACT,
        _terms(
            """total | totals | all | todos | nationality | nationalities | nacionalidad |
            nationalite | citizenship | country | pais | pays | country of citizenship"""
        ),
    ),
    (
        _FOREIGN,
        _terms(
            """foreign | foreigner | foreigners | foreign nationals | foreign citizens |
            non nationals | extranjero | extranjera | extranjeros | etranger | etrangers |
            etrangere | personnes de nationalite etrangere | abroad"""
        ),
    ),
    (
        _NATIONALS,
        _terms(
            """nationals | national | own nationals | own country | own citizens | citizens |
            nationaux | ressortissants nationaux | nacionales | ciudadanos |
            ciudadanos de su pais | ciudadanos del pais | citizens of the country |
            citizens of your country | domestic | locals | same country"""
        ),
    ),
    (
        _STATELESS,
        _terms(
            """stateless | stateless persons | without | without nationality |
            without citizenship | no nationality | apatride | apatrides | apatrida | apatridas |
            sin nacionalidad | sans nationalite | без гражданства | лицо без гражданства | 无国籍 |
            عديم الجنسية"""
        ),
    ),
    (_ROHINGYA, _terms("rohingya | rohingyas")),
    (_KOSOVO, _terms("kosovo | kosova | kosove")),
    (
        _REGION,
        _terms(
            """america | americas | latin america | north america | south america |
            central america | central africa | west africa | east africa | north africa |
            southern africa | middle east | near east | medio oriente | oriente medio |
            moyen orient | eu | eu 28 | eu 27 | eu 15 | european union | union europea |
            union europeenne | eea | european economic area | schengen | balkans |
            western balkans | cis | commonwealth of independent states | asia pacific |
            southeast asia | south east asia | south asia | east asia | gulf | gulf states | gcc |
            maghreb | sahel | scandinavia | nordic countries | baltic states | baltics | caribe |
            caraibes | amerique latine | america latina | europa del este | europe de l est"""
        ),
    ),
)

_FORMER_STATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Yugoslavia", _YUGOSLAVIA, ("yugoslavia", "yougoslavie", "yugoslavia sfr", "sfry", "sfrj")),
    ("Serbia and Montenegro", ("MNE", "SRB"), ("serbia and montenegro", "serbia y montenegro")),
    ("Czechoslovakia", ("CZE", "SVK"), ("czechoslovakia", "checoslovaquia", "tchecoslovaquie")),
    ("the USSR", _USSR_ALL, ("ussr", "soviet union", "urss", "union sovietica", "ссср")),
    (
        "the Netherlands Antilles",
        ("BES", "CUW", "SXM"),
        ("netherlands antilles", "antillas neerlandesas", "antilles neerlandaises"),
    ),
)

# Words that may surround a country name without changing which country it is.
_NOISE = frozenset(
    _terms(
        """the | of | and | et | y | e | rep | republic | republica | republique | nation |
        nations | national | nationals | nationality | citizen | citizens | citizenship | state |
        kingdom | own | country | under | unsc | unscr | res | resolution | former | ex | de |
        la | le | el | du | des | del | da | region | arab | islamic | federal |
        plurinational | bolivarian"""
    )
)
_ABBREVIATIONS = {
    "dem": "democratic",
    "rep": "republic",
    "repub": "republic",
    "st": "saint",
    "ste": "sainte",
    "fed": "federated",
    "utd": "united",
    "isl": "islands",
    "isls": "islands",
}
_CODECS = ("cp1252", "latin-1")
_SPECIFY = re.compile(r"specif|especifi|precis(?:ez|er)|indiquer|indique[sz]?\b")
# A UTF-8 lead byte then a continuation byte, as Latin-1 or cp1252 shows them: "Ã©", "Ð¾", "â€™".
_CONTINUATION = "".join(
    sorted(
        {bytes([byte]).decode(codec, "ignore") for byte in range(0x80, 0xC0) for codec in _CODECS}
    )
)
_MOJIBAKE = re.compile(f"[\u00c2-\u00f4][{re.escape(_CONTINUATION)}]")
_WILDCARD = "\ufffd"
_PLACEHOLDER_CODES = frozenset({"ZZ", "XX", "ZZZ", "XXX", "UNK", "XXA"})

# Tiers: the lower, the stronger the evidence. Codes are checked before the name index.
_TIER_EXTRA, _TIER_NAME, _TIER_VOCAB, _TIER_ALIAS, _TIER_DEMONYM, _TIER_REGION = 0, 1, 2, 3, 4, 5
_TIER_METHOD: dict[int, Method] = {
    _TIER_EXTRA: "alias",
    _TIER_NAME: "name",
    _TIER_ALIAS: "alias",
    _TIER_DEMONYM: "demonym",
}
_FUZZY_CUTOFF = 0.7  # difflib similarity a key needs before typos are counted
_MAX_TYPOS = 3  # typos are counted up to this many
_CACHE_LIMIT = 100_000


# --- text normalisation ------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case, accent-free words of letters, joined by single spaces (U+FFFD is kept).

    Common abbreviations are spelt out ("Dem. Rep." -> "democratic republic", "St" -> "saint").
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for char in decomposed.casefold():
        if char == _WILDCARD or char.isalpha():
            kept.append(char)
        elif not unicodedata.combining(char):
            kept.append(" ")
    return " ".join(_ABBREVIATIONS.get(word, word) for word in "".join(kept).split())


def _compact(folded: str) -> str:
    return folded.replace(" ", "")


def _repair(text: str) -> str | None:
    """The text re-decoded as UTF-8 when it looks like UTF-8 that was read as Latin-1/cp1252."""
    if not _MOJIBAKE.search(text):
        return None
    for codec in _CODECS:
        try:
            repaired = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if repaired != text:
            return repaired
    return None


# --- the index ----------------------------------------------------------------------------------

_Index = dict[str, dict[str, int]]  # compact key -> {target: tier}; a target is an ISO3 or "~n"


def _add(index: _Index, text: str, target: str, tier: int) -> None:
    key = _compact(_fold(text))
    if not key:
        return
    targets = index.setdefault(key, {})
    targets[target] = min(tier, targets.get(target, tier))


def _hdx_names() -> Iterator[tuple[str, str]]:
    for name, iso3 in _HdxCountry.countriesdata(use_live=False)["countrynames2iso3"].items():
        yield str(name), str(iso3)


def _pycountry_names() -> Iterator[tuple[str, str]]:
    for entry in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(entry, attribute, None)
            if value:
                yield str(value), str(entry.alpha_3)


def _primary_names() -> Iterator[tuple[str, str]]:
    for item in geography.countries():
        for name in item.names.values():
            yield name, item.iso3
    yield from _hdx_names()
    yield from _pycountry_names()


def _derived_names(name: str) -> Iterator[str]:
    """Shorter forms of an official name: without "(...)", and "X, Y" as "Y X" and "X"."""
    base = re.sub(r"\s*[(（][^)）]*[)）]\s*", " ", name).strip()
    if base != name:
        yield base
    head, comma, tail = base.partition(",")
    if comma and tail.strip():
        yield f"{tail.strip()} {head.strip()}"
        yield head.strip()
    if base.casefold().startswith("the "):
        yield base[4:]


def _inflections(folded: str, lang: str) -> set[str]:
    """A demonym's plural and feminine forms, by the rules of its language."""
    head, _, last = folded.rpartition(" ")
    forms = {last}
    if lang in ("en", "xx"):
        forms.add(last + "s")
    elif lang == "es":
        forms |= _spanish_forms(last)
    elif lang == "fr":
        forms |= _french_forms(last)
    return {f"{head} {form}".strip() for form in forms}


def _spanish_forms(word: str) -> set[str]:
    if word.endswith("o"):
        return {word[:-1] + "a", word + "s", word[:-1] + "as"}
    if word.endswith(("a", "e")):
        return {word + "s"}
    if word.endswith(("i", "u")):
        return {word + "es", word + "s"}
    return {word + "a", word + "as", word + "es"}


def _french_forms(word: str) -> set[str]:
    if word.endswith("e"):
        return {word + "s"}
    if word.endswith("en"):
        return {word + "s", word + "ne", word + "nes"}
    if word.endswith("s"):
        return {word + "e", word + "es"}
    return {word + "s", word + "e", word + "es"}


def _curated_rows() -> Iterator[dict[str, str]]:
    source = resources.files(__package__).joinpath("country_aliases.csv")
    lines = [ln for ln in source.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    yield from csv.DictReader(lines)


def _add_curated(index: _Index) -> None:
    for row in _curated_rows():
        iso3, kind, lang = row["iso3"], row["kind"], row["lang"]
        geography.country(iso3)  # a typo in the table fails loudly
        for text in row["texts"].split("|"):
            if kind == "alias":
                _add(index, text, iso3, _TIER_ALIAS)
                continue
            for form in _inflections(_fold(text), lang):
                _add(index, form, iso3, _TIER_DEMONYM)


def _non_country_targets() -> dict[str, _NonCountry]:
    """Index targets for what is not a country: "~0", "~1", ... and "~former0", ..."""
    targets = {f"~{n}": entry for n, (entry, _) in enumerate(_NON_COUNTRY_TERMS)}
    for n, (label, successors, _) in enumerate(_FORMER_STATES):
        why = f"names {label}, a former state whose territory is now several countries"
        targets[f"~former{n}"] = _NonCountry("former", why, successors)
    return targets


_NON_COUNTRY = _non_country_targets()
_REGION_TARGET = next(target for target, entry in _NON_COUNTRY.items() if entry is _REGION)
_OTHER_TARGET = next(target for target, entry in _NON_COUNTRY.items() if entry is _OTHER)


def _add_vocabulary(index: _Index) -> None:
    for n, (entry, terms) in enumerate(_NON_COUNTRY_TERMS):
        tier = _TIER_REGION if entry is _REGION else _TIER_VOCAB
        for term in terms:
            _add(index, term, f"~{n}", tier)
    for n, (_, _, terms) in enumerate(_FORMER_STATES):
        for term in terms:
            _add(index, term, f"~former{n}", _TIER_VOCAB)
    for name in _area_names():
        _add(index, name, _REGION_TARGET, _TIER_REGION)


def _area_names() -> Iterator[str]:
    for item in (*geography.regions(), *geography.subregions()):
        yield from item.names.values()
    yield from _HdxCountry.countriesdata(use_live=False)["regioncodes2names"].values()


@cache
def _base_index() -> _Index:
    index: _Index = {}
    for name, iso3 in _primary_names():
        _add(index, name, iso3, _TIER_NAME)
        for derived in _derived_names(name):
            _add(index, derived, iso3, _TIER_ALIAS)
    _add_curated(index)
    _add_vocabulary(index)
    return index


# --- matching -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    tier: int
    targets: tuple[str, ...]  # sorted: countries first, then non-country targets


def _best(targets: Mapping[str, int]) -> _Hit:
    tier = min(targets.values())
    return _Hit(tier, tuple(sorted(t for t, v in targets.items() if v == tier)))


def _describe(iso3s: Iterable[str], conjunction: str = "or") -> str:
    parts = [f"{iso3} ({geography.country(iso3).name()})" for iso3 in iso3s]
    if len(parts) < 2:
        return "".join(parts)
    return ", ".join(parts[:-1]) + f" {conjunction} " + parts[-1]


def _countries_of(targets: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for t in targets if not t.startswith("~")))


def _non_country_result(text: str, target: str, named: tuple[str, ...] = ()) -> Resolution:
    """Unresolved because the text names something that is not a country."""
    entry = _NON_COUNTRY[target]
    candidates = tuple(dict.fromkeys((*named, *entry.candidates)))
    return _unresolved(text, entry.kind, entry.why, candidates)


class CountryResolver:
    """Resolves free-text country strings to ISO3 codes, with reasons when it cannot."""

    def __init__(self, extra_aliases: Mapping[str, str] | None = None) -> None:
        """``extra_aliases`` maps more texts to ISO3 codes; they win over every built-in name."""
        index = _base_index()
        if extra_aliases:
            index = {key: dict(targets) for key, targets in index.items()}
            for text, iso3 in extra_aliases.items():
                _add(index, text, geography.country(iso3).iso3, _TIER_EXTRA)
        self._index = index
        self._keys = sorted(index)
        self._by_start: dict[tuple[str, int], list[str]] = {}
        for key in self._keys:
            self._by_start.setdefault((key[0], len(key)), []).append(key)
        self._cache: dict[str, Resolution] = {}

    def resolve(self, text: str) -> Resolution:
        """Resolve one text; never raises for any string."""
        cached = self._cache.get(text)
        if cached is None:
            cached = self._resolve(text if isinstance(text, str) else str(text))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[text] = cached
        return cached

    # The steps, strongest evidence first.

    def _resolve(self, text: str) -> Resolution:
        code = self._by_code(text)
        if code is not None:
            return code
        repaired = _repair(text)
        folded = _fold(repaired if repaired is not None else text)
        found = self._by_text(text, folded)
        if repaired is not None and found.resolved:
            return Resolution(text, found.iso3, "repaired")
        return found

    def _by_text(self, text: str, folded: str) -> Resolution:
        if not folded:
            why = "is empty or has no letters: a placeholder, not a country"
            return _unresolved(text, "placeholder", why)
        if _SPECIFY.search(folded):
            why = "is a questionnaire placeholder asking to specify a country, not a country"
            return _unresolved(text, "placeholder", why)
        key = _compact(folded)
        fallback: Resolution | None = None
        for step in (self._exact, self._wildcard, self._words, self._prefix, self._fuzzy):
            found = step(text, key, folded)
            if found is None:
                continue
            if found.kind != "unmatched":
                return found
            fallback = fallback or found  # keep looking: a later step may do better
        if fallback is not None:
            return fallback
        return _unresolved(text, "unmatched", "matches no country name, code, alias or demonym")

    def _by_code(self, text: str) -> Resolution | None:
        code = text.strip().upper()
        if not (2 <= len(code) <= 3 and code.isascii() and (code.isalpha() or code == "00")):
            return None
        if code in _PLACEHOLDER_CODES or code == "00":
            why = "is a code for an unknown or unspecified country, not a country"
            return _unresolved(text, "placeholder", why)
        if code == "NA":
            why = "is Namibia's ISO alpha-2 code but is far more often written for 'not available'"
            return _unresolved(text, "ambiguous", why, ("NAM",))
        if len(code) == 3 and geography.is_country(code):
            return Resolution(text, code, "iso3")
        if len(code) == 2:
            try:
                return Resolution(text, geography.from_iso2(code).iso3, "iso2")
            except geography.UnknownCountry:
                return None
        return None

    def _exact(self, text: str, key: str, folded: str) -> Resolution | None:
        targets = self._index.get(key)
        return None if targets is None else self._decide(text, _best(targets), None)

    def _wildcard(self, text: str, key: str, folded: str) -> Resolution | None:
        if _WILDCARD not in key:
            return None
        parts = (re.escape(part) for part in key.split(_WILDCARD))
        pattern = re.compile(".?".join(parts))  # or nothing: it may stand for an apostrophe
        merged: dict[str, int] = {}
        for candidate in self._keys:
            if pattern.fullmatch(candidate):
                for target, tier in self._index[candidate].items():
                    merged[target] = min(tier, merged.get(target, tier))
        if not merged:
            return None
        return self._decide(text, _best(merged), "repaired")

    def _decide(self, text: str, hit: _Hit, method: Method | None) -> Resolution:
        countries = _countries_of(hit.targets)
        if len(hit.targets) == 1 and countries:
            return Resolution(text, countries[0], method or _TIER_METHOD[hit.tier])
        if len(countries) > 1:
            why = f"could mean {_describe(countries)}"
            return _unresolved(text, "ambiguous", why, countries)
        return _non_country_result(text, hit.targets[0])

    # Several words: find the country names inside the text.

    def _words(self, text: str, key: str, folded: str) -> Resolution | None:
        words = folded.split(" ")
        spans, leftover = self._scan(words)
        if not spans:
            return None
        return _WordsDecision(text, spans, leftover).decide()

    def _scan(self, words: list[str]) -> tuple[list[_Hit], list[str]]:
        spans: list[_Hit] = []
        leftover: list[str] = []
        start = 0
        while start < len(words):
            for end in range(min(len(words), start + 6), start, -1):
                targets = self._index.get("".join(words[start:end]))
                if targets is not None:
                    spans.append(_best(targets))
                    start = end
                    break
            else:
                leftover.append(words[start])
                start += 1
        return spans, leftover

    # One word, damaged: the start of names, or a close spelling.

    def _prefix(self, text: str, key: str, folded: str) -> Resolution | None:
        if len(key) < 3 or _WILDCARD in key:
            return None
        first = bisect.bisect_left(self._keys, key)
        starts: dict[str, None] = {}
        for candidate in self._keys[first:]:
            if not candidate.startswith(key):
                break
            starts.update(dict.fromkeys(_countries_of(_best(self._index[candidate]).targets)))
        if len(starts) < 2:
            return None
        found = tuple(sorted(starts))
        why = f"is the start of several country names: {_describe(found[:6])}"
        return _unresolved(text, "ambiguous", why, found)

    def _fuzzy(self, text: str, key: str, folded: str) -> Resolution | None:
        key = key.replace(_WILDCARD, "")
        if len(key) < 4:
            return None
        near = self._near(key)
        if not near:
            return None
        ranked = sorted(near.items(), key=lambda item: (item[1], item[0]))
        best, (typos, _) = ranked[0]
        clear = len(ranked) == 1 or ranked[1][1][0] > typos
        if clear and _typo_of(key, near[best]):
            if best.startswith("~"):
                return _non_country_result(text, best)
            return Resolution(text, best, "fuzzy")
        countries = _countries_of(target for target, _ in ranked)[:5]
        if not countries:
            return None
        why = f"is not a known name; closest: {_describe(countries)}"
        return _unresolved(text, "unmatched", why, countries)

    def _near(self, key: str) -> dict[str, tuple[int, float]]:
        """Fewest typos (and best similarity) per target among keys spelt about the same.

        Only keys with the same first letter are compared: typos seldom hit the first letter, and
        comparing every key would make each unknown text cost milliseconds.
        """
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        slack = max(2, len(key) // 4)
        near: dict[str, tuple[int, float]] = {}
        for length in range(max(3, len(key) - slack), len(key) + slack + 1):
            for candidate in self._by_start.get((key[0], length), ()):
                matcher.set_seq1(candidate)
                if matcher.quick_ratio() < _FUZZY_CUTOFF or matcher.ratio() < _FUZZY_CUTOFF:
                    continue
                found = (_typos(key, candidate), -matcher.ratio())
                for target in _best(self._index[candidate]).targets:
                    near[target] = min(found, near.get(target, found))
        return near


def _typo_of(key: str, found: tuple[int, float]) -> bool:
    """Whether a key this close to a name is a misspelling of it rather than another word.

    Words of five letters or fewer are never corrected ("Lagos" is not "Laos", "Paris" not
    "Pais"); longer ones may carry one typo, two from 8 letters, three from 12, and beyond one
    typo must still be 80% alike.
    """
    typos, similarity = found[0], -found[1]
    if len(key) <= 5:
        return False
    allowed = 1 if len(key) < 8 else 2 if len(key) < 12 else 3
    return typos <= allowed and (typos <= 1 or similarity >= 0.8)


def _typos(a: str, b: str, limit: int = _MAX_TYPOS) -> int:
    """Edit distance counting an adjacent swap as one edit; ``limit + 1`` once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current.append(value)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _unresolved(
    text: str, kind: UnresolvedKind, why: str, candidates: tuple[str, ...] = ()
) -> Resolution:
    return Resolution(text, None, None, candidates, f"{text!r} {why}", kind)


_MIXED_KIND_WORDS = {
    "placeholder": "a placeholder",
    "stateless": "a word for statelessness",
    "no_iso_code": "Kosovo, which has no ISO 3166-1 code",
}


class _WordsDecision:
    """Decides what a text made of several recognised pieces (and leftover words) names."""

    def __init__(self, text: str, spans: list[_Hit], leftover: list[str]) -> None:
        self.text = text
        self.spans = spans
        self.unknown = [w for w in leftover if w not in _NOISE and len(w) > 1]
        self.countries = _countries_of(t for hit in spans for t in hit.targets)
        self.kinds: dict[str, str] = {}  # kind -> first target of that kind
        for hit in spans:
            for target in hit.targets:
                if target.startswith("~"):
                    self.kinds.setdefault(_NON_COUNTRY[target].kind, target)

    def decide(self) -> Resolution | None:
        if "region" in self.kinds or (self.countries and self._says_other()):
            return _non_country_result(self.text, _REGION_TARGET, self.countries)
        if "former" in self.kinds:
            return _non_country_result(self.text, self.kinds["former"])
        if self.countries and self._mixed_kinds():
            why = f"mentions {_describe(self.countries)} but also {', '.join(self._mixed_kinds())}"
            return _unresolved(self.text, "unmatched", why, self.countries)
        if self.unknown:
            return self._partly_known()
        if len(self.countries) > 1:
            return self._several()
        if len(self.countries) == 1:
            return self._one_country()
        if len(self.kinds) == 1:
            return _non_country_result(self.text, next(iter(self.kinds.values())))
        return None

    def _partly_known(self) -> Resolution | None:
        if not self.countries:
            return None
        words = ", ".join(self.unknown)
        why = f"mentions {_describe(self.countries)} but also words it does not know: {words}"
        return _unresolved(self.text, "unmatched", why, self.countries)

    def _says_other(self) -> bool:
        return _OTHER_TARGET in self.kinds.values() or "etc" in self.unknown

    def _mixed_kinds(self) -> list[str]:
        """Non-country terms that contradict a country named beside them ("nationals" does not)."""
        return sorted(
            _MIXED_KIND_WORDS.get(kind, kind) for kind in self.kinds if kind != "nationals"
        )

    def _several(self) -> Resolution:
        if len(self.spans) == 1:
            why = f"could mean {_describe(self.countries)}"
            return _unresolved(self.text, "ambiguous", why, self.countries)
        why = f"names several countries: {_describe(self.countries, 'and')}"
        return _unresolved(self.text, "several", why, self.countries)

    def _one_country(self) -> Resolution:
        iso3 = self.countries[0]
        tier = min(h.tier for h in self.spans if iso3 in h.targets)
        return Resolution(self.text, iso3, _TIER_METHOD.get(tier, "alias"))


@cache
def _default_resolver() -> CountryResolver:
    return CountryResolver()


def resolve_country(text: str) -> Resolution:
    """Resolve one text with the shared default :class:`CountryResolver`."""
    return _default_resolver().resolve(text)
