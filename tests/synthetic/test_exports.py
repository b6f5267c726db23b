"""Agency exports: written in each agency's format, readable, repeatable, linked by ground truth."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tipis.synthetic.exports import ExportSet, write_agency_exports

PER_AGENCY = 80


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> ExportSet:
    return write_agency_exports(tmp_path_factory.mktemp("exports"), seed=9, cases_per_agency=80)


def _police(exports: ExportSet) -> list[dict[str, str]]:
    with exports.police_csv.open(encoding="cp1252", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def _ngo(exports: ExportSet) -> list[dict[str, Any]]:
    sheet = load_workbook(exports.ngo_xlsx, read_only=True).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert "client register" in str(rows[0][0])  # banner rows sit above the header
    header = [str(cell) for cell in rows[2]]
    return [dict(zip(header, row, strict=False)) for row in rows[3:]]


def _labour(exports: ExportSet) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(exports.labour_json.read_text(encoding="utf-8"))
    return loaded


def _calls(exports: ExportSet) -> list[dict[str, Any]]:
    lines = exports.hotline_jsonl.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_police_csv_is_spanish_semicolon_cp1252(exports: ExportSet) -> None:
    rows = _police(exports)
    assert len(rows) >= PER_AGENCY
    assert {"Nº Atestado", "Fecha", "Sexo", "Edad", "Nacionalidad", "Tipo de explotación"} <= set(
        rows[0]
    )
    assert all(re.match(r"^\d\d/\d\d/\d{4}$", row["Fecha"]) for row in rows)
    assert {row["Sexo"] for row in rows} <= {"H", "M", ""}
    assert any(row["Tipo de explotación"] == "Explotación sexual" for row in rows)
    assert any(row["Nacionalidad"].isupper() for row in rows)


def test_ngo_workbook_has_its_own_labels(exports: ExportSet) -> None:
    rows = _ngo(exports)
    assert len(rows) >= PER_AGENCY
    assert {"Gender", "DOB", "Nationality", "Exploitation type", "Services provided"} <= set(
        rows[0]
    )
    assert {row["Gender"] for row in rows} <= {"Female", "Male", "Non-binary", "Not recorded"}
    assert any("," in str(row["Services provided"]) for row in rows)


def test_labour_json_is_nested_and_french(exports: ExportSet) -> None:
    document = _labour(exports)
    inspections = document["controles"]
    assert len(inspections) == PER_AGENCY
    first = inspections[0]
    assert {"secteur", "employeur", "travailleurs", "date_controle"} <= set(first)
    assert first["travailleurs"] and "nationalite" in first["travailleurs"][0]
    sectors = {inspection["secteur"] for inspection in inspections}
    assert sectors & {
        "Agriculture, sylviculture et pêche",
        "Construction",
        "Industrie manufacturière",
    }


def test_hotline_lines_are_json_objects(exports: ExportSet) -> None:
    calls = _calls(exports)
    assert len(calls) >= PER_AGENCY
    assert all(call["call_id"].startswith("call-") for call in calls)


def _record_ids(exports: ExportSet) -> dict[str, set[str]]:
    labour = _labour(exports)["controles"]
    return {
        "policia_es": {row["Ref. víctima"] for row in _police(exports)},
        "ngo_shelter_en": {str(row["Client ID"]) for row in _ngo(exports)},
        "inspection_travail_fr": {w["id"] for i in labour for w in i["travailleurs"]},
        "hotline_es": {call["call_id"] for call in _calls(exports)},
    }


def _truth(exports: ExportSet) -> list[dict[str, str]]:
    with exports.ground_truth.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_ground_truth_covers_every_record_and_links_agencies(exports: ExportSet) -> None:
    truth = _truth(exports)
    ids = _record_ids(exports)
    listed: dict[str, set[str]] = defaultdict(set)
    for row in truth:
        listed[row["agency"]].add(row["record_id"])
    assert listed == ids
    agencies_per_person: dict[str, set[str]] = defaultdict(set)
    for row in truth:
        agencies_per_person[row["person_key"]].add(row["agency"])
    linked = Counter(len(agencies) for agencies in agencies_per_person.values())
    assert linked[2] + linked[3] + linked[4] >= 10  # people recorded by several agencies


def test_exports_are_repeatable(exports: ExportSet, tmp_path: Path) -> None:
    again = write_agency_exports(tmp_path, seed=9, cases_per_agency=80)
    for one, other in [
        (exports.police_csv, again.police_csv),
        (exports.labour_json, again.labour_json),
        (exports.hotline_jsonl, again.hotline_jsonl),
        (exports.ground_truth, again.ground_truth),
    ]:
        assert one.read_bytes() == other.read_bytes(), one.name
    assert _ngo(exports) == _ngo(again)


def test_exports_hold_only_fictional_contacts(exports: ExportSet) -> None:
    text = "\n".join(
        [
            exports.police_csv.read_text(encoding="cp1252"),
            exports.labour_json.read_text(encoding="utf-8"),
            exports.hotline_jsonl.read_text(encoding="utf-8"),
            json.dumps(_ngo(exports), default=str),
        ]
    )
    phones = re.findall(r"\+\d[\d ]{6,}", text)
    emails = re.findall(r"[\w.+-]+@[\w.-]+", text)
    assert phones and all(p.startswith("+999") for p in phones)
    assert all(e.endswith(("@example.org", "@example.com")) for e in emails)
