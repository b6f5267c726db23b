"""Normalising cells as spreadsheets hold them: text, numbers, dates, yes/no, counts, labels."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import GLOTIP_CSV, shared_file
from tipis.ingest.normalise import (
    Count,
    clean_text,
    fold,
    to_bool,
    to_count,
    to_date,
    to_float,
    to_int,
)
from tipis.ingest.readers import open_table

# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  \t\n ", None),
        ("\u00a0", None),
        ("  María   del\nCarmen ", "María del Carmen"),
        ("Jose\u0301", "José"),  # NFC
        ("a\u200bb\ufeff", "ab"),
        ("NA", "NA"),  # Namibia, not "not available"
        (12, "12"),
        (12.0, "12"),
        (12.5, "12.5"),
        (datetime(2024, 3, 1), "2024-03-01"),
        (date(2024, 3, 1), "2024-03-01"),
    ],
)
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected


def test_clean_text_treats_only_the_given_markers_as_missing() -> None:
    assert clean_text(" n/a ", missing={"N/A", "-"}) is None
    assert clean_text("-", missing={"N/A", "-"}) is None
    assert clean_text("NA", missing={"N/A"}) == "NA"


@given(st.one_of(st.text(), st.integers(), st.floats(allow_nan=False), st.none()))
def test_clean_text_is_idempotent_and_tidy(raw: object) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    if once is not None:
        assert once == once.strip() and "  " not in once and once


# --- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [1234, "1234", "1234.0", 1234.0, " 1234 ", "1,234", "1 234", "1\u00a0234", "1\u202f234",
     "1'234", "1.234", "1.234,0", "1,234.00", "1.2340e3", "+1234"],
)  # fmt: skip
def test_to_int_reads_the_ways_people_write_1234(raw: object) -> None:
    assert to_int(raw) == 1234


@pytest.mark.parametrize("raw", [1, "1", "1.0", 1.0, " 1 ", "01"])
def test_to_int_reads_one(raw: object) -> None:
    assert to_int(raw) == 1


@pytest.mark.parametrize(
    "raw",
    ["", "abc", "1.5", 1.5, "0.500", "1,2,3", "1.2.3", "12a", True, None, float("nan"), "--1"],
)
def test_to_int_refuses_what_is_not_a_whole_number(raw: object) -> None:
    with pytest.raises(ValueError, match="expected a whole number"):
        to_int(raw)


def test_to_int_messages_do_not_repeat_the_value() -> None:
    with pytest.raises(ValueError) as caught:
        to_int("Ana García")
    assert "Ana" not in str(caught.value)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_to_int_round_trips_formatted_numbers(number: int) -> None:
    sign = "-" if number < 0 else ""
    grouped = f"{abs(number):,}"
    for text in (
        str(number),
        f"{number:,}",
        f"{number:,}".replace(",", " "),
        f"{number:,}".replace(",", "\u00a0"),
        sign + grouped.replace(",", "."),
        f"{number}.0",
        f" {number} ",
    ):
        assert to_int(text) == number, text
    assert to_int(float(number)) == number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.5", 1.5), ("1,5", 1.5), ("1,234.5", 1234.5), ("1.234,5", 1234.5), ("1 234,5", 1234.5),
     ("1,234", 1234.0), ("1.234", 1.234), ("1.234.567", 1234567.0), ("-0.25", -0.25),
     ("1e3", 1000.0), (2, 2.0), (2.5, 2.5), ("\u22122.5", -2.5)],
)  # fmt: skip
def test_to_float(raw: object, expected: float) -> None:
    assert to_float(raw) == pytest.approx(expected)


@pytest.mark.parametrize("raw", ["", "x", "nan", "inf", float("inf"), "1e999", False, "1,2,3"])
def test_to_float_refuses_what_is_not_a_number(raw: object) -> None:
    with pytest.raises(ValueError, match="expected a number"):
        to_float(raw)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_to_float_round_trips_grouped_decimals(value: object) -> None:
    text = f"{value:,.2f}"
    assert to_float(text) == pytest.approx(float(str(value)))
    european = text.replace(",", " ").replace(".", ",")
    assert to_float(european) == pytest.approx(float(str(value)))


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (date(2024, 3, 1), date(2024, 3, 1)),
        (datetime(2024, 3, 1, 14, 30), date(2024, 3, 1)),
        (45000, date(2023, 3, 15)),
        (45000.75, date(2023, 3, 15)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),  # after Excel's imaginary 29 February 1900
        ("2024-03-01", date(2024, 3, 1)),
        (" 2024-03-01 ", date(2024, 3, 1)),
        ("2024-03-01T10:30", date(2024, 3, 1)),
        ("2024-03-01 00:00:00", date(2024, 3, 1)),
        ("2024/03/01", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("01-Mar-2024", date(2024, 3, 1)),
        ("March 1, 2024", date(2024, 3, 1)),
        ("31/12/2024", date(2024, 12, 31)),  # cannot be month first
        ("12/31/2024", date(2024, 12, 31)),  # cannot be day first
    ],
)
def test_to_date(raw: object, expected: date) -> None:
    assert to_date(raw) == expected


def test_ambiguous_day_month_needs_a_format() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        to_date("03/04/2024")
    assert to_date("03/04/2024", ["%d/%m/%Y"]) == date(2024, 4, 3)
    assert to_date("03/04/2024", ("%m/%d/%Y",)) == date(2024, 3, 4)
    assert to_date("3/4/24", ["%d/%m/%Y", "%d/%m/%y"]) == date(2024, 4, 3)


def test_a_format_stops_the_other_way_round() -> None:
    with pytest.raises(ValueError, match=r"YYYY-MM-DD, %d/%m/%Y"):
        to_date("12/31/2024", ["%d/%m/%Y"])


@pytest.mark.parametrize("raw", [0, 60, 80001, -5, "2019", "45000", "", "soon", True, None])
def test_to_date_refuses(raw: object) -> None:
    with pytest.raises(ValueError, match="expected a date"):
        to_date(raw)


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(2118, 12, 31)))
def test_excel_serials_round_trip(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert to_date(serial) == day
    assert to_date(day.isoformat()) == day
    assert to_date(day.strftime("%d/%m/%Y"), ["%d/%m/%Y"]) == day


# --- yes / no -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [True, 1, 1.0, "1", "1.0", "yes", "YES", " Y ", "true", "x", "X", "sí", "Si", "oui", "да",
     "是", "نعم", "✓"],
)  # fmt: skip
def test_to_bool_true(raw: object) -> None:
    assert to_bool(raw) is True


@pytest.mark.parametrize(
    "raw", [False, 0, 0.0, "0", "0.0", "no", "No", "n", "FALSE", "non", "нет", "否", "لا"]
)
def test_to_bool_false(raw: object) -> None:
    assert to_bool(raw) is False


@pytest.mark.parametrize("raw", ["", "maybe", 2, "2", None, "unknown"])
def test_to_bool_refuses(raw: object) -> None:
    with pytest.raises(ValueError, match="expected yes or no"):
        to_bool(raw)


# --- counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Count(12, 12, "exact", "12")),
        (12, Count(12, 12, "exact", "12")),
        (12.0, Count(12, 12, "exact", "12")),
        ("0", Count(0, 0, "exact", "0")),
        ("1,234", Count(1234, 1234, "exact", "1,234")),
        ("6,112,019", Count(6112019, 6112019, "exact", "6,112,019")),
        ("<5", Count(1, 4, "below_threshold", "<5")),
        (" < 5 ", Count(1, 4, "below_threshold", "< 5")),
        ("<10", Count(1, 9, "below_threshold", "<10")),
        ("<=5", Count(1, 5, "below_threshold", "<=5")),
        ("≤3", Count(1, 3, "below_threshold", "≤3")),
    ],
)
def test_to_count(raw: object, expected: Count) -> None:
    assert to_count(raw) == expected


def test_a_bare_below_sign_uses_the_threshold() -> None:
    assert to_count("<", threshold=10) == Count(1, 9, "below_threshold", "<")


@pytest.mark.parametrize("raw", ["-3", "<1", "<-2", "1.5", "abc", "", None, "5-9", True])
def test_to_count_refuses(raw: object) -> None:
    with pytest.raises(ValueError, match="expected a count"):
        to_count(raw)


@given(st.sampled_from(["<5", "< 5", "<  5", " <5 ", "<5\u00a0"]), st.integers(2, 100))
def test_below_five_is_never_zero_and_never_five(text: str, threshold: int) -> None:
    count = to_count(text, threshold)
    assert count.status == "below_threshold"
    assert 1 <= count.lower <= count.upper <= 4


@given(st.integers(0, 10**9))
def test_exact_counts_round_trip(number: int) -> None:
    for text in (str(number), f"{number:,}"):
        assert to_count(text) == Count(number, number, "exact", text)


@pytest.mark.shared_data
def test_every_glotip_value_is_a_count() -> None:
    statuses = {"exact": 0, "below_threshold": 0}
    for row in open_table(shared_file(GLOTIP_CSV)).rows():
        count = to_count(row.values["txtVALUE"])
        assert count.lower >= 1 or count.status == "exact"
        statuses[count.status] += 1
    assert statuses["exact"] > 20_000 and statuses["below_threshold"] > 20_000


# --- folding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Côte-d'Ivoire ", "cote d ivoire"),
        ("COTE D IVOIRE", "cote d ivoire"),
        ("Nº Atestado", "no atestado"),
        ("Explotación  sexual", "explotacion sexual"),
        ("Straße", "strasse"),
        ("Œuvre", "oeuvre"),
        ("Trabajo/Servicios forzados", "trabajo servicios forzados"),
        ("Россия", "россия"),
        ("Ёлка", "елка"),
        ("中国", "中国"),
        ("مِصْر", "مصر"),
        ("M\ufffdXICO", "m xico"),
    ],
)
def test_fold(raw: str, expected: str) -> None:
    assert fold(raw) == expected


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)
