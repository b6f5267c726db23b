"""What went wrong with an input, said so that a person can find it and fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one place: file, row, column and value, the rule broken and the fix."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    fix: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.rule}. Fix: {self.fix}"


class FileProblem(ValueError):
    """The whole file cannot be read."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
