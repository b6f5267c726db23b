"""The epsilon ledger refuses a release the budget cannot cover, on both backends."""

from __future__ import annotations

import pytest

from tipis.store.cases import Store
from tipis.store.privacy import BudgetExhausted, StorePrivacyBudget


def test_spending_adds_up_and_stops_at_the_budget(store: Store) -> None:
    budget = StorePrivacyBudget(store, default_total=1.0)
    budget.spend("victims-2024", 0.5, "regional table")
    budget.spend("victims-2024", 0.4, "global table")
    assert budget.spent("victims-2024") == pytest.approx(0.9)
    with pytest.raises(BudgetExhausted, match=r"budget ε=1, spent ε=0\.9"):
        budget.spend("victims-2024", 0.2, "one more")
    assert budget.spent("victims-2024") == pytest.approx(0.9)
    budget.spend("other", 1.0, "a dataset has its own budget")


def test_a_budget_can_be_set_but_not_to_nothing(store: Store) -> None:
    budget = StorePrivacyBudget(store)
    budget.set_total("d", 3.0)
    assert budget.total("d") == 3.0
    with pytest.raises(ValueError, match="positive"):
        budget.set_total("d", 0)
