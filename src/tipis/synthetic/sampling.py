"""Vectorised sampling of synthetic victims: who they are, what happened to them, and when.

Owns the probability tables (calibrated ones from ``parameters.json``, the rest written here
from the HTCDS/CTDC picture of typical cases) and draws a whole chunk of cases at once with
numpy, so that building a case later is only assembling values. ``generator`` turns a
:class:`Chunk` into records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from math import hypot
from typing import Any

import numpy as np
import numpy.typing as npt

from tipis.standard.geography import country, is_country

__all__ = ["FORMS", "SEX_AGE", "Chunk", "Tables", "sample_chunk"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_YEAR = 365.2425
#: Sex x age groups in a fixed order; the index is what a chunk stores.
SEX_AGE = (
    "Female|adult", "Female|child", "Male|adult", "Male|child",
    "Other|adult", "Other|child", "Unknown|Unknown",
)  # fmt: skip
GROUPS = ("SexualExploitation", "ForcedLabour", "OtherForms")

# Forms within each GLOTIP group: (form, GLOTIP group, adult weight, child weight), hand-set.
# ChildLabour is for minors only; forced online scamming grows from 2019 (below).
FORMS: tuple[tuple[str, str, float, float], ...] = (
    ("SexualExploitation", "SexualExploitation", 1.0, 1.0),
    ("ForcedLabour", "ForcedLabour", 0.80, 0.45),
    ("Servitude", "ForcedLabour", 0.20, 0.15),
    ("ChildLabour", "ForcedLabour", 0.0, 0.40),
    ("ForcedCriminalActivity", "OtherForms", 0.30, 0.30),
    ("ForcedOnlineScamming", "OtherForms", 0.0, 0.0),
    ("ForcedBegging", "OtherForms", 0.12, 0.30),
    ("ForcedMarriage", "OtherForms", 0.20, 0.15),
    ("OrganRemoval", "OtherForms", 0.02, 0.005),
    ("ForcedAdoption", "OtherForms", 0.0, 0.03),
    ("Surrogacy", "OtherForms", 0.02, 0.0),
    ("ForcedMilitaryByNonStateActors", "OtherForms", 0.01, 0.04),
    ("Other", "OtherForms", 0.25, 0.20),
)
_FORM_GROUP = np.array([GROUPS.index(group) for _, group, *_ in FORMS])
#: Online scamming compounds appear around 2020 and grow to this weight by 2023.
SCAMMING_WEIGHT, SCAMMING_FROM, SCAMMING_FULL = 0.45, 2019, 2023

CHILD_TOP, ADULT_FROM, ADULT_TOP = 17, 18, 75
MEANS = (
    "PhysicalThreats", "ThreatsLawEnforcement", "ThreatensChildrenFamily", "DebtBondage",
    "FalsePromises", "PhysicalAbuse", "SexualAbuse", "TakesEarnings", "RestrictsFinancialAccess",
    "RestrictsMedicalCare", "WithholdsNecessities", "PsychologicalAbuse", "PsychoactiveSubstance",
    "ExcessiveWorkingHours", "WithholdsDocuments", "RestrictsMovement",
)  # fmt: skip
#: P(means of control) per form group, in the order of MEANS: hand-set estimates (GLOTIP
#: publishes none), with debt bondage and documents more common in forced labour.
MEANS_P = np.array([
    [.30, .12, .15, .25, .35, .25, .35, .40, .20, .05, .08, .45, .12, .10, .20, .30],
    [.25, .20, .10, .45, .55, .15, .03, .35, .30, .08, .20, .30, .02, .45, .40, .30],
    [.30, .15, .15, .25, .35, .20, .08, .25, .15, .05, .12, .35, .08, .20, .25, .30],
])  # fmt: skip
RECRUITMENT = (
    "ThroughFriendsOrSocialEvents", "ThroughFamilyOrFamilyEvents", "AtWork",
    "AtAPlaceOfBusiness", "ThroughANewspaperAdvert", "AtAnEducationalInstitution", "Abduction",
    "Other", "ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement",
)  # fmt: skip
RECRUITMENT_W = np.array([0.30, 0.22, 0.08, 0.07, 0.05, 0.03, 0.05, 0.08, 0.0, 0.0])
#: Online recruitment's share grows from 12% (2015) by 3 points a year, to at most 45%.
ONLINE_BASE, ONLINE_STEP, ONLINE_MAX = 0.12, 0.03, 0.45
PLATFORMS = (
    "Facebook", "WhatsApp", "Instagram", "FacebookMessenger", "Telegram", "Viber", "TikTok",
    "Line", "WeChat", "QQ", "SnapChat", "Twitter", "Other",
)  # fmt: skip
PLATFORMS_W = np.array(
    [0.30, 0.18, 0.10, 0.08, 0.08, 0.04, 0.06, 0.02, 0.03, 0.01, 0.03, 0.02, 0.05]
)
RELATIONSHIPS = ("Unacquainted", "Acquainted", "Familial", "IntimatePartner")
RELATIONSHIP_W = {"adult": (0.40, 0.35, 0.10, 0.15), "child": (0.25, 0.30, 0.40, 0.05)}
VULNERABILITIES = (
    "Poverty", "Education", "Migration", "Addiction", "MentalHealth", "Homelessness",
    "DisabilityAndPhysicalHealth", "Discrimination", "SocialGroup", "AbusePhysical",
    "AbuseSocialMedia", "WorkEnvironment",
)  # fmt: skip
VULNERABILITY_P = np.array([0.55, 0.25, 0.0, 0.08, 0.08, 0.06, 0.04, 0.08, 0.06, 0.12, 0.04, 0.10])
SEX_TYPES = ("Prostitution", "Pornography", "RemoteInteractiveServices", "PrivateSexualServices")
SEX_TYPES_W = np.array([0.75, 0.08, 0.07, 0.10])
#: Labour industries (ISIC section letters) per form of forced labour.
INDUSTRIES = {
    "ForcedLabour": {"A": .24, "C": .14, "F": .16, "I": .12, "T": .08, "B": .04, "G": .07,
                     "H": .04, "S": .06, "N": .05},
    "Servitude": {"T": .90, "I": .05, "S": .05},
    "ChildLabour": {"A": .40, "G": .20, "T": .20, "B": .10, "C": .10},
}  # fmt: skip
VICTIMS_PER_CASE = (np.arange(1, 9), np.array([0.84, 0.08, 0.035, 0.02, 0.01, 0.007, 0.004, 0.004]))
TRANSIT_LEGS_W = np.array([0.45, 0.40, 0.15])


@dataclass(frozen=True)
class Tables:
    """Everything sampled from, prepared once per set of destination countries and years."""

    destinations: tuple[str, ...]
    countries: tuple[str, ...]  # every country a victim may come from, destinations first
    destination_cum: FloatArray
    years: tuple[int, ...]
    year_cum: FloatArray
    sex_age_cum: FloatArray
    form_cum: FloatArray  # [sex_age, year] -> cumulative over FORMS
    nationals: FloatArray  # per destination
    origins: tuple[tuple[IntArray, FloatArray], ...]  # per destination: countries index, cum
    recruitment_cum: FloatArray  # per year
    last_day: int  # ordinal of the last date anything may carry


def _cum(weights: Sequence[float] | FloatArray) -> FloatArray:
    array = np.asarray(weights, dtype=np.float64)
    cum = np.cumsum(array / array.sum())
    cum[-1] = 1.0
    return cum


def pick(rng: np.random.Generator, cum: FloatArray, size: int) -> IntArray:
    """Indices drawn with the cumulative probabilities ``cum`` (1-D)."""
    return np.searchsorted(cum, rng.random(size), side="right").astype(np.int64)


def pick_rows(rng: np.random.Generator, cum_rows: FloatArray) -> IntArray:
    """One index per row of a 2-D array of cumulative probabilities."""
    u: FloatArray = rng.random((cum_rows.shape[0], 1))
    below: IntArray = (cum_rows <= u).sum(axis=1)
    chosen: IntArray = np.minimum(below, cum_rows.shape[1] - 1).astype(np.int64)
    return chosen


def build_tables(
    params: Mapping[str, Any],
    destinations: Sequence[str],
    first_year: int,
    last_year: int,
    today: date | None = None,
) -> Tables:
    """Prepare the sampling tables for cases detected in ``destinations`` over the years
    (nothing dated after ``today``, by default the real one)."""
    years = tuple(range(first_year, last_year + 1))
    volume = params["victims_by_country"]
    floor = min(volume.values())
    nationals = params["nationals_share"]
    flows = [_origins(params, d) for d in destinations]
    countries = tuple(dict.fromkeys([*destinations, *(o for codes, _ in flows for o in codes)]))
    index = {code: i for i, code in enumerate(countries)}
    return Tables(
        destinations=tuple(destinations),
        countries=countries,
        destination_cum=_cum([volume.get(d, floor) for d in destinations]),
        years=years,
        year_cum=_cum([_trend(params["trend_by_year"], y) for y in years]),
        sex_age_cum=_cum([params["sex_age"][key] for key in SEX_AGE]),
        form_cum=_form_table(params["forms_by_sex_age"], years),
        nationals=np.array(
            [nationals["by_country"].get(d, nationals["overall"]) for d in destinations]
        ),
        origins=tuple(
            (np.array([index[o] for o in codes], dtype=np.int64), cum) for codes, cum in flows
        ),
        recruitment_cum=np.array([_cum(_recruitment_w(y)) for y in years]),
        last_day=min(date(last_year, 12, 31), today or date.today()).toordinal(),
    )


def _trend(trend: Mapping[str, float], year: int) -> float:
    """The calibrated index for a year; years outside the data take the nearest year's."""
    known = sorted(int(y) for y in trend)
    nearest = min(known, key=lambda y: (abs(y - year), -y))
    return float(trend[str(nearest)])


def _form_table(forms: Mapping[str, Mapping[str, float]], years: Sequence[int]) -> FloatArray:
    table = np.zeros((len(SEX_AGE), len(years), len(FORMS)))
    for i, key in enumerate(SEX_AGE):
        age = key.split("|")[1]
        age = "adult" if age == "Unknown" else age
        group_shares = forms.get(key) or forms[f"Any|{age}"]
        for j, year in enumerate(years):
            table[i, j] = _cum(_form_weights(group_shares, age, year))
    return table


def _form_weights(group_shares: Mapping[str, float], age: str, year: int) -> list[float]:
    """P(form) = P(group | sex, age) x P(form | group, age, year)."""
    raw = [adult if age == "adult" else child for _, _, adult, child in FORMS]
    scam = SCAMMING_WEIGHT * min(max(year - SCAMMING_FROM, 0) / (SCAMMING_FULL - SCAMMING_FROM), 1)
    raw[[f for f, *_ in FORMS].index("ForcedOnlineScamming")] = scam if age == "adult" else 0.0
    totals = {
        g: sum(w for (_, fg, *_), w in zip(FORMS, raw, strict=True) if fg == g) for g in GROUPS
    }
    return [
        group_shares[group] * weight / totals[group]
        for (_, group, *_), weight in zip(FORMS, raw, strict=True)
    ]


def _recruitment_w(year: int) -> FloatArray:
    online = min(ONLINE_BASE + ONLINE_STEP * max(year - 2015, 0), ONLINE_MAX)
    weights: FloatArray = RECRUITMENT_W / RECRUITMENT_W.sum() * (1 - online)
    weights[-2:] = (online * 0.65, online * 0.35)
    return weights


def _origins(params: Mapping[str, Any], destination: str) -> tuple[tuple[str, ...], FloatArray]:
    """Origins of foreign victims detected in ``destination``: its own flows, else its
    sub-region's (pooled, weighted by each country's detections), else the world's."""
    flows: Mapping[str, Mapping[str, float]] = params["origins_by_destination"]
    own = flows.get(destination, {})
    if len(own) < 3:
        own = _pooled(params, _subregion(destination)) or _pooled(params, None)
    origins = tuple(o for o in sorted(own) if is_country(o) and o != destination)
    return origins, _cum([own[o] for o in origins])


def _pooled(params: Mapping[str, Any], subregion: str | None) -> dict[str, float]:
    pooled: dict[str, float] = {}
    for destination, shares in params["origins_by_destination"].items():
        if subregion is not None and _subregion(destination) != subregion:
            continue
        volume = params["victims_by_country"].get(destination, 0.0)
        for origin, share in shares.items():
            pooled[origin] = pooled.get(origin, 0.0) + share * volume
    return pooled


def _subregion(iso3: str) -> str | None:
    if not is_country(iso3):
        return None
    area = country(iso3).subregion
    return area.code if area else None


@cache
def transit_candidates(origin: str, destination: str, reporters: frozenset[str]) -> tuple[str, ...]:
    """Countries a route from ``origin`` to ``destination`` plausibly crosses.

    Candidates lie in the origin's or the destination's region and add little to the
    straight-line distance (a detour of at most 35% plus 600 km); the six best are returned
    nearest the origin first, the order a route passes them.
    """
    here, there = country(origin), country(destination)
    if here.latitude is None or there.latitude is None:
        return ()
    direct = _km(origin, destination)
    regions = {here.region, there.region}
    scored = []
    for other in reporters:
        place = country(other)
        if other in (origin, destination) or place.region not in regions or place.latitude is None:
            continue
        detour = _km(origin, other) + _km(other, destination) - direct
        if detour <= 0.35 * direct + 600:
            scored.append((detour, other))
    best = [code for _, code in sorted(scored)[:6]]
    return tuple(sorted(best, key=lambda code: _km(origin, code)))


def _km(a: str, b: str) -> float:
    """Rough distance (equirectangular), enough to rank detours."""
    one, two = country(a), country(b)
    assert one.latitude is not None and one.longitude is not None
    assert two.latitude is not None and two.longitude is not None
    mean_lat = np.radians((one.latitude + two.latitude) / 2)
    dx = (two.longitude - one.longitude) * np.cos(mean_lat)
    return float(111.2 * hypot(dx, two.latitude - one.latitude))


@dataclass(frozen=True)
class Chunk:
    """A chunk of cases drawn at once, as numpy arrays (``generator`` derives the rest of each
    case from them, also vectorised). Case arrays have one entry per case; victim arrays one
    per victim, with ``case_of`` giving each victim's case and ``first`` each case's first
    victim."""

    size: int
    destination: IntArray  # index into Tables.destinations (and Tables.countries)
    identified: IntArray  # ordinal date the case's victims were identified
    opened: IntArray  # ordinal
    origin: IntArray  # citizenship, index into Tables.countries, shared by the case's victims
    victims: IntArray
    first: IntArray
    case_of: IntArray
    sex_age: IntArray  # index into SEX_AGE
    age: IntArray  # at identification; -1 unknown
    birth: IntArray  # ordinal
    form: IntArray  # index into FORMS
    recruited: IntArray  # ordinal
    exploited: IntArray  # ordinal
    recruitment: IntArray  # index into RECRUITMENT
    means: IntArray  # bit mask over MEANS
    vulnerable: IntArray  # bit mask over VULNERABILITIES
    relationship: IntArray  # index into RELATIONSHIPS


def sample_chunk(rng: np.random.Generator, tables: Tables, size: int) -> Chunk:
    """Draw ``size`` cases' worth of the main attributes, calibrated where GLOTIP says."""
    destination = pick(rng, tables.destination_cum, size)
    year_index = pick(rng, tables.year_cum, size)
    start = np.array([date(y, 1, 1).toordinal() for y in tables.years])[year_index]
    identified = np.minimum(start + rng.integers(0, 365, size), tables.last_day - 30)
    opened = np.minimum(identified + rng.geometric(1 / 12, size) - 1, tables.last_day)
    domestic = rng.random(size) < tables.nationals[destination]
    origin = _draw_origins(rng, tables, destination, domestic)
    victims = rng.choice(VICTIMS_PER_CASE[0], size, p=VICTIMS_PER_CASE[1]).astype(np.int64)
    case_of = np.repeat(np.arange(size), victims)
    n = int(victims.sum())
    sex_age = pick(rng, tables.sex_age_cum, n)
    age = _draw_ages(rng, sex_age)
    ident_v = identified[case_of]
    birth = ident_v - ((age + rng.uniform(0.03, 0.97, n)) * DAYS_PER_YEAR).astype(np.int64)
    form = pick_rows(rng, tables.form_cum[sex_age, year_index[case_of]])
    # Exploitation lasts months (mean ~10, at most ~7 years); travel takes days to months.
    exploited = ident_v - np.minimum(rng.exponential(300, n).astype(np.int64), 2500)
    travel = np.where(domestic[case_of], rng.integers(0, 20, n), rng.integers(5, 150, n))
    recruited = np.maximum(exploited - travel, np.where(age >= 0, birth + 1, 0))
    exploited = np.maximum(exploited, recruited)
    vulnerability_p = np.broadcast_to(VULNERABILITY_P, (n, len(VULNERABILITY_P)))
    return Chunk(
        size=size, destination=destination, identified=identified,
        opened=opened, origin=origin, victims=victims,
        first=np.cumsum(victims) - victims, case_of=case_of, sex_age=sex_age, age=age,
        birth=birth, form=form, recruited=recruited, exploited=exploited,
        recruitment=pick_rows(rng, tables.recruitment_cum[year_index[case_of]]),
        means=_bits(rng, MEANS_P[_FORM_GROUP[form]]),
        vulnerable=_bits(rng, vulnerability_p),
        relationship=_relationships(rng, sex_age),
    )  # fmt: skip


def _draw_origins(
    rng: np.random.Generator, tables: Tables, destination: IntArray, domestic: BoolArray
) -> IntArray:
    origin = destination.copy()  # destinations come first in Tables.countries
    for d in np.unique(destination[~domestic]).tolist():
        codes, cum = tables.origins[d]
        rows = np.flatnonzero((destination == d) & ~domestic)
        origin[rows] = codes[pick(rng, cum, len(rows))]
    return origin


def _draw_ages(rng: np.random.Generator, sex_age: IntArray) -> IntArray:
    """Ages at identification: children skew to teenagers, adults to their twenties."""
    n = len(sex_age)
    child = (np.array([SEX_AGE[i].endswith("child") for i in range(len(SEX_AGE))]))[sex_age]
    unknown = sex_age == SEX_AGE.index("Unknown|Unknown")
    child_age = np.clip(np.rint(CHILD_TOP + 0.4 - rng.gamma(1.6, 2.4, n)), 0, CHILD_TOP)
    adult_age = np.clip(np.rint(ADULT_FROM + rng.gamma(2.0, 5.5, n)), ADULT_FROM, ADULT_TOP)
    age = np.where(child, child_age, adult_age)
    return np.where(unknown, -1, age).astype(np.int64)


def _bits(rng: np.random.Generator, p: FloatArray) -> IntArray:
    """Independent yes/no per column with probabilities ``p``, packed into one int per row."""
    hits = rng.random(p.shape) < p
    weights = 1 << np.arange(p.shape[1], dtype=np.int64)
    packed: IntArray = (hits.astype(np.int64) * weights).sum(axis=1)
    return packed


def _relationships(rng: np.random.Generator, sex_age: IntArray) -> IntArray:
    child = np.array([key.endswith("child") for key in SEX_AGE])[sex_age]
    adult_pick = pick(rng, _cum(RELATIONSHIP_W["adult"]), len(sex_age))
    child_pick = pick(rng, _cum(RELATIONSHIP_W["child"]), len(sex_age))
    return np.where(child, child_pick, adult_pick)
