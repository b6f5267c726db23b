"""Code lists: the controlled vocabularies of the TIPIS data standard.

This module owns every closed list of values a case record may hold (gender, forms of
exploitation, means of control, ...) and the crosswalks from those codes to the UNODC GLOTIP
reporting categories and the CTDC variables. Each list lives in ``codelists/<name>.csv``,
shipped as package data, with one row per code::

    code,en,fr,es,ru,zh,ar[,attribute columns...]

``code`` is the stable machine value (the IOM HTCDS v2.0 value name where HTCDS has one);
the six label columns hold the UN-language labels. Every other column is an attribute, read
with :meth:`CodeList.attr`. The attributes in use:

``htcds``
    the HTCDS v2.0 value name the code comes from; empty for a TIPIS extension.
``glotip`` / ``glotip_group``
    the GLOTIP category (or the ``glotip_form_group`` code) the code maps to.
``ctdc``
    the CTDC variable(s) the code corresponds to, ``|``-separated where several do.
``parent``
    a broader code of the same list (``ForcedOnlineScamming`` -> ``ForcedCriminalActivity``).
``min_age`` / ``max_age``
    inclusive bounds of an age group; an empty ``max_age`` means "and over".
``aliases``
    ``|``-separated spellings people type, in any language, accepted by
    :meth:`CodeList.lookup`.

Gender and GLOTIP sex: GLOTIP counts victims by *sex* with the categories Female, Male, Other
and Unknown, whereas HTCDS records *gender*. Feminine and Masculine map to Female and Male.
TransgenderFeminine, TransgenderMasculine and NonConforming map to Other: inferring a sex
from a gender identity would need information the record does not hold and would misreport
the person, so they are counted in GLOTIP's own category for persons reported as neither
female nor male. Unknown is kept for a gender that was not recorded (NonSpecifiedUnknown).
"""

from __future__ import annotations

import csv
import difflib
import io
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "LANGUAGES",
    "Code",
    "CodeList",
    "UnknownCode",
    "codelist",
    "codelist_names",
    "glotip_form_group",
    "glotip_sex",
]

LANGUAGES: tuple[str, ...] = ("ar", "en", "es", "fr", "ru", "zh")
DEFAULT_LANGUAGE = "en"

_PACKAGE = "tipis.standard"
_FOLDER = "codelists"
_SEPARATOR = "|"
_LABEL_COLUMNS = ("en", "fr", "es", "ru", "zh", "ar")
_MAX_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 0.7  # difflib ratio below which a spelling is not suggested
_SUGGESTION_MARGIN = 0.1  # suggest codes scoring within this of the best one
_PREFIX_MIN = 4  # a typed start of a spelling at least this long counts as close


class UnknownCode(ValueError):
    """A value that is not a code of the named list."""

    def __init__(self, list_name: str, value: str, suggestions: Iterable[str] = ()) -> None:
        self.list_name = list_name
        self.value = value
        self.suggestions = tuple(suggestions)
        super().__init__(self._message())

    def __reduce__(self) -> tuple[type[UnknownCode], tuple[str, str, tuple[str, ...]]]:
        return (type(self), (self.list_name, self.value, self.suggestions))

    def _message(self) -> str:
        head = f"{self.value!r} is not a code of the {self.list_name!r} code list"
        if not self.suggestions:
            return head
        return f"{head}; did you mean {' or '.join(repr(s) for s in self.suggestions)}?"


@dataclass(frozen=True)
class Code:
    """One code of a list, with its labels (by language) and attributes (non-empty only)."""

    code: str
    labels: Mapping[str, str] = field(hash=False)
    attrs: Mapping[str, str] = field(hash=False)

    def label(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The label in ``lang``, or the English label for a language we do not carry."""
        return self.labels.get(lang) or self.labels[DEFAULT_LANGUAGE]

    @property
    def aliases(self) -> tuple[str, ...]:
        """Extra spellings accepted by :meth:`CodeList.lookup`."""
        return _split(self.attrs.get("aliases", ""))


class CodeList:
    """An ordered, immutable list of codes with lookup by code, label or alias."""

    def __init__(self, name: str, codes: Iterable[Code]) -> None:
        self.name = name
        self._by_code: dict[str, Code] = {}
        for code in codes:
            if code.code in self._by_code:
                raise ValueError(f"code list {name!r}: code {code.code!r} appears twice")
            self._by_code[code.code] = code
        self.codes: tuple[str, ...] = tuple(self._by_code)
        self._index = self._build_index()

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {len(self)} codes)"

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __iter__(self) -> Iterator[Code]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Code:
        """The :class:`Code` for an exact code; raises :class:`UnknownCode`."""
        return self._by_code[self.validate(code)]

    def label(self, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
        """The label of ``code`` in ``lang`` (English for a language we do not carry)."""
        return self.get(code).label(lang)

    def attr(self, code: str, name: str) -> str | None:
        """The attribute ``name`` of ``code``; None when the column is absent or empty."""
        return self.get(code).attrs.get(name)

    def validate(self, value: str) -> str:
        """Return ``value`` if it is exactly a code, else raise :class:`UnknownCode`."""
        if value in self._by_code:
            return value
        raise UnknownCode(self.name, value, self.suggest(value))

    def lookup(self, text: str) -> str | None:
        """The code ``text`` names: a code, a label in any language, or an alias.

        Matching ignores case, accents, whitespace and punctuation. None when nothing matches.
        """
        if text in self._by_code:
            return text
        return self._index.get(_fold(text))

    def suggest(self, value: str) -> tuple[str, ...]:
        """Codes whose code, labels or aliases are close to ``value``, best first."""
        exact = self.lookup(value)
        if exact is not None:
            return (exact,)
        scores = self._closeness(_fold(value))
        if not scores:
            return ()
        best = max(scores.values())
        close = [code for code, score in scores.items() if score >= best - _SUGGESTION_MARGIN]
        return tuple(sorted(close, key=lambda code: -scores[code]))[:_MAX_SUGGESTIONS]

    def _closeness(self, folded: str) -> dict[str, float]:
        """The best similarity ratio of ``folded`` to each code's spellings, above the cutoff."""
        scores: dict[str, float] = {}
        matcher = difflib.SequenceMatcher(b=folded, autojunk=False)
        for key, code in self._index.items():
            matcher.set_seq1(key)
            score = matcher.ratio()
            if len(folded) >= _PREFIX_MIN and key.startswith(folded):  # "Sexual" -> Sexual...
                score = max(score, _SUGGESTION_CUTOFF)
            if score >= _SUGGESTION_CUTOFF and score > scores.get(code, 0.0):
                scores[code] = score
        return scores

    def _build_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for code in self:
            for spelling in _spellings(code):
                key = _fold(spelling)
                if key and index.setdefault(key, code.code) != code.code:
                    raise ValueError(
                        f"code list {self.name!r}: {spelling!r} would name both "
                        f"{index[key]!r} and {code.code!r}"
                    )
        return index


def codelist(name: str) -> CodeList:
    """The code list called ``name`` (cached); raises KeyError naming the available lists."""
    if name not in codelist_names():
        available = ", ".join(codelist_names())
        raise KeyError(f"no code list named {name!r}; available: {available}")
    return _load(name)


@cache
def codelist_names() -> tuple[str, ...]:
    """The names of all shipped code lists, sorted."""
    folder = resources.files(_PACKAGE).joinpath(_FOLDER)
    names = (entry.name for entry in folder.iterdir() if entry.is_file())
    return tuple(sorted(n.removesuffix(".csv") for n in names if n.endswith(".csv")))


def glotip_sex(gender_code: str | None) -> str:
    """The ``glotip_sex`` code for a ``gender`` code; None (not recorded) is "Unknown"."""
    if gender_code is None:
        return "Unknown"
    return _required_attr("gender", gender_code, "glotip")


def glotip_form_group(form_code: str) -> str:
    """The ``glotip_form_group`` code for an ``exploitation_form`` code."""
    return _required_attr("exploitation_form", form_code, "glotip_group")


def _required_attr(list_name: str, code: str, attr: str) -> str:
    value = codelist(list_name).attr(code, attr)
    if value is None:
        raise ValueError(f"code list {list_name!r}: {code!r} has no {attr!r}")
    return value


@cache
def _load(name: str) -> CodeList:
    resource = resources.files(_PACKAGE).joinpath(_FOLDER, f"{name}.csv")
    rows = csv.DictReader(io.StringIO(resource.read_text(encoding="utf-8")))
    _check_header(name, rows.fieldnames)
    return CodeList(name, (_row_to_code(name, row) for row in rows))


def _check_header(name: str, header: Iterable[str] | None) -> None:
    expected = ("code", *_LABEL_COLUMNS)
    found = tuple(header or ())
    if found[: len(expected)] != expected:
        raise ValueError(f"code list {name!r}: header must start with {','.join(expected)}")


def _row_to_code(name: str, row: Mapping[str, str | None]) -> Code:
    code = (row.get("code") or "").strip()
    labels = {lang: (row.get(lang) or "").strip() for lang in LANGUAGES}
    missing = [lang for lang, text in labels.items() if not text]
    if not code or missing:
        raise ValueError(f"code list {name!r}: row {code!r} lacks a code or labels {missing}")
    attrs = {
        column: value.strip()
        for column, value in row.items()
        if column not in labels and column != "code" and value and value.strip()
    }
    return Code(code, MappingProxyType(labels), MappingProxyType(attrs))


def _spellings(code: Code) -> tuple[str, ...]:
    return (code.code, *code.labels.values(), *code.aliases)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(_SEPARATOR) if part.strip())


def _fold(text: str) -> str:
    """Case-, accent-, whitespace- and punctuation-free form of ``text`` for matching."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    return "".join(ch for ch in decomposed if unicodedata.category(ch)[0] in "LN")
