"""TIPIS: Trafficking in Persons Information System.

Data flows one way: sources -> ``ingest`` -> ``store`` -> ``stats`` / ``search`` -> ``api`` /
``web``.
``tipis.standard`` (code lists, geography, record models) sits at the bottom and imports nothing
else of ours; ``tipis.cli`` and ``tipis.settings`` are the only places that read configuration.
"""

__version__ = "0.1.0"
