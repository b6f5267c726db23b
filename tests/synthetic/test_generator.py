"""Synthetic cases: repeatable, valid, calibrated, coherent in time and place, fictional."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date
from pathlib import Path
from uuid import UUID

import numpy as np
import pytest

from tipis.standard.codes import glotip_form_group, glotip_sex
from tipis.standard.records import Case, Organisation, Victim
from tipis.store.cases import Store
from tipis.store.crypto import key_from_text, new_key_text
from tipis.synthetic.calibration import load_parameters
from tipis.synthetic.generator import _DAYS, _RecordIds, demo_organisations, generate_cases

SAMPLE_CASES = 20_000


@pytest.fixture(scope="module")
def organisations() -> list[Organisation]:
    return demo_organisations(11)


@pytest.fixture(scope="module")
def sample(organisations: list[Organisation]) -> list[Case]:
    return list(generate_cases(SAMPLE_CASES, 2024, organisations))


@pytest.fixture(scope="module")
def victims(sample: list[Case]) -> list[tuple[Case, Victim]]:
    return [(case, victim) for case in sample for victim in case.victims]


def _dump(cases: list[Case]) -> list[str]:
    return [case.model_dump_json() for case in cases]


def test_same_seed_gives_identical_cases(organisations: list[Organisation]) -> None:
    first = _dump(list(generate_cases(300, 5, organisations)))
    again = _dump(list(generate_cases(300, 5, organisations)))
    assert first == again


def test_different_seed_gives_different_cases(organisations: list[Organisation]) -> None:
    one = _dump(list(generate_cases(50, 5, organisations)))
    other = _dump(list(generate_cases(50, 6, organisations)))
    assert not set(one) & set(other)


def test_demo_organisations_are_repeatable_and_cover_each_kind() -> None:
    first, again = demo_organisations(3), demo_organisations(3)
    assert [o.model_dump() for o in first] == [o.model_dump() for o in again]
    assert [o.id for o in first] != [o.id for o in demo_organisations(4)]
    spain = {o.type for o in first if o.country == "ESP"}
    assert {"LawEnforcement", "ProsecutionService", "LabourInspectorate", "NGO", "Hotline"} <= spain
    assert any(o.name.startswith("Policía Nacional") for o in first)


def test_yields_n_cases_that_validate_again(sample: list[Case]) -> None:
    assert len(sample) == SAMPLE_CASES
    for case in sample[:2000]:
        Case.model_validate(case.model_dump())


def test_identifiers_are_unique(sample: list[Case]) -> None:
    ids = [case.id for case in sample]
    ids += [v.person.id for case in sample for v in case.victims]
    ids += [p.person.id for case in sample for p in case.perpetrators]
    assert len(ids) == len(set(ids))
    assert all(case.id.version == 7 for case in sample[:100])  # time-ordered, as new records
    case_ids = [case.id for case in sample]
    assert case_ids == sorted(case_ids)  # so indexes grow at their end while loading


def test_cases_are_opened_by_the_given_organisations(
    sample: list[Case], organisations: list[Organisation]
) -> None:
    by_id = {o.id: o for o in organisations}
    for case in sample:
        assert by_id[case.organisation_id].country == case.country_of_identification
        for referral in case.referrals:
            assert by_id[referral.to_organisation_id].country == case.country_of_identification


# Tolerances: the sample holds about 27,000 victims, so a share's standard error is at most
# 0.003 (0.5 * 0.5 / 27,000, square-rooted); each female/male x child/adult group holds at
# least 3,000 victims (error at most 0.009); citizenship is drawn per case, and cases average
# 1.35 victims, which widens the error of the domestic share to about 0.005. Each tolerance
# below is over three standard errors, so a failure means a bias, not bad luck.


def _sex_age(victim: Victim) -> str:
    age = victim.age_at_identification
    if age is None:
        return "Unknown|Unknown"
    return f"{glotip_sex(victim.person.gender)}|{'child' if age < 18 else 'adult'}"


def test_sex_and_age_shares_match_calibration(victims: list[tuple[Case, Victim]]) -> None:
    expected = load_parameters()["sex_age"]
    counts = Counter(_sex_age(victim) for _, victim in victims)
    for key, share in expected.items():
        assert counts[key] / len(victims) == pytest.approx(share, abs=0.012), key


def test_form_shares_by_sex_and_age_match_calibration(
    victims: list[tuple[Case, Victim]],
) -> None:
    expected = load_parameters()["forms_by_sex_age"]
    for key in ("Female|adult", "Female|child", "Male|adult", "Male|child"):
        group = [v for _, v in victims if _sex_age(v) == key]
        counts = Counter(glotip_form_group(v.exploitation_forms[0]) for v in group)
        for form_group, share in expected[key].items():
            assert counts[form_group] / len(group) == pytest.approx(share, abs=0.03), key


def test_domestic_share_matches_calibrated_destinations(
    victims: list[tuple[Case, Victim]], organisations: list[Organisation]
) -> None:
    params = load_parameters()
    volume, nationals = params["victims_by_country"], params["nationals_share"]
    countries = {o.country for o in organisations}
    total = sum(volume[c] for c in countries)
    expected = sum(
        volume[c] / total * nationals["by_country"].get(c, nationals["overall"]) for c in countries
    )
    domestic = sum(v.person.citizenship == case.country_of_identification for case, v in victims)
    assert domestic / len(victims) == pytest.approx(expected, abs=0.02)


def test_routes_run_from_origin_to_destination_in_date_order(
    victims: list[tuple[Case, Victim]],
) -> None:
    for case, victim in victims:
        route = victim.route
        assert route[0].type == "Recruitment"
        assert route[-1].type == "Exploitation"
        assert all(leg.type == "Transit" for leg in route[1:-1])
        assert len(route) <= 4
        assert route[0].country == victim.person.citizenship
        assert route[-1].country == case.country_of_identification
        transit = {leg.country for leg in route[1:-1]}
        assert not transit & {route[0].country, route[-1].country}
        starts = [leg.started_on for leg in route]
        assert all(s is not None for s in starts)
        assert starts == sorted(starts)  # type: ignore[type-var]
        identified = route[-1].ended_on
        assert identified is not None and identified <= case.opened_on <= date.today()
        born = victim.person.birth_date
        assert born is None or born < route[0].started_on  # type: ignore[operator]


def test_ages_agree_with_birth_dates_and_forms(victims: list[tuple[Case, Victim]]) -> None:
    for _, victim in victims:
        born, route = victim.person.birth_date, victim.route
        trafficked, identified = victim.age_when_trafficked, victim.age_at_identification
        if "ChildLabour" in victim.exploitation_forms:
            assert trafficked is not None and trafficked < 18
        if born is None:
            continue
        assert trafficked == _years(born, route[0].started_on)
        assert identified == _years(born, route[-1].ended_on)


def _years(born: date, on: date | None) -> int:
    assert on is not None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_recent_forms_appear_only_in_recent_years(victims: list[tuple[Case, Victim]]) -> None:
    scamming = [c for c, v in victims if "ForcedOnlineScamming" in v.exploitation_forms]
    assert scamming, "forced online scamming should appear in recent years"
    assert min(case.opened_on.year for case in scamming) >= 2020
    years = Counter(c.opened_on.year for c, v in victims if v.online_platforms)
    assert years[2024] > years[2015]


def test_form_details_belong_to_their_forms(victims: list[tuple[Case, Victim]]) -> None:
    for _, victim in victims:
        groups = {glotip_form_group(f) for f in victim.exploitation_forms}
        if victim.labour_industries:
            assert "ForcedLabour" in groups
        if victim.sexual_exploitation_types:
            assert "SexualExploitation" in victim.exploitation_forms


def test_case_status_and_dates_are_coherent(sample: list[Case]) -> None:
    statuses = Counter(case.status for case in sample)
    assert set(statuses) == {"Active", "FollowUp", "Closed", "ClosedReferred"}
    for case in sample:
        closed = case.status in ("Closed", "ClosedReferred")
        assert (case.closed_on is not None) == closed
        if case.status == "ClosedReferred":
            assert case.referrals
        if case.closed_on is not None:
            assert all(r.referred_on <= case.closed_on for r in case.referrals)
        assert case.reference and str(case.opened_on.year) in case.reference
        for victim in case.victims:
            for service in victim.services:
                assert service.started_on is not None and service.started_on >= case.opened_on
            for consent in victim.consents:
                assert consent.recorded_on == case.opened_on


_PHONE = re.compile(r"^\+999 \d{3} \d{6}$")


def test_contacts_are_fictional(sample: list[Case]) -> None:
    people = [v.person for case in sample for v in case.victims]
    people += [p.person for case in sample for p in case.perpetrators]
    phones = [p.personal.phone for p in people if p.personal and p.personal.phone]
    emails = [p.personal.email for p in people if p.personal and p.personal.email]
    assert phones and emails
    assert all(_PHONE.match(phone) for phone in phones)
    assert all(e.endswith(("@example.org", "@example.com")) for e in emails)


def test_names_follow_citizenship(victims: list[tuple[Case, Victim]]) -> None:
    chinese = [v for _, v in victims if v.person.citizenship == "CHN" and v.person.personal]
    assert chinese
    families = {v.person.personal.family_name for v in chinese if v.person.personal}
    assert families <= {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"}
    native = [n for v in chinese if v.person.personal for n in v.person.personal.other_names]
    assert native and all(re.match(r"^[\u4e00-\u9fff]+$", name) for name in native)


def test_refuses_bad_arguments(organisations: list[Organisation]) -> None:
    with pytest.raises(ValueError, match="organisation"):
        next(generate_cases(1, 1, []))
    with pytest.raises(ValueError, match="first_year"):
        next(generate_cases(1, 1, organisations, first_year=2020, last_year=2019))


def test_cases_load_into_the_store(tmp_path: Path, organisations: list[Organisation]) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'synthetic.db'}", key_from_text(new_key_text()))
    for organisation in organisations:
        store.add_organisation(organisation)
    assert store.load_cases(generate_cases(300, 8, organisations)) == 300
    store.engine.dispose()


def test_ids_taken_at_once_are_those_made_one_by_one() -> None:
    one_by_one, at_once = _RecordIds(random.Random(4), 5_000), _RecordIds(random.Random(4), 5_000)
    made = [one_by_one() for _ in range(40)]
    taken = [UUID(bytes=raw) for raw in at_once.take(25) + at_once.take(0) + at_once.take(15)]
    assert taken == made
    assert at_once() == one_by_one()  # both go on from the same place


def test_whole_years_count_birthdays_by_calendar() -> None:
    rng = np.random.default_rng(1)
    born = rng.integers(date(1930, 1, 1).toordinal(), date(2010, 1, 1).toordinal(), 5_000)
    on = born + rng.integers(0, 40_000, 5_000)
    # Born on a leap day: a year older on 1 March, not on 28 February.
    born[:4] = date(2000, 2, 29).toordinal()
    for i, day in enumerate(
        (date(2001, 2, 28), date(2001, 3, 1), date(2004, 2, 28), date(2004, 2, 29))
    ):
        on[i] = day.toordinal()
    expected = [
        _years(date.fromordinal(b), date.fromordinal(o))
        for b, o in zip(born.tolist(), on.tolist(), strict=True)
    ]
    assert _DAYS.years(born, on).tolist() == expected
