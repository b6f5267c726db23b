"""Synthetic cases: demo agencies and realistic, validated ``Case`` records, fast and repeatable.

Owns ``demo_organisations`` and ``generate_cases``. Everything random about a case is drawn
with numpy, a chunk of cases at a time: the main attributes in ``sampling``, the rest
(opener, personal details, route, services, consents, perpetrators, referrals, status) here,
as arrays turned into Python lists once per chunk. Assembling a case is then only putting
ready values into a plain dict, which ``Case.model_validate`` checks. The same seed gives the
same cases, UUIDs included; nothing depends on the clock except that no date may lie after
today.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from itertools import accumulate
from typing import Any, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from tipis.standard.geography import country, is_country
from tipis.standard.ids import time_ordered_id
from tipis.standard.records import Case, Organisation
from tipis.synthetic.calibration import load_parameters
from tipis.synthetic.names import POOLS, pool_index
from tipis.synthetic.places import AGENCY_KINDS, DESTINATIONS, cities_of
from tipis.synthetic.sampling import (
    FORMS,
    GROUPS,
    MEANS,
    PLATFORMS,
    PLATFORMS_W,
    RECRUITMENT,
    RELATIONSHIPS,
    SEX_AGE,
    SEX_TYPES,
    SEX_TYPES_W,
    TRANSIT_LEGS_W,
    VULNERABILITIES,
    BoolArray,
    Chunk,
    FloatArray,
    IntArray,
    Tables,
    build_tables,
    pick,
    sample_chunk,
    transit_candidates,
)

__all__ = ["CHUNK_SIZE", "demo_organisations", "generate_cases", "new_uuid"]

CHUNK_SIZE = 10_000
#: Least yearly detections (GLOTIP mean) of a country that routes may transit.
MIN_TRANSIT = 25.0
T = TypeVar("T")
Data = dict[str, Any]
ObjectArray = npt.NDArray[np.object_]

#: Genders by index; the first three follow from sex, the last three are drawn for "Other".
_GENDERS = (
    "Feminine", "Masculine", "NonSpecifiedUnknown",
    "TransgenderFeminine", "TransgenderMasculine", "NonConforming",
)  # fmt: skip
_GENDER_OF_SEX = {"Female": 0, "Male": 1, "Unknown": 2, "Other": -1}
#: Whether a gender takes female (1) or male (0) given names; -1: either, half and half.
_FEMALE_NAMES = np.array([1, 0, -1, 1, 0, -1])
_ONLINE = {"ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement"}
_SECONDARY_FORMS = ("ForcedLabour", "SexualExploitation", "ForcedCriminalActivity")
#: Who opens a case, by GLOTIP group of the first victim's form (organisation_type weights).
_OPENED_BY = {
    "SexualExploitation": {"LawEnforcement": .50, "NGO": .25, "ProsecutionService": .12,
                           "Hotline": .08, "LabourInspectorate": .05},
    "ForcedLabour": {"LawEnforcement": .35, "LabourInspectorate": .30, "NGO": .20,
                     "ProsecutionService": .08, "Hotline": .07},
    "OtherForms": {"LawEnforcement": .55, "NGO": .20, "ProsecutionService": .15,
                   "Hotline": .07, "LabourInspectorate": .03},
}  # fmt: skip
_DECIDED_BY = {
    "LawEnforcement": "Police", "ProsecutionService": "CourtOrProsecution", "NGO": "NGO",
    "Hotline": "NGO", "LabourInspectorate": "NonPoliceGovernmentalOrganization",
}  # fmt: skip
_REFERENCE_PREFIX = {
    "LawEnforcement": "POL", "ProsecutionService": "FIS", "LabourInspectorate": "INS",
    "NGO": "ONG", "Hotline": "TEL",
}  # fmt: skip
#: Services: (support type, P for sexual exploitation, forced labour, other forms).
_SERVICES = (
    ("Shelter", .30, .15, .20), ("Health", .25, .15, .20), ("Legal", .20, .25, .20),
    ("SocialCare", .15, .12, .15), ("Financial", .05, .10, .05), ("Livelihood", .03, .06, .03),
    ("SexualExploitationRehabilitation", .12, 0, 0),
    ("LabourExploitationRehabilitation", 0, .08, 0), ("RightsBasedTraining", .02, .04, .02),
)  # fmt: skip
_FOREIGN_SERVICES = (("Interpretation", .20), ("ResidencePermit", .08),
                     ("RepatriationAndReintegration", .06))  # fmt: skip
#: How much of the support plan each kind of agency records (NGOs run the services).
_SERVICE_RECORDING = {
    "NGO": 1.8, "Hotline": 0.5, "LawEnforcement": 0.5, "ProsecutionService": 0.3,
    "LabourInspectorate": 0.4,
}  # fmt: skip
#: Planned lengths of a service, in days (one is drawn, equally likely).
_SERVICE_PLANS = np.array([90, 180, 365])
#: Consents: (scope, P recorded, P given when recorded). Most files hold one or two.
_CONSENTS = (("DataProcessing", .75, .95), ("Referral", .30, .85), ("DataSharing", .15, .70),
             ("Interview", .10, .80), ("ResearchUse", .05, .50))  # fmt: skip
_ROLES = ("RecruiterOrIntermediary", "Exploiter", "Transporter", "BrokerTravelAgent",
          "Smuggler", "Abuser", "Kidnapper", "TravellingPartner", "Other")  # fmt: skip
_ROLES_W = (0.30, 0.30, 0.12, 0.06, 0.05, 0.06, 0.02, 0.03, 0.06)
#: Perpetrators per case: none, one, two or three.
_PERPETRATORS_W = (0.55, 0.28, 0.11, 0.06)
_REFERRAL_REASONS = ("AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other")
_REFERRAL_REASONS_W = (0.75, 0.15, 0.10)
#: Case statuses by index: closed ones first.
_CASE_STATUSES = ("Closed", "ClosedReferred", "Active", "FollowUp")
_TRAFFICKING_STATUSES = (
    "ActualVictimOfTrafficking", "PossibleVictimOfTrafficking", "NotAVictimOfTrafficking",
)  # fmt: skip
_INDUSTRY_LETTERS = {
    "ForcedLabour": "ACFITBGHSN", "Servitude": "TTTTTTTTIS", "ChildLabour": "AAAAGGTTBC",
}  # fmt: skip
# Version 4 and the RFC 4122 variant, set on random bits (what ``UUID(version=4)`` does).
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)
#: 2020-01-01T00:00Z in milliseconds: where synthetic record ids start counting.
_SYNTHETIC_EPOCH_MS = 1_577_836_800_000
#: Room for this many ids per case in the ordered id space of one part.
_IDS_PER_CASE = 1_000
# The layout of ``time_ordered_id`` (a test checks that ``_RecordIds.take`` agrees with it).
_MILLIS, _VERSION_7, _VARIANT_RFC, _RAND_B = 2**48 - 1, 0x7 << 76, 0b10 << 62, 2**62 - 1


def new_uuid(rnd: random.Random) -> uuid.UUID:
    """A version-4 UUID from a seeded generator, so identifiers repeat with the seed."""
    return uuid.UUID(int=rnd.getrandbits(128) & _UUID_CLEAR | _UUID_V4)


class _RecordIds:
    """Time-ordered ids (as real new records get) that repeat with the seed.

    The millisecond field counts up from ``start``; parts generated apart use distinct starts.
    """

    def __init__(self, rnd: random.Random, start: int) -> None:
        self._rnd, self._next = rnd, _SYNTHETIC_EPOCH_MS + start

    def __call__(self) -> uuid.UUID:
        self._next += 1
        return time_ordered_id(self._next, self._rnd.getrandbits(74))

    def take(self, count: int) -> list[bytes]:
        """The next ``count`` ids as their 16 bytes, the same as ``count`` calls would give
        (pydantic reads a UUID from its bytes faster than Python makes a ``UUID``).

        ``getrandbits(74)`` takes three 32-bit words and keeps 10 bits of the third, so one
        ``getrandbits`` of 96 bits per id draws all the ids' words in the same order.
        """
        first = self._next + 1
        self._next += count
        if not count:
            return []
        data = self._rnd.getrandbits(96 * count).to_bytes(12 * count, "little")
        words = np.frombuffer(data, dtype="<u4").reshape(count, 3).astype(np.uint64)
        low, middle, high = words[:, 0], words[:, 1], words[:, 2] >> np.uint64(22)
        rand_a = middle >> np.uint64(30) | high << np.uint64(2)  # bits 62..73
        rand_b = low | (middle & np.uint64(0x3FFF_FFFF)) << np.uint64(32)  # bits 0..61
        millis = np.arange(first, first + count, dtype=np.uint64) & np.uint64(_MILLIS)
        ids = np.empty((count, 2), dtype=">u8")
        ids[:, 0] = millis << np.uint64(16) | np.uint64(_VERSION_7 >> 64) | rand_a
        ids[:, 1] = np.uint64(_VARIANT_RFC) | rand_b
        raw = ids.tobytes()
        return [raw[at : at + 16] for at in range(0, 16 * count, 16)]


def demo_organisations(seed: int) -> list[Organisation]:
    """Police, prosecution, labour inspectorate, a shelter, an NGO and a hotline per demo
    destination country, named in the local language."""
    rnd = random.Random(seed)
    organisations = []
    for destination in DESTINATIONS:
        for kind, type_code in AGENCY_KINDS.items():
            city = _choice(rnd, destination.cities[:3])
            organisations.append(
                Organisation(
                    id=new_uuid(rnd),
                    name=destination.agencies[kind].format(city=city),
                    type=type_code,
                    country=destination.iso3,
                    city=city,
                )
            )
    return organisations


def generate_cases(
    n: int,
    seed: int,
    organisations: Sequence[Organisation],
    *,
    first_year: int = 2015,
    last_year: int = 2025,
    first_serial: int = 0,
) -> Iterator[Case]:
    """Yield ``n`` validated cases opened by ``organisations``, identical for the same seed.

    Cases are detected in the organisations' countries, weighted by GLOTIP detections, in
    ``first_year``..``last_year`` weighted by the GLOTIP trend. Victims follow the calibrated
    sex x age, forms and citizenship shares (``parameters.json``). Case references count
    up per organisation and year from ``first_serial``, so parts generated apart stay unique.
    """
    if not organisations:
        raise ValueError("generate_cases needs at least one organisation to open the cases")
    if first_year > last_year:
        raise ValueError(f"first_year {first_year} is after last_year {last_year}")
    agencies = tuple(_Agency(o.id, o.type, o.country, o.city) for o in organisations)
    world = _world(agencies, first_year, last_year, date.today())
    rng = np.random.default_rng(seed)
    serials: Counter[tuple[int, int]] = Counter()  # (organisation, year): last serial
    ids = _RecordIds(random.Random(seed), first_serial * _IDS_PER_CASE)
    done = 0
    while done < n:
        size = min(CHUNK_SIZE, n - done)
        chunk = sample_chunk(rng, world.tables, size)
        cases = _Assembler(world, chunk, rng, ids).cases(serials, first_serial)
        yield from map(Case.model_validate, cases)
        done += size


class _Agency(NamedTuple):
    """What the generator uses of an organisation."""

    id: uuid.UUID
    type: str
    country: str
    city: str | None


@dataclass(frozen=True)
class _World:
    """The organisations and tables one ``generate_cases`` call draws from, as arrays.

    Organisations are referred to by their index in ``organisations``, countries by their
    index in ``tables.countries`` (a chunk's destinations and origins are such indices).
    """

    tables: Tables
    opener_cum: FloatArray  # [destination x group, k]: cumulative weights, padded with inf
    opener: IntArray  # [destination x group, k]: the organisation
    org_id: ObjectArray
    org_key: list[int]  # the first organisation with the same id (their references count on)
    org_city: ObjectArray
    org_ngo: BoolArray
    org_scale: FloatArray  # how much of the support plan it records
    org_decided: ObjectArray  # status_decided_by when it decides
    org_prefix: tuple[str, ...]  # of its case references
    referral_to: IntArray  # [organisation, k]: organisations it refers cases to
    referral_count: IntArray
    provider: IntArray  # [organisation, k]: NGOs of its country that provide services
    provider_count: IntArray
    codes: ObjectArray  # tables.countries
    citizenships: ObjectArray  # [code] per country (shared lists: pydantic copies them)
    pool: IntArray  # per country: index into names.POOLS
    city_first: IntArray  # per country: where its cities start in ``cities``
    city_count: IntArray
    cities: ObjectArray  # flat, ending with None
    reporters: frozenset[str]

    @classmethod
    def build(cls, orgs: tuple[_Agency, ...], first: int, last: int, today: date) -> _World:
        """The world of ``orgs`` in the years ``first`` to ``last``, dated up to ``today``."""
        params = load_parameters()
        by_country: dict[str, list[int]] = {}
        for i, organisation in enumerate(orgs):
            by_country.setdefault(organisation.country, []).append(i)
        tables = build_tables(params, sorted(by_country), first, last, today)
        openers = [
            _openers(orgs, by_country[destination], group)
            for destination in tables.destinations
            for group in GROUPS
        ]
        opener_cum = np.full((len(openers), max(len(o) for o, _ in openers)), np.inf)
        opener = np.zeros(opener_cum.shape, dtype=np.int64)
        for row, (chosen, cum) in enumerate(openers):
            opener_cum[row, : len(cum)], opener[row, : len(chosen)] = cum, chosen
        referral_to, referral_count = _padded(
            [_referral_targets(orgs, by_country, o) for o in orgs]
        )
        providers = {
            c: [i for i in members if orgs[i].type == "NGO"] for c, members in by_country.items()
        }
        provider, provider_count = _padded([providers[o.country] for o in orgs])
        # Transit only through countries that detect victims in numbers, not microstates.
        volume = params["victims_by_country"]
        reporters = frozenset(c for c in volume if is_country(c) and volume[c] >= MIN_TRANSIT)
        city_lists = [cities_of(code) for code in tables.countries]
        first_of_id: dict[uuid.UUID, int] = {}
        return cls(
            tables=tables,
            opener_cum=opener_cum,
            opener=opener,
            org_id=_objects([o.id for o in orgs]),
            org_key=[first_of_id.setdefault(o.id, i) for i, o in enumerate(orgs)],
            org_city=_objects([o.city for o in orgs]),
            org_ngo=np.array([o.type == "NGO" for o in orgs]),
            org_scale=np.array([_SERVICE_RECORDING.get(o.type, 1.0) for o in orgs]),
            org_decided=_objects([_DECIDED_BY.get(o.type, "Other") for o in orgs]),
            org_prefix=tuple(_REFERENCE_PREFIX.get(o.type, "CAS") for o in orgs),
            referral_to=referral_to,
            referral_count=referral_count,
            provider=provider,
            provider_count=provider_count,
            codes=_objects(tables.countries),
            citizenships=_objects([[code] for code in tables.countries]),
            pool=np.array([pool_index(code) for code in tables.countries], dtype=np.int64),
            city_first=np.cumsum([0, *map(len, city_lists)])[:-1].astype(np.int64),
            city_count=np.array([len(c) for c in city_lists], dtype=np.int64),
            cities=_objects([*(city for cities in city_lists for city in cities), None]),
            reporters=reporters,
        )


@lru_cache(maxsize=8)
def _world(agencies: tuple[_Agency, ...], first: int, last: int, today: date) -> _World:
    """``_World.build``, kept for the next calls (bulk loads make many parts alike)."""
    return _World.build(agencies, first, last, today)


def _openers(
    orgs: tuple[_Agency, ...], members: list[int], group: str
) -> tuple[list[int], list[float]]:
    """The organisations of a country that open cases of a form group, with cumulative weights
    (each kind's weight is shared by the organisations of that kind)."""
    weights = _OPENED_BY[group]
    chosen = [i for i in members if weights.get(orgs[i].type, 0) > 0] or members
    kinds = Counter(orgs[i].type for i in chosen)
    share = [weights.get(orgs[i].type, 1.0) / kinds[orgs[i].type] for i in chosen]
    cum = list(accumulate(s / sum(share) for s in share))
    cum[-1] = 1.0
    return chosen, cum


def _referral_targets(
    orgs: tuple[_Agency, ...], by_country: dict[str, list[int]], opener: _Agency
) -> list[int]:
    """Where an organisation refers cases: another in its country, NGOs to public bodies and
    public bodies to NGOs where it can."""
    others = [i for i in by_country[opener.country] if orgs[i].id != opener.id]
    preferred = [i for i in others if (orgs[i].type == "NGO") != (opener.type == "NGO")]
    return preferred or others


def _padded(rows: list[list[int]]) -> tuple[IntArray, IntArray]:
    """Rows of indices as one array padded with 0, and each row's length."""
    table = np.zeros((len(rows), max([1, *map(len, rows)])), dtype=np.int64)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return table, np.array([len(row) for row in rows], dtype=np.int64)


class _Assembler:
    """Draws the rest of one chunk's cases with numpy, then assembles their dicts.

    Victims, perpetrators, services and consents of the whole chunk are drawn as flat arrays
    (the victims' order is the chunk's; the others say whose they are) and turned into lists
    of ready values; the loop in ``cases`` only puts them into dicts, one case at a time (so
    few containers are alive at once, which keeps the garbage collector idle).
    """

    def __init__(
        self, world: _World, chunk: Chunk, rng: np.random.Generator, ids: _RecordIds
    ) -> None:
        self.world, self.chunk, self.rng, self.ids = world, chunk, rng, ids
        self.last_day = world.tables.last_day
        self.n = len(chunk.case_of)
        case_of = chunk.case_of
        self.opened = chunk.opened[case_of]  # per victim
        self.origin, self.destination = chunk.origin[case_of], chunk.destination[case_of]
        gender = _GENDER_OF_SEX_AGE[chunk.sex_age]
        self.gender = np.where(gender < 0, 3 + self._below(3, self.n), gender)
        female = _FEMALE_NAMES[self.gender]
        self.female = np.where(female < 0, self._u(self.n) < 0.5, female == 1)
        self.born = chunk.age >= 0
        self.birth = np.where(self.born, chunk.birth, chunk.recruited)  # a valid day throughout

    def _u(self, size: int | tuple[int, int]) -> FloatArray:
        return self.rng.random(size)

    def _below(self, n: IntArray | int, size: int) -> IntArray:
        """Whole numbers in 0..n-1 (``n`` per row or for all)."""
        below: IntArray = (self.rng.random(size) * n).astype(np.int64)
        return below

    def cases(self, serials: Counter[tuple[int, int]], first_serial: int) -> Iterator[Data]:
        """The dicts of the chunk's cases, in order; references count up in ``serials``."""
        world, c, last = self.world, self.chunk, self.last_day
        size, u, below = c.size, self._u, self._below
        # Who opens each case: by the GLOTIP group of its first victim's form.
        combo = c.destination * len(GROUPS) + _FORM_GROUP[c.form[c.first]]
        cum = world.opener_cum[combo]
        opener = world.opener[combo, (cum <= u(size)[:, None]).sum(axis=1)]
        perpetrators = pick(self.rng, _PERPETRATORS_CUM, size)
        # A few cases are referred to another organisation of the country.
        targets = world.referral_count[opener]
        referred = (u(size) < 0.18) & (targets > 0)
        target = world.referral_to[opener, below(targets, size)]
        referred_on = np.minimum(c.opened + below(61, size), last)
        # Older cases are more often closed; a case closes after opening and any referral,
        # and not after the last day generated.
        elapsed = last - c.opened
        closes = u(size) < 1 - np.exp(-elapsed / 540)
        soonest = np.minimum(14, elapsed)
        closed = c.opened + soonest + below(elapsed - soonest + 1, size)
        closed = np.where(referred, np.maximum(closed, referred_on), closed)
        draw = u(size)
        status = np.where(closes, np.where(referred & (draw < 0.6), 1, 0), (draw >= 0.75) + 2)
        reason = _REFERRAL_REASONS_A[pick(self.rng, _REFERRAL_REASONS_CUM, size)]

        opener_v = opener[c.case_of]
        victim_rows = zip(
            *self.victims(opener_v), *self.personal(), *self.routes(opener_v), strict=True
        )
        plans, service_rows = self.services(opener_v)
        asked, consent_rows = self.consents(opener_v)
        perpetrator_rows = zip(*self.perpetrators(perpetrators), strict=True)
        total = size + self.n + int(perpetrators.sum())
        next_id = iter(self.ids.take(total)).__next__
        org_id, org_key, prefix = world.org_id.tolist(), world.org_key, world.org_prefix
        rows = zip(
            opener.tolist(),
            _DAYS(c.opened),
            world.codes[c.destination].tolist(),
            c.victims.tolist(),
            perpetrators.tolist(),
            referred.tolist(),
            target.tolist(),
            _DAYS(referred_on),
            reason.tolist(),
            _CASE_STATUSES_A[status].tolist(),
            _or_none(status < 2, _DAYS.array(closed)).tolist(),
            strict=True,
        )
        for by, on, country_code, count, accused, refer, to, refer_on, why, state, shut in rows:
            case_id = next_id()
            victims = []
            for _ in range(count):
                (sex, citizenships, forms, means, recruitment, relation, vulnerable,
                 trafficking, decider, identified_at, trafficked_at, sex_types, industries,
                 platforms,
                 named, first_name, last_name, other_name, born, id_number, phone, email,
                 home, home_place, recruited, legs, via, via_on, then, then_on, there, place,
                 since, identified) = next(victim_rows)  # fmt: skip
                details: Data | None = None
                if named:
                    details = {"given_name": first_name, "family_name": last_name}
                    if other_name is not None:
                        details["other_names"] = [other_name]
                    if born is not None:
                        details["birth_date"] = born
                    if id_number is not None:
                        details["identity_numbers"] = [id_number]
                    if phone is not None:
                        details["phone"] = phone
                    if email is not None:
                        details["email"] = email
                if home_place is None:
                    leg: Data = {"type": "Recruitment", "country": home, "started_on": recruited}
                else:
                    leg = {
                        "type": "Recruitment",
                        "country": home,
                        "place": home_place,
                        "started_on": recruited,
                    }
                route = [leg]
                if legs:
                    ends = then_on if legs == 2 else since
                    route.append(
                        {"type": "Transit", "country": via, "started_on": via_on, "ended_on": ends}
                    )
                    if legs == 2:
                        route.append(
                            {
                                "type": "Transit",
                                "country": then,
                                "started_on": then_on,
                                "ended_on": since,
                            }
                        )
                leg = {"type": "Exploitation", "country": there}
                if place is not None:
                    leg["place"] = place
                leg["started_on"] = since
                leg["ended_on"] = identified
                route.append(leg)
                plan = []
                for _ in range(next(plans)):
                    name, started, provider, planned, ended = next(service_rows)
                    support: Data = {"type": name, "started_on": started}
                    if provider is not None:
                        support["provider_id"] = provider
                    support["planned_end_on"] = planned
                    if ended is not None:
                        support["ended_on"] = ended
                    plan.append(support)
                agreed = []
                for _ in range(next(asked)):
                    scope, given, withdrawn = next(consent_rows)
                    if withdrawn is None:
                        agreed.append({"scope": scope, "given": given, "recorded_on": on})
                    else:
                        agreed.append(
                            {
                                "scope": scope,
                                "given": given,
                                "recorded_on": on,
                                "withdrawn_on": withdrawn,
                            }
                        )
                victim: Data = {
                    "person": {
                        "id": next_id(),
                        "gender": sex,
                        "citizenships": citizenships,
                        "personal": details,
                    },
                    "exploitation_forms": forms,
                    "means_of_control": means,
                    "recruitment_methods": recruitment,
                    "relationship_to_trafficker": relation,
                    "vulnerabilities": vulnerable,
                    "route": route,
                    "services": plan,
                    "consents": agreed,
                    "trafficking_status": trafficking,
                }
                if decider is not None:
                    victim["status_decided_by"] = decider
                if identified_at >= 0:
                    victim["age_at_identification"] = identified_at
                    victim["age_when_trafficked"] = trafficked_at
                if sex_types is not None:
                    victim["sexual_exploitation_types"] = sex_types
                if industries is not None:
                    victim["labour_industries"] = industries
                if platforms is not None:
                    victim["online_platforms"] = platforms
                victims.append(victim)
            people = []
            for _ in range(accused):
                gender, nationality, has_name, first_name, last_name, roles = next(perpetrator_rows)
                person: Data = {"id": next_id(), "gender": gender, "citizenships": nationality}
                if has_name:
                    person["personal"] = {"given_name": first_name, "family_name": last_name}
                people.append({"person": person, "roles": roles})
            organisation_id = org_id[by]
            year = on.year
            key = (org_key[by], year)
            serial = serials[key] = serials[key] + 1
            data: Data = {
                "id": case_id,
                "organisation_id": organisation_id,
                "reference": f"{prefix[by]}-{year}/{first_serial + serial:06d}",
                "opened_on": on,
                "country_of_identification": country_code,
                "victims": victims,
                "perpetrators": people,
                "referrals": [
                    {
                        "from_organisation_id": organisation_id,
                        "to_organisation_id": org_id[to],
                        "referred_on": refer_on,
                        "reason": why,
                    }
                ]
                if refer
                else [],
                "status": state,
            }
            if shut is not None:
                data["closed_on"] = shut
            yield data

    def victims(self, opener: IntArray) -> tuple[list[Any], ...]:
        """Per victim: gender, citizenships, forms, means of control, recruitment,
        relationship, vulnerabilities, trafficking status, who decided it (or None), ages
        (-1 unknown), sexual exploitation types, labour industries and online platforms
        (None where they do not apply)."""
        world, c, u, below, n = self.world, self.chunk, self._u, self._below, self.n
        foreign = self.origin != self.destination
        # Now and then a second form (GLOTIP counts these as mixed).
        second = _SECONDARY[below(3, n)]
        second = np.where((u(n) < 0.04) & (second != c.form), second, -1)
        migration = np.where(foreign & (u(n) < 0.6), _MIGRATION_BIT, 0)
        draw = u(n)
        status = np.where(draw < 0.55, 0, np.where(draw < 0.97, 1, 2))
        decided = _or_none(status != 1, world.org_decided[opener])
        birth = self.birth
        at_identification = np.where(self.born, _DAYS.years(birth, c.identified[c.case_of]), -1)
        return (
            _GENDERS_A[self.gender].tolist(),
            world.citizenships[self.origin].tolist(),
            _FORM_LISTS[c.form * (len(FORMS) + 1) + second + 1].tolist(),
            _MEANS_LISTS(c.means),
            _RECRUITMENT_LISTS[c.recruitment].tolist(),
            _RELATIONSHIPS_A[c.relationship].tolist(),
            _VULNERABILITY_LISTS(c.vulnerable | migration),
            _TRAFFICKING_STATUSES_A[status].tolist(),
            decided.tolist(),
            at_identification.tolist(),
            _DAYS.years(birth, c.recruited).tolist(),
            self.sexual_exploitation_types(c.form, second).tolist(),
            self.labour_industries(c.form, second).tolist(),
            self.platforms(self.origin).tolist(),
        )

    def sexual_exploitation_types(self, form: IntArray, second: IntArray) -> ObjectArray:
        """For victims sexually exploited: the main type, and sometimes another."""
        n, u = len(form), self._u
        main = pick(self.rng, _SEX_TYPE_CUM, n)
        other = np.where(u(n) < 0.15, self._below(len(SEX_TYPES), n), -1)
        exploited = (form == _SEXUAL) | (second == _SEXUAL)
        return _or_none(exploited, _SEX_TYPE_LISTS[main * (len(SEX_TYPES) + 1) + other + 1])

    def labour_industries(self, form: IntArray, second: IntArray) -> ObjectArray:
        """For the forms of forced labour (the first listed): the industry, mostly known."""
        n = len(form)
        later = np.where(second >= 0, _LABOUR_SLOT[second], -1)
        slot = np.where(_LABOUR_SLOT[form] >= 0, _LABOUR_SLOT[form], later)
        known = (slot >= 0) & (self._u(n) < 0.9)
        return _or_none(known, _industry_lists()[slot * _LETTERS + self._below(_LETTERS, n)])

    def platforms(self, origin: IntArray) -> ObjectArray:
        """For victims recruited online: the platforms (Chinese and Thai ones by origin)."""
        n, u, codes = len(origin), self._u, self.world.tables.countries
        found = pick(self.rng, _PLATFORM_CUM, n) * (_POPULAR + 1)
        found += np.where(u(n) < 0.2, self._below(_POPULAR, n), -1) + 1
        if "CHN" in codes:
            chinese = np.where(u(n) < 2 / 3, _WECHAT, _QQ)
            found = np.where(origin == codes.index("CHN"), chinese, found)
        if "THA" in codes:
            found = np.where((origin == codes.index("THA")) & (u(n) < 0.5), _LINE, found)
        online = _ONLINE_RECRUITMENT[self.chunk.recruitment]
        return _or_none(online, _PLATFORM_LISTS[found])

    def routes(self, opener: IntArray) -> tuple[list[Any], ...]:
        """Per victim: recruitment in the origin (country, place, day), up to two transit
        countries (how many, first, its day, second, its day: nearer origin first, on days in
        between), exploitation in the destination (country, place, from, until identified)."""
        world, c, u, below, n = self.world, self.chunk, self._u, self._below, self.n
        origin, destination = self.origin, self.destination
        recruited, exploited = c.recruited, c.exploited
        # Recruited in a named city now and then; exploited in the opener's city or another.
        count = world.city_count[origin]
        named = (count > 0) & (u(n) < 0.8)
        city = world.cities[world.city_first[origin] + below(count, n)]
        recruited_in = _or_none(named, city)
        count = world.city_count[destination]
        named = (count > 0) & (u(n) < 0.8)
        city = world.cities[world.city_first[destination] + below(count, n)]
        exploited_in = np.where(u(n) < 0.6, world.org_city[opener], _or_none(named, city))
        # Transit: none for a domestic route, else up to two of the candidates.
        pairs, pair_of = np.unique(origin * len(world.codes) + destination, return_inverse=True)
        candidates = np.full((len(pairs), 7), None, dtype=object)
        lengths = np.zeros(len(pairs), dtype=np.int64)
        for row, key in enumerate(pairs.tolist()):
            start, end = divmod(key, len(world.codes))
            if start != end:
                found = transit_candidates(
                    world.tables.countries[start], world.tables.countries[end], world.reporters
                )
                candidates[row, : len(found)], lengths[row] = found, len(found)
        length = lengths[pair_of]
        draw = u(n)
        transits = (origin != destination) & (draw >= _NO_TRANSIT) & (length > 0)
        i, j = below(length, n), below(length, n)
        two = transits & (draw >= _ONE_TRANSIT) & (i != j)
        span = exploited - recruited + 1
        a, b = recruited + below(span, n), recruited + below(span, n)
        return (
            world.codes[origin].tolist(),
            recruited_in.tolist(),
            _DAYS(recruited),
            (transits.astype(np.int64) + two.astype(np.int64)).tolist(),
            candidates[pair_of, np.where(two, np.minimum(i, j), i)].tolist(),
            _DAYS(np.where(two, np.minimum(a, b), a)),
            candidates[pair_of, np.maximum(i, j)].tolist(),
            _DAYS(np.maximum(a, b)),
            world.codes[destination].tolist(),
            exploited_in.tolist(),
            _DAYS(exploited),
            _DAYS(c.identified[c.case_of]),
        )

    def services(
        self, opener: IntArray
    ) -> tuple[Iterator[int], Iterator[tuple[str, date, Any, date, date | None]]]:
        """Services in the support plans (NGOs record many, police and inspectors few): how
        many each victim has, then per service its type, start, provider (or None), planned
        end and end (or None)."""
        world, u, below, last, n = self.world, self._u, self._below, self.last_day, self.n
        scale = world.org_scale[opener][:, None]
        foreign = self.origin != self.destination
        chosen = np.concatenate(
            [
                u((n, len(_SERVICES))) < scale * _SERVICE_P[_FORM_GROUP[self.chunk.form]],
                (u((n, len(_FOREIGN_SERVICES))) < scale * _FOREIGN_P) & foreign[:, None],
            ],
            axis=1,
        )
        of, kind = np.nonzero(chosen)
        m = len(of)
        by = opener[of]
        start = np.minimum(self.opened[of] + below(31, m), last)
        providers = world.provider_count[by]
        provider = world.org_id[world.provider[by, below(providers, m)]]
        end = start + 14 + below(352, m)
        ends = (end <= last) & (u(m) < 0.7)
        rows = zip(
            _SERVICE_NAMES_A[kind].tolist(),
            _DAYS(start),
            _or_none(providers > 0, provider).tolist(),
            _DAYS(start + _SERVICE_PLANS[below(3, m)]),
            _or_none(ends, _DAYS.array(np.where(ends, end, start))).tolist(),
            strict=True,
        )
        return iter(chosen.sum(axis=1).tolist()), rows

    def consents(self, opener: IntArray) -> tuple[Iterator[int], Iterator[tuple[str, bool, Any]]]:
        """Consents asked at opening (NGOs ask for several scopes, others mostly for data
        processing): how many each victim has, then per consent its scope, whether given and
        when withdrawn (or None)."""
        u, below, last, n = self._u, self._below, self.last_day, self.n
        asked = u((n, len(_CONSENTS))) < _CONSENT_RECORDED
        asked[:, 1:] &= self.world.org_ngo[opener][:, None]
        of, scope = np.nonzero(asked)
        m = len(of)
        given = u(m) < _CONSENT_GIVEN[scope]
        opened = self.opened[of]
        withdrawn = np.minimum(opened + 7 + below(394, m), last)
        withdraws = given & (u(m) < 0.02)
        rows = zip(
            _CONSENT_SCOPES_A[scope].tolist(),
            given.tolist(),
            _or_none(withdraws, _DAYS.array(np.where(withdraws, withdrawn, opened))).tolist(),
            strict=True,
        )
        return iter(asked.sum(axis=1).tolist()), rows

    def personal(self) -> tuple[list[Any], ...]:
        """Per victim: whether personal details are known, and then names by citizenship
        (with the native spelling now and then), birth date, identity number, phone and email
        (None where not known; contacts are fictional)."""
        u, below, n = self._u, self._below, self.n
        given, given_native, family, family_native, pool = self.names(self.origin, self.female)
        names = _name_tables()
        native = np.flatnonzero(names.native[pool] & (u(n) < 0.5))
        other_name: list[str | None] = [None] * n
        rows = zip(
            native.tolist(),
            names.family_first[pool[native]].tolist(),
            given_native[native].tolist(),
            family_native[native].tolist(),
            strict=True,
        )
        for v, family_first, first, last in rows:
            other_name[v] = last + first if family_first else f"{first} {last}"
        birth = self.born & (u(n) < 0.85)
        first_names, last_names = given.tolist(), family.tolist()
        numbers = np.where(u(n) < 0.45, below(10**7, n), -1).tolist()
        areas = np.where(u(n) < 0.3, below(900, n) + 100, 0).tolist()
        mails = np.where(u(n) < 0.08, below(100, n), -1).tolist()
        return (
            (u(n) < 0.93).tolist(),
            first_names,
            last_names,
            other_name,
            _or_none(birth, _DAYS.array(self.birth)).tolist(),
            [
                f"X{_iso2(code)}{number:07d}" if number >= 0 else None
                for number, code in zip(
                    numbers, self.world.codes[self.origin].tolist(), strict=True
                )
            ],
            [
                f"+999 {area} {line:06d}" if area else None
                for area, line in zip(areas, below(10**6, n).tolist(), strict=True)
            ],
            [
                f"{_ascii(first)}.{_ascii(last)}{mail}@{'example.org' if org else 'example.com'}"
                if mail >= 0
                else None
                for first, last, mail, org in zip(
                    first_names, last_names, mails, (u(n) < 0.5).tolist(), strict=True
                )
            ],
        )

    def names(
        self, citizenship: IntArray, female: BoolArray
    ) -> tuple[ObjectArray, ObjectArray, ObjectArray, ObjectArray, IntArray]:
        """Given and family names from each citizenship's pool, with their native spellings
        (None where the pool has none), and the pool."""
        n = len(citizenship)
        names, pool = _name_tables(), self.world.pool[citizenship]
        sex = female.astype(np.int64)
        given_at = names.given_first[pool, sex] + self._below(names.given_count[pool, sex], n)
        family_at = names.family_start[pool] + self._below(names.family_count[pool], n)
        return (
            names.given[given_at],
            names.given_native[given_at],
            names.family[family_at],
            names.family_native[family_at],
            pool,
        )

    def perpetrators(self, per_case: IntArray) -> tuple[list[Any], ...]:
        """Per perpetrator (``per_case`` of each case, in case order): gender, citizenships
        (the victims' or the destination's), whether named, given and family name, roles."""
        c, u, below = self.chunk, self._u, self._below
        case_of = np.repeat(np.arange(c.size), per_case)
        n = len(case_of)
        citizenship = np.where(u(n) < 0.6, c.origin[case_of], c.destination[case_of])
        draw = u(n)
        gender = np.where(draw < 0.68, 1, np.where(draw < 0.98, 0, 2))
        female = (gender == 0) | ((gender == 2) & (u(n) < 0.5))
        given, _, family, _, _ = self.names(citizenship, female)
        other = np.where(u(n) < 0.25, below(3, n), -1)
        return (
            _GENDERS_A[gender].tolist(),
            self.world.citizenships[citizenship].tolist(),
            (u(n) < 0.6).tolist(),
            given.tolist(),
            family.tolist(),
            _ROLE_LISTS[pick(self.rng, _ROLE_CUM, n) * 4 + other + 1].tolist(),
        )


def _or_none(present: BoolArray, values: ObjectArray) -> ObjectArray:
    """``values`` where ``present``, else None."""
    chosen: ObjectArray = np.where(present, values, _NONE)
    return chosen


def _objects(items: Sequence[Any]) -> ObjectArray:
    """A 1-D object array of ``items`` (lists stay elements, not rows)."""
    array = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        array[i] = item
    return array


def _cumulative(weights: Sequence[float] | FloatArray) -> FloatArray:
    cum = np.cumsum(np.asarray(weights, dtype=np.float64) / np.sum(weights))
    cum[-1] = 1.0
    return cum


def _combinations(codes: Sequence[str], others: int) -> ObjectArray:
    """Sorted lists of a code and maybe another, at ``main * (others + 1) + other + 1``
    (``other`` -1 for none, else an index into the first ``others`` codes)."""
    return _objects(
        [
            sorted({codes[main], *([codes[other]] if other >= 0 else [])})
            for main in range(len(codes))
            for other in range(-1, others)
        ]
    )


class _Days:
    """``date`` objects by ordinal, made once per process (extended when a chunk needs more),
    so turning a chunk's ordinals into dates is one numpy ``take``; with each day's YYYYMMDD
    number, which gives whole years between days by a subtraction."""

    MARGIN = 3_660

    def __init__(self) -> None:
        self._span: tuple[int, ObjectArray, IntArray] = (
            1,
            np.empty(0, dtype=object),
            np.empty(0, dtype=np.int64),
        )

    def __call__(self, ordinals: IntArray) -> list[date]:
        dates: list[date] = self.array(ordinals).tolist()
        return dates

    def array(self, ordinals: IntArray) -> ObjectArray:
        first, table, _ = self._covering(ordinals)
        days: ObjectArray = table[ordinals - first]
        return days

    def years(self, born: IntArray, on: IntArray) -> IntArray:
        """Whole years from the days ``born`` to the days ``on``, birthdays by the calendar."""
        first, _, numbers = self._covering(np.concatenate([born, on]))
        years: IntArray = (numbers[on - first] - numbers[born - first]) // 10_000
        return years

    def _covering(self, ordinals: IntArray) -> tuple[int, ObjectArray, IntArray]:
        span = first, table, _ = self._span
        if not ordinals.size:
            return span
        low, high = int(ordinals.min()), int(ordinals.max())
        if low < first or high >= first + len(table):
            if len(table):
                low, high = min(low, first), max(high, first + len(table) - 1)
            low = max(1, low - self.MARGIN)
            high = min(date.max.toordinal(), high + self.MARGIN)
            dates = [date.fromordinal(day) for day in range(low, high + 1)]
            numbers = [day.year * 10_000 + day.month * 100 + day.day for day in dates]
            span = self._span = (low, _objects(dates), np.array(numbers, dtype=np.int64))
        return span


_DAYS = _Days()


@dataclass(frozen=True)
class _NameTables:
    """The name pools as flat arrays: names of pool ``p`` start at ``*_first[p]``/``start``."""

    given: ObjectArray  # per pool: male names, then female names
    given_native: ObjectArray  # aligned with ``given``; None where the pool has none
    given_first: IntArray  # [pool, female]
    given_count: IntArray  # [pool, female]
    family: ObjectArray
    family_native: ObjectArray
    family_start: IntArray  # [pool]
    family_count: IntArray  # [pool]
    native: BoolArray  # [pool]: native spellings to put in other_names
    family_first: IntArray  # [pool]: 1 where the family name is written first


@cache
def _name_tables() -> _NameTables:
    given: list[str] = []
    given_native: list[str | None] = []
    given_first, given_count = (
        np.zeros((len(POOLS), 2), np.int64),
        np.zeros((len(POOLS), 2), np.int64),
    )
    family: list[str] = []
    family_native: list[str | None] = []
    family_start, family_count = np.zeros(len(POOLS), np.int64), np.zeros(len(POOLS), np.int64)
    for p, pool in enumerate(POOLS):
        for female, (names, native) in enumerate(
            ((pool.male, pool.male_native), (pool.female, pool.female_native))
        ):
            given_first[p, female], given_count[p, female] = len(given), len(names)
            given += names
            given_native += native or [None] * len(names)
        family_start[p], family_count[p] = len(family), len(pool.family)
        family += pool.family
        family_native += pool.family_native or [None] * len(pool.family)
    return _NameTables(
        given=_objects(given),
        given_native=_objects(given_native),
        given_first=given_first,
        given_count=given_count,
        family=_objects(family),
        family_native=_objects(family_native),
        family_start=family_start,
        family_count=family_count,
        native=np.array(
            [bool(p.family_native and p.female_native and p.male_native) for p in POOLS]
        ),
        family_first=np.array([int(p.family_first) for p in POOLS], dtype=np.int64),
    )


@cache
def _industry_lists() -> ObjectArray:
    """[labour industry] lists at ``slot * _LETTERS + k``: the k-th letter of the slot's form."""
    return _objects(
        [[_industry(letter)] for letters in _INDUSTRY_LETTERS.values() for letter in letters]
    )


class _MaskLists:
    """The list of codes whose bits are set, for every bit mask over ``codes`` (each made the
    first time it is needed; shared, as pydantic copies lists into the model)."""

    def __init__(self, codes: tuple[str, ...]) -> None:
        self.codes = codes
        self.lists: ObjectArray = np.full(1 << len(codes), None, dtype=object)
        self.made = np.zeros(1 << len(codes), dtype=np.bool_)

    def __call__(self, masks: IntArray) -> list[list[str]]:
        new = masks[~self.made[masks]]
        if new.size:
            for mask in np.unique(new).tolist():
                self.lists[mask] = [code for bit, code in enumerate(self.codes) if mask >> bit & 1]
            self.made[new] = True
        found: list[list[str]] = self.lists[masks].tolist()
        return found


_NONE = np.full((), None, dtype=object)
_NO_TRANSIT = float(TRANSIT_LEGS_W[0])
_ONE_TRANSIT = float(TRANSIT_LEGS_W[0] + TRANSIT_LEGS_W[1])
_UNIX_ORDINAL = date(1970, 1, 1).toordinal()
_FORM_NAMES = tuple(form for form, *_ in FORMS)
_FORM_GROUP = np.array([GROUPS.index(group) for _, group, *_ in FORMS])
_GENDER_OF_SEX_AGE = np.array([_GENDER_OF_SEX[key.split("|")[0]] for key in SEX_AGE])
_GENDERS_A = _objects(_GENDERS)
_SECONDARY = np.array([_FORM_NAMES.index(form) for form in _SECONDARY_FORMS])
_SEXUAL = _FORM_NAMES.index("SexualExploitation")
#: [form] or [form, second] at ``form * (len(FORMS) + 1) + second + 1`` (second -1: none).
_FORM_LISTS = _objects(
    [
        [_FORM_NAMES[form], *([_FORM_NAMES[second]] if second >= 0 else [])]
        for form in range(len(FORMS))
        for second in range(-1, len(FORMS))
    ]
)
_LETTERS = 10
assert all(len(letters) == _LETTERS for letters in _INDUSTRY_LETTERS.values())
_LABOUR_SLOT = np.array(
    [list(_INDUSTRY_LETTERS).index(f) if f in _INDUSTRY_LETTERS else -1 for f in _FORM_NAMES]
)
_MIGRATION_BIT = 1 << VULNERABILITIES.index("Migration")
_MEANS_LISTS = _MaskLists(MEANS)
_VULNERABILITY_LISTS = _MaskLists(VULNERABILITIES)
_RECRUITMENT_LISTS = _objects([[method] for method in RECRUITMENT])
_ONLINE_RECRUITMENT = np.array([method in _ONLINE for method in RECRUITMENT])
_RELATIONSHIPS_A = _objects(RELATIONSHIPS)
_TRAFFICKING_STATUSES_A = _objects(_TRAFFICKING_STATUSES)
_CASE_STATUSES_A = _objects(_CASE_STATUSES)
_REFERRAL_REASONS_A = _objects(_REFERRAL_REASONS)
_REFERRAL_REASONS_CUM = _cumulative(_REFERRAL_REASONS_W)
_PERPETRATORS_CUM = _cumulative(_PERPETRATORS_W)
_ROLE_CUM = _cumulative(_ROLES_W)
#: A role, and a quarter of the time one of the first three too.
_ROLE_LISTS = _combinations(_ROLES, 3)
_SEX_TYPE_CUM = _cumulative(SEX_TYPES_W)
_SEX_TYPE_LISTS = _combinations(SEX_TYPES, len(SEX_TYPES))
#: Platforms: a weighted one and now and then one of the six most popular; then a few fixed.
_POPULAR = 6
_PLATFORM_CUM = _cumulative(PLATFORMS_W)
_PLATFORM_LISTS = _objects([*_combinations(PLATFORMS, _POPULAR), ["WeChat"], ["QQ"], ["Line"]])
_WECHAT, _QQ, _LINE = len(_PLATFORM_LISTS) - 3, len(_PLATFORM_LISTS) - 2, len(_PLATFORM_LISTS) - 1
_SERVICE_NAMES_A = _objects([row[0] for row in _SERVICES] + [row[0] for row in _FOREIGN_SERVICES])
_SERVICE_P = np.array([row[1:] for row in _SERVICES], dtype=np.float64).T  # [group, service]
_FOREIGN_P = np.array([p for _, p in _FOREIGN_SERVICES])
_CONSENT_SCOPES_A = _objects([scope for scope, *_ in _CONSENTS])
_CONSENT_RECORDED = np.array([recorded for _, recorded, _ in _CONSENTS])
_CONSENT_GIVEN = np.array([given for *_, given in _CONSENTS])


def _choice(rnd: random.Random, items: Sequence[T]) -> T:
    """``rnd.choice`` without its overhead."""
    return items[int(rnd.random() * len(items))]


def _between(rnd: random.Random, low: int, high: int) -> int:
    """A whole number in ``low..high`` inclusive, like ``rnd.randint`` but cheaper."""
    return low + int(rnd.random() * (high - low + 1))


def _below(rnd: random.Random, n: int) -> int:
    return int(rnd.random() * n)


def fictional_phone(rnd: random.Random) -> str:
    """A phone number under +999, a country code ITU has never assigned."""
    return f"+999 {_between(rnd, 100, 999)} {_below(rnd, 10**6):06d}"


def fictional_email(rnd: random.Random, given: str, family: str) -> str:
    """An address at example.org or example.com, domains reserved by RFC 2606."""
    domain = "example.org" if rnd.random() < 0.5 else "example.com"
    return f"{_ascii(given)}.{_ascii(family)}{_below(rnd, 100)}@{domain}"


@cache
def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum()) or "person"


@cache
def _iso2(iso3: str) -> str:
    return country(iso3).iso2


@cache
def _industry(letter: str) -> str:
    from tipis.standard.codes import codelist

    return next(code for code in codelist("labour_industry").codes if code[0] == letter)
