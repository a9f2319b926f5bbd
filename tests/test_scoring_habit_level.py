"""A habit ranks, it does not alarm: habitual_lateness counts fully in the score that orders
customers, and at most ``[scoring] level_weights`` towards the level (seed 001: a chronic late
payer is a segment to treat with patience). Arrears beyond the habit still raise the level."""

import datetime as dt

import pytest
from ledgers import board_at, customer_index

from arwatch.core.policy import LEVELS, Policy, parse_policy

T = "2024-03-31"
HEAD = 'customer late "Late Ltd" terms=30\ncustomer ontime "On Time plc" terms=30\n'
#: before this change: the habit at weight 0.35 and no cap, measured by how late only (its strength
#: from how often and its firing by how often came later, and count in the ranking only)
BEFORE = parse_policy({"indicators": {"habitual_lateness": {"weight": 0.35, "share_strength": 0, "habit_share": 1}},
                       "scoring": {"level_weights": {}}})


def paid_invoices(cid: str, days_late: int, months: int = 12) -> str:
    """One invoice on the 1st of each month of 2023 (net 30), each paid ``days_late`` after its due date."""
    lines = []
    for k in range(months):
        issue = dt.date(2023, k + 1, 1)
        lines.append(f"invoice {cid} {cid.upper()}/{k} {issue} 100.00")
        lines.append(f"payment {cid} {cid}P{k} {issue + dt.timedelta(days=30 + days_late)} 100.00 -> {cid.upper()}/{k}")
    return "\n".join(lines) + "\n"


def ledger(days_late: int, arrears: str = "") -> str:
    return HEAD + paid_invoices("late", days_late) + paid_invoices("ontime", 0) + arrears


@pytest.mark.parametrize("days_late", [20, 60, 120])
def test_habit__a_stable_late_payer_ranks_above_a_punctual_one_and_stays_at_most_medium(days_late):
    text = ledger(days_late)
    board = board_at(text, T)
    late, ontime = customer_index(board.frame, "late"), customer_index(board.frame, "ontime")
    assert board.score[late] > board.score[ontime]
    assert board.ranking()[0] == late
    assert board.level[late] <= LEVELS.index("medium")
    assert board.customer(late).reasons[0].indicator == "habitual_lateness"  # the reason says why it ranks first
    # whatever the habit's weight, the habit alone never raises the level above medium
    heavy = board_at(text, T, parse_policy({"indicators": {"habitual_lateness": {"weight": 1.0}}}))
    assert heavy.score[late] > board.score[late] and heavy.level[late] <= LEVELS.index("medium")


def test_habit__counts_more_in_the_ranking_than_before_but_not_more_in_the_level():
    text = ledger(60)
    now, before = board_at(text, T), board_at(text, T, BEFORE)
    late = customer_index(now.frame, "late")
    assert now.score[late] > before.score[late]
    assert now.level[late] <= before.level[late]
    assert now.alarm_score[late] <= now.score[late]


def test_habit__the_same_customer_with_arrears_beyond_its_habit_goes_high_as_before():
    # an invoice of December 2023, due 31 Dec, still open on 31 Mar: 91 days past due, 31 beyond a 60-day habit
    # ... and one of October, 152 days past due
    arrears = ("invoice late LATE/X1 2023-10-01 500.00\n"
               "invoice late LATE/X2 2023-12-01 500.00\n")
    text = ledger(60, arrears)
    now, before = board_at(text, T), board_at(text, T, BEFORE)
    late = customer_index(now.frame, "late")
    assert before.level[late] >= LEVELS.index("high")
    assert now.level[late] >= before.level[late]
    assert now.alarm_score[late] <= now.score[late]


def test_habit__the_level_weight_is_a_policy_setting_between_0_and_1():
    assert Policy().scoring.level_weights == {"habitual_lateness": 0.35}
    with pytest.raises(ValueError, match="level_weights"):
        parse_policy({"scoring": {"level_weights": {"habitual_lateness": 1.5}}})


@pytest.mark.parametrize("days_late", [0, 20, 60, 120])
def test_habit__levels_are_those_of_the_habit_at_its_former_weight(days_late):
    """Only the ranking changed: with or without arrears, every level is what weight 0.35 gave."""
    arrears = "invoice late LATE/X1 2023-10-01 500.00\ninvoice ontime ONTIME/X1 2024-02-01 500.00\n"
    for text in (ledger(days_late), ledger(days_late, arrears)):
        now, before = board_at(text, T), board_at(text, T, BEFORE)
        assert (now.level == before.level).all()
        assert now.alarm_score == pytest.approx(before.score)


def test_habit__a_board_without_a_capped_sign_has_its_alarm_equal_to_its_score():
    board = board_at(ledger(0), T)
    assert (board.alarm_score == board.score).all()


def test_habit__a_level_hold_keeps_to_the_alarm_score_not_to_the_habit_s_rank():
    """A held customer stays held by the level rule while its alarm score is at or above
    ``release_below_score``; a habit that ranks it at 80 does not keep it held."""
    import numpy as np

    from arwatch.core.holds import cause_masks

    heavy = {"indicators": {"habitual_lateness": {"weight": 1.0}}}
    text = ledger(120)
    board = board_at(text, T, parse_policy(heavy))
    late = customer_index(board.frame, "late")
    held = np.zeros(board.frame.n_customers, dtype=bool)
    held[late] = True
    policy = parse_policy(heavy)
    assert board.score[late] >= policy.credit.holds.release_below_score > board.alarm_score[late]
    assert not dict(cause_masks(board, policy, held))["level:critical"][late]
    uncapped = parse_policy({**heavy, "scoring": {"level_weights": {}}})  # without the cap the habit alone holds
    board = board_at(text, T, uncapped)
    assert dict(cause_masks(board, uncapped, held))["level:critical"][late]
