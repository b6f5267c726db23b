"""Reading agencies' files: encodings, delimiters, banners, damaged and wrong files, JSON."""

from __future__ import annotations

import hashlib
import json
import random
import time
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.shared import GLOTIP_CSV, shared_file
from tipis.ingest.problems import FileProblem
from tipis.ingest.readers import ReadOptions, SourceRow, SourceTable, open_table, sha256_of
from tipis.synthetic.exports import ExportSet, write_agency_exports

GLOTIP_XLSX = "glotip/data_glotip_UNODC_release_2023-05-30.xlsx"
GLOTIP_COLUMNS = (
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex",
    "Age", "Year", "Unit of measurement", "txtVALUE", "Source",
)  # fmt: skip
GLOTIP_ROWS = 46_556


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _rows(table: SourceTable) -> list[SourceRow]:
    return list(table.rows())


def _problem_of(path: Path, options: ReadOptions | None = None) -> str:
    with pytest.raises(FileProblem) as caught:
        open_table(path, options or ReadOptions())
    assert caught.value.problem.file == path.name
    return str(caught.value)


def _workbook(path: Path, rows: Sequence[Sequence[object]], title: str = "Data") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


# --- CSV: encodings, delimiters, quoting ------------------------------------------------

SPANISH = (
    "Nº Atestado;Nombre;Nacionalidad\r\n2024/000001;José Ángel;MÉXICO\r\n2024/2;Zoë;España\r\n"
)


@pytest.mark.parametrize(
    ("encoding", "written", "detected"),
    [
        ("utf-8", "utf-8", "utf-8"),
        ("utf-8 with BOM", "utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252", "cp1252"),
        ("latin-1", "latin-1", "cp1252"),  # the same bytes: cp1252 decodes latin-1 letters alike
        ("utf-16 with BOM", "utf-16", "utf-16"),
    ],
)
def test_csv_encodings_are_detected(
    tmp_path: Path, encoding: str, written: str, detected: str
) -> None:
    table = open_table(_write(tmp_path / "policia.csv", SPANISH, written))
    assert (table.encoding, table.delimiter, table.header_row) == (detected, ";", 1)
    assert table.columns == ("Nº Atestado", "Nombre", "Nacionalidad")
    rows = _rows(table)
    assert [r.values["Nombre"] for r in rows] == ["José Ángel", "Zoë"]
    assert rows[0].values["Nacionalidad"] == "MÉXICO"
    assert [r.number for r in rows] == [2, 3]


def test_cp1252_only_characters_are_read_as_cp1252(tmp_path: Path) -> None:
    text = "Nº;Nota\n1;l’enfant – “citado” €5\n"
    table = open_table(_write(tmp_path / "notas.csv", text, "cp1252"))
    assert table.encoding == "cp1252"
    assert _rows(table)[0].values["Nota"] == "l’enfant – “citado” €5"


def test_bytes_cp1252_cannot_decode_fall_back_to_latin1_without_replacement(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Nom,Pays\nJos\xe9,Per\xfa\x81\n")
    table = open_table(path)
    assert table.encoding == "latin-1"
    values = _rows(table)[0].values
    assert values == {"Nom": "José", "Pays": "Perú\x81"}
    assert "\ufffd" not in "".join(map(str, values.values()))


def test_replacement_characters_already_in_the_file_are_kept(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "glotip.csv", "Category,Value\nM\ufffdXICO,<5\n"))
    assert table.encoding == "utf-8"
    assert _rows(table)[0].values["Category"] == "M\ufffdXICO"


def test_a_late_non_utf8_byte_still_makes_the_whole_file_cp1252(tmp_path: Path) -> None:
    text = "Nombre,Ciudad\n" + "Ana,Madrid\n" * 100_000 + "Iñigo,Bilbao\n"
    table = open_table(_write(tmp_path / "big.csv", text, "cp1252"))
    assert table.encoding == "cp1252"
    assert _rows(table)[-1].values["Nombre"] == "Iñigo"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    others = "".join(d for d in ",;|" if d != delimiter)
    lines = [["Nombre", "Medios de control", "Edad"], ["Ana", f"amenazas{others} deuda", "23"]]
    lines += [["Luis", f"retención{others[0]} aislamiento", "31"]] * 5
    text = "".join(delimiter.join(cells) + "\n" for cells in lines)
    table = open_table(_write(tmp_path / "victimas.csv", text))
    assert table.delimiter == delimiter
    assert table.columns == ("Nombre", "Medios de control", "Edad")
    assert _rows(table)[0].values["Medios de control"] == f"amenazas{others} deuda"


def test_the_delimiter_can_be_given(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "a.csv", "a;b\n1;2\n"), ReadOptions(delimiter=";"))
    assert _rows(table)[0].values == {"a": "1", "b": "2"}


def test_quoted_values_keep_their_newlines_and_rows_are_numbered_as_records(
    tmp_path: Path,
) -> None:
    text = 'id,notes,age\n1,"first line\nsecond line, with comma",30\n2,"say ""no""",41\n'
    rows = _rows(open_table(_write(tmp_path / "notes.csv", text)))
    assert rows[0].values["notes"] == "first line\nsecond line, with comma"
    assert rows[1].values["notes"] == 'say "no"'
    assert [r.number for r in rows] == [2, 3]
    assert all(not r.problems for r in rows)


def test_ragged_rows_are_yielded_with_a_problem(tmp_path: Path) -> None:
    text = "a;b;c\n1;2;3\n1;2;3;4;5\n1;2\n7;8;9;;\n"
    rows = _rows(open_table(_write(tmp_path / "ragged.csv", text)))
    assert [r.number for r in rows] == [2, 3, 4, 5]
    assert rows[0].problems == () and rows[3].problems == ()  # empty extra cells are harmless
    long, short = rows[1].problems[0], rows[2].problems[0]
    assert (long.row, long.file) == (3, "ragged.csv")
    assert "5 cells but the header has 3" in long.rule and "';'" in long.fix
    assert "2 cells but the header has 3" in short.rule
    assert rows[1].values == {"a": "1", "b": "2", "c": "3"}
    assert rows[2].values == {"a": "1", "b": "2"}  # no guess for the missing cell


def test_header_names_are_stripped_renamed_when_empty_and_numbered_when_repeated(
    tmp_path: Path,
) -> None:
    text = "\ufeff Sexo ,,Sexo,Edad,\u00a0,\n M ,x,F,3,,\n"
    table = open_table(_write(tmp_path / "h.csv", text))
    assert table.columns == ("Sexo", "Column 2", "Sexo (2)", "Edad")
    assert _rows(table)[0].values == {"Sexo": " M ", "Column 2": "x", "Sexo (2)": "F", "Edad": "3"}
    assert [n.column for n in table.notes] == ["Column 2", "Sexo (2)"]
    assert "repeats the name 'Sexo'" in str(table.notes[1])


def test_banner_rows_above_a_csv_header_are_skipped(tmp_path: Path) -> None:
    text = "Informe de víctimas;;;\nGenerado: 01/02/2024;;;\n;;;\nId;Nombre;Edad;Sexo\n1;Ana;23;M\n"
    table = open_table(_write(tmp_path / "informe.csv", text))
    assert (table.header_row, table.columns) == (4, ("Id", "Nombre", "Edad", "Sexo"))
    assert [r.number for r in _rows(table)] == [5]


def test_the_header_row_can_be_given(tmp_path: Path) -> None:
    text = "Id,Nombre\n1,Ana\n2,Luis\n"
    table = open_table(_write(tmp_path / "a.csv", text), ReadOptions(header_row=2))
    assert table.columns == ("1", "Ana")
    assert [r.values for r in _rows(table)] == [{"1": "2", "Ana": "Luis"}]
    assert "row 9" in _problem_of(tmp_path / "a.csv", ReadOptions(header_row=9))


def test_a_file_without_a_header_row_is_refused(tmp_path: Path) -> None:
    text = "".join(f"{i},{i * 3},2024-01-0{i % 9 + 1}\n" for i in range(60))
    assert "no header row" in _problem_of(_write(tmp_path / "numbers.csv", text))


def test_header_only_gives_zero_rows_and_an_empty_file_is_refused(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "header.csv", "Id;Nombre;Edad\r\n"))
    assert table.columns == ("Id", "Nombre", "Edad") and _rows(table) == []
    for name, text in (("empty.csv", ""), ("blank.csv", "\n\n  \n"), ("bom.csv", "\ufeff")):
        assert "empty" in _problem_of(_write(tmp_path / name, text))


def test_blank_rows_are_skipped_but_counted(tmp_path: Path) -> None:
    rows = _rows(open_table(_write(tmp_path / "a.csv", "a,b\n1,2\n\n,\n3,4\n")))
    assert [(r.number, r.values["a"]) for r in rows] == [(2, "1"), (5, "3")]


def test_rows_can_be_read_again(tmp_path: Path) -> None:
    table = open_table(_write(tmp_path / "a.csv", "a,b\n1,2\n3,4\n"))
    assert _rows(table) == _rows(table)


def test_an_unclosed_quote_is_a_file_problem_naming_the_row(tmp_path: Path) -> None:
    assert "quote opened in row 3" in _problem_of(
        _write(tmp_path / "q.csv", 'a,b\n1,2\n3,"x\n5,6\n')
    )
    table = open_table(_write(tmp_path / "late.csv", "a,b\n" + "1,2\n" * 99 + '3,"oops\n5,6\n'))
    with pytest.raises(FileProblem, match="quote opened in row 101"):
        _rows(table)  # found while streaming, past the rows read to find the header


def test_a_wrong_encoding_given_is_a_file_problem(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "Nombre\nJosé\n", "cp1252")
    message = _problem_of(path, ReadOptions(encoding="utf-8"))
    assert "not valid utf-8" in message and "byte 10" in message
    assert _rows(open_table(path, ReadOptions(encoding="cp1252")))[0].values["Nombre"] == "José"


def test_utf16_without_bom_gets_a_hint(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "Nombre;Edad\nAna;23\n", "utf-16-le")
    assert "utf-16-le" in _problem_of(path)
    table = open_table(path, ReadOptions(encoding="utf-16-le"))
    assert _rows(table)[0].values == {"Nombre": "Ana", "Edad": "23"}


# --- files that are not what they claim ---------------------------------------------------


def test_png_bytes_named_csv_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "victims.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    message = _problem_of(path)
    assert "PNG image" in message and "check you chose the right file" in message


def test_random_bytes_named_csv_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "victims.csv"
    path.write_bytes(random.Random(1).randbytes(5000))
    assert "not text" in _problem_of(path)


def test_control_characters_without_nuls_are_refused(tmp_path: Path) -> None:
    noise = bytes(b for b in random.Random(2).randbytes(6000) if b)
    assert "binary data" in _problem_of(_write_bytes(tmp_path / "noise.csv", noise))


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_workbook_named_csv_is_refused_with_the_right_fix(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx", [["a", "b"], [1, 2]])
    path = path.rename(tmp_path / "book.csv")
    assert "rename it to .xlsx" in _problem_of(path)
    assert _rows(open_table(path, ReadOptions(format="xlsx")))[0].values == {"a": 1, "b": 2}


def test_csv_text_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "export.xlsx", "Id;Nombre\n1;Ana\n")
    message = _problem_of(path)
    assert "looks like CSV" in message and "not an Excel workbook" in message
    assert _rows(open_table(path, ReadOptions(format="csv")))[0].values["Nombre"] == "Ana"


def test_a_truncated_workbook_is_refused(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "clients.xlsx", [["Id", "Name"]] + [[i, f"n{i}"] for i in range(500)]
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = _problem_of(path)
    assert "damaged" in message and "save it again" in message


def test_a_workbook_with_a_corrupt_part_is_refused(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "clients.xlsx", [["Id", "Name"]] + [[i, f"n{i}"] for i in range(500)]
    )
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + 10
    data[start : start + 20] = b"\x00" * 20
    path.write_bytes(bytes(data))
    assert "damaged" in _problem_of(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "zip archive, not an Excel workbook" in _problem_of(path)
    path.write_bytes(b"PK\x03\x04" + random.Random(3).randbytes(2000))
    assert "damaged" in _problem_of(path)


def _ole2(stream_names: list[str]) -> bytes:
    """The start of an OLE2 compound file whose directory names ``stream_names``."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in stream_names)
    return header + directory


def test_a_password_protected_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(_ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    message = _problem_of(path)
    assert "password" in message and "remove the password" in message


def test_an_old_xls_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(_ole2(["Root Entry", "Workbook"]))
    message = _problem_of(path)
    assert "Excel 97-2003" in message and ".xlsx" in message


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.csv", "a,b\n" + "1,2\n" * 100_000)
    message = _problem_of(path, ReadOptions(max_bytes=100_000))
    assert "0.4 MiB" in message and "limit of 0.1 MiB" in message and "max_bytes" in message
    assert len(_rows(open_table(path))) == 100_000


def test_missing_files_and_folders_are_file_problems(tmp_path: Path) -> None:
    assert "no such file" in _problem_of(tmp_path / "absent.csv")
    (tmp_path / "folder.csv").mkdir()
    assert "folder" in _problem_of(tmp_path / "folder.csv")


def test_read_options_are_checked() -> None:
    with pytest.raises(ValueError, match="one character"):
        ReadOptions(delimiter=";;")
    with pytest.raises(ValueError, match="counts from 1"):
        ReadOptions(header_row=0)
    with pytest.raises(ValueError, match="unknown encoding"):
        ReadOptions(encoding="klingon")


def test_the_content_decides_when_the_extension_says_nothing(tmp_path: Path) -> None:
    assert open_table(_write(tmp_path / "a.txt", "a\tb\n1\t2\n")).format == "csv"
    assert open_table(_write(tmp_path / "b.dat", '[{"a": 1}]')).format == "json"
    assert open_table(_write(tmp_path / "c", '{"a": 1}\n{"a": 2}\n')).format == "jsonl"
    book = _workbook(tmp_path / "d.xlsx", [["a"], [1]])
    assert open_table(book.rename(tmp_path / "d.export")).format == "xlsx"


def test_sha256_of_a_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "a\n1\n")
    assert sha256_of(path) == hashlib.sha256(b"a\n1\n").hexdigest()


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_banner_rows_are_skipped_and_rows_numbered_as_in_excel(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Shelter – client register (CONFIDENTIAL)"],
        ["Exported 3 March 2024 by case worker"],
        ["Client ID", "Name", "DOB", "Age", None],
        ["SH-1", "Ana", datetime(1990, 5, 17), None],
        [None, None, None, None],
        ["SH-2", "Luis", None, 34.0],
    ]
    table = open_table(_workbook(tmp_path / "clients.xlsx", rows))
    assert (table.format, table.header_row, table.sheet) == ("xlsx", 3, "Data")
    assert table.columns == ("Client ID", "Name", "DOB", "Age")
    read = _rows(table)
    assert [r.number for r in read] == [4, 6]
    assert read[0].values == {"Client ID": "SH-1", "Name": "Ana", "DOB": datetime(1990, 5, 17),
                              "Age": None}  # fmt: skip
    assert read[1].values["Age"] == 34


def test_xlsx_sheets_are_chosen_by_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "two.xlsx", [["ignored"], ["x"]], title="Notes")
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.create_sheet("Victims")
    sheet.append(["Id", "Sex"])
    sheet.append([1, "F"])
    book.save(path)
    assert open_table(path).sheet == "Notes"
    table = open_table(path, ReadOptions(sheet="Victims"))
    assert [r.values for r in _rows(table)] == [{"Id": 1, "Sex": "F"}]
    message = _problem_of(path, ReadOptions(sheet="Clients"))
    assert "no sheet 'Clients'" in message and "'Notes', 'Victims'" in message


def test_xlsx_values_beyond_the_named_columns_are_a_row_problem(tmp_path: Path) -> None:
    rows: list[list[object]] = [["Id", None, "Sex"], [1, "x", "F"], [2, None, "M", None, "?"]]
    table = open_table(_workbook(tmp_path / "wide.xlsx", rows))
    assert table.columns == ("Id", "Column B", "Sex")
    read = _rows(table)
    assert read[0].problems == ()
    problem = read[1].problems[0]
    assert (problem.row, problem.column) == (3, "E")
    assert "beyond the last named column (C)" in problem.rule


def test_an_empty_sheet_is_refused(tmp_path: Path) -> None:
    assert "empty" in _problem_of(_workbook(tmp_path / "empty.xlsx", []))


# --- JSON and JSON Lines ------------------------------------------------------------------


def test_json_array_of_records_with_nested_objects(tmp_path: Path) -> None:
    records = [{"id": 1, "person": {"sex": "F", "age": 20}}, {"id": 2, "tags": ["a", "b"]}]
    table = open_table(_write(tmp_path / "a.json", json.dumps(records)))
    assert table.columns == ("id", "person.sex", "person.age", "tags")
    rows = _rows(table)
    assert [r.number for r in rows] == [1, 2]
    assert rows[0].values == {"id": 1, "person.sex": "F", "person.age": 20}
    assert rows[1].values == {"id": 2, "tags": ["a", "b"]}


def test_json_records_path_explode_and_item_numbers(tmp_path: Path) -> None:
    document = {
        "service": "Inspection", "exporte_le": "2024-01-01",
        "controles": [
            {"numero": "CT-1", "employeur": {"raison_sociale": "SARL X"},
             "travailleurs": [{"nom": "A", "sexe": "F"}, {"nom": "B", "sexe": "M"}]},
            {"numero": "CT-2", "travailleurs": []},
            {"numero": "CT-3", "travailleurs": [{"nom": "C"}]},
        ],
    }  # fmt: skip
    path = _write(tmp_path / "inspection.json", json.dumps(document))
    for records_path in (None, "controles"):
        table = open_table(path, ReadOptions(records_path=records_path, explode="travailleurs"))
        assert table.columns == ("numero", "employeur.raison_sociale", "travailleurs.nom",
                                 "travailleurs.sexe")  # fmt: skip
        rows = _rows(table)
        assert [(r.number, r.item) for r in rows] == [(1, 1), (1, 2), (2, None), (3, 1)]
        assert rows[1].values == {"numero": "CT-1", "employeur.raison_sociale": "SARL X",
                                  "travailleurs.nom": "B", "travailleurs.sexe": "M"}  # fmt: skip
        assert "'travailleurs' is empty" in rows[2].problems[0].rule
    unexploded = _rows(open_table(path))
    workers = unexploded[0].values["travailleurs"]
    assert len(unexploded) == 3 and isinstance(workers, list) and len(workers) == 2


def test_json_without_one_obvious_array_asks_for_records_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", json.dumps({"victims": [{}], "cases": [{}]}))
    message = _problem_of(path)
    assert "several arrays (victims, cases)" in message and "records_path" in message
    assert "there is no 'x'" in _problem_of(path, ReadOptions(records_path="x"))
    assert "single number" in _problem_of(_write(tmp_path / "b.json", "42"))


def test_json_records_that_are_not_objects_are_row_problems(tmp_path: Path) -> None:
    rows = _rows(open_table(_write(tmp_path / "a.json", '[{"a": 1}, 7, ["x"]]')))
    assert [bool(r.problems) for r in rows] == [False, True, True]
    assert "is a number, not an object" in rows[1].problems[0].rule


def test_invalid_json_is_a_file_problem_with_line_and_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.json", '[\n  {"a": 1},\n  {"a": 2,}\n]')
    message = _problem_of(path)
    assert "not valid JSON" in message and "line 3, column 11" in message
    lines = _write(tmp_path / "lines.json", '{"a": 1}\n{"a": 2}\n')
    assert "JSON Lines" in _problem_of(lines)


def test_json_lines_with_a_bad_line(tmp_path: Path) -> None:
    text = (
        '{"call_id": "c1", "person": {"sex": "F"}}\n\n{"call_id": "c2", oops\n{"call_id": "c3"}\n'
    )
    table = open_table(_write(tmp_path / "calls.jsonl", text))
    assert table.columns == ("call_id", "person.sex")
    rows = _rows(table)
    assert [(r.number, bool(r.problems)) for r in rows] == [(1, False), (3, True), (4, False)]
    problem = rows[1].problems[0]
    assert (problem.row, problem.value) == (3, None) and "not valid JSON" in problem.rule
    assert rows[2].values == {"call_id": "c3"}


def test_json_lines_that_are_not_json_at_all_are_refused(tmp_path: Path) -> None:
    assert "not JSON Lines" in _problem_of(_write(tmp_path / "a.jsonl", "a;b\n1;2\n"))
    assert "empty" in _problem_of(_write(tmp_path / "b.jsonl", "\n\n"))


def test_json_in_cp1252_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.json", '[{"nom": "Hélène"}]', "cp1252")
    table = open_table(path)
    assert table.encoding == "cp1252" and _rows(table)[0].values == {"nom": "Hélène"}


# --- real and demo files ------------------------------------------------------------------


@pytest.mark.shared_data
@pytest.mark.parametrize(("relative", "header_row"), [(GLOTIP_XLSX, 3), (GLOTIP_CSV, 1)])
def test_real_glotip_file(relative: str, header_row: int) -> None:
    table = open_table(shared_file(relative))
    assert (table.header_row, table.columns) == (header_row, GLOTIP_COLUMNS)
    started = time.perf_counter()
    count, first, last = 0, None, None
    for row in table.rows():
        count += 1
        first = first or row
        last = row
        assert not row.problems
    assert count == GLOTIP_ROWS
    assert first is not None and last is not None
    assert first.number == header_row + 1 and last.number == header_row + GLOTIP_ROWS
    assert first.values["Iso3_code"] == "ABW" and str(first.values["txtVALUE"]) == "<5"
    assert time.perf_counter() - started < 60


@pytest.fixture(scope="module")
def demo_exports(tmp_path_factory: pytest.TempPathFactory) -> ExportSet:
    return write_agency_exports(tmp_path_factory.mktemp("demo"), seed=1, cases_per_agency=50)


def test_demo_police_csv(demo_exports: ExportSet) -> None:
    table = open_table(demo_exports.police_csv)
    assert (table.encoding, table.delimiter, table.header_row) == ("cp1252", ";", 1)
    assert {"Nº Atestado", "Sexo", "Fecha", "Tipo de explotación", "Situación"} <= set(
        table.columns
    )
    rows = _rows(table)
    assert len(rows) >= 50 and all(not r.problems for r in rows)
    assert {r.values["Sexo"] for r in rows} <= {"H", "M", ""}


def test_demo_ngo_workbook(demo_exports: ExportSet) -> None:
    table = open_table(demo_exports.ngo_xlsx)
    assert (table.header_row, table.columns[:3]) == (3, ("Client ID", "First name", "Surname"))
    rows = _rows(table)
    assert len(rows) >= 50 and rows[0].number == 4
    assert all(str(r.values["Client ID"]).startswith("SH-") for r in rows)
    assert any(isinstance(r.values["Date of referral"], datetime) for r in rows)


def test_demo_labour_json(demo_exports: ExportSet) -> None:
    options = ReadOptions(records_path="controles", explode="travailleurs")
    table = open_table(demo_exports.labour_json, options)
    assert {"numero", "employeur.raison_sociale", "travailleurs.id", "travailleurs.nom"} <= set(
        table.columns
    )
    rows = _rows(table)
    assert len(rows) >= 50 and all(r.item is not None and not r.problems for r in rows)
    ids = [r.values["travailleurs.id"] for r in rows]
    assert len(set(ids)) == len(ids)


def test_demo_hotline_jsonl(demo_exports: ExportSet) -> None:
    table = open_table(demo_exports.hotline_jsonl)
    assert table.format == "jsonl"
    assert {"call_id", "received_at", "person.sex", "person.nationality"} <= set(table.columns)
    rows = _rows(table)
    assert len(rows) >= 50 and [r.number for r in rows[:3]] == [1, 2, 3]
