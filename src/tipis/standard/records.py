"""Record models: what a trafficking case is, after IOM HTCDS v2.0 and IC-TIP concepts.

A ``Case`` is opened by one organisation and holds victims and perpetrators. Each victim has
a profile (forms of exploitation, means of control, recruitment), a route (recruitment, transit
and exploitation legs with country, place and date), services received and consents. Referrals
between organisations belong to the case.

Personal data (names, birth date, identity numbers, contacts) lives only in
``PersonalDetails``, which the store encrypts as one value. Validation errors never echo a
personal value: see ``describe_errors``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Self
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from tipis.standard.codes import codelist
from tipis.standard.geography import country, is_country
from tipis.standard.ids import new_id
from tipis.standard.resolver import resolve_country

MAX_AGE = 120


def _code_in(list_name: str) -> Callable[[str], str]:
    """A validator accepting the codes of ``list_name``; runs for every code of every record."""
    valid: frozenset[str] = frozenset()

    def check(value: str) -> str:
        nonlocal valid
        if value in valid:
            return value
        codes = codelist(list_name)  # loaded on first use, not at import
        valid = frozenset(codes.codes)
        return codes.validate(value)

    return check


def _iso3(value: str) -> str:
    code = value.upper()
    if not is_country(code):
        raise ValueError(_not_a_country(value))
    return code


def _not_a_country(value: str) -> str:
    message = f"'{value}' is not an ISO 3166-1 alpha-3 country code"
    found = resolve_country(value)
    if found.iso3 is not None:
        return f"{message}; did you mean '{found.iso3}' ({country(found.iso3).name()})?"
    if found.candidates:
        return f"{message}; it could be {' or '.join(found.candidates)}"
    return f"{message}; use a code such as 'ROU' or 'MEX' (`tipis country NAME` finds it)"


CountryCode = Annotated[
    str,
    AfterValidator(_iso3),
    Field(min_length=3, max_length=3, json_schema_extra={"format": "iso3166-alpha3"}),
]
Age = Annotated[int, Field(ge=0, le=MAX_AGE)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=10_000)]

Gender = Annotated[
    str,
    AfterValidator(_code_in("gender")),
    Field(json_schema_extra={"codelist": "gender"}),
]
ExploitationForm = Annotated[
    str,
    AfterValidator(_code_in("exploitation_form")),
    Field(json_schema_extra={"codelist": "exploitation_form"}),
]
MeansOfControl = Annotated[
    str,
    AfterValidator(_code_in("means_of_control")),
    Field(json_schema_extra={"codelist": "means_of_control"}),
]
RecruitmentMethod = Annotated[
    str,
    AfterValidator(_code_in("recruitment_method")),
    Field(json_schema_extra={"codelist": "recruitment_method"}),
]
OnlinePlatform = Annotated[
    str,
    AfterValidator(_code_in("online_platform")),
    Field(json_schema_extra={"codelist": "online_platform"}),
]
Relationship = Annotated[
    str,
    AfterValidator(_code_in("relationship_to_trafficker")),
    Field(json_schema_extra={"codelist": "relationship_to_trafficker"}),
]
LabourIndustry = Annotated[
    str,
    AfterValidator(_code_in("labour_industry")),
    Field(json_schema_extra={"codelist": "labour_industry"}),
]
SexualExploitationType = Annotated[
    str,
    AfterValidator(_code_in("sexual_exploitation_type")),
    Field(json_schema_extra={"codelist": "sexual_exploitation_type"}),
]
TraffickingStatus = Annotated[
    str,
    AfterValidator(_code_in("trafficking_status")),
    Field(json_schema_extra={"codelist": "trafficking_status"}),
]
StatusDecisionOrg = Annotated[
    str,
    AfterValidator(_code_in("status_decision_org")),
    Field(json_schema_extra={"codelist": "status_decision_org"}),
]
PerpetratorRole = Annotated[
    str,
    AfterValidator(_code_in("perpetrator_role")),
    Field(json_schema_extra={"codelist": "perpetrator_role"}),
]
EventType = Annotated[
    str,
    AfterValidator(_code_in("event_type")),
    Field(json_schema_extra={"codelist": "event_type"}),
]
SupportType = Annotated[
    str,
    AfterValidator(_code_in("support_type")),
    Field(json_schema_extra={"codelist": "support_type"}),
]
OrganisationType = Annotated[
    str,
    AfterValidator(_code_in("organisation_type")),
    Field(json_schema_extra={"codelist": "organisation_type"}),
]
CaseStatus = Annotated[
    str,
    AfterValidator(_code_in("case_status")),
    Field(json_schema_extra={"codelist": "case_status"}),
]
ReferralReason = Annotated[
    str,
    AfterValidator(_code_in("referral_reason")),
    Field(json_schema_extra={"codelist": "referral_reason"}),
]
Vulnerability = Annotated[
    str,
    AfterValidator(_code_in("vulnerability")),
    Field(json_schema_extra={"codelist": "vulnerability"}),
]
ConsentScope = Annotated[
    str,
    AfterValidator(_code_in("consent_scope")),
    Field(json_schema_extra={"codelist": "consent_scope"}),
]


def _route_rank(event_type: str) -> int:
    """Where a leg of this type falls on a route (the event_type list's ``order`` column)."""
    return int(codelist("event_type").attr(event_type, "order") or 0)


class Record(BaseModel):
    """Base of every record: strict about unknown fields, silent about inputs in errors."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True)


class Organisation(Record):
    """An agency that records cases: police, prosecutor, labour inspectorate, NGO, hotline."""

    id: UUID = Field(default_factory=new_id)
    name: ShortText
    type: OrganisationType
    country: CountryCode
    city: ShortText | None = None


class PersonalDetails(Record):
    """Everything that identifies a person. Encrypted at rest as one value; never logged."""

    given_name: ShortText | None = None
    family_name: ShortText | None = None
    other_names: list[ShortText] = Field(default_factory=list, max_length=20)
    birth_date: date | None = None
    identity_numbers: list[ShortText] = Field(default_factory=list, max_length=10)
    phone: ShortText | None = None
    email: ShortText | None = None
    address: LongText | None = None

    @model_validator(mode="after")
    def _birth_not_in_future(self) -> Self:
        if self.birth_date is not None and self.birth_date > date.today():
            raise ValueError("birth date is in the future; check the day, month and year order")
        return self


class Person(Record):
    """A person as the standard sees them: non-identifying attributes plus sealed details."""

    id: UUID = Field(default_factory=new_id)
    gender: Gender = "NonSpecifiedUnknown"
    citizenships: list[CountryCode] = Field(default_factory=list, max_length=5)
    personal: PersonalDetails | None = None

    @property
    def citizenship(self) -> str | None:
        """The first (primary) citizenship, the one statistics use."""
        return self.citizenships[0] if self.citizenships else None

    @property
    def birth_date(self) -> date | None:
        return self.personal.birth_date if self.personal else None


class RouteEvent(Record):
    """One leg of the route: where and when the person was recruited, moved or exploited."""

    type: EventType
    country: CountryCode
    place: ShortText | None = None
    started_on: date | None = None
    ended_on: date | None = None
    description: LongText | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        _check_period(self.started_on, self.ended_on, f"{self.type} leg")
        return self


class Service(Record):
    """A support-plan service the victim received (HTCDS spl_)."""

    type: SupportType
    provider_id: UUID | None = None
    started_on: date | None = None
    planned_end_on: date | None = None
    ended_on: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        _check_period(self.started_on, self.ended_on, f"{self.type} service")
        _check_period(self.started_on, self.planned_end_on, f"{self.type} service plan")
        return self


class Consent(Record):
    """What the person agreed to, when, and whether it was withdrawn."""

    scope: ConsentScope
    given: bool
    recorded_on: date
    withdrawn_on: date | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        _check_period(self.recorded_on, self.withdrawn_on, f"{self.scope} consent")
        return self

    def in_force(self, on: date) -> bool:
        return self.given and (self.withdrawn_on is None or self.withdrawn_on > on)


class Victim(Record):
    """A (possible) victim of trafficking and what happened to them (HTCDS vic_)."""

    person: Person
    trafficking_status: TraffickingStatus = "PossibleVictimOfTrafficking"
    status_decided_by: StatusDecisionOrg | None = None
    age_when_trafficked: Age | None = None
    age_at_identification: Age | None = None
    exploitation_forms: list[ExploitationForm] = Field(default_factory=list)
    sexual_exploitation_types: list[SexualExploitationType] = Field(default_factory=list)
    labour_industries: list[LabourIndustry] = Field(default_factory=list)
    means_of_control: list[MeansOfControl] = Field(default_factory=list)
    recruitment_methods: list[RecruitmentMethod] = Field(default_factory=list)
    online_platforms: list[OnlinePlatform] = Field(default_factory=list)
    relationship_to_trafficker: Relationship | None = None
    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    route: list[RouteEvent] = Field(default_factory=list, max_length=50)
    services: list[Service] = Field(default_factory=list, max_length=100)
    consents: list[Consent] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        self._check_route_order()
        self._check_route_after_birth()
        self._check_ages()
        self._check_form_details()
        return self

    def _check_route_order(self) -> None:
        ranks = [_route_rank(event.type) for event in self.route]
        if ranks != sorted(ranks):
            order = " → ".join(event.type for event in self.route)
            raise ValueError(
                f"route legs are out of order ({order}); list recruitment first, then transit "
                "legs, then exploitation"
            )
        dated = [(i, e) for i, e in enumerate(self.route, 1) if e.started_on is not None]
        for (i, earlier), (j, later) in itertools.pairwise(dated):
            assert earlier.started_on is not None and later.started_on is not None
            if later.started_on < earlier.started_on:
                raise ValueError(
                    f"route leg {j} ({later.type}, {later.started_on}) starts before leg {i} "
                    f"({earlier.type}, {earlier.started_on}); a transit leg must lie between "
                    "recruitment and exploitation: check the dates"
                )

    def _check_route_after_birth(self) -> None:
        born = self.person.birth_date
        if born is None:
            return
        for i, event in enumerate(self.route, 1):
            if event.started_on is not None and event.started_on < born:
                raise ValueError(
                    f"route leg {i} ({event.type}, {event.started_on}) is dated before the "
                    "person's birth date; check both dates"
                )

    def _check_ages(self) -> None:
        trafficked, identified = self.age_when_trafficked, self.age_at_identification
        if trafficked is not None and identified is not None and identified < trafficked:
            raise ValueError(
                f"age at identification ({identified}) is below age when trafficked "
                f"({trafficked}); a person is identified after being trafficked"
            )

    def _check_form_details(self) -> None:
        if self.sexual_exploitation_types and "SexualExploitation" not in self.exploitation_forms:
            raise ValueError(
                "types of sexual exploitation are given but 'SexualExploitation' is not among "
                "the forms of exploitation; add the form or remove the types"
            )
        groups = {
            codelist("exploitation_form").attr(f, "glotip_group") for f in self.exploitation_forms
        }
        if self.labour_industries and "ForcedLabour" not in groups:
            raise ValueError(
                "a forced-labour industry is given but no form of forced labour "
                "(ForcedLabour, ChildLabour, Servitude) is; add the form or remove the industry"
            )

    def consent_in_force(self, scope: str, on: date) -> bool:
        return any(c.scope == scope and c.in_force(on) for c in self.consents)


class Perpetrator(Record):
    """A suspected or convicted trafficker and their role in the process (HTCDS per_)."""

    person: Person
    roles: list[PerpetratorRole] = Field(default_factory=list)


class Referral(Record):
    """A referral of the case from one organisation to another (HTCDS cas_ referral fields)."""

    from_organisation_id: UUID
    to_organisation_id: UUID
    referred_on: date
    reason: ReferralReason = "AdditionalServicesRequired"
    details: LongText | None = None

    @model_validator(mode="after")
    def _two_organisations(self) -> Self:
        if self.from_organisation_id == self.to_organisation_id:
            raise ValueError("a referral must go to another organisation than the one referring")
        return self


class Case(Record):
    """A case opened by one organisation: victims, perpetrators, referrals."""

    id: UUID = Field(default_factory=new_id)
    organisation_id: UUID
    reference: ShortText | None = Field(
        default=None, description="The agency's own case number, as it appears in its files"
    )
    status: CaseStatus = "Active"
    opened_on: date
    closed_on: date | None = None
    country_of_identification: CountryCode
    victims: list[Victim] = Field(default_factory=list, max_length=500)
    perpetrators: list[Perpetrator] = Field(default_factory=list, max_length=500)
    referrals: list[Referral] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        _check_period(self.opened_on, self.closed_on, "case")
        if self.opened_on > date.today():
            raise ValueError(f"case opened on {self.opened_on}, which is in the future")
        if self.status in ("Closed", "ClosedReferred") and self.closed_on is None:
            raise ValueError(f"a case with status {self.status} needs a closing date (closed_on)")
        for referral in self.referrals:
            if referral.referred_on < self.opened_on:
                raise ValueError(
                    f"referral dated {referral.referred_on} is before the case was opened "
                    f"({self.opened_on})"
                )
        return self


def _check_period(start: date | None, end: date | None, what: str) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError(f"{what} ends ({end}) before it starts ({start})")


#: Field names whose values identify a person and must never be echoed.
PERSONAL_LOCATIONS = frozenset({"personal"})


def describe_errors(error: ValidationError) -> list[dict[str, str]]:
    """Turn a ValidationError into field / value / problem rows safe to show and log.

    Values under ``personal`` are replaced by ``[personal value withheld]``.
    """
    rows = []
    for item in error.errors(include_url=False):
        location = ".".join(str(part) for part in item["loc"])
        personal = any(part in PERSONAL_LOCATIONS for part in item["loc"])
        value = "[personal value withheld]" if personal else _short_repr(item.get("input"))
        message = item["msg"].removeprefix("Value error, ")
        rows.append({"field": location or "(record)", "value": value, "problem": message})
    return rows


def _short_repr(value: object) -> str:
    if isinstance(value, dict | list):
        return f"({type(value).__name__})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class RecordError(ValueError):
    """A record failed validation; ``problems`` is ``describe_errors``' rows."""

    def __init__(self, source: str, problems: list[dict[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [f"{source}: {len(problems)} problem(s)"]
        lines += [f"  {p['field']} = {p['value']}: {p['problem']}" for p in problems]
        super().__init__("\n".join(lines))


def validate_case(data: dict[str, Any], source: str = "case") -> Case:
    """Validate a case given as plain data; raise ``RecordError`` naming every bad field."""
    try:
        return Case.model_validate(data)
    except ValidationError as error:
        raise RecordError(source, describe_errors(error)) from None


def json_schemas() -> dict[str, Any]:
    """JSON Schema of every record type, keyed by name (``tipis schema``)."""
    return {model.__name__: model.model_json_schema() for model in (Organisation, Case)}
