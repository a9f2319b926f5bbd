"""habitual_lateness: typical lateness against the customer's own terms, recency-weighted and
shrunk towards the company's norm; the chronic_late segment reads it."""

import datetime as dt

import numpy as np
import pytest
from ledgers import board_at, customer_index, frame_at
from planning import TEMPLATES

from arwatch.core import wording
from arwatch.core.actions import WrittenState
from arwatch.core.indicators import habitual_lateness
from arwatch.core.planner import plan
from arwatch.core.policy import Policy, parse_policy
from arwatch.core.segments import SEGMENTS

T = "2024-03-31"
LATE = [18, 20, 22, 25, 26, 27, 27, 30, 33, 35, 38, 41]  # days late, oldest first


def settled(lateness: list[int], start_month: int = 1) -> list[tuple[dt.date, dt.date, int]]:
    """(issue day, paid day, days late) of one invoice on the 1st of each month of 2023 from
    ``start_month`` (net 30), paid the given days after its due date (negative: early)."""
    issues = [dt.date(2023, start_month + k, 1) for k in range(len(lateness))]
    return [(i, i + dt.timedelta(days=30 + late), late) for i, late in zip(issues, lateness, strict=False)]


def paid_invoices(cid: str, lateness: list[int], start_month: int = 1) -> str:
    lines = []
    for k, (issue, paid, _) in enumerate(settled(lateness, start_month)):
        lines.append(f"invoice {cid} {cid.upper()}/{k} {issue} 100.00")
        lines.append(f"payment {cid} {cid}P{k} {paid} 100.00 -> {cid.upper()}/{k}")
    return "\n".join(lines) + "\n"


def norm_of(*customers: tuple[list[int], int], as_of: str = T) -> float:
    """The company's norm by hand: mean lateness (early = 0) of the invoices settled in the 12
    whole months before the month of ``as_of``."""
    t = dt.date.fromisoformat(as_of)
    month = t.replace(day=1)
    late = [max(x, 0) for lateness, start in customers for _, paid, x in settled(lateness, start)
            if month.replace(year=month.year - 1) <= paid < month]
    return float(np.mean(late))


def share_norm_of(*customers: tuple[list[int], int], as_of: str = T) -> float:
    """The company's share of invoices paid late at all, by hand, over the same months."""
    t = dt.date.fromisoformat(as_of)
    month = t.replace(day=1)
    late = [x > 0 for lateness, start in customers for _, paid, x in settled(lateness, start)
            if month.replace(year=month.year - 1) <= paid < month]
    return float(np.mean(late))


HEAD = 'customer late "Late Ltd" terms=30\ncustomer ontime "On Time plc" terms=30\n'
LEDGER = HEAD + paid_invoices("late", LATE) + paid_invoices("ontime", [-5] * 12)


def run(text: str, as_of: str = T, **params):
    frame = frame_at(text, as_of)
    p = habitual_lateness.Params(**params)
    return frame, habitual_lateness.INDICATOR.run(frame, p), habitual_lateness.measure(frame, p)


def weighted(values: list[float], half_life: float = 6) -> float:
    w = [0.5 ** (k / half_life) for k in range(len(values))]
    return sum(wk * v for wk, v in zip(w, reversed(values), strict=False)) / sum(w)


def test_habitual_lateness__typical_lateness_is_recency_weighted_and_shrunk_to_the_norm():
    frame, result, m = run(LEDGER)
    late = customer_index(frame, "late")
    norm = norm_of((LATE, 1), ([-5] * 12, 1))
    assert norm != pytest.approx(np.mean(LATE + [0] * 12))  # invoices settled before March 2023 are out
    own = weighted(LATE)
    assert m.norm[late] == pytest.approx(norm)
    assert m.own[late] == pytest.approx(own) and own > np.mean(LATE)  # the recent, later ones weigh more
    assert m.typical[late] == pytest.approx((12 * own + 3 * norm) / 15)
    assert result.fired[late]
    # how late (half strength at 30 days) and how often (late on all 12: its share shrunk to the
    # company's as the days are, half strength for every invoice late), added as signs add
    share_norm = share_norm_of((LATE, 1), ([-5] * 12, 1))
    assert 0 < share_norm < 1 and m.own_share[late] == 1
    share = (12 * 1 + 3 * share_norm) / 15
    assert m.share[late] == pytest.approx(share)
    how_late = m.typical[late] / (m.typical[late] + 30)
    assert result.strength[late] == pytest.approx(1 - (1 - how_late) * (1 - 0.5 * share))
    # only how late counts towards the level
    assert result.alarm_strength[late] == pytest.approx(how_late)


def test_habitual_lateness__evidence_names_the_range_and_the_median():
    frame, result, m = run(LEDGER)
    late = customer_index(frame, "late")
    assert result.evidence(late) == (
        f"paid its last 12 invoices 18-41 days late, median 27, 12 of them late (last paid 10 Feb 2024); on "
        f"average {m.typical[late]:.0f} days late (an invoice paid early counts as on time, recent invoices weigh "
        f"more; the company's norm of {m.norm[late]:.0f} days counts as 3 more invoices)")


def test_habitual_lateness__a_punctual_customer_does_not_fire_even_in_a_late_paying_company():
    frame, result, m = run(HEAD + paid_invoices("late", [60] * 12) + paid_invoices("ontime", [-5] * 12))
    ontime = customer_index(frame, "ontime")
    assert m.own[ontime] == 0 and m.typical[ontime] > 5  # the norm pulls it up...
    assert not result.fired[ontime]  # ...but the norm alone is no habit


def test_habitual_lateness__one_late_invoice_is_pulled_towards_the_norm():
    text = HEAD + paid_invoices("ontime", [0] * 12) + paid_invoices("late", [60], start_month=12)
    frame, result, m = run(text)
    late = customer_index(frame, "late")
    norm = norm_of(([0] * 12, 1), ([60], 12))
    assert m.count[late] == 1 and m.norm[late] == pytest.approx(norm) and 0 < norm < 60
    assert m.typical[late] == pytest.approx((60 + 3 * norm) / 4)
    many = HEAD + paid_invoices("late", [60] * 12)
    _, _, m12 = run(many)
    assert m12.typical[customer_index(frame, "late")] > 55 > m.typical[late]
    assert result.evidence(late).startswith("paid its last invoice 60 days late, median 60")


def test_habitual_lateness__recent_lateness_counts_more_than_old():
    early_then_late = HEAD + paid_invoices("late", [0] * 6 + [30] * 6)
    late_then_early = HEAD + paid_invoices("late", [30] * 6 + [0] * 6)
    _, _, a = run(early_then_late, norm_months=120)
    _, _, b = run(late_then_early, norm_months=120)
    assert a.norm[0] == b.norm[0]
    assert a.typical[0] > 15 > b.typical[0]


def test_habitual_lateness__within_the_grace_days_and_late_less_often_than_not_no_habit():
    # 8 days late every other invoice, the last one on time: 4 days on average, late on 6 of 12
    text = HEAD + paid_invoices("late", [8, 0] * 6)
    frame, result, m = run(text)
    late = customer_index(frame, "late")
    assert 3.5 < m.typical[late] < 4.5 and m.own_share[late] < 0.5 and not result.fired[late]
    _, stricter, _ = run(text, grace_days=3)
    assert stricter.fired[late]
    _, by_share, _ = run(text, habit_share=0.4)
    assert by_share.fired[late]


def test_habitual_lateness__late_on_every_invoice_by_a_few_days_is_a_habit_that_ranks_but_does_not_alarm():
    """How often counts, not only how many days: four days late every time is within the grace
    days, yet late more often than not; it ranks the customer above an on-time one and above
    an occasional forty-day payer of the same typical lateness for paying late at all."""
    text = (HEAD + 'customer rare "Rare Ltd" terms=30\n' + paid_invoices("late", [4] * 12)
            + paid_invoices("ontime", [0] * 12) + paid_invoices("rare", [0] * 10 + [48, 0]))
    frame, result, m = run(text)
    late, ontime, rare = (customer_index(frame, c) for c in ("late", "ontime", "rare"))
    assert m.own[late] < 5 and m.own_share[late] == 1 and result.fired[late]
    assert not result.fired[ontime] and result.strength[ontime] == 0
    how_late = m.typical[late] / (m.typical[late] + 30)
    assert result.strength[late] == pytest.approx(1 - (1 - how_late) * (1 - 0.5 * m.share[late]))
    assert result.alarm_strength[late] == pytest.approx(how_late) and how_late < 0.15  # a few days: barely an alarm
    assert result.fired[rare] and m.typical[rare] > m.typical[late]  # 48 days late once: more days on average...
    assert result.strength[late] > result.strength[rare]  # ...but far less often late
    assert result.evidence(late).startswith("paid its last 12 invoices 4 days late, median 4, 12 of them late")
    board = board_at(text, T)
    assert board.score[late] > 20 and board.alarm_score[late] < 5  # ranks, but the level stays low
    assert board.level[late] == 0


def test_habitual_lateness__a_customer_without_settled_invoices_is_not_judged():
    frame, result, m = run(LEDGER + "customer fresh \"Fresh\" terms=30\ninvoice fresh F/1 2024-03-01 100.00\n")
    fresh = customer_index(frame, "fresh")
    assert m.count[fresh] == 0 and np.isnan(m.own[fresh]) and not result.fired[fresh]


def test_habitual_lateness__open_invoices_and_early_payment_spread_in_evidence():
    frame, result, _ = run(HEAD + paid_invoices("late", [-3, 40, 40, 40, 40]))
    assert result.evidence(customer_index(frame, "late")).startswith(
        "paid its last 5 invoices from 3 days early to 40 days late, median 40")


def test_company_norm__whole_months_before_the_current_one_then_all_before_it_then_zero():
    p = habitual_lateness.Params(norm_months=1)
    day = np.array([dt.date(2024, 1, 10), dt.date(2024, 2, 20), dt.date(2024, 6, 5)])
    day = np.array([d.toordinal() for d in day], dtype=np.int64)
    late = np.array([10.0, 20.0, 60.0])
    q = [dt.date(2023, 12, 15), dt.date(2024, 2, 5), dt.date(2024, 3, 10), dt.date(2024, 5, 1),
         dt.date(2024, 6, 30), dt.date(2024, 7, 1)]
    norm = habitual_lateness.company_norm(day, late, np.array([d.toordinal() for d in q], dtype=np.int64), p)
    # Dec: nothing before; Feb: January's; Mar: February's; May: none in April, all before May;
    # 30 Jun: none in May (the 5 Jun one is this month's); 1 Jul: June's
    assert norm.tolist() == [0.0, 10.0, 20.0, 15.0, 15.0, 60.0]


def test_habitual_lateness__a_payment_this_month_moves_no_other_customer():
    """The norm is last months': one customer paying today rewrites nobody else's flag."""
    base = LEDGER + "invoice ontime X/1 2024-01-20 100.00\n"
    paid_today = base + "payment ontime PX 2024-03-31 100.00 -> X/1\n"  # 40 days late
    (f1, r1, m1), (_, r2, m2) = run(base), run(paid_today)
    late = customer_index(f1, "late")
    assert m1.norm[late] == m2.norm[late] and m1.typical[late] == m2.typical[late]
    assert r1.evidence(late) == r2.evidence(late)


def test_segments__chronic_late_follows_the_typical_lateness():
    # 20 days late on average, unsteadily (a steady 20 would be a patient case: test_segments)
    text = HEAD + paid_invoices("late", [5, 35] * 6) + paid_invoices("ontime", [0] * 12)
    board = board_at(text, T)
    late = customer_index(board.frame, "late")
    assert SEGMENTS[board.segment[late]] == "chronic_late"
    # the indicator's own settings shape the measure the segment reads: a heavy prior pulls the
    # customer's 20 days towards the company's 10, below the 15 days that make chronic late
    heavy = parse_policy({"indicators": {"habitual_lateness": {"prior_invoices": 30}}})
    assert SEGMENTS[board_at(text, T, heavy).segment[late]] == "good"
    # and weighing it at 0 in the score does not change the segment
    unweighted = parse_policy({"indicators": {"habitual_lateness": {"weight": 0}}})
    assert SEGMENTS[board_at(text, T, unweighted).segment[late]] == "chronic_late"
    assert Policy().segments.chronic_late_days == 15


def test_habitual_lateness__the_title_shown_claims_no_more_than_the_measure():
    """A customer paying 3 of its last 12 invoices late (the demo's C0032: median 8 days early) has
    a record of paying late, on average more than the grace days; its flag said "Always pays late"."""

    some = [-8] * 9 + [40, 45, 50]
    text = HEAD + paid_invoices("late", some) + paid_invoices("ontime", [-5] * 12)
    frame, result, m = run(text)
    c = customer_index(frame, "late")
    assert result.fired[c] and m.own_share[c] < 0.5  # fired by how late, not by how often
    board = board_at(text, T)
    desired = plan(board, WrittenState(), Policy(), dt.date.fromisoformat(T), TEMPLATES)
    (flag,) = [f for f in desired.flags if f.customer_id == "late"]
    (line,) = [r for r in flag.reasons if wording.indicator_of(r) == "habitual_lateness"]
    assert line.startswith("Record of paying late: paid its last 12 invoices from 8 days early to 50 days late, "
                           "median 8 days early, 3 of them late")
    assert "always" not in line.lower()
    assert wording.indicator_of("Always pays late: written with the old name") == "habitual_lateness"


def test_habitual_lateness__a_median_before_the_due_day_reads_as_days_early():
    """The evidence said "median -8" (and "median -0" for half a day early); the range before it
    says "from 8 days early", so the median says it the same way."""
    frame, result, _ = run(HEAD + paid_invoices("late", [-8] * 9 + [40, 45, 50]))
    assert "median 8 days early, 3 of them late" in result.evidence(customer_index(frame, "late"))
    frame, result, _ = run(HEAD + paid_invoices("late", [-1] * 6 + [0] * 2 + [30] * 4))
    assert "median 0, 4 of them late" in result.evidence(customer_index(frame, "late"))
    assert habitual_lateness._median_words(-0.5) == "0" and habitual_lateness._median_words(27.0) == "27"
