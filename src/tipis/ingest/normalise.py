"""Values as spreadsheets really hold them, normalised before they are judged.

Owns turning one raw cell (text from CSV, whatever openpyxl gives from XLSX, JSON scalars) into
a clean Python value: text (``clean_text``), whole and decimal numbers with thousands
separators (``to_int``, ``to_float``), dates including Excel serial numbers (``to_date``),
yes/no in the six UN languages (``to_bool``), published counts such as ``<5`` (``to_count``),
and a folded form of labels for matching (``fold``).

Each converter raises ``ValueError`` saying what was expected. Messages never repeat the
value: it may be personal data, and the importer's ``Problem`` decides whether to show it.
Missing values are the caller's business: "NA" is Namibia, not "not available".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Literal

__all__ = [
    "Count",
    "clean_text",
    "fold",
    "to_bool",
    "to_count",
    "to_date",
    "to_float",
    "to_int",
]

#: Characters that are never content: zero-width space and the byte-order mark.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\ufeff"))
#: Group separators seen between thousands: space, no-break and thin spaces, apostrophes.
_GROUP_SPACES = " \u00a0\u202f\u2009'\u2019"
_MINUS = "-\u2212\u2013"
_DIGITS = re.compile(r"\d+")
_GROUPED = {sep: re.compile(rf"[1-9]\d{{0,2}}(?:{re.escape(sep)}\d{{3}})+") for sep in ",. "}
_EXPONENT = re.compile(r"\d+(?:\.\d+)?[eE][+-]?\d{1,3}")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 is 1900-03-01, after Excel's imaginary 29 Feb
_EXCEL_SERIALS = (1, 80000)
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
#: Unambiguous formats tried after ISO: years first, or months in (English) words.
_UNAMBIGUOUS = ("%Y/%m/%d", "%Y.%m.%d", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%B %d, %Y",
                "%b %d, %Y", "%d %b. %Y")  # fmt: skip
_LIGATURES = str.maketrans(
    {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
_TRUE = ("1", "yes", "y", "true", "t", "x", "✓", "✔", "si", "oui", "vrai", "verdadero", "да",
         "是", "نعم")  # fmt: skip
_FALSE = ("0", "no", "n", "false", "f", "non", "faux", "falso", "нет", "否", "لا")
_BOOLS: dict[str, bool] = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
_BELOW = re.compile(r"(<=?|≤)\s*(.*)")


def clean_text(value: object, missing: Collection[str] = ()) -> str | None:
    """Text with surrounding space stripped, inner runs of space collapsed, in NFC.

    ``None``, empty and whitespace-only give ``None``; so do values whose folded form is in
    ``missing`` (e.g. ``{"n/a", "-"}``: none by default, since "NA" is Namibia). Numbers and
    dates from spreadsheet cells become their plain text (``12``, not ``12.0``).
    """
    if value is None:
        return None
    text = _as_text(value).translate(_INVISIBLE)
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text or (missing and fold(text) in {fold(m) for m in missing}):
        return None
    return text


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_int(value: object) -> int:
    """A whole number from 1, 1.0, "1", "1.0", " 1 ", "1,234", "1 234", "1.234" (= 1234)."""
    expected = "expected a whole number, such as 12, 1,234 or 1 234"
    number = _number(value, expected, dot_groups=True)
    if number != number.to_integral_value():
        raise ValueError(f"{expected}, not a fraction")
    return int(number)


def to_float(value: object) -> float:
    """A number from 1.5, "1.5", "1,5", "1,234.5", "1.234,5", "1 234,5" or "1e3".

    A single dot is a decimal point ("1.234" is 1.234; ``to_int`` reads it as 1234); commas
    in groups of three separate thousands ("1,234" is 1234), otherwise a comma is decimal.
    """
    expected = "expected a number, such as 12, 1.5 or 1,234.5"
    number = float(_number(value, expected, dot_groups=False))
    if not math.isfinite(number):
        raise ValueError(f"{expected}; this one is too large")
    return number


def _number(value: object, expected: str, dot_groups: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{expected}, not true/false")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        if not math.isfinite(value):
            raise ValueError(f"{expected}, not an infinite or undefined number")
        return Decimal(str(value)) if isinstance(value, float) else value
    if not isinstance(value, str):
        raise ValueError(f"{expected}; got a {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(f"{expected}; the cell is empty")
    sign = -1 if text[0] in _MINUS else 1
    text = text[1:].lstrip() if text[0] in _MINUS + "+" else text
    parsed = _unsigned(text, dot_groups)
    if parsed is None:
        raise ValueError(expected)
    return sign * parsed


def _unsigned(text: str, dot_groups: bool) -> Decimal | None:
    """The value of digits with optional group and decimal separators, or None."""
    for space in _GROUP_SPACES[1:]:
        text = text.replace(space, " ")
    if _DIGITS.fullmatch(text):
        return Decimal(text)
    if _EXPONENT.fullmatch(text):
        return Decimal(text)
    whole, point, fraction = _split_decimal(text, dot_groups)
    if fraction and not _DIGITS.fullmatch(fraction):
        return None
    if not _DIGITS.fullmatch(whole):
        groups = next((sep for sep in ",. " if _GROUPED[sep].fullmatch(whole)), None)
        if groups is None or groups == point:
            return None
        whole = whole.replace(groups, "")
    try:
        return Decimal(f"{whole}.{fraction or 0}")
    except InvalidOperation:
        return None


def _split_decimal(text: str, dot_groups: bool) -> tuple[str, str, str]:
    """(whole part, decimal separator, fraction) of a number written with separators."""
    last_dot, last_comma = text.rfind("."), text.rfind(",")
    if last_dot >= 0 and last_comma >= 0:  # the later of the two is the decimal separator
        point = "." if last_dot > last_comma else ","
    elif last_comma >= 0:
        point = "" if _GROUPED[","].fullmatch(text) or text.count(",") > 1 else ","
    elif last_dot >= 0:
        grouped = _GROUPED["."].fullmatch(text) and (dot_groups or text.count(".") > 1)
        point = "" if grouped or text.count(".") > 1 else "."
    else:
        point = ""
    if not point:
        return text, "", ""
    whole, _, fraction = text.rpartition(point)
    return whole or "0", point, fraction


def to_date(value: object, formats: Sequence[str] = ()) -> date:
    """A date from a date or datetime, an Excel serial number, ISO text or one of ``formats``.

    Excel serials use the 1900 system (with its imaginary 29 February 1900) within 1..80000.
    Without ``formats``, text in words ("3 March 2024") or with the year first is read, and
    day/month text only when it cannot be the other way round ("31/12/2024"); "03/04/2024"
    needs a format (``%d/%m/%Y`` or ``%m/%d/%Y``).
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _excel_date(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a date; got a {type(value).__name__}")
    text = " ".join(value.split())
    found = _iso_date(text) or _formatted(text, formats) or _formatted(text, _UNAMBIGUOUS)
    if found is None and not formats:
        found = _day_month(text)
    if found is None:
        tried = ", ".join(["YYYY-MM-DD", *formats])
        raise ValueError(f"expected a date as {tried} (or with the month in words)")
    return found


def _excel_date(serial: float) -> date:
    low, high = _EXCEL_SERIALS
    if not math.isfinite(serial) or not low <= serial < high + 1:
        raise ValueError(f"expected a date; a number must be an Excel date serial ({low}-{high})")
    days = int(serial)
    if days == 60:
        raise ValueError("expected a date; Excel serial 60 is 29 February 1900, which never was")
    return _EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))


def _iso_date(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _formatted(text: str, formats: Sequence[str]) -> date | None:
    for form in formats:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _day_month(text: str) -> date | None:
    """d/m/Y or m/d/Y, only when one of the first two numbers is over 12."""
    match = _NUMERIC_DATE.fullmatch(text)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if first > 12 >= second:
        day, month = first, second
    elif second > 12 >= first:
        day, month = second, first
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def to_bool(value: object) -> bool:
    """True or False from 1/0, yes/no, true/false, y/n, x, and yes/no in the UN languages."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        key = fold(value)
        if key in ("1.0", "1 0"):
            return True
        if key in ("0.0", "0 0"):
            return False
        found = _BOOLS.get(key, _BOOLS.get(value.strip()))
        if found is not None:
            return found
    raise ValueError("expected yes or no (yes/no, true/false, 1/0, x, sí/no, oui/non, ...)")


@dataclass(frozen=True)
class Count:
    """A published count: exact (``lower == upper``) or suppressed below a threshold."""

    lower: int
    upper: int
    status: Literal["exact", "below_threshold"]
    text: str


def to_count(value: object, threshold: int = 5) -> Count:
    """A count from "12", "1,234", 12 or 12.0; "<5" (or "< 5") is 1..4, below the threshold.

    A suppressed count is at least 1 (zeros are published as 0) and below its bound; a bare
    "<" uses ``threshold``; "<=5" or "≤5" is 1..5. Negative, fractional or non-numeric values
    raise ``ValueError``. Implausible sizes are parsed: judging them is the importer's job.
    """
    text = clean_text(value)
    if text is None:
        raise ValueError("expected a count, such as 12 or <5; the cell is empty")
    below = _BELOW.fullmatch(text)
    if below is None:
        number = _count_number(value if not isinstance(value, str) else text)
        return Count(number, number, "exact", text)
    inclusive = below[1] != "<"
    bound = _count_number(below[2]) if below[2] else threshold
    upper = bound if inclusive else bound - 1
    if upper < 1:
        raise ValueError("expected a count; a suppressed count below 1 cannot be")
    return Count(1, upper, "below_threshold", text)


def _count_number(value: object) -> int:
    try:
        number = to_int(value)
    except ValueError:
        raise ValueError("expected a count, such as 12, 1,234 or <5") from None
    if number < 0:
        raise ValueError("expected a count, such as 12, 1,234 or <5; a count is never negative")
    return number


def fold(value: str) -> str:
    """A label's key for matching: case-folded, without accents, punctuation as single spaces.

    "  Côte-d'Ivoire " and "COTE D IVOIRE" fold to "cote d ivoire"; Cyrillic, Arabic and
    Chinese letters are kept (Arabic vowel marks dropped).
    """
    folded = unicodedata.normalize("NFKD", value).casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", folded)
    kept = []
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category == "Mn":
            continue
        kept.append(ch if category[0] in "LN" or category == "Mc" else " ")
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))
