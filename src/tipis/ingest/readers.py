"""Reading agencies' files: CSV, XLSX, JSON and JSON Lines become columns and raw rows.

Owns everything between a file on disk and a table of raw cells: choosing the format (from the
extension, then the content), refusing what cannot be read (too big, empty, damaged, binary,
password-protected, a workbook named .csv...) with one ``FileProblem`` that says what to do,
detecting the text encoding and the CSV delimiter, finding the header row under banner rows,
and streaming rows numbered as a person finds them in the file. Rows that cannot be trusted
(a CSV row with more or fewer cells than the header, a JSON Lines line that is not JSON) are
still yielded, carrying their ``Problem`` so that the importer can quarantine them.

Values are not normalised here (``normalise`` does that), and no value is ever put into an
error message: values may be personal data.

Decisions:

- an empty file (or one with only blank lines, or an empty sheet) is a ``FileProblem``; a file
  with a header and no data rows is a table with zero rows;
- empty header cells become ``Column 4`` (CSV, JSON) or ``Column D`` (XLSX), and a repeated name
  becomes ``Sexo (2)``; each renaming is described in ``SourceTable.notes``; trailing header
  cells that are empty are dropped, and empty cells beyond the header are not "ragged";
- rows whose cells are all empty are skipped, but numbers still count them;
- the extension decides the format; the content decides only when the extension says nothing
  (``.txt``, ``.dat``, none); a contradiction is a ``FileProblem`` rather than a guess;
- in JSON, nested objects are flattened with "." (``employeur.ville``); with ``explode``, the
  elements' fields are named under the exploded field (``travailleurs.nom``); arrays that are
  not exploded stay lists.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from tipis.ingest.problems import FileProblem, Problem

__all__ = ["ReadOptions", "SourceRow", "SourceTable", "open_table", "sha256_of"]

Format = Literal["auto", "csv", "xlsx", "json", "jsonl"]

#: Delimiters a CSV file may use.
DELIMITERS = ",;\t|"
#: How many rows (records) are looked at to find the header.
HEADER_SCAN_ROWS = 50
_SAMPLE_BYTES = 64 * 1024
_CHUNK_BYTES = 1 << 20
_EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
}  # fmt: skip
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "a zip archive"),
    (_OLE2, "an old-style Office file (.xls or .doc) or a password-protected workbook"),
)
_NOT_TEXT_FIX = "this file is not text: check you chose the right file"
_RESAVE_FIX = "open it in Excel and save it again as an Excel Workbook (.xlsx)"
_NUMBERISH = re.compile(r"[-+<>]?\s*\d[\d.,\s\u00a0']*%?|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file; every ``None`` means "find out from the file".

    ``format`` auto: from the extension, then sniffed content. ``encoding`` None: detected
    (BOM, then strict UTF-8, cp1252, latin-1). ``delimiter`` None: sniffed among ``, ; TAB |``.
    ``sheet`` None: the first sheet. ``header_row`` (1-based) None: the first row of mostly
    non-empty text followed by data. ``records_path``: JSON dotted path to the array of records.
    ``explode``: a nested array to turn into one row per element. ``max_bytes``: size limit.
    """

    format: Format = "auto"
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    records_path: str | None = None
    explode: str | None = None
    max_bytes: int = 200 * 2**20

    def __post_init__(self) -> None:
        if self.delimiter is not None and len(self.delimiter) != 1:
            raise ValueError("delimiter must be one character, e.g. ';'")
        if self.header_row is not None and self.header_row < 1:
            raise ValueError("header_row counts from 1, as a spreadsheet numbers its rows")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ValueError(f"unknown encoding {self.encoding!r}") from None


@dataclass(frozen=True)
class SourceRow:
    """One row as found in the file.

    ``number`` is where a person finds it: the spreadsheet row number in CSV and XLSX (the
    header is row N, the first data row N+1), the record's index from 1 in JSON, the line
    number in JSON Lines. ``item`` is the element's index from 1 within an exploded array.
    ``problems`` say why the row cannot be trusted (it is yielded anyway, for quarantine).
    """

    number: int
    values: dict[str, object]
    problems: tuple[Problem, ...] = ()
    item: int | None = None


@dataclass(frozen=True)
class SourceTable:
    """A readable file: what it is, its columns, and its rows on demand (``rows()``)."""

    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    columns: tuple[str, ...]
    header_row: int | None
    sheet: str | None = None
    options: ReadOptions = field(default_factory=ReadOptions, repr=False)
    notes: tuple[Problem, ...] = ()

    def rows(self) -> Iterator[SourceRow]:
        """Stream the data rows; each call reads the file again.

        Raises ``FileProblem`` if the file turns out to be damaged part-way through.
        """
        return _ROW_READERS[self.format](self)


def open_table(path: Path, options: ReadOptions = ReadOptions()) -> SourceTable:
    """Open ``path`` as a table, or raise ``FileProblem`` saying why it cannot be read."""
    path = Path(path)
    size = _checked_size(path, options.max_bytes)
    head = _read_head(path)
    if size == 0:
        raise _empty(path)
    kind = options.format if options.format != "auto" else _format_of(path, head)
    if kind == "xlsx":
        return _open_xlsx(path, head, options)
    encoding = _text_encoding(path, head, options.encoding)
    if kind == "csv":
        return _open_csv(path, head, encoding, options)
    if kind == "json":
        return _open_json(path, encoding, options)
    return _open_jsonl(path, encoding, options)


def sha256_of(path: Path) -> str:
    """The SHA-256 digest of the file's bytes, in hex (to recognise a file imported before)."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- problems -----------------------------------------------------------------------------


def _problem(path: Path, rule: str, fix: str) -> FileProblem:
    return FileProblem(Problem(path.name, None, None, None, rule, fix))


def _empty(path: Path) -> FileProblem:
    return _problem(path, "the file is empty", "check the export: the file holds no data")


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _checked_size(path: Path, limit: int) -> int:
    try:
        if path.is_dir():
            raise _problem(path, "this is a folder, not a file", "choose a file in it")
        size = path.stat().st_size
    except FileNotFoundError:
        raise _problem(path, "there is no such file", "check the file's name and folder") from None
    except PermissionError:
        raise _problem(
            path, "the file cannot be opened: permission denied", "ask for read access to it"
        ) from None
    if size > limit:
        raise _problem(
            path,
            f"the file is {_mib(size)}, over the import limit of {_mib(limit)}",
            "split it into smaller files, or raise the limit (max_bytes under read: in the "
            "import profile)",
        )
    return size


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SAMPLE_BYTES)
    except OSError as error:
        raise _problem(
            path, f"the file cannot be read ({error.strerror})", "check the file and try again"
        ) from None


# --- format -------------------------------------------------------------------------------


def _format_of(path: Path, head: bytes) -> str:
    """The format from the extension; from the content only when the extension says nothing."""
    suffix = path.suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    if suffix in (".xls", ".ods", ".numbers"):
        return "xlsx"  # refused there, with the reason
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", _OLE2)):
        return "xlsx"
    text = _strip_bom(head).lstrip()
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl" if _looks_like_json_lines(text) else "json"
    return "csv"


def _strip_bom(data: bytes) -> bytes:
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :]
    return data


def _looks_like_json_lines(text: bytes) -> bool:
    lines = [line for line in text.splitlines()[:2] if line.strip()]
    try:
        return len(lines) == 2 and all(isinstance(json.loads(x), dict) for x in lines)
    except ValueError:
        return False


def _binary_kind(path: Path, head: bytes) -> str | None:
    """What a non-text file is (e.g. "a PNG image"), or None when it may be text."""
    for magic, what in _MAGIC:
        if head.startswith(magic):
            if what == "a zip archive":
                return _zip_kind(path)
            return what
    return None


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return "a damaged zip archive"
    if "xl/workbook.xml" in names or any(n.startswith("xl/") for n in names):
        return "an Excel workbook (.xlsx)"
    if "content.xml" in names:
        return "an OpenDocument file (.ods or .odt)"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    return "a zip archive"


def _not_text(path: Path, head: bytes) -> FileProblem | None:
    """A problem if the start of the file shows it is not text at all."""
    kind = _binary_kind(path, head)
    if kind == "an Excel workbook (.xlsx)":
        return _problem(
            path,
            "this file is an Excel workbook (.xlsx), not text",
            "rename it to .xlsx, or choose the format xlsx",
        )
    if kind is not None:
        return _problem(path, f"this file is {kind}, not text", _NOT_TEXT_FIX)
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is not None:
            return _problem(
                path,
                f"this file looks like {utf16} text without a byte-order mark",
                f"choose the encoding {utf16}, or save it again as UTF-8",
            )
        return _problem(path, "this file holds binary data (NUL bytes), not text", _NOT_TEXT_FIX)
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    even, odd = head[0::2], head[1::2]
    if len(head) < 4:
        return None
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


# --- text encodings -----------------------------------------------------------------------


def _text_encoding(path: Path, head: bytes, requested: str | None) -> str:
    """The encoding to read ``path`` with: the requested one (checked), or the detected one."""
    bom = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    wide = codecs.lookup(requested or bom or "ascii").name.startswith(("utf-16", "utf-32"))
    if not wide and (problem := _not_text(path, head)) is not None:
        raise problem
    if requested is not None:
        encoding = "utf-8-sig" if bom == "utf-8-sig" and _is_utf8(requested) else requested
        offset = _first_undecodable(path, encoding)
        if offset is not None:
            raise _problem(
                path,
                f"the file is not valid {requested} text (byte {offset:,} does not decode)",
                "leave the encoding out to have it detected, or choose the file's real "
                "encoding (often utf-8 or cp1252)",
            )
    elif bom is not None:
        encoding = bom
    else:
        encoding = next(
            (e for e in ("utf-8", "cp1252") if _first_undecodable(path, e) is None), "latin-1"
        )
    _check_printable(path, head, encoding)
    return encoding


def _is_utf8(name: str) -> bool:
    return codecs.lookup(name).name == "utf-8"


def _first_undecodable(path: Path, encoding: str) -> int | None:
    """The offset of the first byte that ``encoding`` cannot decode, or None if all decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    read = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK_BYTES)
            held = len(decoder.getstate()[0])  # bytes of a character cut by the last chunk
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                return read - held + error.start
            if not chunk:
                return None
            read += len(chunk)


def _decode_head(head: bytes, encoding: str) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    return text.lstrip("\ufeff")


def _check_printable(path: Path, head: bytes, encoding: str) -> None:
    """Refuse text that is mostly control characters: binary data that happened to decode."""
    text = _decode_head(head, encoding)
    controls = sum(1 for ch in text if _is_control(ch))
    if text and controls > max(2, len(text) // 100):
        raise _problem(path, "this file holds binary data, not text", _NOT_TEXT_FIX)


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 32 and ch not in "\t\n\r\f\v") or 0x7F <= code < 0xA0


# --- header rows --------------------------------------------------------------------------


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _is_label(value: object) -> bool:
    """A cell that can be a column name: text that is not a number or a date."""
    return (
        isinstance(value, str) and bool(value.strip()) and not _NUMBERISH.fullmatch(value.strip())
    )


def _filled(row: Sequence[object]) -> int:
    return sum(1 for value in row if not _is_blank(value))


def _width(row: Sequence[object]) -> int:
    """The position of the last non-empty cell (trailing empty cells do not count)."""
    return max((i + 1 for i, value in enumerate(row) if not _is_blank(value)), default=0)


def _find_header(rows: Sequence[tuple[int, Sequence[object]]]) -> int | None:
    """The number of the first row that is mostly labels and is followed by data (or is last).

    Banner rows (a title, an export date, a contact) fill too few cells to qualify.
    """
    widths = sorted(_width(cells) for _, cells in rows if _filled(cells))
    width = widths[len(widths) // 2] if widths else 0  # a stray far-off cell does not count
    needed = max(min(2, width), math.ceil(width / 2))
    filled = [(number, cells) for number, cells in rows if _filled(cells)]
    for index, (number, cells) in enumerate(filled):
        values = [v for v in cells if not _is_blank(v)]
        labels = sum(1 for v in values if _is_label(v))
        if len(values) < needed or labels < 0.8 * len(values):
            continue
        following = filled[index + 1][1] if index + 1 < len(filled) else None
        if following is None or _filled(following) >= min(2, len(values)):
            return number
    return None


def _header_row(
    path: Path, rows: Sequence[tuple[int, Sequence[object]]], requested: int | None
) -> tuple[int, Sequence[object]]:
    if not any(_filled(cells) for _, cells in rows):
        raise _empty(path)
    if requested is not None:
        found = next(((n, cells) for n, cells in rows if n == requested), None)
        if found is None or not _filled(found[1]):
            raise _problem(
                path,
                f"row {requested}, chosen as the header row, is empty or beyond the end",
                "choose the row that holds the column names, or leave header_row out",
            )
        return found
    number = _find_header(rows)
    if number is None:
        raise _problem(
            path,
            f"no header row found in the first {HEADER_SCAN_ROWS} rows (a row of column "
            "names above the data)",
            "put the column names in a row above the data, or set header_row",
        )
    return next((n, cells) for n, cells in rows if n == number)


def _column_names(
    path: Path, cells: Sequence[object], label: Callable[[int], str]
) -> tuple[tuple[str, ...], tuple[Problem, ...]]:
    """Names from header cells: stripped, empty ones named by position, repeats numbered."""
    names: list[str] = []
    notes: list[Problem] = []
    for position, cell in enumerate(cells[: _width(cells)], 1):
        name = _header_text(cell)
        if not name:
            name = f"Column {label(position)}"
            notes.append(
                Problem(path.name, None, name, None, "this column has no name in the header",
                        f"it is called '{name}'; give it a name in the file if it matters")
            )  # fmt: skip
        if name in names:
            original, count = name, 2
            while f"{original} ({count})" in names:
                count += 1
            name = f"{original} ({count})"
            notes.append(
                Problem(path.name, None, name, None, f"the header repeats the name '{original}'",
                        f"the repeat is called '{name}'; rename one of them in the file")
            )  # fmt: skip
        names.append(name)
    return tuple(names), tuple(notes)


def _header_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, datetime) and cell.time() == time():
        cell = cell.date()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip().strip("\ufeff").strip()


def _ragged(path: Path, number: int, cells: int, columns: int, fix: str) -> Problem:
    return Problem(
        path.name, number, None, None, f"this row has {cells} cells but the header has {columns}",
        fix,
    )  # fmt: skip


# --- CSV ----------------------------------------------------------------------------------


def _open_csv(path: Path, head: bytes, encoding: str, options: ReadOptions) -> SourceTable:
    sample = _decode_head(head, encoding)
    if not sample.strip():
        raise _empty(path)
    delimiter = options.delimiter or _sniff_delimiter(sample)
    window = list(islice(_csv_records(path, encoding, delimiter), HEADER_SCAN_ROWS))
    number, cells = _header_row(path, window, options.header_row)
    columns, notes = _column_names(path, cells, str)
    return SourceTable(path, "csv", encoding, delimiter, columns, number, None, options, notes)


def _sniff_delimiter(sample: str) -> str:
    """csv.Sniffer among ``DELIMITERS`` where it agrees with counting; counting otherwise.

    Counting: the delimiter that splits most lines of the sample into the same number (> 1)
    of cells; on a tie, the one giving more cells.
    """
    lines = sample.splitlines(keepends=True)
    complete = "".join(lines[:-1] if len(lines) > 1 else lines)
    scores = {d: _consistency(complete, d) for d in DELIMITERS}
    best = max(scores.values())
    try:
        sniffed = csv.Sniffer().sniff(complete, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in scores and scores[sniffed] == best and best[0] > 0:
        return sniffed
    chosen = max(DELIMITERS, key=lambda d: scores[d])
    return chosen if best[0] > 0 else ","


def _consistency(text: str, delimiter: str) -> tuple[int, int]:
    """(lines with the most common cell count, that count); (0, 0) if it never splits."""
    counts: dict[int, int] = {}
    try:
        for cells in csv.reader(text.splitlines(keepends=True), delimiter=delimiter):
            if _filled(cells):
                counts[len(cells)] = counts.get(len(cells), 0) + 1
    except csv.Error:
        return (0, 0)
    usual = max(counts, key=lambda n: (counts[n], n), default=1)
    return (counts[usual], usual) if usual > 1 else (0, 0)


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(record number from 1, cells); a quoted value may span lines."""
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        number, line = 0, 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise _csv_problem(path, number + 1, line + 1, error) from None
            except UnicodeDecodeError:
                raise _problem(
                    path,
                    f"the file is not valid {encoding} text after row {number}",
                    "leave the encoding out to have it detected, or save it again as UTF-8",
                ) from None
            number, line = number + 1, reader.line_num
            if number == 1 and cells:
                cells[0] = cells[0].lstrip("\ufeff")
            yield number, cells


def _csv_problem(path: Path, number: int, line: int, error: csv.Error) -> FileProblem:
    message = str(error)
    if "end of data" in message:
        rule = f"a quote opened in row {number} (line {line}) is never closed"
    elif "expected after" in message:
        rule = f"row {number} (line {line}) has text right after a closing quote"
    elif "field larger" in message:
        rule = f"row {number} (line {line}) has a cell longer than {csv.field_size_limit():,}"
        rule += " characters, usually a quote that is never closed"
    else:
        rule = f"row {number} (line {line}) cannot be read as CSV ({message})"
    return _problem(
        path, rule, 'quote values that contain quotes, separators or line breaks ("...")'
    )


def _csv_rows(table: SourceTable) -> Iterator[SourceRow]:
    assert table.encoding is not None and table.delimiter is not None
    header = table.header_row or 0
    width = len(table.columns)
    fix = (
        f"check this row for a missing or extra separator ('{_shown(table.delimiter)}'); "
        "values that contain the separator must be in quotes"
    )
    for number, cells in _csv_records(table.path, table.encoding, table.delimiter):
        if number <= header or not _filled(cells):
            continue
        problems: tuple[Problem, ...] = ()
        if len(cells) < width or _width(cells) > width:
            problems = (_ragged(table.path, number, len(cells), width, fix),)
        yield SourceRow(number, dict(zip(table.columns, cells, strict=False)), problems)


def _shown(delimiter: str) -> str:
    return "TAB" if delimiter == "\t" else delimiter


# --- XLSX ---------------------------------------------------------------------------------


def _open_xlsx(path: Path, head: bytes, options: ReadOptions) -> SourceTable:
    _check_workbook(path, head)
    with _workbook(path) as book:
        sheet = _sheet(path, book, options.sheet)
        window = list(
            enumerate(
                _guarded(path, sheet.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)), 1
            )
        )
        title = str(sheet.title)
    number, cells = _header_row(path, window, options.header_row)
    columns, notes = _column_names(path, cells, get_column_letter)
    return SourceTable(path, "xlsx", None, None, columns, number, title, options, notes)


def _check_workbook(path: Path, head: bytes) -> None:
    """Refuse, with the reason, what openpyxl cannot read as a workbook."""
    if head.startswith(_OLE2):
        if _is_encrypted(path):
            raise _problem(
                path,
                "the workbook is protected with a password (encrypted)",
                "open it in Excel, remove the password (File > Info > Protect Workbook > "
                "Encrypt with Password, leave it empty) and save it again as .xlsx",
            )
        raise _problem(path, "this is an old Excel 97-2003 workbook (.xls)", _RESAVE_FIX)
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        _refuse_non_zip(path, head)
    kind = _zip_kind(path)
    if kind == "a damaged zip archive":
        raise _problem(
            path,
            "the workbook is damaged (incomplete: perhaps cut short when copied or downloaded)",
            f"copy or download it again, or {_RESAVE_FIX}",
        )
    if kind != "an Excel workbook (.xlsx)":
        raise _problem(path, f"this file is {kind}, not an Excel workbook", _RESAVE_FIX)
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        damaged = "?"
    if damaged is not None:
        raise _problem(
            path,
            "the workbook is damaged (a part of it does not check out)",
            f"copy or download it again, or {_RESAVE_FIX}",
        )


def _refuse_non_zip(path: Path, head: bytes) -> None:
    if path.suffix.lower() == ".ods":
        raise _problem(path, "this is an OpenDocument spreadsheet (.ods)", _RESAVE_FIX)
    what = _binary_kind(path, head)
    if what is not None:
        raise _problem(path, f"this file is {what}, not an Excel workbook", _NOT_TEXT_FIX)
    if b"\x00" not in head:
        text = _decode_head(head, "latin-1").lstrip()
        if text.startswith("<"):
            looks = "a web page or XML"
        elif text.startswith(("{", "[")):
            looks = "JSON"
        else:
            looks = "CSV"
        raise _problem(
            path,
            f"this file is text (it looks like {looks}), not an Excel workbook",
            f"rename it to match its content (e.g. .csv), or {_RESAVE_FIX}",
        )
    raise _problem(path, "this file is not an Excel workbook (it may be damaged)", _RESAVE_FIX)


def _is_encrypted(path: Path) -> bool:
    """Whether an OLE2 file is an encrypted OOXML package (it has an EncryptionInfo stream)."""
    with path.open("rb") as handle:
        data = handle.read(16 * 2**20)
    return "EncryptionInfo".encode("utf-16-le") in data or (
        "EncryptedPackage".encode("utf-16-le") in data
    )


@contextmanager
def _workbook(path: Path) -> Iterator[Any]:
    """An openpyxl read-only workbook, read from a handle (openpyxl judges paths by extension)."""
    with path.open("rb") as handle:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on damaged files
            raise _damaged(path, error) from None
        try:
            yield book
        finally:
            book.close()


def _damaged(path: Path, error: Exception) -> FileProblem:
    detail = type(error).__name__
    if isinstance(error, KeyError | zipfile.BadZipFile):
        detail += f" {error}"
    return _problem(
        path,
        f"the workbook cannot be read: it is damaged or not a real .xlsx ({detail})",
        _RESAVE_FIX,
    )


_XLSX_ERRORS = (zipfile.BadZipFile, zlib.error, ParseError, KeyError, EOFError, OSError)


def _guarded(path: Path, rows: Iterable[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """``rows``, with a damaged part of the workbook reported as a ``FileProblem``."""
    iterator = iter(rows)
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            return
        except _XLSX_ERRORS as error:
            raise _damaged(path, error) from None
        yield row


def _sheet(path: Path, book: Any, name: str | None) -> Any:
    names = [str(s.title) for s in book.worksheets]
    if not names:
        raise _problem(path, "the workbook has no worksheet", "check you chose the right file")
    if name is None:
        return book.worksheets[0]
    if name not in names:
        listed = ", ".join(f"'{n}'" for n in names)
        raise _problem(path, f"the workbook has no sheet '{name}'", f"choose one of {listed}")
    return book[name]


def _xlsx_rows(table: SourceTable) -> Iterator[SourceRow]:
    header = table.header_row or 0
    width = len(table.columns)
    with _workbook(table.path) as book:
        sheet = _sheet(table.path, book, table.sheet)
        rows = sheet.iter_rows(min_row=header + 1, values_only=True)
        for number, cells in enumerate(_guarded(table.path, rows), header + 1):
            if not _filled(cells):
                continue
            values = dict(zip(table.columns, cells, strict=False))
            values.update((name, None) for name in table.columns[len(cells) :])
            problems: tuple[Problem, ...] = ()
            if _width(cells) > width:
                last = get_column_letter(_width(cells))
                problems = (
                    Problem(
                        table.path.name, number, last, None,
                        f"this row has values beyond the last named column "
                        f"({get_column_letter(width)}), up to column {last}",
                        "give those columns a name in the header row, or move the values",
                    ),
                )  # fmt: skip
            yield SourceRow(number, values, problems)


# --- JSON ---------------------------------------------------------------------------------


def _open_json(path: Path, encoding: str, options: ReadOptions) -> SourceTable:
    records = _json_records(path, encoding, options.records_path)
    columns = _columns_of(_expand(path, r, i, options.explode) for i, r in enumerate(records, 1))
    return SourceTable(path, "json", encoding, None, columns, None, None, options)


def _json_records(path: Path, encoding: str, records_path: str | None) -> list[object]:
    text = path.read_text(encoding=encoding).lstrip("\ufeff")
    if not text.strip():
        raise _empty(path)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        fix = "correct the file there, or export it again"
        if error.msg == "Extra data" and _looks_like_json_lines(text.encode()):
            fix = "it looks like JSON Lines (one record per line): name it .jsonl"
        raise _problem(
            path, f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}", fix
        ) from None
    return _find_records(path, document, records_path)


def _find_records(path: Path, document: object, records_path: str | None) -> list[object]:
    if records_path:
        node = document
        for step, key in enumerate(records_path.split(".")):
            if not isinstance(node, dict) or key not in node:
                where = ".".join(records_path.split(".")[:step]) or "the top level"
                keys = ", ".join(node) if isinstance(node, dict) else "none"
                raise _problem(
                    path,
                    f"records_path '{records_path}': there is no '{key}' in {where}",
                    f"choose among the keys found there: {keys}",
                )
            node = node[key]
        if not isinstance(node, list):
            raise _problem(
                path,
                f"records_path '{records_path}' leads to a {_json_type(node)}, not an array",
                "choose the key that holds the list of records",
            )
        return node
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        arrays = [key for key, value in document.items() if isinstance(value, list)]
        if len(arrays) == 1:
            found: list[object] = document[arrays[0]]
            return found
        rule = "the file holds an object with " + (
            f"several arrays ({', '.join(arrays)})" if arrays else "no array of records"
        )
        raise _problem(path, rule, "set records_path to the key that holds the records")
    raise _problem(
        path,
        f"the file holds a single {_json_type(document)}, not records",
        "export the records as an array of objects",
    )


def _json_type(value: object) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "number")


def _flatten(value: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """Nested objects' fields as ``parent.child`` columns; other values as they are."""
    flat: dict[str, object] = {}
    for key, item in value.items():
        name = f"{prefix}{str(key).strip()}"
        if isinstance(item, dict):
            flat.update(_flatten(item, f"{name}."))
        else:
            flat[name] = item
    return flat


def _expand(path: Path, record: object, number: int, explode: str | None) -> list[SourceRow]:
    """One record as rows: one row, or one per element of the ``explode`` array."""
    if not isinstance(record, dict):
        rule = f"this record is a {_json_type(record)}, not an object with fields"
        fix = "each record must be a JSON object ({...})"
        return [SourceRow(number, {}, (Problem(path.name, number, None, None, rule, fix),))]
    if explode is None:
        return [SourceRow(number, _flatten(record))]
    parent, elements = _split_off(record, explode.split("."))
    row = _flatten(parent)
    if not isinstance(elements, list) or not elements:
        state = "missing" if elements is None else f"a {_json_type(elements)}"
        if isinstance(elements, list):
            state = "empty"
        problem = Problem(
            path.name, number, explode, None,
            f"'{explode}' is {state} in this record, so it gives no row",
            f"nothing to do if the record has no '{explode}'; otherwise add them as an array",
        )  # fmt: skip
        return [SourceRow(number, row, (problem,))]
    rows = []
    for item, element in enumerate(elements, 1):
        values = dict(row)
        if isinstance(element, dict):
            values.update(_flatten(element, f"{explode}."))
        else:
            values[explode] = element
        rows.append(SourceRow(number, values, (), item))
    return rows


def _split_off(record: dict[str, Any], steps: list[str]) -> tuple[dict[str, Any], object]:
    """``record`` without the value at ``steps``, and that value (None if absent)."""
    key, rest = steps[0], steps[1:]
    if key not in record:
        return record, None
    if not rest:
        return {k: v for k, v in record.items() if k != key}, record[key]
    child = record[key]
    if not isinstance(child, dict):
        return record, None
    trimmed, value = _split_off(child, rest)
    return {**record, key: trimmed}, value


def _columns_of(groups: Iterable[list[SourceRow]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for rows in groups:
        for row in rows:
            seen.update(dict.fromkeys(row.values))
    return tuple(seen)


def _json_rows(table: SourceTable) -> Iterator[SourceRow]:
    assert table.encoding is not None
    records = _json_records(table.path, table.encoding, table.options.records_path)
    for number, record in enumerate(records, 1):
        yield from _expand(table.path, record, number, table.options.explode)


# --- JSON Lines ---------------------------------------------------------------------------


def _open_jsonl(path: Path, encoding: str, options: ReadOptions) -> SourceTable:
    table = SourceTable(path, "jsonl", encoding, None, (), None, None, options)
    good = bad = 0
    seen: dict[str, None] = {}
    for row in _jsonl_rows(table):
        if row.problems and not row.values:
            bad += 1
        else:
            good += 1
            seen.update(dict.fromkeys(row.values))
    if good + bad == 0:
        raise _empty(path)
    if good == 0:
        raise _problem(
            path,
            "no line of this file is a JSON object: it is not JSON Lines",
            "check you chose the right file; a single JSON document should be named .json",
        )
    return SourceTable(path, "jsonl", encoding, None, tuple(seen), None, None, options)


def _jsonl_rows(table: SourceTable) -> Iterator[SourceRow]:
    assert table.encoding is not None
    with table.path.open("r", encoding=table.encoding, newline=None) as handle:
        for number, line in enumerate(handle, 1):
            text = line.strip().lstrip("\ufeff") if number == 1 else line.strip()
            if not text:
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                problem = Problem(
                    table.path.name, number, None, None,
                    f"this line is not valid JSON ({error.msg} at column {error.colno})",
                    "correct or remove the line; each line must be one JSON object",
                )  # fmt: skip
                yield SourceRow(number, {}, (problem,))
                continue
            yield from _expand(table.path, record, number, table.options.explode)


_ROW_READERS: dict[str, Callable[[SourceTable], Iterator[SourceRow]]] = {
    "csv": _csv_rows,
    "xlsx": _xlsx_rows,
    "json": _json_rows,
    "jsonl": _jsonl_rows,
}
