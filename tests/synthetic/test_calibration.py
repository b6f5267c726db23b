"""Calibration: reading GLOTIP counts, and the shipped parameters.json."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.shared import GLOTIP_CSV, shared_file
from tipis.synthetic.calibration import (
    PARAMETERS_FILE,
    count_value,
    derive_parameters,
    load_parameters,
    repair_mojibake,
)

HEADER = [
    "Iso3_code", "Country", "Region", "Subregion", "Indicator", "Dimension", "Category", "Sex",
    "Age", "Year", "Unit of measurement", "txtVALUE", "Source",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [("<5", 2.5), ("12", 12.0), ("1,705", 1705.0), (" 6,112 ", 6112.0), ("", None), ("x", None)],
)
def test_count_value_reads_glotip_text(text: str, value: float | None) -> None:
    assert count_value(text) == value


def test_repair_mojibake() -> None:
    assert repair_mojibake("TÃ¼rkiye") == "Türkiye"
    assert repair_mojibake("Türkiye") == "Türkiye"


def test_shipped_parameters_are_small_shares_with_a_source() -> None:
    params = load_parameters()
    assert PARAMETERS_FILE.stat().st_size < 200_000
    assert "GLOTIP" in params["source"] or "Global Report" in params["source"]
    assert sum(params["sex_age"].values()) == pytest.approx(1, abs=1e-3)
    for shares in params["forms_by_sex_age"].values():
        assert sum(shares.values()) == pytest.approx(1, abs=1e-3)
    for shares in params["origins_by_destination"].values():
        assert sum(shares.values()) == pytest.approx(1, abs=1e-3)
    assert 0 < params["nationals_share"]["overall"] < 1


def _row(dimension: str, category: str, value: str, **fields: str) -> dict[str, str]:
    row = dict.fromkeys(HEADER, "Total")
    row.update(Iso3_code="ESP", Country="Spain", Year="2019", Source="GLOTIP")
    row.update({"Indicator": "Detected trafficking victims", "Unit of measurement": "Counts"})
    row.update(Dimension=dimension, Category=category, txtVALUE=value, **fields)
    return row


def test_derive_parameters_from_a_small_file(tmp_path: Path) -> None:
    rows = [
        _row("Total", "Total", "100"),
        _row("Total", "Total", "60", Sex="Female", Age="18 years or over"),
        _row("Total", "Total", "1,0", Sex="Female", Age="0 to 17 years"),  # "1,0" is 10
        _row("Total", "Total", "30", Sex="Male", Age="18 years or over"),
        _row(
            "by form of exploitation",
            "Sexual exploitation",
            "45",
            Sex="Female",
            Age="18 years or over",
        ),
        _row(
            "by form of exploitation", "Forced labour", "15", Sex="Female", Age="18 years or over"
        ),
        _row("by citizenship", "Nationals", "20"),
        _row("by citizenship", "RUMANÍA", "<5"),
        _row("by citizenship", "Romania", "57.5"),
        _row("by citizenship", "(especifique otras nacionalidades)", "7"),
        _row("by citizenship", "Nigeria", "20"),
    ]
    path = tmp_path / "glotip.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        writer.writerows(rows)
    params = derive_parameters(path)
    assert params["sex_age"] == {"Female|adult": 0.6, "Female|child": 0.1, "Male|adult": 0.3}
    assert params["forms_by_sex_age"]["Female|adult"] == {
        "ForcedLabour": 0.25,
        "SexualExploitation": 0.75,
    }
    assert params["victims_by_country"] == {"ESP": 100.0}
    assert params["nationals_share"] == {"overall": 0.2, "by_country": {"ESP": 0.2}}
    assert params["origins_by_destination"] == {"ESP": {"NGA": 0.25, "ROU": 0.75}}


def test_rederiving_from_glotip_reproduces_the_shipped_file() -> None:
    derived = derive_parameters(shared_file(GLOTIP_CSV))
    shipped = load_parameters()
    for key in derived.keys() - {"derived_on"}:
        assert derived[key] == shipped[key], key
