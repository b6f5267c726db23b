"""The differential-privacy budget ledger: how much epsilon each dataset may spend, and has.

Every noisy release spends part of its dataset's budget; the total over all releases adds up
and, once spent, no further release is possible. Spending and checking happen in one
transaction, so two releases cannot both take the last of a budget.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func, insert, select, update

from tipis.store import tables as t
from tipis.store.cases import Store

#: Budget a dataset gets when first used, unless set otherwise (``set_total``).
DEFAULT_EPSILON_TOTAL = 1.0


class BudgetExhausted(RuntimeError):
    """A release would spend more epsilon than the dataset has left."""


class StorePrivacyBudget:
    """A per-dataset epsilon budget kept in the store."""

    def __init__(self, store: Store, default_total: float = DEFAULT_EPSILON_TOTAL) -> None:
        self.store = store
        self.default_total = default_total

    def total(self, dataset: str) -> float:
        with self.store.engine.begin() as connection:
            return self._total(connection, dataset)

    def spent(self, dataset: str) -> float:
        with self.store.engine.connect() as connection:
            return _spent(connection, dataset)

    def set_total(self, dataset: str, epsilon_total: float) -> None:
        if epsilon_total <= 0:
            raise ValueError("a privacy budget must be a positive epsilon")
        with self.store.engine.begin() as connection:
            self._total(connection, dataset)
            connection.execute(
                update(t.privacy_budgets)
                .where(t.privacy_budgets.c.dataset == dataset)
                .values(epsilon_total=epsilon_total)
            )

    def spend(self, dataset: str, epsilon: float, note: str) -> None:
        """Record a release's epsilon, or refuse if the budget cannot cover it."""
        if epsilon <= 0:
            raise ValueError("epsilon must be positive")
        with self.store.engine.begin() as connection:
            total = self._total(connection, dataset)
            spent = _spent(connection, dataset)
            if spent + epsilon > total + 1e-12:
                raise BudgetExhausted(
                    f"dataset {dataset!r}: budget ε={total:g}, spent ε={spent:g}, this release "
                    f"asks ε={epsilon:g}; refused (left: ε={max(total - spent, 0):g})"
                )
            connection.execute(
                insert(t.privacy_spending).values(
                    dataset=dataset, epsilon=epsilon, at=datetime.now(UTC), note=note
                )
            )

    def _total(self, connection: Connection, dataset: str) -> float:
        query = select(t.privacy_budgets.c.epsilon_total).where(
            t.privacy_budgets.c.dataset == dataset
        )
        total = connection.execute(query).scalar_one_or_none()
        if total is None:
            connection.execute(
                insert(t.privacy_budgets).values(dataset=dataset, epsilon_total=self.default_total)
            )
            return self.default_total
        return float(total)


def _spent(connection: Connection, dataset: str) -> float:
    query = select(func.coalesce(func.sum(t.privacy_spending.c.epsilon), 0.0)).where(
        t.privacy_spending.c.dataset == dataset
    )
    return float(connection.execute(query).scalar_one())
