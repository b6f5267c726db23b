"""Running an import: read, map, validate, and write exactly once — or write nothing.

One import is one transaction. By default it is all or nothing: if any row has a problem,
nothing is written and every problem is reported. With ``quarantine`` the bad rows are set
aside (sealed, with their problems) and the good rows load. A dry run does all the work and
rolls it back, so its counts are exactly what a real run would do.

Each row is known by its source and key (the profile's key columns, or its whole content):
a row seen before with the same content is left alone, with different content it updates its
record and the previous version goes to history.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from tipis.ingest.mapping import MappedRow, RowMapper, validate
from tipis.ingest.problems import FileProblem, Problem
from tipis.ingest.profile import Profile
from tipis.ingest.readers import SourceTable, open_table, sha256_of
from tipis.standard.aggregates import Observation
from tipis.standard.records import Case
from tipis.store.cases import Store
from tipis.store.imports import ImportSession, import_batch

#: Problems kept in a report for display; counts by reason cover all of them.
MAX_REPORTED_PROBLEMS = 1000


@dataclass
class ImportReport:
    """What an import did, or would do (dry run), or why it did nothing."""

    file: str
    profile: str
    source: str
    dry_run: bool
    quarantine: bool
    batch_id: UUID | None = None
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    flagged: int = 0
    problems: list[Problem] = field(default_factory=list)
    reasons: Counter[str] = field(default_factory=Counter)
    notes: list[Problem] = field(default_factory=list)
    refused: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "flagged": self.flagged,
        }

    def note(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.reasons[_reason(problem)] += 1
        room = MAX_REPORTED_PROBLEMS - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])


class _RollBack(Exception):
    """Ends a dry run or a refused import: the transaction rolls back."""


def run_import(
    store: Store,
    path: Path,
    profile: Profile,
    *,
    source: str | None = None,
    dry_run: bool = False,
    quarantine: bool = False,
    actor: str = "cli",
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import ``path`` with ``profile`` into ``store``. Raises ``FileProblem`` if unreadable."""
    table = open_table(path, profile.read)
    _check_columns(table, profile, path.name)
    source = source or profile.name
    report = ImportReport(path.name, profile.name, source, dry_run, quarantine)
    report.notes = list(table.notes)  # e.g. a repeated column name made unique
    try:
        with import_batch(
            store,
            source=source,
            profile=profile.name,
            file_name=path.name,
            file_sha256=sha256_of(path),
            actor=actor,
        ) as session:
            report.batch_id = session.batch_id
            _import_rows(session, table, profile, source, report, progress)
            if report.refused or dry_run:
                raise _RollBack
            session.counts = report.counts
    except _RollBack:
        report.batch_id = None
    return report


def _check_columns(table: SourceTable, profile: Profile, file_name: str) -> None:
    missing = sorted(profile.columns - set(table.columns))
    if missing:
        raise FileProblem(
            Problem(
                file_name,
                table.header_row,
                ", ".join(missing),
                None,
                f"the profile '{profile.name}' needs columns the file does not have",
                f"check this is a '{profile.name}' file (its columns: "
                f"{', '.join(table.columns[:12])}{' ...' if len(table.columns) > 12 else ''}), "
                "or adapt the profile",
            )
        )


def _import_rows(
    session: ImportSession,
    table: SourceTable,
    profile: Profile,
    source: str,
    report: ImportReport,
    progress: Callable[[int], None] | None,
) -> None:
    mapper = RowMapper(profile, table.path.name, _context(session, profile))
    seen: dict[str, tuple[int, str]] = {}
    for row in table.rows():
        report.read += 1
        mapped = mapper.map(row)
        record = _checked(profile, mapped, seen, table.path.name)
        if mapped.problems:
            _set_aside(session, source, mapped, report)
        elif record is not None:
            _write(session, source, mapped, record, report)
        else:  # the very same row again in this file: counted once, as unchanged
            report.unchanged += 1
        if progress is not None and report.read % 500 == 0:
            progress(500)
    if progress is not None:
        progress(report.read % 500)


def _context(session: ImportSession, profile: Profile) -> dict[str, Any]:
    """Values every record of the file gets: the organisation recording the cases."""
    if profile.produces != "cases" or profile.organisation is None:
        return {}
    org = profile.organisation
    organisation_id = session.ensure_organisation(org.name, org.type, org.country, org.city)
    return {"organisation_id": organisation_id, "country_of_identification": org.country}


def _checked(
    profile: Profile, mapped: MappedRow, seen: dict[str, tuple[int, str]], file_name: str
) -> Case | Observation | None:
    """The validated record, or ``None`` with problems (including duplicates in the file)."""
    if mapped.key in seen:
        first_row, first_fingerprint = seen[mapped.key]
        if first_fingerprint == mapped.fingerprint:
            return None  # the very same row twice: nothing more to do
        what = "the same key columns" if profile.key else "the same content"
        mapped.problems.append(
            Problem(
                file_name,
                mapped.number,
                ", ".join(profile.key) or None,
                None,
                f"duplicate: row {first_row} has {what} with different values",
                "keep one of the two rows, or correct the key",
            )
        )
        return None
    seen[mapped.key] = (mapped.number, mapped.fingerprint)
    if mapped.problems:
        return None
    return validate(profile, mapped, file_name)


def _write(
    session: ImportSession,
    source: str,
    mapped: MappedRow,
    record: Case | Observation,
    report: ImportReport,
) -> None:
    if isinstance(record, Observation) and record.flags:
        report.flagged += 1
    known = session.known(source, mapped.key)
    if known is None:
        session.add(record, source, mapped.key, mapped.fingerprint, mapped.number)
        report.created += 1
    elif known.fingerprint == mapped.fingerprint:
        report.unchanged += 1
    else:
        session.replace(known, record, source, mapped.key, mapped.fingerprint, mapped.number)
        report.updated += 1


def _set_aside(
    session: ImportSession, source: str, mapped: MappedRow, report: ImportReport
) -> None:
    report.note(mapped.problems)
    if not report.quarantine:
        report.refused = True
        return
    problems = [
        {"column": p.column, "value": p.value, "rule": p.rule, "fix": p.fix}
        for p in mapped.problems
    ]
    session.quarantine(source, mapped.key, mapped.number, mapped.values, problems)
    report.quarantined += 1


def _reason(problem: Problem) -> str:
    """A short reason for counting problems alike: the rule without the specific value."""
    rule = problem.rule.split(":")[0] if ":" in problem.rule else problem.rule
    return f"{problem.column or '(row)'}: {rule}"[:120]
