"""Rates per 100,000 come only from an imported population table, never from invented figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipis.ingest.profile import load_profile
from tipis.ingest.run import run_import
from tipis.stats.facts import load_facts
from tipis.stats.indicators import compute
from tipis.store.cases import Store
from tipis.synthetic.bulk import load_synthetic
from tipis.synthetic.generator import demo_organisations


def test_rates_need_a_population_table_and_use_it(store: Store, tmp_path: Path) -> None:
    organisations = [o for o in demo_organisations(5) if o.country == "ESP"]
    for organisation in organisations:
        store.add_organisation(organisation)
    load_synthetic(store, 400, 5, organisations, workers=1)

    before = compute(load_facts(store), "detected_victims", area="ESP")
    assert "not computed" in before.metadata["rates"]

    years = sorted({int(cell.key[1]) for cell in before.cells})
    population = tmp_path / "population.csv"
    rows = [f'España,{year},"48,000,000"' for year in years]
    population.write_text("country,year,population\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = run_import(store, population, load_profile("population"))
    assert report.created == len(years) and not report.problems

    after = compute(load_facts(store), "detected_victims", area="ESP")
    rates = after.metadata["rates_per_100000"]
    for cell in after.cells:
        low, high = rates["|".join(cell.key)]
        assert low == pytest.approx(cell.lower * 100_000 / 48_000_000)
        assert high == pytest.approx(cell.upper * 100_000 / 48_000_000)
