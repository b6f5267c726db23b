"""How the same person comes out differently in different agencies' files.

Owns the small, seeded distortions that record linkage has to see through: typing slips,
other transliterations, diacritics dropped, given and family names swapped, a birth date
missing, replaced by an age, or with day and month swapped. Each function takes and returns
plain values and draws from the ``random.Random`` it is given.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

__all__ = ["Identity", "strip_accents", "vary"]

# Transliteration habits (Ukrainian/Russian passports vs. what an officer types).
_TRANSLITERATIONS = (
    ("iia", "ia"), ("ii", "y"), ("ia", "ya"), ("iu", "yu"), ("kh", "h"), ("ie", "ye"),
    ("ei", "ey"), ("Oleksandr", "Aleksandr"), ("Aleksandr", "Alexander"), ("Serhii", "Sergiy"),
    ("Yu", "Iu"), ("zh", "j"), ("ts", "tz"), ("Ch", "Tch"), ("sh", "ch"), ("ou", "u"),
)  # fmt: skip


@dataclass(frozen=True)
class Identity:
    """Who a record is about, as an agency writes it down."""

    key: str  # the true person (ground truth only)
    given: str
    family: str
    sex: str  # "F", "M", "X" or ""
    birth: date | None
    age: int | None
    nationality: str  # ISO alpha-3


def strip_accents(text: str) -> str:
    """``Ștefan Nguyễn`` -> ``Stefan Nguyen`` (what many agency systems store)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def vary(identity: Identity, rnd: random.Random) -> Identity:
    """The same person as another agency records them: one to three distortions."""
    varied = identity
    for _ in range(rnd.randint(1, 3)):
        varied = rnd.choice(_DISTORTIONS)(varied, rnd)
    return varied


def _typo(identity: Identity, rnd: random.Random) -> Identity:
    if rnd.random() < 0.5:
        return replace(identity, given=_slip(identity.given, rnd))
    return replace(identity, family=_slip(identity.family, rnd))


def _slip(name: str, rnd: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rnd.randrange(1, len(name) - 1)
    kind = rnd.randrange(3)
    if kind == 0:  # adjacent letters swapped
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:  # a letter dropped
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]  # a letter doubled


def _transliterate(identity: Identity, rnd: random.Random) -> Identity:
    given, family = identity.given, identity.family
    for old, new in rnd.sample(_TRANSLITERATIONS, 4):
        given, family = given.replace(old, new), family.replace(old, new)
    return replace(identity, given=strip_accents(given), family=strip_accents(family))


def _swap_names(identity: Identity, rnd: random.Random) -> Identity:
    return replace(identity, given=identity.family, family=identity.given)


def _birth_date(identity: Identity, rnd: random.Random) -> Identity:
    born = identity.birth
    draw = rnd.random()
    if born is None or draw < 0.4:
        return replace(identity, birth=None)
    if draw < 0.7 and born.day <= 12 and born.day != born.month:
        return replace(identity, birth=born.replace(month=born.day, day=born.month))
    age = identity.age
    return replace(identity, birth=None, age=None if age is None else age + rnd.choice((0, 1)))


_DISTORTIONS = (_typo, _typo, _transliterate, _swap_names, _birth_date, _birth_date)
