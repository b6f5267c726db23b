"""Exports: CSV (HXL), GLOTIP XLSX, SDMX-ML 2.1 and SDMX-CSV, JSON, from hand-built tables."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sdmx
from sdmx.message import DataMessage, StructureMessage

from tests.shared import GLOTIP_CSV, shared_file
from tipis.stats.export import (
    cell_state,
    cell_text,
    table_to_json,
    write_csv,
    write_glotip_xlsx,
    write_sdmx,
)
from tipis.stats.export.sdmx import dataflow_id, sdmx_code
from tipis.stats.export.xlsx import GLOTIP_HEADER, GLOTIP_SHEET
from tipis.stats.table import Cell, StatTable

#: Values of suppressed cells: distinctive, so a leak into any file is easy to find.
SECRET_PRIMARY = 424242
SECRET_SECONDARY = 737373
DIMENSIONS = ("area", "year", "sex", "age", "form")


def victims_table() -> StatTable:
    cells = [
        Cell(("ESP", "2020", "Female", "18+", "SexualExploitation"), 120, 120),
        Cell(("ESP", "2020", "Male", "0-17", "ForcedLabour"), 1, 4, "interval"),
        Cell(("ESP", "2021", "Female", "0-17", "OtherForms"), 7, 12, "interval"),
        Cell(("FRA", "2020", "Male", "18+", "SexualExploitation"), 2, 2, "exact"),
        Cell(
            ("FRA", "2021", "Male", "0-17", "SexualExploitation"),
            SECRET_PRIMARY,
            SECRET_PRIMARY,
            "suppressed_primary",
        ),
        Cell(
            ("FRA", "2021", "Female", "0-17", "ForcedLabour"),
            SECRET_SECONDARY,
            SECRET_SECONDARY,
            "suppressed_secondary",
        ),
        Cell(("150", "2020", "Total", "Total", "Total"), 3000, 3000),
        Cell(("WLD", "2020", "Total", "Total", "Total"), 0, 0, "missing"),
    ]
    metadata = {
        "title": "Detected victims of trafficking in persons",
        "unit": "Counts",
        "sources": ["Synthetic police records", "Synthetic NGO register"],
        "coverage": {"no_data": {"WLD": [2020]}},
        "disclosure": {"threshold": 5, "secondary": "smallest complement", "suppressed": 2},
        "notes": "Built by hand for the export tests.",
    }
    return StatTable("detected_victims", DIMENSIONS, cells, metadata)


def flows_table() -> StatTable:
    cells = [
        Cell(("NGA", "ESP", "2020", "transregional"), 12, 12),
        Cell(
            ("ROU", "ESP", "2020", "regional"), SECRET_PRIMARY, SECRET_PRIMARY, "suppressed_primary"
        ),
    ]
    return StatTable("detected_victims", ("origin", "destination", "year", "flow_type"), cells)


def all_bytes(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file())


# -- conventions shared by all formats ---------------------------------------------------------


def test_cell_text_and_state_follow_glotip_and_never_show_suppressed_values() -> None:
    assert cell_text(Cell(("x",), 12, 12)) == "12"
    assert cell_text(Cell(("x",), 1, 4, "interval")) == "<5"
    assert cell_text(Cell(("x",), 2, 4, "interval")) == "2-4"
    assert cell_text(Cell(("x",), 5, 20, "interval")) == "5-20"
    assert cell_text(Cell(("x",), 3, 3, "suppressed_primary")) == ""
    assert cell_text(Cell(("x",), 0, 0, "missing")) == ""
    assert cell_state(Cell(("x",), 3, 3, "suppressed_primary")) == "suppressed"
    assert cell_state(Cell(("x",), 9, 9, "suppressed_secondary")) == "suppressed"
    assert cell_state(Cell(("x",), 1, 4, "interval")) == "interval"


def test_no_export_leaks_a_suppressed_value_or_which_rule_suppressed_it(tmp_path: Path) -> None:
    table = victims_table()
    write_csv(table, tmp_path / "victims.csv", hxl=True)
    write_glotip_xlsx(table, tmp_path / "victims.xlsx", released=date(2024, 1, 31))
    write_sdmx(table, tmp_path / "sdmx")
    write_sdmx(table, tmp_path / "sdmx2", csv_version="2.0")
    (tmp_path / "victims.json").write_text(json.dumps(table_to_json(table)), encoding="utf-8")
    everything = all_bytes(tmp_path)
    # xlsx is zipped: read its cells too
    book = openpyxl.load_workbook(tmp_path / "victims.xlsx")
    cells = " ".join(str(v) for ws in book for row in ws.iter_rows(values_only=True) for v in row)
    for secret in (SECRET_PRIMARY, SECRET_SECONDARY):
        assert str(secret).encode() not in everything
        assert str(secret) not in cells
    for rule in (b"suppressed_primary", b"suppressed_secondary"):
        assert rule not in everything


# -- CSV ---------------------------------------------------------------------------------------


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_is_tidy_with_names_bounds_and_status(tmp_path: Path) -> None:
    table = victims_table()
    path = write_csv(table, tmp_path / "victims.csv", lang="fr")
    rows = read_csv(path)
    header, data = rows[0], rows[1:]
    assert header == [
        "indicator",
        "area",
        "area_name",
        "year",
        "sex",
        "age",
        "form",
        "value",
        "value_lower",
        "value_upper",
        "status",
        "unit",
    ]
    assert len(data) == len(table.cells)
    by_key = {
        tuple(row[i] for i in (1, 3, 4, 5, 6)): dict(zip(header, row, strict=True)) for row in data
    }
    exact = by_key[("ESP", "2020", "Female", "18+", "SexualExploitation")]
    assert (exact["value"], exact["value_lower"], exact["value_upper"]) == ("120", "120", "120")
    assert exact["area_name"] == "Espagne"
    assert exact["status"] == "exact"
    assert exact["unit"] == "Counts"
    below_five = by_key[("ESP", "2020", "Male", "0-17", "ForcedLabour")]
    assert (below_five["value"], below_five["value_lower"], below_five["value_upper"]) == (
        "<5",
        "1",
        "4",
    )
    assert below_five["status"] == "interval"
    wider = by_key[("ESP", "2021", "Female", "0-17", "OtherForms")]
    assert (wider["value"], wider["value_lower"], wider["value_upper"]) == ("7-12", "7", "12")
    for key in (
        ("FRA", "2021", "Male", "0-17", "SexualExploitation"),
        ("FRA", "2021", "Female", "0-17", "ForcedLabour"),
    ):
        row = by_key[key]
        assert (row["value"], row["value_lower"], row["value_upper"]) == ("", "", "")
        assert row["status"] == "suppressed"
    missing = by_key[("WLD", "2020", "Total", "Total", "Total")]
    assert (missing["value"], missing["status"], missing["area_name"]) == ("", "missing", "Monde")
    assert by_key[("150", "2020", "Total", "Total", "Total")]["area_name"] == "Europe"


def test_csv_metadata_sidecar_is_csvw_and_carries_the_rules(tmp_path: Path) -> None:
    table = victims_table()
    path = write_csv(table, tmp_path / "victims.csv")
    assert not path.read_text(encoding="utf-8").startswith("#")
    sidecar = json.loads((tmp_path / "victims.csv-metadata.json").read_text(encoding="utf-8"))
    assert sidecar["@context"] == "http://www.w3.org/ns/csvw"
    assert sidecar["url"] == "victims.csv"
    assert sidecar["dialect"]["headerRowCount"] == 1
    names = [column["name"] for column in sidecar["tableSchema"]["columns"]]
    assert names == read_csv(path)[0]
    metadata = sidecar["notes"][0]["metadata"]
    assert metadata["indicator"] == "detected_victims"
    assert metadata["disclosure"] == table.metadata["disclosure"]
    assert metadata["sources"] == table.metadata["sources"]
    assert metadata["coverage"] == table.metadata["coverage"]


def test_csv_hxl_row_tags_every_column(tmp_path: Path) -> None:
    path = write_csv(victims_table(), tmp_path / "victims.csv", hxl=True, lang="es")
    header, tags, first = read_csv(path)[:3]
    assert len(tags) == len(header)
    assert all(tag.startswith("#") for tag in tags)
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["year"] == "#date+year"
    assert tag_of["area"].endswith("+code")
    assert tag_of["area_name"] == "#loc+name+i_es"  # countries and M49 areas mixed
    assert "+num" in tag_of["value_lower"] and "+num" in tag_of["value_upper"]
    assert "+num" not in tag_of["value"]  # it may hold "<5"
    assert tag_of["status"] == "#meta+status"
    assert first[0] == "detected_victims"
    sidecar = json.loads((tmp_path / "victims.csv-metadata.json").read_text(encoding="utf-8"))
    assert sidecar["dialect"]["headerRowCount"] == 2


def test_csv_hxl_uses_country_origin_and_dest_for_flows(tmp_path: Path) -> None:
    path = write_csv(flows_table(), tmp_path / "flows.csv", hxl=True)
    header, tags = read_csv(path)[:2]
    tag_of = dict(zip(header, tags, strict=True))
    assert tag_of["origin"] == "#country+origin+code"
    assert tag_of["destination_name"] == "#country+dest+name+i_en"


def test_csv_rejects_an_unknown_language(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="language"):
        write_csv(victims_table(), tmp_path / "x.csv", lang="de")


# -- XLSX in the GLOTIP layout -----------------------------------------------------------------


def test_glotip_xlsx_layout_wording_and_notes(tmp_path: Path) -> None:
    table = victims_table()
    path = write_glotip_xlsx([table], tmp_path / "glotip.xlsx", released=date(2024, 1, 31))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [GLOTIP_SHEET, "Notes"]
    rows = list(book[GLOTIP_SHEET].iter_rows(values_only=True))
    assert rows[0][0] == "TIPIS"
    assert rows[1][0] == "31/01/2024"
    assert "Synthetic police records" in str(rows[1][1])
    assert rows[2] == GLOTIP_HEADER
    data = [dict(zip(GLOTIP_HEADER, row, strict=True)) for row in rows[3:]]
    assert len(data) == len(table.cells) - 1  # the missing cell is left out, as in GLOTIP
    first = data[0]
    assert first == {
        "Iso3_code": "ESP",
        "Country": "Spain",
        "Region": "Europe",
        "Subregion": "Southern Europe",
        "Indicator": "Detected trafficking victims",
        "Dimension": "by form of exploitation",
        "Category": "Sexual exploitation",
        "Sex": "Female",
        "Age": "18 years or over",
        "Year": 2020,
        "Unit of measurement": "Counts",
        "txtVALUE": "120",
        "Source": "TIPIS",
    }
    assert (data[1]["txtVALUE"], data[1]["Age"], data[1]["Category"]) == (
        "<5",
        "0 to 17 years",
        "Forced labour",
    )
    assert data[2]["txtVALUE"] == "7-12"
    assert data[2]["Category"] == "Other forms of exploitation"
    assert all(isinstance(row["txtVALUE"], str) for row in data if row["txtVALUE"] is not None)
    suppressed = [row for row in data if row["Iso3_code"] == "FRA" and row["Year"] == 2021]
    assert len(suppressed) == 2
    assert all(row["txtVALUE"] in (None, "") for row in suppressed)
    europe = next(row for row in data if row["Iso3_code"] == "150")
    assert (europe["Country"], europe["Region"], europe["Dimension"], europe["Category"]) == (
        "Europe",
        "Europe",
        "Total",
        "Total",
    )
    notes = {(row[1], str(row[2])) for row in book["Notes"].iter_rows(values_only=True)}
    keys = {key for key, _ in notes}
    assert {"disclosure", "sources", "coverage", "title", "unit", "indicator"} <= keys
    disclosure = next(value for key, value in notes if key == "disclosure")
    assert json.loads(disclosure) == table.metadata["disclosure"]


def test_glotip_xlsx_several_tables_and_totals(tmp_path: Path) -> None:
    convicted = StatTable(
        "persons_convicted",
        ("area", "year", "sex"),
        [Cell(("NGA", "2019", "Male"), 31, 31), Cell(("NGA", "2019", "Female"), 1, 4, "interval")],
    )
    path = write_glotip_xlsx([victims_table(), convicted], tmp_path / "two.xlsx")
    rows = list(openpyxl.load_workbook(path)[GLOTIP_SHEET].iter_rows(values_only=True))[3:]
    last = dict(zip(GLOTIP_HEADER, rows[-1], strict=True))
    assert last["Indicator"] == "Persons convicted"
    assert (last["Dimension"], last["Category"], last["Age"]) == ("Total", "Total", "Total")
    assert (last["Region"], last["Subregion"]) == ("Africa", "Sub-Saharan Africa")
    assert last["txtVALUE"] == "<5"


def test_glotip_xlsx_refuses_what_glotip_cannot_express(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="flow_type"):
        write_glotip_xlsx(flows_table(), tmp_path / "flows.xlsx")
    detailed = StatTable(
        "detected_victims", ("area", "year", "form"), [Cell(("ESP", "2020", "ForcedBegging"), 9, 9)]
    )
    with pytest.raises(ValueError, match="ForcedBegging"):
        write_glotip_xlsx(detailed, tmp_path / "detailed.xlsx")


@pytest.mark.shared_data
def test_glotip_xlsx_matches_the_real_release_layout(tmp_path: Path) -> None:
    real = shared_file("glotip/data_glotip_UNODC_release_2023-05-30.xlsx")
    ours = write_glotip_xlsx(victims_table(), tmp_path / "ours.xlsx")
    real_book = openpyxl.load_workbook(real, read_only=True)
    try:
        real_top = list(real_book[GLOTIP_SHEET].iter_rows(max_row=3, values_only=True))
        real_first_sheet = real_book.sheetnames[0]
    finally:
        real_book.close()
    our_book = openpyxl.load_workbook(ours)
    assert our_book.sheetnames[0] == real_first_sheet == GLOTIP_SHEET
    our_rows = list(our_book[GLOTIP_SHEET].iter_rows(values_only=True))
    assert our_rows[2] == real_top[2]  # the header, under two banner rows in both
    assert real_top[0][0] and real_top[1][0] and our_rows[0][0] and our_rows[1][0]


@pytest.mark.shared_data
def test_glotip_xlsx_speaks_the_real_release_vocabulary(tmp_path: Path) -> None:
    real = shared_file(GLOTIP_CSV)  # the CSV conversion of the same release: quicker to scan
    columns = ("Indicator", "Dimension", "Sex", "Age", "Unit of measurement", "Region")
    seen: dict[str, set[str]] = {column: set() for column in columns}
    with real.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle):
            for column in columns:
                seen[column].add(row[column])
    ours = write_glotip_xlsx(victims_table(), tmp_path / "ours.xlsx")
    rows = list(openpyxl.load_workbook(ours)[GLOTIP_SHEET].iter_rows(values_only=True))[3:]
    for row in rows:
        values = dict(zip(GLOTIP_HEADER, row, strict=True))
        for column in columns:
            assert values[column] in seen[column], (column, values[column])


# -- SDMX --------------------------------------------------------------------------------------


def read_structure(path: Path) -> StructureMessage:
    message = sdmx.read_sdmx(path)
    assert isinstance(message, StructureMessage)
    return message


def read_data(path: Path, structure: Any) -> DataMessage:
    message = sdmx.read_sdmx(path, structure=structure)
    assert isinstance(message, DataMessage)
    return message


def test_sdmx_structure_parses_with_dimensions_codelists_and_metadata(tmp_path: Path) -> None:
    table = victims_table()
    files = write_sdmx(table, tmp_path, prepared=datetime(2024, 1, 31, 12, 0))
    assert files.structure_xml.name == "DF_TIPIS_DETECTED_VICTIMS_structure.xml"
    message = read_structure(files.structure_xml)
    flow = message.dataflow[dataflow_id(table)]
    dsd = flow.structure
    assert [d.id for d in dsd.dimensions.components] == [
        "REF_AREA",
        "SEX",
        "AGE",
        "EXPLOITATION_FORM",
        "TIME_PERIOD",
    ]
    assert [m.id for m in dsd.measures.components] == ["OBS_VALUE"]
    attributes = {a.id for a in dsd.attributes.components}
    assert {"OBS_STATUS", "CONF_STATUS", "OBS_LOWER", "OBS_UPPER", "UNIT_MEASURE"} <= attributes
    areas = message.codelist["CL_AREA"]
    assert set(areas.items) == {"ESP", "FRA", "150", "WLD"}
    assert str(areas["ESP"].name.localizations["fr"]) == "Espagne"
    assert set(message.codelist["CL_SEX"].items) == {"_T", "F", "M", "_O", "_U"}
    assert set(message.codelist["CL_AGE"].items) == {"_T", "Y0T17", "Y_GE18", "_U"}
    assert set(message.codelist["CL_OBS_STATUS"].items) == {"A", "E", "O", "Q"}
    annotations = {a.id: str(a.text.localizations["en"]) for a in flow.annotations}
    assert json.loads(annotations["disclosure"]) == table.metadata["disclosure"]
    assert json.loads(annotations["sources"]) == table.metadata["sources"]
    assert json.loads(annotations["coverage"]) == table.metadata["coverage"]
    assert annotations["title"] == table.metadata["title"]


def sdmx_key(table: StatTable, cell: Cell) -> dict[str, str]:
    ids = {"area": "REF_AREA", "year": "TIME_PERIOD", "sex": "SEX", "age": "AGE"}
    ids["form"] = "EXPLOITATION_FORM"
    return {
        ids[d]: (v if d == "year" else sdmx_code(d, v))
        for d, v in zip(table.dimensions, cell.key, strict=True)
    }


def test_sdmx_data_parses_against_the_structure_with_published_values(tmp_path: Path) -> None:
    table = victims_table()
    files = write_sdmx(table, tmp_path)
    structure = read_structure(files.structure_xml)
    dsd = structure.dataflow[dataflow_id(table)].structure
    data = read_data(files.data_xml, dsd)
    observations = {
        tuple(sorted((k, str(v.value)) for k, v in obs.key.values.items())): obs
        for obs in data.data[0].obs
    }
    assert len(observations) == len(table.cells)
    published = table.published()
    for cell in table.cells:
        obs = observations[tuple(sorted(sdmx_key(table, cell).items()))]
        attrib = {name: str(value.value) for name, value in obs.attrib.items()}
        assert attrib["UNIT_MEASURE"] == "NUMBER"
        if cell.suppressed:
            assert cell not in published
            assert obs.value is None
            assert (attrib["OBS_STATUS"], attrib["CONF_STATUS"]) == ("Q", "C")
            assert "OBS_LOWER" not in attrib and "OBS_UPPER" not in attrib
        elif cell.status == "missing":
            assert obs.value is None
            assert attrib["OBS_STATUS"] == "O"
        elif cell.exact:
            assert int(obs.value) == cell.lower
            assert (attrib["OBS_STATUS"], attrib["CONF_STATUS"]) == ("A", "F")
        else:
            assert obs.value is None
            assert attrib["OBS_STATUS"] == "E"
            assert (int(attrib["OBS_LOWER"]), int(attrib["OBS_UPPER"])) == (cell.lower, cell.upper)
    valued = [obs for obs in observations.values() if obs.value is not None]
    exact_published = [cell for cell in published if cell.exact and cell.status != "missing"]
    assert sorted(int(obs.value) for obs in valued) == sorted(c.lower for c in exact_published)


def test_sdmx_csv_1_0_layout(tmp_path: Path) -> None:
    table = victims_table()
    files = write_sdmx(table, tmp_path)
    rows = read_csv(files.data_csv)
    header, data = rows[0], rows[1:]
    assert header[:6] == ["DATAFLOW", "REF_AREA", "SEX", "AGE", "EXPLOITATION_FORM", "TIME_PERIOD"]
    assert header[6] == "OBS_VALUE"
    assert {"OBS_STATUS", "CONF_STATUS", "OBS_LOWER", "OBS_UPPER", "UNIT_MEASURE"} <= set(header)
    assert {row[0] for row in data} == {"TIPIS:DF_TIPIS_DETECTED_VICTIMS(1.0)"}
    assert len(data) == len(table.cells)
    records = [dict(zip(header, row, strict=True)) for row in data]
    first = next(
        r for r in records if r["REF_AREA"] == "ESP" and r["SEX"] == "F" and r["AGE"] == "Y_GE18"
    )
    assert (first["OBS_VALUE"], first["OBS_STATUS"]) == ("120", "A")
    hidden = [r for r in records if r["OBS_STATUS"] == "Q"]
    assert len(hidden) == 2
    assert all(r["OBS_VALUE"] == r["OBS_LOWER"] == r["OBS_UPPER"] == "" for r in hidden)
    assert all(r["CONF_STATUS"] == "C" for r in hidden)


def test_sdmx_csv_2_0_reads_back_with_sdmx1(tmp_path: Path) -> None:
    table = victims_table()
    files = write_sdmx(table, tmp_path, csv_version="2.0")
    assert read_csv(files.data_csv)[0][:3] == ["STRUCTURE", "STRUCTURE_ID", "ACTION"]
    flow = read_structure(files.structure_xml).dataflow[dataflow_id(table)]
    data = read_data(files.data_csv, flow)
    values = sorted(int(obs.value) for obs in data.data[0].obs if obs.value not in (None, ""))
    assert values == sorted(c.lower for c in table.published() if cell_state(c) == "exact")


def test_sdmx_other_dimensions_and_flow_id(tmp_path: Path) -> None:
    files = write_sdmx(flows_table(), tmp_path, flow_id="DF_TIPIS_FLOWS")
    structure = read_structure(files.structure_xml)
    dsd = structure.dataflow["DF_TIPIS_FLOWS"].structure
    assert [d.id for d in dsd.dimensions.components] == [
        "ORIGIN_AREA",
        "DESTINATION_AREA",
        "FLOW_TYPE",
        "TIME_PERIOD",
    ]
    assert set(structure.codelist["CL_AREA"].items) == {"NGA", "ROU", "ESP"}
    data = read_data(files.data_xml, dsd)
    assert sorted(str(obs.value) for obs in data.data[0].obs) == ["12", "None"]


# -- JSON --------------------------------------------------------------------------------------


def test_table_to_json(tmp_path: Path) -> None:
    table = victims_table()
    result = table_to_json(table)
    text = json.dumps(result)  # JSON-ready
    assert str(SECRET_PRIMARY) not in text and str(SECRET_SECONDARY) not in text
    assert result["indicator"] == "detected_victims"
    assert result["dimensions"] == list(DIMENSIONS)
    assert result["metadata"]["disclosure"] == table.metadata["disclosure"]
    cells = result["cells"]
    assert len(cells) == len(table.cells)
    assert cells[0] == {
        "key": {
            "area": "ESP",
            "year": "2020",
            "sex": "Female",
            "age": "18+",
            "form": "SexualExploitation",
        },
        "value": 120,
        "lower": 120,
        "upper": 120,
        "text": "120",
        "status": "exact",
    }
    assert (cells[1]["value"], cells[1]["lower"], cells[1]["upper"], cells[1]["text"]) == (
        None,
        1,
        4,
        "<5",
    )
    for cell in cells[4:6]:
        assert cell["status"] == "suppressed"
        assert cell["value"] is cell["lower"] is cell["upper"] is None
        assert cell["text"] == ""
