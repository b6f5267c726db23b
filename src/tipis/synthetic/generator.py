"""Synthetic cases: demo agencies and realistic, validated ``Case`` records, fast and repeatable.

Owns ``demo_organisations`` and ``generate_cases``. The main attributes are drawn in numpy
chunks (``sampling``); this module assembles each case as a plain dict (personal details,
route, services, consents, perpetrators, referrals, status) and validates it with
``Case.model_validate``. The same seed gives the same cases, UUIDs included; nothing depends
on the clock except that no date may lie after today.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import accumulate
from math import exp
from typing import Any, TypeVar

import numpy as np

from tipis.standard.geography import country, is_country
from tipis.standard.ids import time_ordered_id
from tipis.standard.records import Case, Organisation
from tipis.synthetic.calibration import load_parameters
from tipis.synthetic.names import NamePool, pool_for
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
    Chunk,
    Tables,
    build_tables,
    sample_chunk,
    transit_candidates,
)

__all__ = ["CHUNK_SIZE", "demo_organisations", "generate_cases", "new_uuid"]

CHUNK_SIZE = 10_000
#: Least yearly detections (GLOTIP mean) of a country that routes may transit.
MIN_TRANSIT = 25.0
T = TypeVar("T")
Data = dict[str, Any]

_OTHER_GENDERS = ("TransgenderFeminine", "TransgenderMasculine", "NonConforming")
_GENDER = {"Female": "Feminine", "Male": "Masculine", "Unknown": "NonSpecifiedUnknown"}
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
#: Consents: (scope, P recorded, P given when recorded). Most files hold one or two.
_CONSENTS = (("DataProcessing", .75, .95), ("Referral", .30, .85), ("DataSharing", .15, .70),
             ("Interview", .10, .80), ("ResearchUse", .05, .50))  # fmt: skip
_ROLES = ("RecruiterOrIntermediary", "Exploiter", "Transporter", "BrokerTravelAgent",
          "Smuggler", "Abuser", "Kidnapper", "TravellingPartner", "Other")  # fmt: skip
_ROLE_CUM = tuple(accumulate((0.30, 0.30, 0.12, 0.06, 0.05, 0.06, 0.02, 0.03, 0.06)))
_PERPETRATORS_CUM = tuple(accumulate((0.55, 0.28, 0.11, 0.06)))
_INDUSTRY_LETTERS = {
    "ForcedLabour": "ACFITBGHSN", "Servitude": "TTTTTTTTIS", "ChildLabour": "AAAAGGTTBC",
}  # fmt: skip
_PLATFORM_CUM = tuple(accumulate((PLATFORMS_W / PLATFORMS_W.sum()).tolist()))
_SEX_TYPE_CUM = tuple(accumulate((SEX_TYPES_W / SEX_TYPES_W.sum()).tolist()))
# Version 4 and the RFC 4122 variant, set on random bits (what ``UUID(version=4)`` does).
_UUID_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID_V4 = (0x4000 << 64) | (0x8000 << 48)
#: 2020-01-01T00:00Z in milliseconds: where synthetic record ids start counting.
_SYNTHETIC_EPOCH_MS = 1_577_836_800_000
#: Room for this many ids per case in the ordered id space of one part.
_IDS_PER_CASE = 1_000
_MASK_CACHE: dict[tuple[int, int], list[str]] = {}


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
    world = _World.build(organisations, first_year, last_year)
    rng = np.random.default_rng(seed)
    serials: Counter[tuple[uuid.UUID, int]] = Counter()
    ids = _RecordIds(random.Random(seed), first_serial * _IDS_PER_CASE)
    done = 0
    while done < n:
        size = min(CHUNK_SIZE, n - done)
        chunk = sample_chunk(rng, world.tables, size)
        rnd = random.Random(int(rng.integers(2**63)))
        assembler = _Assembler(world, chunk, rnd, serials, first_serial, ids)
        for index in range(size):
            yield Case.model_validate(assembler.case(index))
        done += size


@dataclass(frozen=True)
class _World:
    """The organisations and tables one ``generate_cases`` call draws from."""

    tables: Tables
    openers: dict[tuple[str, str], tuple[list[Organisation], tuple[float, ...]]]
    by_country: dict[str, list[Organisation]]
    providers: dict[str, list[Organisation]]  # NGOs that provide services, per country
    reporters: frozenset[str]

    @classmethod
    def build(cls, organisations: Sequence[Organisation], first: int, last: int) -> _World:
        params = load_parameters()
        by_country: dict[str, list[Organisation]] = {}
        for organisation in organisations:
            by_country.setdefault(organisation.country, []).append(organisation)
        openers = {
            (iso3, group): _opener_weights(orgs, group)
            for iso3, orgs in by_country.items()
            for group in GROUPS
        }
        # Transit only through countries that detect victims in numbers, not microstates.
        volume = params["victims_by_country"]
        reporters = frozenset(c for c in volume if is_country(c) and volume[c] >= MIN_TRANSIT)
        tables = build_tables(params, sorted(by_country), first, last)
        providers = {c: [o for o in orgs if o.type == "NGO"] for c, orgs in by_country.items()}
        return cls(tables, openers, by_country, providers, reporters)


def _opener_weights(
    organisations: list[Organisation], group: str
) -> tuple[list[Organisation], tuple[float, ...]]:
    weights = _OPENED_BY[group]
    chosen = [o for o in organisations if weights.get(o.type, 0) > 0] or organisations
    share = [weights.get(o.type, 1.0) / sum(o2.type == o.type for o2 in chosen) for o in chosen]
    total = sum(share)
    return chosen, tuple(accumulate(s / total for s in share))


class _Assembler:
    """Builds the dicts of one chunk's cases; per-case choices use a seeded ``Random``."""

    def __init__(
        self,
        world: _World,
        chunk: Chunk,
        rnd: random.Random,
        serials: Counter[tuple[uuid.UUID, int]],
        first_serial: int,
        ids: _RecordIds,
    ) -> None:
        self.world, self.chunk, self.rnd, self.serials = world, chunk, rnd, serials
        self.first_serial = first_serial
        self.new_id = ids
        self.first_victim = [0, *accumulate(chunk.victims)][:-1]
        self.last_day = world.tables.last_day
        self.transit: dict[tuple[str, str], tuple[str, ...]] = {}

    def case(self, i: int) -> Data:
        c, rnd = self.chunk, self.rnd
        destination = self.world.tables.destinations[c.destination[i]]
        origin = c.origin[i]
        first = self.first_victim[i]
        group = FORMS[c.form[first]][1]
        orgs, cum = self.world.openers[(destination, group)]
        opener = orgs[bisect_right(cum, rnd.random() * cum[-1])]
        opened = c.opened[i]
        opened_on = date.fromordinal(opened)
        victims = [
            self.victim(v, origin, destination, opener, opened)
            for v in range(first, first + c.victims[i])
        ]
        referrals = self.referrals(opener, opened)
        data: Data = {
            "id": self.new_id(),
            "organisation_id": opener.id,
            "reference": self.reference(opener, opened_on.year),
            "opened_on": opened_on,
            "country_of_identification": destination,
            "victims": victims,
            "perpetrators": self.perpetrators(origin, destination),
            "referrals": referrals,
        }
        data.update(self.status(opened, referrals))
        return data

    def reference(self, opener: Organisation, year: int) -> str:
        self.serials[(opener.id, year)] += 1
        prefix = _REFERENCE_PREFIX.get(opener.type, "CAS")
        return f"{prefix}-{year}/{self.first_serial + self.serials[(opener.id, year)]:06d}"

    def status(self, opened: int, referrals: list[Data]) -> Data:
        """Older cases are more often closed; a case closes after opening and any referral,
        and not after the last day generated."""
        rnd, elapsed = self.rnd, self.last_day - opened
        if rnd.random() < 1 - exp(-elapsed / 540):
            closed = opened + _between(rnd, min(14, elapsed), elapsed)
            if referrals:
                closed = max(closed, referrals[-1]["referred_on"].toordinal())
            status = "ClosedReferred" if referrals and rnd.random() < 0.6 else "Closed"
            return {"status": status, "closed_on": date.fromordinal(closed)}
        return {"status": "Active" if rnd.random() < 0.75 else "FollowUp"}

    def victim(
        self, v: int, origin: str, destination: str, opener: Organisation, opened: int
    ) -> Data:
        c, rnd = self.chunk, self.rnd
        sex = _SEX_OF[c.sex_age[v]]
        gender = _GENDER.get(sex) or _choice(rnd, _OTHER_GENDERS)
        form = FORMS[c.form[v]][0]
        age = c.age[v]
        born = date.fromordinal(c.birth[v]) if age >= 0 else None
        recruited = date.fromordinal(c.recruited[v])
        data: Data = {
            "person": {
                "id": self.new_id(),
                "gender": gender,
                "citizenships": [origin],
                "personal": self.personal(origin, gender, born) if rnd.random() < 0.93 else None,
            },
            "exploitation_forms": self.forms(form),
            "means_of_control": _from_mask(MEANS, c.means[v]),
            "recruitment_methods": [RECRUITMENT[c.recruitment[v]]],
            "relationship_to_trafficker": RELATIONSHIPS[c.relationship[v]],
            "vulnerabilities": self.vulnerabilities(c.vulnerable[v], origin, destination),
            "route": self.route(v, origin, destination, opener),
            "services": self.services(form, origin != destination, opener, opened),
            "consents": self.consents(opener, opened),
        }
        self.status_of_victim(data, opener)
        if born is not None:
            identified = date.fromordinal(c.identified[c.case_of[v]])
            data["age_at_identification"] = _age(born, identified)
            data["age_when_trafficked"] = _age(born, recruited)
        self.form_details(data)
        if data["recruitment_methods"][0] in _ONLINE:
            data["online_platforms"] = self.platforms(origin)
        return data

    def forms(self, form: str) -> list[str]:
        """The drawn form, and now and then a second one (GLOTIP counts these as mixed)."""
        if self.rnd.random() < 0.04:
            second = _choice(self.rnd, _SECONDARY_FORMS)
            if second != form:
                return [form, second]
        return [form]

    def form_details(self, data: Data) -> None:
        """Types of sexual exploitation and the labour industry, for the forms that have them."""
        rnd, forms = self.rnd, data["exploitation_forms"]
        if "SexualExploitation" in forms:
            types = {SEX_TYPES[bisect_right(_SEX_TYPE_CUM, rnd.random() * _SEX_TYPE_CUM[-1])]}
            if rnd.random() < 0.15:
                types.add(_choice(rnd, SEX_TYPES))
            data["sexual_exploitation_types"] = sorted(types)
        labour = next((f for f in forms if f in _INDUSTRY_LETTERS), None)
        if labour is not None and rnd.random() < 0.9:
            data["labour_industries"] = [_industry(_choice(rnd, _INDUSTRY_LETTERS[labour]))]

    def platforms(self, origin: str) -> list[str]:
        rnd = self.rnd
        if origin == "CHN":
            return [_choice(rnd, ("WeChat", "WeChat", "QQ"))]
        found = {PLATFORMS[bisect_right(_PLATFORM_CUM, rnd.random() * _PLATFORM_CUM[-1])]}
        if rnd.random() < 0.2:
            found.add(_choice(rnd, PLATFORMS[:6]))
        if origin == "THA" and rnd.random() < 0.5:
            found = {"Line"}
        return sorted(found)

    def vulnerabilities(self, mask: int, origin: str, destination: str) -> list[str]:
        found = _from_mask(VULNERABILITIES, mask)
        if origin != destination and self.rnd.random() < 0.6:
            found = [*found, "Migration"]
        return found

    def status_of_victim(self, data: Data, opener: Organisation) -> None:
        """Most are confirmed by the agency that opened the case; a few turn out not victims."""
        draw = self.rnd.random()
        if draw < 0.55:
            data["trafficking_status"] = "ActualVictimOfTrafficking"
            data["status_decided_by"] = _DECIDED_BY.get(opener.type, "Other")
        elif draw < 0.97:
            data["trafficking_status"] = "PossibleVictimOfTrafficking"
        else:
            data["trafficking_status"] = "NotAVictimOfTrafficking"
            data["status_decided_by"] = _DECIDED_BY.get(opener.type, "Other")

    def route(self, v: int, origin: str, destination: str, opener: Organisation) -> list[Data]:
        c, rnd = self.chunk, self.rnd
        recruited, exploited = c.recruited[v], c.exploited[v]
        legs = [_leg("Recruitment", origin, _place(rnd, cities_of(origin)), recruited)]
        transit = self.transit_countries(origin, destination)
        starts = sorted(_between(rnd, recruited, exploited) for _ in transit)
        ends = [*starts[1:], exploited] if starts else []
        for iso3, start, end in zip(transit, starts, ends, strict=True):
            legs.append(_leg("Transit", iso3, None, start, end))
        place = opener.city if rnd.random() < 0.6 else _place(rnd, cities_of(destination))
        identified = c.identified[c.case_of[v]]
        legs.append(_leg("Exploitation", destination, place, exploited, identified))
        return legs

    def transit_countries(self, origin: str, destination: str) -> list[str]:
        """None for a domestic route, else up to two countries between, nearer origin first."""
        draw = self.rnd.random()
        if origin == destination or draw < _NO_TRANSIT:
            return []
        key = (origin, destination)
        candidates = self.transit.get(key)
        if candidates is None:
            candidates = transit_candidates(origin, destination, self.world.reporters)
            self.transit[key] = candidates
        if not candidates:
            return []
        i = _below(self.rnd, len(candidates))
        j = _below(self.rnd, len(candidates))
        if draw < _ONE_TRANSIT or i == j:
            return [candidates[i]]
        return [candidates[min(i, j)], candidates[max(i, j)]]

    def services(self, form: str, foreign: bool, opener: Organisation, opened: int) -> list[Data]:
        """Services in the support plan; NGOs record many, police and inspectors few."""
        rnd, column = self.rnd, 1 + _GROUP_OF_FORM[form]
        scale = _SERVICE_RECORDING.get(opener.type, 1.0)
        chosen = [row[0] for row in _SERVICES if rnd.random() < scale * float(row[column])]
        if foreign:
            chosen += [name for name, p in _FOREIGN_SERVICES if rnd.random() < scale * p]
        providers = self.world.providers[opener.country]
        return [self.service(name, providers, opened) for name in chosen]

    def service(self, name: str, providers: list[Organisation], opened: int) -> Data:
        rnd = self.rnd
        start = min(opened + _between(rnd, 0, 30), self.last_day)
        data: Data = {"type": name, "started_on": date.fromordinal(start)}
        if providers:
            data["provider_id"] = _choice(rnd, providers).id
        length = _between(rnd, 14, 365)
        data["planned_end_on"] = date.fromordinal(start + _choice(rnd, (90, 180, 365)))
        if start + length <= self.last_day and rnd.random() < 0.7:
            data["ended_on"] = date.fromordinal(start + length)
        return data

    def consents(self, opener: Organisation, opened: int) -> list[Data]:
        """Consents asked at opening: NGOs ask for several scopes, others mostly data processing."""
        rnd, on = self.rnd, date.fromordinal(opened)
        consents = []
        for scope, recorded, given in _CONSENTS if opener.type == "NGO" else _CONSENTS[:1]:
            if rnd.random() < recorded:
                consent: Data = {"scope": scope, "given": rnd.random() < given, "recorded_on": on}
                if consent["given"] and rnd.random() < 0.02:
                    withdrawn = min(opened + _between(rnd, 7, 400), self.last_day)
                    consent["withdrawn_on"] = date.fromordinal(withdrawn)
                consents.append(consent)
        return consents

    def personal(self, citizenship: str, gender: str, born: date | None) -> Data:
        rnd = self.rnd
        pool = pool_for(citizenship)
        given, native_given = _given(rnd, pool, gender)
        k = _below(rnd, len(pool.family))
        family = pool.family[k]
        data: Data = {"given_name": given, "family_name": family}
        if pool.family_native and native_given and rnd.random() < 0.5:
            native_family = pool.family_native[k]
            native = native_family + native_given if pool.family_first else None
            data["other_names"] = [native or f"{native_given} {native_family}"]
        if born is not None and rnd.random() < 0.85:
            data["birth_date"] = born
        if rnd.random() < 0.45:
            data["identity_numbers"] = [f"X{_iso2(citizenship)}{_below(rnd, 10**7):07d}"]
        if rnd.random() < 0.3:
            data["phone"] = fictional_phone(rnd)
        if rnd.random() < 0.08:
            data["email"] = fictional_email(rnd, given, family)
        return data

    def perpetrators(self, origin: str, destination: str) -> list[Data]:
        rnd = self.rnd
        count = bisect_right(_PERPETRATORS_CUM, rnd.random() * _PERPETRATORS_CUM[-1])
        return [self.perpetrator(origin, destination) for _ in range(count)]

    def perpetrator(self, origin: str, destination: str) -> Data:
        rnd = self.rnd
        citizenship = origin if rnd.random() < 0.6 else destination
        draw = rnd.random()
        gender = (
            "Masculine" if draw < 0.68 else "Feminine" if draw < 0.98 else "NonSpecifiedUnknown"
        )
        person: Data = {"id": self.new_id(), "gender": gender, "citizenships": [citizenship]}
        if rnd.random() < 0.6:
            pool = pool_for(citizenship)
            given, _ = _given(rnd, pool, gender)
            person["personal"] = {"given_name": given, "family_name": _choice(rnd, pool.family)}
        roles = {_ROLES[bisect_right(_ROLE_CUM, rnd.random() * _ROLE_CUM[-1])]}
        if rnd.random() < 0.25:
            roles.add(_choice(rnd, _ROLES[:3]))
        return {"person": person, "roles": sorted(roles)}

    def referrals(self, opener: Organisation, opened: int) -> list[Data]:
        rnd = self.rnd
        if rnd.random() >= 0.18:
            return []
        others = [o for o in self.world.by_country[opener.country] if o.id != opener.id]
        if not others:
            return []
        preferred = [o for o in others if (o.type == "NGO") != (opener.type == "NGO")]
        target = _choice(rnd, preferred or others)
        draw = rnd.random()
        reason = (
            "AdditionalServicesRequired"
            if draw < 0.75
            else "MigrationOrChangeOfLocation"
            if draw < 0.9
            else "Other"
        )
        on = min(opened + _between(rnd, 0, 60), self.last_day)
        return [
            {
                "from_organisation_id": opener.id,
                "to_organisation_id": target.id,
                "referred_on": date.fromordinal(on),
                "reason": reason,
            }
        ]


_NO_TRANSIT = float(TRANSIT_LEGS_W[0])
_ONE_TRANSIT = float(TRANSIT_LEGS_W[0] + TRANSIT_LEGS_W[1])
_SEX_OF = tuple(key.split("|")[0] for key in SEX_AGE)
_GROUP_OF_FORM = {form: GROUPS.index(group) for form, group, *_ in FORMS}


def _leg(kind: str, iso3: str, place: str | None, start: int, end: int | None = None) -> Data:
    leg: Data = {"type": kind, "country": iso3, "started_on": date.fromordinal(start)}
    if place is not None:
        leg["place"] = place
    if end is not None:
        leg["ended_on"] = date.fromordinal(end)
    return leg


def _choice(rnd: random.Random, items: Sequence[T]) -> T:
    """``rnd.choice`` without its overhead (this is called millions of times)."""
    return items[int(rnd.random() * len(items))]


def _between(rnd: random.Random, low: int, high: int) -> int:
    """A whole number in ``low..high`` inclusive, like ``rnd.randint`` but cheaper."""
    return low + int(rnd.random() * (high - low + 1))


def _below(rnd: random.Random, n: int) -> int:
    return int(rnd.random() * n)


def _place(rnd: random.Random, cities: tuple[str, ...]) -> str | None:
    return _choice(rnd, cities) if cities and rnd.random() < 0.8 else None


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _given(rnd: random.Random, pool: NamePool, gender: str) -> tuple[str, str | None]:
    female = gender in ("Feminine", "TransgenderFeminine") or (
        gender not in ("Masculine", "TransgenderMasculine") and rnd.random() < 0.5
    )
    names, native = (pool.female, pool.female_native) if female else (pool.male, pool.male_native)
    k = _below(rnd, len(names))
    return names[k], (native[k] if native else None)


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


def _from_mask(codes: tuple[str, ...], mask: int) -> list[str]:
    """The codes whose bits are set in ``mask`` (cached: masks repeat a lot)."""
    key = (id(codes), mask)
    found = _MASK_CACHE.get(key)
    if found is None:
        found = [code for bit, code in enumerate(codes) if mask >> bit & 1]
        _MASK_CACHE[key] = found
    return found  # shared: pydantic copies lists into the model, so this is never mutated
