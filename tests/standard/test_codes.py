"""Tests for tipis.standard.codes: the code lists, their crosswalks and lookups."""

from __future__ import annotations

import csv
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.shared import HTCDS_CSV, shared_file
from tipis.standard.codes import (
    LANGUAGES,
    Code,
    CodeList,
    UnknownCode,
    codelist,
    codelist_names,
    glotip_form_group,
    glotip_sex,
)

EXPECTED_LISTS = {
    "gender", "glotip_sex", "glotip_age_group", "ctdc_age_band", "exploitation_form",
    "glotip_form_group", "means_of_control", "recruitment_method", "online_platform",
    "relationship_to_trafficker", "labour_industry", "sexual_exploitation_type",
    "trafficking_status", "status_decision_org", "perpetrator_role", "event_type",
    "support_type", "organisation_type", "case_status", "referral_reason", "vulnerability",
    "consent_scope", "marital_status", "education_level",
}  # fmt: skip

# HTCDS v2.0 picklist field -> the code list that carries its values.
HTCDS_FIELDS = {
    "org_Type": "organisation_type",
    "prs_Gender": "gender",
    "prs_MaritalStatus": "marital_status",
    "prs_HighestLevelOfEducation": "education_level",
    "vic_TraffickingStatus": "trafficking_status",
    "vic_TraffickingStatusDecisionMakingOrg": "status_decision_org",
    "vic_RelationshipToTrafficker": "relationship_to_trafficker",
    "vic_RecruitmentWebsitesAndApps": "online_platform",
    "vic_ExploitationWebsitesAndApps": "online_platform",
    "vic_MethodOfRecruitment": "recruitment_method",
    "vic_MethodsOfControl": "means_of_control",
    "vic_TypeOfExploitation": "exploitation_form",
    "vic_ForcedLabourIndustry": "labour_industry",
    "vic_TypeOfSexExploitation": "sexual_exploitation_type",
    "vic_Vulnerabilities": "vulnerability",
    "per_RoleInProcess": "perpetrator_role",
    "cas_Status": "case_status",
    "cas_ReasonForIncomingReferral": "referral_reason",
    "cas_ReasonForOutgoingReferral": "referral_reason",
    "hte_Type": "event_type",
    "spl_Type": "support_type",
}

ALL_LISTS = sorted(EXPECTED_LISTS)


def _htcds_picklists() -> dict[str, list[tuple[str, str]]]:
    """HTCDS field -> [(value name, value label)], read from the shared reference file."""
    picklists: dict[str, list[tuple[str, str]]] = {}
    with shared_file(HTCDS_CSV).open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            field = row["Field Name including Prefix"]
            if field in HTCDS_FIELDS:
                names = row["Value Names (if picklist)"].split(" / ")
                labels = row["Value Labels (if picklist)"].split(" / ")
                pairs = zip(names, labels, strict=True)
                picklists[field] = [(n.strip(), lab.strip()) for n, lab in pairs if n.strip()]
    return picklists


# --- every list loads and is well formed ---------------------------------------------------


def test_all_expected_lists_ship() -> None:
    assert set(codelist_names()) == EXPECTED_LISTS


@pytest.mark.parametrize("name", ALL_LISTS)
def test_list_loads_with_unique_codes_and_all_labels(name: str) -> None:
    codes = codelist(name)
    assert len(codes) > 0
    assert len(set(codes.codes)) == len(codes.codes)
    for code in codes:
        assert code.code.strip() == code.code
        for lang in LANGUAGES:
            assert code.label(lang).strip(), f"{name}.{code.code} has no {lang} label"
            assert code.labels[lang] == code.label(lang)


@pytest.mark.parametrize("name", ALL_LISTS)
def test_every_code_looks_up_to_itself(name: str) -> None:
    codes = codelist(name)
    for code in codes:
        assert codes.lookup(code.code) == code.code
        for label in code.labels.values():
            assert codes.lookup(label) == code.code, (name, label)
        for alias in code.aliases:
            assert codes.lookup(alias) == code.code, (name, alias)


@pytest.mark.parametrize("name", ALL_LISTS)
def test_parent_references_are_codes_of_the_same_list(name: str) -> None:
    codes = codelist(name)
    for code in codes:
        parent = code.attrs.get("parent")
        if parent is not None:
            assert parent in codes and parent != code.code


def test_glotip_references_point_at_real_codes() -> None:
    sexes = codelist("glotip_sex")
    groups = codelist("glotip_form_group")
    for code in codelist("gender"):
        assert code.attrs["glotip"] in sexes
    for code in codelist("exploitation_form"):
        assert code.attrs["glotip_group"] in groups


def test_glotip_labels_are_the_published_categories() -> None:
    assert [c.attrs["glotip"] for c in codelist("glotip_form_group")] == [
        "Sexual exploitation",
        "Forced labour",
        "Other forms of exploitation",
    ]
    assert [c.attrs["glotip"] for c in codelist("glotip_age_group")] == [
        "0 to 17 years",
        "18 years or over",
        "Unknown",
    ]
    assert codelist("glotip_sex").codes == ("Female", "Male", "Other", "Unknown")


def test_ctdc_age_band_codes_are_ctdc_strings() -> None:
    assert codelist("ctdc_age_band").codes == (
        "0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+",
    )  # fmt: skip


def test_event_types_are_ordered_along_the_route() -> None:
    events = codelist("event_type")
    ordered = sorted(events.codes, key=lambda c: int(events.attr(c, "order") or 0))
    assert ordered == ["Recruitment", "Transit", "Exploitation"]


def test_labour_industry_carries_isic_sections_a_to_u() -> None:
    industries = codelist("labour_industry")
    sections = [industries.attr(code, "isic") for code in industries.codes]
    assert sections == [chr(c) for c in range(ord("A"), ord("U") + 1)]


# --- HTCDS coverage ----------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize("field", sorted(HTCDS_FIELDS))
def test_htcds_picklist_is_covered_exactly(field: str) -> None:
    picklist = _htcds_picklists()[field]
    codes = codelist(HTCDS_FIELDS[field])
    for name, label in picklist:
        spellings = {c.code for c in codes} | {a for c in codes for a in c.aliases}
        assert name in spellings, f"HTCDS {field} value {name!r} is no code or alias"
        assert codes.lookup(name) == codes.lookup(label), (field, name, label)
    htcds_names = {codes.attr(c, "htcds") for c in codes.codes} - {None}
    all_htcds_values = {
        n for f, lst in HTCDS_FIELDS.items() if lst == codes.name for n, _ in _htcds_picklists()[f]
    }
    assert htcds_names == all_htcds_values


def test_tipis_extensions_have_no_htcds_value() -> None:
    forms = codelist("exploitation_form")
    assert forms.attr("ForcedOnlineScamming", "htcds") is None
    assert forms.attr("ForcedOnlineScamming", "parent") == "ForcedCriminalActivity"
    assert codelist("relationship_to_trafficker").attr("Unacquainted", "htcds") == "Unaquainted"
    assert codelist("recruitment_method").attr("Abduction", "ctdc") == "isAbduction"


# --- lookup, validate, labels --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("exploitation_form", "Explotación sexual", "SexualExploitation"),
        ("exploitation_form", "explotacion  SEXUAL", "SexualExploitation"),
        ("exploitation_form", "性剥削", "SexualExploitation"),
        ("exploitation_form", "travail forcé", "ForcedLabour"),
        ("exploitation_form", "Travail Force", "ForcedLabour"),
        ("exploitation_form", "принудительный труд", "ForcedLabour"),
        ("exploitation_form", "العمل القسري", "ForcedLabour"),
        ("exploitation_form", "forced labor", "ForcedLabour"),
        ("exploitation_form", "scam compound", "ForcedOnlineScamming"),
        ("gender", "female", "Feminine"),
        ("gender", "Mujer", "Feminine"),
        ("gender", " F ", "Feminine"),
        ("gender", "hombre", "Masculine"),
        ("gender", "женский", "Feminine"),
        ("gender", "女", "Feminine"),
        ("gender", "أنثى", "Feminine"),
        ("gender", "Not Specified/Unknown", "NonSpecifiedUnknown"),
        ("relationship_to_trafficker", "Unaquainted", "Unacquainted"),
        ("relationship_to_trafficker", "boyfriend", "IntimatePartner"),
        ("labour_industry", "domestic work", "T_ActivitiesOfHouseholdsAsEmployers"),
        ("labour_industry", "A", "A_AgricultureForestryAndFishing"),
        ("means_of_control", "Threatens children/family", "ThreatensChildrenFamily"),
        ("glotip_age_group", "18+", "18+"),
        ("ctdc_age_band", "48+", "48+"),
    ],
)
def test_lookup_across_languages(name: str, text: str, expected: str) -> None:
    assert codelist(name).lookup(text) == expected


def test_lookup_returns_none_for_no_match() -> None:
    assert codelist("gender").lookup("giraffe") is None
    assert codelist("gender").lookup("") is None
    assert codelist("gender").lookup("  -- ") is None


def test_validate_accepts_exact_codes_only() -> None:
    forms = codelist("exploitation_form")
    assert forms.validate("SexualExploitation") == "SexualExploitation"
    with pytest.raises(UnknownCode):
        forms.validate("sexual exploitation")


def test_validate_suggests_close_codes_for_a_typo() -> None:
    with pytest.raises(UnknownCode) as caught:
        codelist("exploitation_form").validate("SexualExploitaton")
    error = caught.value
    assert error.list_name == "exploitation_form"
    assert error.value == "SexualExploitaton"
    assert error.suggestions[0] == "SexualExploitation"
    assert "exploitation_form" in str(error) and "'SexualExploitation'" in str(error)
    assert isinstance(error, ValueError)


def test_validate_suggests_the_code_a_label_names() -> None:
    with pytest.raises(UnknownCode) as caught:
        codelist("gender").validate("Mujer")
    assert caught.value.suggestions[0] == "Feminine"


def test_unknown_code_pickles() -> None:
    error = UnknownCode("gender", "x", ("Feminine",))
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.list_name, copy.value, copy.suggestions) == ("gender", "x", ("Feminine",))
    assert str(copy) == str(error)


def test_get_label_attr() -> None:
    forms = codelist("exploitation_form")
    code = forms.get("ForcedLabour")
    assert isinstance(code, Code)
    assert forms.label("ForcedLabour") == "Forced labour"
    assert forms.label("ForcedLabour", "fr") == "Travail forcé"
    assert forms.label("ForcedLabour", "es") == "Trabajos forzosos"
    assert forms.label("ForcedLabour", "zh") == "强迫劳动"
    assert forms.label("ForcedLabour", "de") == "Forced labour"
    assert forms.attr("ForcedLabour", "ctdc") == "isForcedLabour"
    assert forms.attr("ForcedLabour", "parent") is None
    assert forms.attr("ForcedLabour", "no_such_column") is None
    with pytest.raises(UnknownCode):
        forms.get("Nope")


def test_codelist_protocols() -> None:
    genders = codelist("gender")
    assert "Feminine" in genders
    assert "female" not in genders
    assert 3 not in genders
    assert [c.code for c in genders] == list(genders.codes)
    assert len(genders) == 6
    assert codelist("gender") is genders


def test_unknown_list_raises_key_error_naming_available_lists() -> None:
    with pytest.raises(KeyError, match="exploitation_form"):
        codelist("no_such_list")


def test_code_list_rejects_ambiguous_spellings() -> None:
    labels = dict.fromkeys(LANGUAGES, "Same")
    with pytest.raises(ValueError, match="would name both"):
        CodeList("t", [Code("A", labels, {}), Code("B", labels, {})])
    with pytest.raises(ValueError, match="twice"):
        CodeList("t", [Code("A", labels, {}), Code("A", labels, {})])


@given(st.text(max_size=30))
def test_lookup_never_raises_and_returns_a_code_or_none(text: str) -> None:
    forms = codelist("exploitation_form")
    assert forms.lookup(text) in (None, *forms.codes)


# --- crosswalks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gender", "sex"),
    [
        ("Feminine", "Female"),
        ("Masculine", "Male"),
        ("TransgenderFeminine", "Other"),
        ("TransgenderMasculine", "Other"),
        ("NonConforming", "Other"),
        ("NonSpecifiedUnknown", "Unknown"),
        (None, "Unknown"),
    ],
)
def test_glotip_sex(gender: str | None, sex: str) -> None:
    assert glotip_sex(gender) == sex


def test_glotip_sex_rejects_non_codes() -> None:
    with pytest.raises(UnknownCode):
        glotip_sex("female")


@pytest.mark.parametrize(
    ("form", "group"),
    [
        ("SexualExploitation", "SexualExploitation"),
        ("ForcedLabour", "ForcedLabour"),
        ("ChildLabour", "ForcedLabour"),
        ("Servitude", "ForcedLabour"),
        ("ForcedMarriage", "OtherForms"),
        ("OrganRemoval", "OtherForms"),
        ("ForcedBegging", "OtherForms"),
        ("ForcedCriminalActivity", "OtherForms"),
        ("ForcedOnlineScamming", "OtherForms"),
        ("Other", "OtherForms"),
    ],
)
def test_glotip_form_group(form: str, group: str) -> None:
    assert glotip_form_group(form) == group


def test_every_form_has_a_glotip_group() -> None:
    for form in codelist("exploitation_form").codes:
        assert glotip_form_group(form) in codelist("glotip_form_group")
