"""Imports: agencies' spreadsheets and exports, mapped onto the standard by declarative profiles.

Owns reading files (``readers``), normalising values as spreadsheets hold them
(``normalise``), the mapping profiles data managers write in YAML (``profile``, built-ins in
``profiles/``), applying them to rows (``mapping``), drafting a profile from a file
(``infer``) and running an import exactly once, all or nothing or with quarantine (``run``).
Imports ``tipis.standard`` and ``tipis.store``.
"""
