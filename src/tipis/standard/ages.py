"""Ages: completed years, and the age groups the standard reports by.

This module owns the arithmetic from a birth date to an age and from an age to the GLOTIP age
group ("0-17" / "18+" / "Unknown") and the CTDC age band. The group and band boundaries are
not written here: they are the ``min_age`` / ``max_age`` attributes of the
``glotip_age_group`` and ``ctdc_age_band`` code lists, so each boundary lives in one place.
"""

from __future__ import annotations

from datetime import date
from functools import cache

from tipis.standard.codes import codelist

__all__ = ["MAX_AGE", "age_on", "ctdc_age_band", "glotip_age_group", "is_minor"]

MAX_AGE = 120
"""The oldest age accepted as plausible; anything above it is a data-entry error."""

_UNKNOWN_GROUP = "Unknown"
_MINOR_GROUP = "0-17"

_Band = tuple[str, int, int | None]


def age_on(birth: date, on: date) -> int:
    """Completed years of a person born on ``birth`` at the date ``on``.

    A person born on 29 February completes a year on 1 March in a common year.
    """
    if on < birth:
        raise ValueError(f"date {on.isoformat()} is before the birth date {birth.isoformat()}")
    birthday_not_reached = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - int(birthday_not_reached)


def glotip_age_group(age: int | None) -> str:
    """The ``glotip_age_group`` code for an age in completed years; None is "Unknown"."""
    if age is None:
        return _UNKNOWN_GROUP
    return _band_for("glotip_age_group", age)


def ctdc_age_band(age: int | None) -> str | None:
    """The ``ctdc_age_band`` code for an age in completed years; None when the age is unknown."""
    if age is None:
        return None
    return _band_for("ctdc_age_band", age)


def is_minor(age: int | None) -> bool | None:
    """Whether the age is under 18 (GLOTIP's "0-17" group); None when the age is unknown."""
    if age is None:
        return None
    return glotip_age_group(age) == _MINOR_GROUP


def _band_for(list_name: str, age: int) -> str:
    _check_age(age)
    for code, low, high in _bands(list_name):
        if low <= age and (high is None or age <= high):
            return code
    raise LookupError(f"code list {list_name!r} has no band for age {age}")


def _check_age(age: int) -> None:
    if not 0 <= age <= MAX_AGE:
        raise ValueError(f"age {age} is outside the plausible range 0 to {MAX_AGE} years")


@cache
def _bands(list_name: str) -> tuple[_Band, ...]:
    """The (code, min_age, max_age) of each code of the list that has a ``min_age``."""
    bands: list[_Band] = []
    for code in codelist(list_name):
        low = code.attrs.get("min_age")
        if low is None:
            continue
        high = code.attrs.get("max_age")
        bands.append((code.code, int(low), None if high is None else int(high)))
    return tuple(bands)
