"""Record models: valid cases pass; bad input fails with a clear, safe message."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import factories
from tipis.standard.records import RecordError, json_schemas, validate_case


def _victim(data: dict[str, Any]) -> dict[str, Any]:
    victim: dict[str, Any] = data["victims"][0]
    return victim


def _problems(data: dict[str, Any]) -> list[dict[str, str]]:
    with pytest.raises(RecordError) as error:
        validate_case(data, source="case.json")
    assert str(error.value).startswith("case.json:")
    return error.value.problems


def test_the_reference_case_is_valid() -> None:
    case = validate_case(factories.case_data())
    assert case.victims[0].person.citizenship == "ROU"
    assert [leg.type for leg in case.victims[0].route] == ["Recruitment", "Transit", "Exploitation"]


def test_an_unknown_code_is_named_with_a_suggestion() -> None:
    data = factories.case_data()
    _victim(data)["exploitation_forms"] = ["SexualExploitaton"]
    [problem] = _problems(data)
    assert problem["field"] == "victims.0.exploitation_forms.0"
    assert problem["value"] == "'SexualExploitaton'"
    assert "SexualExploitation" in problem["problem"]


def test_an_unknown_country_code_says_how_to_fix_it() -> None:
    [problem] = _problems(factories.case_data(country_of_identification="XXA"))
    assert problem["field"] == "country_of_identification"
    assert "ISO 3166-1 alpha-3" in problem["problem"]
    [problem] = _problems(factories.case_data(country_of_identification="España"))
    assert "did you mean 'ESP' (Spain)?" in problem["problem"]


def test_exploitation_before_birth_is_refused() -> None:
    data = factories.case_data()
    _victim(data)["person"]["personal"]["birth_date"] = "2022-09-25"
    _victim(data)["age_when_trafficked"] = None
    _victim(data)["age_at_identification"] = None
    [problem] = _problems(data)
    assert "before the person's birth date" in problem["problem"]
    assert "2022-09-25" not in str(problem)  # the birth date is personal: never echoed


def test_a_transit_leg_after_exploitation_is_refused() -> None:
    data = factories.case_data()
    _victim(data)["route"][1]["started_on"] = "2023-01-01"
    [problem] = _problems(data)
    assert "transit leg must lie between recruitment and exploitation" in problem["problem"]


def test_route_legs_listed_out_of_order_are_refused() -> None:
    data = factories.case_data()
    route = _victim(data)["route"]
    route[0], route[2] = route[2], route[0]
    [problem] = _problems(data)
    assert "out of order" in problem["problem"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"opened_on": "2024-02-30"}, "opened_on", "valid date"),
        ({"closed_on": "2024-01-01"}, "(record)", "ends (2024-01-01) before it starts"),
        ({"status": "Closed"}, "(record)", "needs a closing date"),
        ({"opened_on": str(date.today() + timedelta(days=3))}, "(record)", "in the future"),
        ({"status": "Open"}, "status", "case_status"),
        ({"surprise": 1}, "surprise", "Extra inputs are not permitted"),
    ],
)
def test_broken_case_fields_are_named(change: dict[str, Any], field: str, words: str) -> None:
    problems = _problems(factories.case_data(**change))
    assert any(p["field"] == field and words in p["problem"] for p in problems), problems


def test_impossible_ages_are_refused() -> None:
    data = factories.case_data()
    _victim(data)["age_when_trafficked"] = 130
    _victim(data)["age_at_identification"] = 12
    fields = {p["field"] for p in _problems(data)}
    assert fields == {"victims.0.age_when_trafficked"}
    _victim(data)["age_when_trafficked"] = 30
    assert "identified after being trafficked" in _problems(data)[0]["problem"]


def test_a_birth_date_in_the_future_is_refused_without_echoing_it() -> None:
    data = factories.case_data()
    future = str(date.today() + timedelta(days=400))
    _victim(data)["person"]["personal"]["birth_date"] = future
    problems = _problems(data)
    assert problems[0]["value"] == "[personal value withheld]"
    assert future not in str(problems)


def test_personal_values_never_appear_in_errors() -> None:
    data = factories.case_data()
    _victim(data)["person"]["personal"]["given_name"] = "x" * 500  # too long
    _victim(data)["person"]["personal"]["nickname"] = factories.SECRET_FAMILY_NAME
    with pytest.raises(RecordError) as error:
        validate_case(data)
    assert "xxxxxxxx" not in str(error.value)
    assert factories.SECRET_FAMILY_NAME not in str(error.value)
    assert error.value.__cause__ is None  # no chained pydantic error carrying inputs


def test_sexual_exploitation_types_need_the_form() -> None:
    data = factories.case_data()
    _victim(data)["exploitation_forms"] = ["ForcedLabour"]
    assert "SexualExploitation" in _problems(data)[0]["problem"]


def test_a_labour_industry_needs_a_forced_labour_form() -> None:
    data = factories.case_data()
    _victim(data)["labour_industries"] = ["F_Construction"]
    assert "forced-labour industry" in _problems(data)[0]["problem"]


def test_forced_online_scamming_is_a_form_of_its_own() -> None:
    data = factories.case_data()
    _victim(data)["exploitation_forms"] = ["ForcedCriminalActivity", "ForcedOnlineScamming"]
    _victim(data)["sexual_exploitation_types"] = []
    case = validate_case(data)
    assert case.victims[0].exploitation_forms == ["ForcedCriminalActivity", "ForcedOnlineScamming"]


def test_a_referral_to_oneself_is_refused() -> None:
    data = factories.case_data()
    data["referrals"][0]["to_organisation_id"] = data["referrals"][0]["from_organisation_id"]
    assert "another organisation" in _problems(data)[0]["problem"]


def test_json_schema_names_code_lists() -> None:
    schemas = json_schemas()
    assert set(schemas) == {"Organisation", "Case"}
    text = str(schemas["Case"])
    assert "'codelist': 'exploitation_form'" in text


@given(st.dictionaries(st.text(max_size=10), st.one_of(st.text(), st.integers(), st.none())))
def test_arbitrary_input_fails_cleanly(data: dict[str, Any]) -> None:
    with pytest.raises(RecordError):
        validate_case(data)
