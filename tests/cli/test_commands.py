"""The command line, end to end through Typer's runner, on a fresh TIPIS_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests import factories
from tipis.cli import app
from tipis.settings import Settings
from tipis.store.cases import Store

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TIPIS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("TIPIS_DATABASE_URL", raising=False)
    monkeypatch.delenv("TIPIS_SECRET_KEY", raising=False)
    return tmp_path / "home"


def _invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _store() -> Store:
    settings = Settings()
    return Store.open(settings.url, settings.load_key())


def test_init_creates_a_private_key_and_the_schema(home: Path) -> None:
    output = _invoke("init")
    assert "created, mode 0600" in output
    assert (home / "secret.key").stat().st_mode & 0o777 == 0o600
    assert (home / "tipis.db").exists()
    assert "(kept)" in _invoke("init")  # a second run keeps the key


def test_commands_without_a_key_say_how_to_get_one(home: Path) -> None:
    result = runner.invoke(app, ["cases", "list"])
    assert result.exit_code == 1
    assert "tipis init" in result.output


def test_a_valid_case_file_is_saved_and_listed(home: Path, tmp_path: Path) -> None:
    _invoke("init")
    store = _store()
    for organisation in factories.organisations():
        store.add_organisation(organisation)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(factories.case_data()), encoding="utf-8")
    assert "saved case" in _invoke("cases", "add", str(path))
    assert "1 cases" in _invoke("cases", "list", "--country", "esp")
    [listed] = [json.loads(line) for line in _invoke("cases", "list", "--json").splitlines()]
    assert listed["reference"] == "ATES-2024-0117" and listed["victim_count"] == 1
    shown = json.loads(_invoke("cases", "show", listed["id"]))
    assert shown["reference"] == "ATES-2024-0117"
    assert "personal" not in shown["victims"][0]["person"]
    opened = json.loads(_invoke("cases", "show", listed["id"], "--personal", "--purpose", "t"))
    assert opened["victims"][0]["person"]["personal"]["given_name"] == factories.SECRET_GIVEN_NAME


def test_a_bad_case_file_names_each_problem_and_writes_nothing(home: Path, tmp_path: Path) -> None:
    _invoke("init")
    data = factories.case_data(country_of_identification="Spain", opened_on="31/12/2024")
    data["victims"][0]["exploitation_forms"] = ["Sexual"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = runner.invoke(app, ["cases", "add", str(path)], terminal_width=200)
    assert result.exit_code == 1
    for expected in (
        "nothing was written",
        "country_of_identification",
        "'Spain'",
        "opened_on",
        "exploitation_forms",
        "SexualExploitation",
    ):
        assert expected in result.output
    assert factories.SECRET_GIVEN_NAME not in result.output
    assert _store().count_cases() == 0


def test_a_file_that_is_not_json_is_named(home: Path, tmp_path: Path) -> None:
    _invoke("init")
    path = tmp_path / "garbage.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = runner.invoke(app, ["cases", "add", str(path)], terminal_width=200)
    assert result.exit_code == 1
    assert "garbage.json" in result.output and "UTF-8 JSON" in result.output


def test_personal_details_need_a_purpose(home: Path) -> None:
    _invoke("init")
    result = runner.invoke(
        app, ["cases", "show", "00000000-0000-4000-8000-000000000009", "--personal"]
    )
    assert result.exit_code == 1 and "--purpose" in result.output


def test_schema_exports_json_schema(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    _invoke("schema", "--out", str(out))
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema["Case"]["title"] == "Case"


def test_codes_show_labels_in_each_language(home: Path) -> None:
    assert "Explotación sexual" in _invoke("codes", "exploitation_form", "--lang", "es")
    assert "性剥削" in _invoke("codes", "exploitation_form", "--lang", "zh")


def test_country_resolves_what_people_type(home: Path) -> None:
    output = _invoke("country", "Rumania", "M\ufffdXICO", "Romanian")
    assert "ROU" in output and "MEX" in output


def test_every_command_has_help() -> None:
    for command in (
        ["--help"],
        ["init", "--help"],
        ["demo", "--help"],
        ["demo-data", "--help"],
        ["cases", "--help"],
        ["cases", "list", "--help"],
        ["schema", "--help"],
    ):
        assert "Usage" in _invoke(*command)


def test_demo_loads_synthetic_data_and_summarises(home: Path) -> None:
    output = _invoke("demo", "--cases", "300")
    assert "What the store holds" in output
    assert "Demo agencies' files imported" in output
    imported = _store().count_cases() - 300  # the agencies' own files, through their profiles
    assert imported > 1000
    assert (home / "demo-exports" / "policia_es.csv").exists()
    again = _invoke("demo", "--cases", "300")
    assert f"already holds {300 + imported:,} cases" in again
