"""Statistics: GLOTIP-compatible indicators, flows and trends, disclosure control, exports.

One definition per indicator, used by the CLI, the API, the web pages and every export.
Case records and imported aggregate observations are read from ``tipis.store`` into DuckDB;
results are ``StatTable``s (``table``) whose cells are intervals, so counts published as
``<5`` stay honest; ``disclosure`` decides what may be published; ``export`` writes CSV
(with HXL), XLSX in the GLOTIP layout, SDMX-ML 2.1 and SDMX-CSV. Imports ``tipis.standard``
and ``tipis.store``.
"""
