"""`tipis stats ...` on a demo store: tables published with disclosure control, and exported."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tipis.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("stats-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIPIS_HOME", str(home))
        patch.delenv("TIPIS_DATABASE_URL", raising=False)
        patch.delenv("TIPIS_SECRET_KEY", raising=False)
        assert runner.invoke(app, ["demo", "--cases", "1500"]).exit_code == 0
    return home


def _run(home: Path, *args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args), env={"TIPIS_HOME": str(home)})
    assert result.exit_code == code, result.output
    return result.output


def test_published_tables_hide_small_cells_and_say_so(home: Path) -> None:
    output = _run(home, "stats", "publish", "detected_victims", "--by", "sex,age", "--area", "ESP")
    assert "suppressed" in output and '"threshold": 5' in output
    raw = _run(home, "stats", "indicators", "--by", "sex,age", "--area", "ESP", "--raw")
    assert "suppressed" not in raw


def test_exports_in_each_format(home: Path, tmp_path: Path) -> None:
    csv_path, xlsx_path, json_path = (tmp_path / n for n in ("t.csv", "t.xlsx", "t.json"))
    common = ("detected_victims", "--by", "sex,age", "--area", "150")
    _run(home, "stats", "export", *common, "--format", "csv", "--out", str(csv_path), "--hxl")
    assert csv_path.read_text(encoding="utf-8").splitlines()[1].startswith("#")
    _run(home, "stats", "export", *common, "--format", "xlsx", "--out", str(xlsx_path))
    assert openpyxl.load_workbook(xlsx_path).sheetnames[0] == "data_glotip_1"
    _run(home, "stats", "export", *common, "--format", "json", "--out", str(json_path))
    published = json.loads(json_path.read_text(encoding="utf-8"))
    assert published["metadata"]["disclosure"]["threshold"] == 5
    shown = [c for c in published["cells"] if c["status"] != "suppressed"]
    assert all(c["lower"] == 0 or c["lower"] >= 5 or c["upper"] > c["lower"] for c in shown)
    _run(home, "stats", "export", *common, "--format", "sdmx", "--out", str(tmp_path / "sdmx"))
    assert sorted(p.suffix for p in (tmp_path / "sdmx").iterdir()) == [".csv", ".xml", ".xml"]


def test_flows_and_trends_run(home: Path) -> None:
    assert "transregional" in _run(home, "stats", "flows", "--level", "region")
    trends = _run(home, "stats", "trends", "--area", "WLD")
    assert any(flag in trends for flag in ("rising", "falling", "no clear change"))


def test_differential_privacy_spends_and_refuses(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "dp.csv"
    args = (
        "stats",
        "export",
        "detected_victims",
        "--area",
        "WLD",
        "--by",
        "sex",
        "--format",
        "csv",
        "--out",
        str(out),
        "--dataset",
        "demo-dp",
    )
    _run(home, *args, "--epsilon", "0.6")
    refused = _run(home, *args, "--epsilon", "0.6", code=1)
    assert "demo-dp" in refused and "exceeded" in refused and "spent ε=0.6" in refused
