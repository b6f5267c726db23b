"""The store: tables, migrations, encryption of personal fields, and case persistence.

Owns how records live in SQLite (default) or PostgreSQL. Imports only ``tipis.standard``.
Personal fields are encrypted before they reach the database; every write is one transaction.
"""
