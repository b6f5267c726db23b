"""Realistic synthetic data: cases calibrated on UNODC GLOTIP shares, and agencies' own exports.

Owns generation only; records are written through ``tipis.store``. Imports ``tipis.standard``
and ``tipis.store``.

Public API:

- ``generator.demo_organisations(seed)``: police, prosecution, labour inspectorate, shelter,
  NGO and hotline in each of 16 demo countries, named in the local language;
- ``generator.generate_cases(n, seed, organisations, first_year=2015, last_year=2025)``: an
  iterator of validated ``Case`` records, identical for the same seed (UUIDs included);
- ``exports.write_agency_exports(folder, seed, cases_per_agency=500)``: four agencies' files
  in their own formats plus ``ground_truth.csv`` for record-linkage tests (``ExportSet``);
- ``calibration``: derives ``parameters.json`` (shipped, figures only) from the GLOTIP CSV;
  ``python -m tipis.synthetic.calibration [GLOTIP_CSV]`` regenerates it.

Modules: ``calibration`` (GLOTIP -> shares), ``sampling`` (numpy draws per chunk of cases),
``generator`` (cases as dicts -> ``Case``), ``names`` and ``places`` (hand-written pools),
``variation`` (how one person differs between files), ``exports`` (agency files).
"""
