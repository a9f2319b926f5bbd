"""bank_churn: >= 2 payer accounts in 6 months, or an account never used before."""

import numpy as np
import pytest
from ledgers import customer_index, frame_at

from arwatch.core.indicators import bank_churn
from arwatch.core.policy import Policy

T = "2024-06-30"  # 6-month window from 1 Jan 2024, "new" from 2 Apr 2024

CUSTOMERS = """
customer c1 "Acme" terms=30
customer c2 "Beta" terms=30
"""


def payments(cust: str, dates: list[str], account: str, first: int = 1) -> str:
    return "".join(f"payment {cust} {cust}P{first + k} {d} 100.00 account={account}\n" for k, d in enumerate(dates))


OLD = "DE00000000001111"
NEW = "DE00000000002222"
SWITCH = CUSTOMERS + payments("c1", ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15"], OLD) \
    + payments("c1", ["2024-06-10"], NEW, first=5) + payments("c2", ["2024-03-01", "2024-06-01"], "FR76000099990000")


def run(text, as_of=T, **kwargs):
    frame = frame_at(text, as_of, **kwargs)
    return frame, bank_churn.INDICATOR.run(frame, Policy().params("bank_churn"))


def test_bank_churn__new_account_next_to_the_usual_one():
    frame, result = run(SWITCH)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(1.0)
    assert result.evidence(c1) == (
        "paid from 2 accounts in the last 183 days: …1111: €100.00 on 15 Feb 2024, €100.00 on "
        "15 Mar 2024, €100.00 on 15 Apr 2024 and 1 earlier; …2222: €100.00 on 10 Jun 2024; "
        "new account …2222 first used 10 Jun 2024 after 4 payments from other accounts")
    assert not result.fired[customer_index(frame, "c2")]


def test_bank_churn__two_known_accounts_in_the_window():
    text = CUSTOMERS + payments("c1", ["2023-05-01", "2024-05-01"], OLD) \
        + payments("c1", ["2023-06-01", "2024-06-01"], NEW, first=3)
    frame, result = run(text)
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] and result.strength[c1] == pytest.approx(0.5)
    assert result.evidence(c1).startswith("paid from 2 accounts in the last 183 days")
    assert "new account" not in result.evidence(c1)


def test_bank_churn__switch_long_ago_is_quiet():
    text = CUSTOMERS + payments("c1", ["2023-01-15", "2023-03-15", "2023-06-15"], OLD) \
        + payments("c1", ["2023-09-15", "2024-03-01", "2024-06-01"], NEW, first=4)
    _, result = run(text)  # OLD last used > 183 days ago, NEW first used > 90 days ago
    assert not result.fired.any()


@pytest.mark.parametrize("prior,fires", [(2, False), (3, True)])
def test_bank_churn__new_account_needs_three_earlier_payments(prior, fires):
    dates = ["2023-02-01", "2023-03-01", "2023-04-01"][:prior]
    text = CUSTOMERS + payments("c1", dates, OLD) + payments("c1", ["2024-06-10"], NEW, first=9)
    frame, result = run(text)  # OLD not used in the window: only "new" can fire
    c1 = customer_index(frame, "c1")
    assert result.fired[c1] == fires
    if fires:
        assert result.evidence(c1) == "new account …2222 first used 10 Jun 2024 after 3 payments from other accounts"


def test_bank_churn__account_new_to_this_customer_even_if_another_used_it():
    text = SWITCH + payments("c2", ["2023-01-01"], NEW, first=7)
    frame, result = run(text)
    assert "new account …2222" in result.evidence(customer_index(frame, "c1"))


def test_bank_churn__not_available_from_quickbooks():
    frame, result = run(SWITCH, source="quickbooks", unavailable=("payer_account",))
    assert not result.available and not result.fired.any()
    assert result.evidence(customer_index(frame, "c1")) == "not available from QuickBooks: payer account"


def test_bank_churn__no_look_ahead():
    base = CUSTOMERS + payments("c1", ["2024-01-15", "2024-02-15", "2024-03-15", "2024-04-15"], OLD)
    later = base + payments("c1", ["2024-07-01", "2024-08-01"], NEW, first=5)
    frame, before = run(base)
    _, after = run(later)
    assert not before.fired.any()
    assert np.array_equal(before.fired, after.fired) and np.array_equal(before.strength, after.strength)
    _, next_month = run(later, as_of="2024-07-01")
    assert next_month.fired[customer_index(frame, "c1")]
