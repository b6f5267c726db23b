"""The built-in profiles: the demo agencies' exports and the real formats (HTCDS, CTDC).

The demo exports are generated here and imported into the ``store`` fixture (SQLite and
PostgreSQL). CTDC and HTCDS files are built here in their published layouts; the codebooks in
../shared/data check that each profile covers every variable or says why it ignores it.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from tests.shared import shared_file
from tipis.ingest.mapping import RowMapper
from tipis.ingest.profile import Profile, load_profile
from tipis.ingest.readers import SourceRow, open_table
from tipis.ingest.run import ImportReport, run_import
from tipis.standard.records import Case
from tipis.standard.resolver import resolve_country
from tipis.store import tables as t
from tipis.store.cases import Store
from tipis.synthetic.exports import ExportSet, write_agency_exports

DEMO = ("policia_es", "ngo_shelter_en", "inspection_travail_fr", "hotline_es")
CTDC_CODEBOOK = "ctdc/CTDC_Global_Dataset_DATA_DICTIONARY_version_15082018.xlsx"
HTCDS_FIELDS = "htcds/htcds_field_standards_2.0.csv"
#: The CTDC global dataset's 63 columns: the 2018 codebook's 62 variables in its order, with
#: isSlaveryAndPractices (in the published files, not in the codebook) after isOrganRemoval.
CTDC_GLOBAL_COLUMNS = (
    "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus",
    "majorityStatusAtExploit", "MajorityEntry", "citizenship", "meansOfControlDebtBondage",
    "meansOfControlTakesEarnings", "meansOfControlRestrictsFinancialAccess",
    "meansOfControlThreats", "meansOfControlPsychologicalAbuse", "meansOfControlPhysicalAbuse",
    "meansOfControlSexualAbuse", "meansOfControlFalsePromises",
    "meansOfControlPsychoactiveSubstances", "meansOfControlRestrictsMovement",
    "meansOfControlRestrictsMedicalCare", "meansOfControlExcessiveWorkingHours",
    "meansOfControlUsesChildren", "meansOfControlThreatOfLawEnforcement",
    "meansOfControlWithholdsNecessities", "meansOfControlWithholdsDocuments",
    "meansOfControlOther", "meansOfControlNotSpecified", "meansOfControlConcatenated",
    "isForcedLabour", "isSexualExploit", "isOtherExploit", "isSexAndLabour", "isForcedMarriage",
    "isForcedMilitary", "isOrganRemoval", "isSlaveryAndPractices", "typeOfExploitConcatenated",
    "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourBegging",
    "typeOfLabourConstruction", "typeOfLabourDomesticWork", "typeOfLabourHospitality",
    "typeOfLabourIllicitActivities", "typeOfLabourManufacturing", "typeOfLabourMiningOrDrilling",
    "typeOfLabourPeddling", "typeOfLabourTransportation", "typeOfLabourOther",
    "typeOfLabourNotSpecified", "typeOfLabourConcatenated", "typeOfSexProstitution",
    "typeOfSexPornography", "typeOfSexRemoteInteractiveServices",
    "typeOfSexPrivateSexualServices", "typeOfSexConcatenated", "isAbduction",
    "RecruiterRelationship", "CountryOfExploitation", "recruiterRelationIntimatePartner",
    "recruiterRelationFriend", "recruiterRelationFamily", "recruiterRelationOther",
    "recruiterRelationUnknown",
)  # fmt: skip
#: The CTDC global synthetic dataset's 27 columns (2021 release onwards).
CTDC_SYNTHETIC_COLUMNS = (
    "yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation",
    "traffickMonths", "meansDebtBondageEarnings", "meansThreats", "meansAbusePsyPhySex",
    "meansFalsePromises", "meansDrugsAlcohol", "meansDenyBasicNeeds", "meansExcessiveWorkHours",
    "meansWithholdDocs", "isForcedLabour", "isSexualExploit", "isOtherExploit",
    "typeOfLabourAgriculture", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
    "typeOfLabourHospitality", "typeOfSexProstitution", "typeOfSexPornography",
    "recruiterRelationIntimatePartner", "recruiterRelationFriend", "recruiterRelationFamily",
    "recruiterRelationOther",
)  # fmt: skip
#: Columns the htcds profile expects beside the HTCDS v2.0 fields.
HTCDS_EXTRA = ("cas_CaseNumber", "cas_CreatedDate", "cas_ClosedDate")


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> ExportSet:
    return write_agency_exports(tmp_path_factory.mktemp("exports"), seed=20, cases_per_agency=60)


def _export_of(exports: ExportSet, name: str) -> Path:
    return {
        "policia_es": exports.police_csv,
        "ngo_shelter_en": exports.ngo_xlsx,
        "inspection_travail_fr": exports.labour_json,
        "hotline_es": exports.hotline_jsonl,
    }[name]


def _rows(path: Path, profile: Profile) -> Iterator[SourceRow]:
    return open_table(path, profile.read).rows()


def _case_of(store: Store, profile: Profile, path: Path, row: SourceRow) -> Case:
    """The case an import made of ``row`` (found by the row's key, as the importer knows it)."""
    key = RowMapper(profile, path.name, {}).map(row).key
    query = sa.select(t.import_records.c.record_id).where(
        t.import_records.c.source == profile.name, t.import_records.c.source_key == key
    )
    with store.engine.connect() as connection:
        record_id = connection.execute(query).scalar_one()
    return store.get_case(record_id, actor="test", purpose="checking an import")


def _clean_import(store: Store, path: Path, profile: Profile) -> ImportReport:
    report = run_import(store, path, profile)
    assert [str(p) for p in report.problems] == []
    assert not report.refused
    assert report.created == report.read > 0
    assert store.count_cases() == report.created
    return report


def _profile_file(name: str) -> Path:
    return Path(str(resources.files("tipis.ingest") / "profiles" / f"{name}.yaml"))


def _profile(name: str) -> Profile:
    """A built-in profile, read from its own file (another's mistake does not hide it)."""
    return load_profile(str(_profile_file(name)))


def _ignored(profile_name: str) -> dict[str, str]:
    """The profile's "Deliberately ignored" comment block: column -> reason."""
    text = _profile_file(profile_name).read_text(encoding="utf-8")
    block = text.split("# Deliberately ignored (name: reason):\n", 1)[1]
    ignored = {}
    for line in block.splitlines():
        found = re.fullmatch(r"#   (\w+): (.+)", line)
        if found is None:
            break
        ignored[found[1]] = found[2]
    return ignored


def _write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- all built-in profiles ----------------------------------------------------------------


@pytest.mark.parametrize("name", [*DEMO, "htcds", "ctdc_global", "ctdc_synthetic"])
def test_the_built_in_profiles_load(name: str) -> None:
    profile = _profile(name)
    assert profile.name == name
    assert profile.organisation is not None and profile.title


# --- demo agencies ------------------------------------------------------------------------


@pytest.mark.parametrize("name", DEMO)
def test_each_demo_export_loads_with_no_problem(
    store: Store, exports: ExportSet, name: str
) -> None:
    profile = _profile(name)
    report = _clean_import(store, _export_of(exports, name), profile)
    again = run_import(store, _export_of(exports, name), profile)
    assert (again.created, again.unchanged) == (0, report.created)


def test_police_rows_map_as_a_spanish_officer_wrote_them(store: Store, exports: ExportSet) -> None:
    profile, path = _profile("policia_es"), exports.police_csv
    _clean_import(store, path, profile)
    rows = list(_rows(path, profile))
    for row in rows[:25]:
        cells, case = row.values, _case_of(store, profile, path, row)
        victim = case.victims[0]
        assert case.reference == cells["Nº Atestado"]
        assert case.opened_on == datetime.strptime(str(cells["Fecha"]), "%d/%m/%Y").date()
        assert case.country_of_identification == "ESP"
        sex = {"H": "Masculine", "M": "Feminine", "": "NonSpecifiedUnknown"}[str(cells["Sexo"])]
        assert victim.person.gender == sex
        assert victim.age_at_identification == (int(str(cells["Edad"])) if cells["Edad"] else None)
        assert victim.person.citizenships == [resolve_country(str(cells["Nacionalidad"])).iso3]
        assert len(victim.exploitation_forms) == str(cells["Tipo de explotación"]).count("/") + 1
        assert victim.person.personal is not None
        assert victim.person.personal.given_name == (cells["Nombre"] or None)
        born = cells["Fecha nacimiento"]
        expected = datetime.strptime(str(born), "%d/%m/%Y").date() if born else None
        assert victim.person.personal.birth_date == expected
    assert any(not r.values["Fecha nacimiento"] for r in rows)  # missing birth dates load too


def test_ngo_services_become_one_service_each(store: Store, exports: ExportSet) -> None:
    profile, path = _profile("ngo_shelter_en"), exports.ngo_xlsx
    _clean_import(store, path, profile)
    for row in list(_rows(path, profile))[:25]:
        cells, case = row.values, _case_of(store, profile, path, row)
        victim = case.victims[0]
        assert case.reference == cells["Client ID"]
        assert isinstance(cells["Date of referral"], datetime)
        assert case.opened_on == cells["Date of referral"].date()
        services = str(cells["Services provided"])
        expected = 0 if services == "None yet" else services.count(",") + 1
        assert len(victim.services) == expected
        personal = victim.person.personal
        dob = cells["DOB"]
        assert (personal.birth_date if personal else None) == (
            dob.date() if isinstance(dob, datetime) else None
        )


def test_labour_workers_are_forced_labour_at_the_worksite(store: Store, exports: ExportSet) -> None:
    profile, path = _profile("inspection_travail_fr"), exports.labour_json
    _clean_import(store, path, profile)
    for row in list(_rows(path, profile))[:25]:
        cells, case = row.values, _case_of(store, profile, path, row)
        victim = case.victims[0]
        assert case.reference == cells["numero"]
        assert case.opened_on == date.fromisoformat(str(cells["date_controle"]))
        assert victim.exploitation_forms == ["ForcedLabour"]
        indices = cells["travailleurs.indices"]
        assert isinstance(indices, list)
        assert len(victim.means_of_control) == len(set(indices))
        ville = cells["employeur.ville"]
        assert [(leg.type, leg.country, leg.place) for leg in victim.route] == (
            [("Exploitation", "FRA", ville)] if ville else []
        )


def test_hotline_calls_open_cases_on_the_day_of_the_call(store: Store, exports: ExportSet) -> None:
    profile, path = _profile("hotline_es"), exports.hotline_jsonl
    _clean_import(store, path, profile)
    for row in list(_rows(path, profile))[:25]:
        cells, case = row.values, _case_of(store, profile, path, row)
        victim = case.victims[0]
        assert case.reference == cells["call_id"]
        assert case.opened_on == datetime.fromisoformat(str(cells["received_at"])).date()
        assert victim.age_at_identification == cells["person.age_estimate"]
        personal = victim.person.personal
        name = cells["person.name"]
        assert (personal.other_names if personal else []) == ([name] if name else [])


# --- CTDC ---------------------------------------------------------------------------------


def _ctdc_row(columns: tuple[str, ...], missing: str, **values: str) -> dict[str, str]:
    flags = {c: missing for c in columns if c.startswith(("means", "is", "typeOf", "recruiterR"))}
    return {**flags, **values}


def test_ctdc_global_codebook_variables_are_mapped_or_ignored_for_a_reason() -> None:
    book = load_workbook(shared_file(CTDC_CODEBOOK), read_only=True)
    variables = [
        str(r[0]).strip() for r in book["Main"].iter_rows(min_row=2, values_only=True) if r[0]
    ]
    assert [c for c in CTDC_GLOBAL_COLUMNS if c != "isSlaveryAndPractices"] == variables
    _assert_covered("ctdc_global", CTDC_GLOBAL_COLUMNS)


def test_ctdc_synthetic_columns_are_mapped_or_ignored_for_a_reason() -> None:
    _assert_covered("ctdc_synthetic", CTDC_SYNTHETIC_COLUMNS)


def _assert_covered(name: str, columns: tuple[str, ...]) -> None:
    profile, ignored = _profile(name), _ignored(name)
    assert profile.columns <= set(columns), "the profile reads columns the format lacks"
    assert not profile.columns & set(ignored), "a column is both mapped and ignored"
    assert set(columns) - profile.columns == set(ignored)


def test_ctdc_global_rows_load_with_flags_as_codes(store: Store, tmp_path: Path) -> None:
    columns, profile = CTDC_GLOBAL_COLUMNS, _profile("ctdc_global")
    base = {"yearOfRegistration": "2016", "Datasource": "Case management", "ageBroad": "18--20"}
    rows = [
        _ctdc_row(columns, "0", **base, gender="Female", citizenship="UA",
                  CountryOfExploitation="RU", isSexualExploit="1", typeOfSexProstitution="1",
                  meansOfControlDebtBondage="1", meansOfControlUsesChildren="1",
                  recruiterRelationFriend="1", recruiterRelationFamily="1"),
        _ctdc_row(columns, "-99", **{**base, "Datasource": "Hotline"},
                  gender="Transgender/NonConforming", citizenship="00",
                  CountryOfExploitation="US", isForcedLabour="1", isSexAndLabour="1",
                  typeOfLabourAgriculture="1", typeOfLabourAquafarming="1",
                  typeOfLabourBegging="1", isAbduction="1"),
        _ctdc_row(columns, "", yearOfRegistration="2017", gender="Unknown", citizenship="ZZ",
                  CountryOfExploitation="PH", isOtherExploit="1"),
    ]  # fmt: skip
    path = _write_csv(tmp_path / "ctdc_global.csv", columns, rows)
    _clean_import(store, path, profile)
    first, second, third = (_case_of(store, profile, path, row) for row in _rows(path, profile))
    victim = first.victims[0]
    assert (first.opened_on, first.country_of_identification) == (date(2016, 7, 1), "RUS")
    assert (victim.person.gender, victim.person.citizenships) == ("Feminine", ["UKR"])
    assert victim.trafficking_status == "ActualVictimOfTrafficking"
    assert victim.exploitation_forms == ["SexualExploitation"]
    assert victim.sexual_exploitation_types == ["Prostitution"]
    assert victim.means_of_control == ["DebtBondage", "ThreatensChildrenFamily"]
    assert victim.relationship_to_trafficker == "Familial"
    assert [(leg.type, leg.country) for leg in victim.route] == [("Exploitation", "RUS")]
    victim = second.victims[0]
    assert victim.trafficking_status == "PossibleVictimOfTrafficking"
    assert (victim.person.gender, victim.person.citizenships) == ("NonConforming", [])
    assert victim.exploitation_forms == ["ForcedLabour", "SexualExploitation", "ForcedBegging"]
    assert victim.labour_industries == ["A_AgricultureForestryAndFishing"]
    assert victim.recruitment_methods == ["Abduction"]
    assert third.victims[0].exploitation_forms == ["Other"]
    assert third.victims[0].person.gender == "NonSpecifiedUnknown"


def test_ctdc_rows_without_a_country_of_exploitation_are_problems(
    store: Store, tmp_path: Path
) -> None:
    row = _ctdc_row(CTDC_GLOBAL_COLUMNS, "-99", yearOfRegistration="2015",
                    CountryOfExploitation="00", isForcedLabour="1")  # fmt: skip
    path = _write_csv(tmp_path / "ctdc.csv", CTDC_GLOBAL_COLUMNS, [row])
    report = run_import(store, path, _profile("ctdc_global"), quarantine=True)
    assert [(p.column, p.rule) for p in report.problems] == [
        ("CountryOfExploitation", "country_of_identification is required")
    ]
    assert report.quarantined == 1


def test_ctdc_synthetic_rows_load_without_inventing_merged_means(
    store: Store, tmp_path: Path
) -> None:
    columns, profile = CTDC_SYNTHETIC_COLUMNS, _profile("ctdc_synthetic")
    rows = [
        _ctdc_row(columns, "", yearOfRegistration="2020", gender="Woman", ageBroad="9--17",
                  citizenship="PHL", CountryOfExploitation="MYS", traffickMonths="0--12 (0-1 yr)",
                  isForcedLabour="1", typeOfLabourDomesticWork="1", meansWithholdDocs="1",
                  meansDebtBondageEarnings="1", meansAbusePsyPhySex="1",
                  recruiterRelationIntimatePartner="1"),
        _ctdc_row(columns, "", yearOfRegistration="2021", gender="Trans/Transgender/NonConforming",
                  CountryOfExploitation="USA", isSexualExploit="1", typeOfSexPornography="1"),
    ]  # fmt: skip
    path = _write_csv(tmp_path / "ctdc_synthetic.csv", columns, rows)
    _clean_import(store, path, profile)
    first, second = (_case_of(store, profile, path, row) for row in _rows(path, profile))
    victim = first.victims[0]
    assert (first.opened_on, first.country_of_identification) == (date(2020, 7, 1), "MYS")
    assert (victim.person.gender, victim.person.citizenships) == ("Feminine", ["PHL"])
    assert victim.labour_industries == ["T_ActivitiesOfHouseholdsAsEmployers"]
    assert victim.means_of_control == ["WithholdsDocuments"]  # the merged flags add nothing
    assert victim.relationship_to_trafficker == "IntimatePartner"
    assert victim.age_at_identification is None  # a band is not an age
    assert second.victims[0].person.gender == "NonConforming"
    assert second.victims[0].sexual_exploitation_types == ["Pornography"]


# --- HTCDS --------------------------------------------------------------------------------


def _htcds_columns() -> tuple[str, ...]:
    with shared_file(HTCDS_FIELDS).open(encoding="utf-8") as handle:
        names = [row["Field Name including Prefix"] for row in csv.DictReader(handle)]
    return (*[n for n in names if n and n != "N/A"], *HTCDS_EXTRA)


def test_htcds_fields_are_mapped_or_ignored_for_a_reason() -> None:
    _assert_covered("htcds", _htcds_columns())


def test_htcds_rows_load_with_route_services_consents(store: Store, tmp_path: Path) -> None:
    profile = _profile("htcds")
    full: dict[str, Any] = {
        "cas_CaseNumber": "MM-0001", "cas_CreatedDate": "2023-05-04", "cas_Status": "Active",
        "org_ShippingCountry": "TH", "prs_Gender": "Feminine", "prs_Citizenship": "MM;LA",
        "prs_FirstName": "Thandar", "prs_MiddleName": "Hnin", "prs_SecondName": "Oo",
        "prs_Birthdate": "2001-02-03", "prs_MobilePhone": "+999 555 0101",
        "vic_TraffickingStatus": "ActualVictimOfTrafficking", "vic_AgeWhenTrafficked": "19",
        "vic_TypeOfExploitation": "ForcedLabour;SexualExploitation",
        "vic_ForcedLabourIndustry": "A_AgricultureForestryAndFishing",
        "vic_TypeOfSexExploitation": "Prostitution",
        "vic_MethodsOfControl": "DebtBondage;WithholdsDocuments",
        "vic_RecruitmentWebsitesAndApps": "Facebook",
        "vic_ExploitationWebsitesAndApps": "Facebook;Line", "hte_Type": "Exploitation",
        "hte_Country": "THA", "hte_City": "Mae Sot", "hte_Date": "2022-11-01",
        "spl_Type": "Shelter", "con_Consent": "true", "per_RoleInProcess": "Exploiter",
    }  # fmt: skip
    closed = {"cas_CaseNumber": "MM-0002", "cas_CreatedDate": "2024-01-10",
              "cas_Status": "Closed", "cas_ClosedDate": "2024-06-01",
              "org_ShippingCountry": "Thailand", "prs_Gender": "Masculine"}  # fmt: skip
    layout = tuple(sorted(profile.columns | set(_ignored("htcds"))))  # the fields, checked above
    path = _write_csv(tmp_path / "htcds.csv", layout, [full, closed])
    _clean_import(store, path, profile)
    first, second = (_case_of(store, profile, path, row) for row in _rows(path, profile))
    victim = first.victims[0]
    assert (first.reference, first.opened_on, first.country_of_identification) == (
        "MM-0001",
        date(2023, 5, 4),
        "THA",
    )
    assert victim.person.citizenships == ["MMR", "LAO"]
    assert victim.person.personal is not None
    assert victim.person.personal.given_name == "Thandar Hnin"
    assert victim.age_when_trafficked == 19
    assert victim.online_platforms == ["Facebook", "Line"]
    assert [(e.type, e.country, e.place, e.started_on) for e in victim.route] == [
        ("Exploitation", "THA", "Mae Sot", date(2022, 11, 1))
    ]
    assert [s.type for s in victim.services] == ["Shelter"]
    assert [(c.scope, c.given) for c in victim.consents] == [
        ("DataProcessing", False),
        ("Interview", True),
    ]
    assert [p.roles for p in first.perpetrators] == [["Exploiter"]]
    assert (second.status, second.closed_on) == ("Closed", date(2024, 6, 1))
    assert second.victims[0].route == [] and second.perpetrators == []
