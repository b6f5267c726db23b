"""Drafting a profile from a file: headers in six languages, values to codes, countries, dates."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipis.ingest.infer import Draft, infer_profile
from tipis.ingest.profile import FieldRule, OrganisationRef, dump_profile, parse_profile
from tipis.ingest.run import run_import
from tipis.store.cases import Store
from tipis.synthetic.exports import write_agency_exports


def _rule(draft: Draft, target: str) -> FieldRule:
    found = [rule for rule in draft.profile.fields if rule.target == target]
    assert len(found) == 1, f"{target}: {found}"
    return found[0]


def _csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def police_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    return write_agency_exports(folder, seed=31, cases_per_agency=80).police_csv


def test_the_spanish_police_file_drafts_its_core_fields(police_csv: Path) -> None:
    draft = infer_profile(police_csv)
    profile = draft.profile
    assert (profile.name, profile.read.delimiter, profile.read.encoding) == (
        "policia_es",
        ";",
        "cp1252",
    )
    assert _rule(draft, "reference").column == "Nº Atestado"
    assert profile.key == ["Ref. víctima"]  # the case number repeats; the victim's does not
    opened = _rule(draft, "opened_on")
    assert (opened.column, opened.type, opened.formats) == ("Fecha", "date", ["%d/%m/%Y"])
    sex = _rule(draft, "victims[0].person.gender")
    assert (sex.column, sex.codelist, sex.map) == (
        "Sexo",
        "gender",
        {"H": "Masculine", "M": "Feminine"},
    )
    age = _rule(draft, "victims[0].age_at_identification")
    assert (age.column, age.type) == ("Edad", "int")
    nationality = _rule(draft, "victims[0].person.citizenships")
    assert (nationality.column, nationality.type) == ("Nacionalidad", "country")
    forms = _rule(draft, "victims[0].exploitation_forms")
    assert (forms.column, forms.codelist, forms.split) == (
        "Tipo de explotación",
        "exploitation_form",
        "/",
    )
    born = _rule(draft, "victims[0].person.personal.birth_date")
    assert (born.column, born.formats) == ("Fecha nacimiento", ["%d/%m/%Y"])
    assert "Provincia: not mapped" in draft.comments


def test_the_draft_imports_the_file_once_the_organisation_is_set(
    store: Store, police_csv: Path
) -> None:
    draft = infer_profile(police_csv)
    assert draft.profile.organisation is not None
    assert draft.profile.organisation.country == "ZZZ"  # a person must say who recorded them
    text = draft.comments + dump_profile(draft.profile)
    organisation = OrganisationRef(name="Policía", type="LawEnforcement", country="ESP")
    reviewed = parse_profile(text, "draft.yaml").model_copy(update={"organisation": organisation})
    report = run_import(store, police_csv, reviewed)
    assert [str(p) for p in report.problems] == []
    assert report.created == report.read > 0


def test_comments_explain_each_guess_and_never_show_personal_values(police_csv: Path) -> None:
    draft = infer_profile(police_csv)
    lines = draft.comments.splitlines()
    assert lines and all(line.startswith("# ") for line in lines)
    assert any(line.startswith("# Sexo: -> victims[0].person.gender") for line in lines)
    names = police_csv.read_text(encoding="cp1252").splitlines()[1].split(";")[4:6]
    assert all(name not in draft.comments for name in names if name)


@pytest.mark.parametrize(
    ("header", "values", "target"),
    [
        ("Пол", ["женщина", "мужчина"], "victims[0].person.gender"),
        ("性别", ["女", "男"], "victims[0].person.gender"),
        ("الجنس", ["امرأة", "رجل"], "victims[0].person.gender"),
        ("Género", ["femenino", "masculino"], "victims[0].person.gender"),
        ("Âge", ["17", "34"], "victims[0].age_at_identification"),
        ("Возраст", ["17", "34"], "victims[0].age_at_identification"),
        ("F. nac.", ["1990-01-02", "1985-12-31"], "victims[0].person.personal.birth_date"),
        ("Nationalité", ["Roumanie", "Maroc"], "victims[0].person.citizenships"),
        ("国籍", ["罗马尼亚", "摩洛哥"], "victims[0].person.citizenships"),
        ("Тип", ["Sexual exploitation", "Forced labour"], "victims[0].exploitation_forms"),
    ],
)
def test_headers_and_values_in_the_un_languages(
    tmp_path: Path, header: str, values: list[str], target: str
) -> None:
    path = _csv(tmp_path / "file.csv", ["ID", header], [[str(i), v] for i, v in enumerate(values)])
    draft = infer_profile(path)
    assert _rule(draft, target).column == header
    assert draft.profile.key == ["ID"]


@pytest.mark.parametrize(
    ("values", "formats"),
    [
        (["01/02/2024", "13/02/2024"], ["%d/%m/%Y"]),
        (["02/13/2024", "02/01/2024"], ["%m/%d/%Y"]),
        (["01.02.2024", "03.04.2024"], ["%d.%m.%Y"]),  # no value says: day first, with a warning
        (["2024-02-01", "2024-02-13"], []),
    ],
)
def test_date_order_comes_from_the_values(
    tmp_path: Path, values: list[str], formats: list[str]
) -> None:
    path = _csv(tmp_path / "file.csv", ["Date", "Sex"], [[v, "F"] for v in values])
    assert _rule(infer_profile(path), "opened_on").formats == formats


def test_local_values_get_a_map_and_unknown_words_mean_missing(tmp_path: Path) -> None:
    rows = [["1", "No consta", "Rumanía"], ["2", "V", "Desconocido"], ["3", "M", "Perú"]]
    path = _csv(tmp_path / "f.csv", ["Nº", "Sexo", "Nacionalidad"], rows)
    draft = infer_profile(path, name="mine")
    assert draft.profile.name == "mine"
    assert _rule(draft, "victims[0].person.gender").map == {
        "V": "Masculine",
        "M": "Feminine",
        "No consta": None,
    }
    assert _rule(draft, "victims[0].person.citizenships").map == {"Desconocido": None}
