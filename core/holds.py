"""Credit holds: placed by the hold rules, released with hysteresis, lifted by a manager.

A hold is placed on the first day one of its causes fires. A held customer stays held while
any cause fires, where the level cause uses the lower ``release_below_score`` threshold (on the
alarm score the level comes from, ``ScoreBoard.alarm_score``: a habit ranks, it holds no one), and
until every cause has been clear for ``clear_days`` consecutive days (checked by scoring the
frame as of each of those days, so the rule needs nothing stored beyond the hold itself).
A manager's override (``WrittenState.overrides``) lifts the hold until its date. With
``release_on_payment`` a customer who has paid (or had a credit note allocated) since the hold
began, or in the last ``clear_days``, and has nothing overdue is released at once when no cause
fires today: the ``clear_days``
wait is for a hold whose cause faded without payment. A dispute pauses the dunning of its invoice,
not a hold: a held customer with an invoice past due held by a dispute opened on or after its hold's day
stays held (``disputed_since_hold``) until the dispute ends (resolved, or the invoice paid or
credited) or a manager lifts the hold; recording disputes is no way around a manager.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from . import wording
from .actions import Hold, WrittenState
from .columnar import NEVER, among
from .credit_policy import LEVEL_NAMES, SEGMENT_NAMES, CreditPolicy, HoldPolicy
from .disputed import held_by_dispute, open_disputes
from .formats import DEFAULT_LOCALE, Style
from .frame import PAYMENT_STATES, LedgerFrame
from .habit import habit_window
from .indicators.aging import oldest_days_past_due, overdue_rows
from .model import PaymentState
from .policy import Policy
from .scoring import ScoreBoard, score
from .settlement import settlement


def fired(board: ScoreBoard, indicator_id: str) -> np.ndarray:
    """The indicator's fired array, all False when the board did not run it."""
    for result in board.results:
        if result.indicator == indicator_id:
            return result.fired
    return np.zeros(board.frame.n_customers, dtype=bool)


def evidence(board: ScoreBoard, indicator_id: str, c: int, locale: str = DEFAULT_LOCALE) -> str:
    """The indicator's evidence for customer ``c`` in ``locale`` ("" when the board did not run it)."""
    for result in board.results:
        if result.indicator == indicator_id:
            return result.evidence(c, locale)
    return ""


def open_balance(board: ScoreBoard) -> np.ndarray:
    """Each customer's open balance (cached on the frame: a hold's reason reads it customer by customer)."""
    frame = board.frame
    found: np.ndarray | None = frame.extra.get("open_balance")
    if found is None:
        st = settlement(frame)
        found = frame.extra["open_balance"] = np.bincount(frame.i_cust, weights=np.where(st.is_open, st.residual, 0.0),
                                                          minlength=frame.n_customers)
        found.flags.writeable = False
    return found


def _with_default(limits: Any, credit: CreditPolicy) -> Any:
    """Limits (an array, or one customer's), the policy's default where there is none (NaN: no limit)."""
    default = credit.default_credit_limit
    return limits if not default else np.where(np.isnan(limits), default, limits)


def credit_limit(board: ScoreBoard, policy: Policy) -> np.ndarray:
    """Each customer's limit, the policy's default where it has none (NaN: no limit)."""
    limits: np.ndarray = _with_default(board.frame.c_credit_limit, policy.credit)
    return limits


def effective_limit(limit: float, credit: CreditPolicy) -> float | None:
    """One customer's limit as ``credit_limit`` reads it (None: no limit): for a hold letter."""
    value = float(_with_default(limit, credit))
    return None if np.isnan(value) else value


def cause_masks(board: ScoreBoard, policy: Policy, held: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """(rule, customers it holds) per hold rule, most specific first; ``held`` customers use the
    lower score threshold for the level rule."""
    rules: HoldPolicy = policy.credit.holds
    masks: list[tuple[str, np.ndarray]] = []
    for indicator in rules.indicators:
        masks.append((f"indicator:{indicator}", fired(board, indicator)))
    for name in rules.segments:
        masks.append((f"segment:{name}", board.segment == SEGMENT_NAMES.index(name)))
    if rules.over_limit_with_overdue:  # overdue past the customer's habit: a 60-day payer 30 days in is not held
        over = open_balance(board) > credit_limit(board, policy)  # False where the limit is NaN
        beyond = habit_window(board.frame, board.segment, policy.credit).beyond
        overdue = oldest_days_past_due(board.frame, beyond) >= max(rules.over_limit_overdue_days, 1)
        masks.append(("over_limit", over & overdue))
    if rules.levels:
        at_level = np.isin(board.level, [LEVEL_NAMES.index(level) for level in rules.levels])
        keeps = held & (board.alarm_score >= rules.release_below_score)
        masks.append((f"level:{'/'.join(rules.levels)}", at_level | keeps))
    return masks


def any_cause(board: ScoreBoard, policy: Policy, held: np.ndarray) -> np.ndarray:
    out = np.zeros(board.frame.n_customers, dtype=bool)
    for _, mask in cause_masks(board, policy, held):
        out |= mask
    return out


#: how many of the warning signs that drove a customer's score a hold on its risk level names
#: (its flag's first reasons: the largest contributions first)
RISK_DRIVERS = 3


def reason_for(board: ScoreBoard, policy: Policy, rule: str, c: int, locale: str = DEFAULT_LOCALE) -> str:
    """The words written on the hold for customer ``c`` (no rule ids: core/wording.py; amounts with
    their currency in ``locale``); a hold on the risk level names the signs that drove the score."""
    kind, _, name = rule.partition(":")
    if kind == "segment":
        who = wording.segment_words(name)
        return f"{who[:1].upper()}{who[1:]}: {_overdue_words(board, c, locale, policy.segments.delinquent_days)}"
    if kind == "level":
        signs = [(ind, evidence(board, ind, c, locale)) for ind in board.reason_indicators(c)[:RISK_DRIVERS]]
        return wording.risk_reason(LEVEL_NAMES[board.level[c]], SEGMENT_NAMES[board.segment[c]], board.score[c],
                                   signs)
    if kind == "indicator":
        return wording.reason(name, evidence(board, name, c, locale))
    limit = credit_limit(board, policy)[c]
    return wording.over_limit(float(open_balance(board)[c]), float(limit), board.frame.currency,
                              wording.in_locale(locale))


def _overdue_words(board: ScoreBoard, c: int, locale: str, delinquent_days: int = 91) -> str:
    """The customer's arrears, each fact once: "oldest invoice 120 days past due (INV/7, €8,100.00
    open, due 8 Aug 2026; 2 more overdue)"; when that is short of ``delinquent_days`` (or nothing
    overdue counts), also the broken promises and silence that made it delinquent."""
    frame = board.frame
    rows = overdue_rows(frame, c)
    said = [wording.reason(ind, evidence(board, ind, c, locale)) for ind in ("broken_promise", "silence")
            if fired(board, ind)[c]]
    if not rows:
        return "; ".join(said) or "nothing overdue that counts (disputed invoices wait)"
    s, oldest = Style(locale, frame.currency), rows[0]
    days = frame.as_of_day - int(frame.i_due[oldest])
    more = f"; {len(rows) - 1} more overdue" if len(rows) > 1 else ""
    why = "".join(f"; {line}" for line in said) if days < delinquent_days else ""
    return (f"oldest invoice {wording.days(days)} past due ({frame.i_number[oldest]}, "
            f"{s.money(settlement(frame).residual[oldest])} open, due {s.day(frame.i_due[oldest])}{more}){why}")


def _recently_caused(board: ScoreBoard, policy: Policy, held: np.ndarray, today: dt.date,
                     candidates: np.ndarray) -> np.ndarray:
    """Customers of ``candidates`` with a cause on one of the ``clear_days - 1`` days before today."""
    out = np.zeros(board.frame.n_customers, dtype=bool)
    for back in range(1, policy.credit.holds.clear_days):
        if not (candidates & ~out).any():
            break
        past = score(board.frame.as_of_date(today - dt.timedelta(days=back)), policy, board.indicators)
        out |= candidates & any_cause(past, policy, held)
    return out


def last_settled(frame: LedgerFrame) -> np.ndarray:
    """Per customer, the day of its last posted payment or allocated payment or credit note (-1: none)."""
    payment, credit = _last_payment_and_credit(frame)
    last: np.ndarray = np.maximum(payment, credit)
    return last


def _last_payment_and_credit(frame: LedgerFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per customer, the day of its last posted or allocated payment, and of its last allocated
    credit note (-1: none)."""
    posted = frame.p_state == PAYMENT_STATES.index(PaymentState.POSTED)
    credit = frame.a_payment < 0
    out = []
    for days, cust in ((np.r_[frame.p_day[posted], frame.a_day[~credit]],
                        np.r_[frame.p_cust[posted], frame.i_cust[frame.a_inv[~credit]]]),
                       (frame.a_day[credit], frame.i_cust[frame.a_inv[credit]])):
        last = np.full(frame.n_customers, -1, dtype=np.int64)
        np.maximum.at(last, cust.astype(np.int64), days.astype(np.int64))
        out.append(last)
    return out[0], out[1]


def paid_up(board: ScoreBoard, current: dict[str, Hold], clear_days: int) -> np.ndarray:
    """Held customers with nothing overdue today who paid, or had a payment or credit note
    allocated, since their hold began or within the last ``clear_days`` (a payment booked late
    with an earlier date)."""
    frame = board.frame
    last = last_settled(frame)
    window = int(frame.as_of_day) - clear_days
    since = np.array([min(current[str(c)].since.toordinal(), window) if str(c) in current else NEVER
                      for c in frame.c_id], dtype=np.int64)
    return (oldest_days_past_due(frame) <= 0) & (last >= since)


def disputed_since_hold(frame: LedgerFrame, current: dict[str, Hold]) -> np.ndarray:
    """Held customers with an invoice past due held by a dispute opened on or after their hold's
    day (the dispute stops the invoice's dunning; the money is still owed, so the hold stays)."""
    since = np.array([current[str(c)].since.toordinal() if str(c) in current else NEVER for c in frame.c_id],
                     dtype=np.int64)
    rows = np.flatnonzero(open_disputes(frame) & (frame.d_inv >= 0))
    inv = frame.d_inv[rows]
    rows = rows[held_by_dispute(frame)[inv] & (frame.i_due[inv] < frame.as_of_day)
                & (frame.d_open[rows] >= since[frame.d_cust[rows]])]
    out = np.zeros(frame.n_customers, dtype=bool)
    out[frame.d_cust[rows]] = True
    return out


def overridden(written: WrittenState, board: ScoreBoard, today: dt.date) -> np.ndarray:
    lifted = [o.customer_id for o in written.overrides if o.release_until >= today]
    return among(board.frame.c_id, lifted)


def desired_holds(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
                  locale: str = DEFAULT_LOCALE) -> tuple[Hold, ...]:
    """The holds that should be in place today (a kept hold is the written one, unchanged)."""
    if not policy.credit.holds.enabled:
        return ()
    frame = board.frame
    current = {h.customer_id: h for h in written.holds}
    held = among(frame.c_id, current)
    masks = cause_masks(board, policy, held)
    today_cause = np.zeros(frame.n_customers, dtype=bool)
    for _, mask in masks:
        today_cause |= mask
    lifted = overridden(written, board, today)
    disputed = held & ~today_cause & ~lifted & disputed_since_hold(frame, current)
    today_cause |= disputed  # kept as written, whatever was paid besides
    faded = held & ~today_cause & ~lifted
    if policy.credit.holds.release_on_payment:
        faded &= ~paid_up(board, current, policy.credit.holds.clear_days)
    keep = _recently_caused(board, policy, held, today, faded)
    holds = []
    for c in np.flatnonzero((today_cause | keep) & ~lifted):
        cid = str(frame.c_id[c])
        if cid in current:
            holds.append(current[cid])
            continue
        rule = next(name for name, mask in masks if mask[c])
        holds.append(Hold(customer_id=cid, rule=rule, reason=reason_for(board, policy, rule, int(c), locale),
                          since=today))
    return tuple(sorted(holds, key=lambda h: h.customer_id))


#: why every written hold is released when the policy turns credit holds off
HOLDS_OFF = "credit holds are turned off in the policy"


def release_why(board: ScoreBoard, written: WrittenState, policy: Policy, holds: tuple[Hold, ...],
                today: dt.date, locale: str = DEFAULT_LOCALE) -> tuple[tuple[str, str], ...]:
    """(customer id, why) for each written hold of a customer in the data that ``holds`` (the
    desired ones) releases without a manager's lift: paid or credited with nothing overdue, no
    cause for ``clear_days`` days running, or holds turned off in the policy."""
    frame, rules = board.frame, policy.credit.holds
    kept = {h.customer_id for h in holds} | {o.customer_id for o in written.overrides if o.release_until >= today}
    at = {str(c): k for k, c in enumerate(frame.c_id.tolist())}
    released = [h for h in written.holds if h.customer_id not in kept and h.customer_id in at]
    if not released:
        return ()
    if not rules.enabled:
        return tuple((h.customer_id, HOLDS_OFF) for h in released)
    style = Style(locale, frame.currency)
    paid = paid_up(board, {h.customer_id: h for h in written.holds}, rules.clear_days) if rules.release_on_payment \
        else np.zeros(frame.n_customers, dtype=bool)
    payment, credit = _last_payment_and_credit(frame)
    days = wording.days(rules.clear_days)
    out = []
    for hold in released:
        c, cause = at[hold.customer_id], wording.hold_cause(hold.rule)
        if not paid[c]:
            why = (f"no reason to hold for {days} running (held since {style.day(hold.since)} for: "
                   f"{cause[:1].lower()}{cause[1:]})")
        elif payment[c] >= credit[c]:
            why = f"paid: nothing overdue since the payment of {style.day(int(payment[c]))}"
        else:
            why = f"credited: nothing overdue since the credit note of {style.day(int(credit[c]))}"
        out.append((hold.customer_id, why))
    return tuple(out)


def hold_words(board: ScoreBoard, policy: Policy, holds: tuple[Hold, ...], locale: str = DEFAULT_LOCALE,
               ) -> dict[str, str]:
    """Per held customer in the board, its hold's words as of the board's day (the reason a hold
    keeps is its placing day's: the invoice it named may be paid since). A hold whose own cause
    no longer fires is worded by a cause that fires today, else as kept: its cause is gone and the
    hold waits for ``clear_days`` without one (or for the end of a dispute opened since it), never
    with its rule's words as of today ("Open balance €900.00 above the credit limit €1,000.00")."""
    at = {str(c): i for i, c in enumerate(board.frame.c_id.tolist())}
    held = among(board.frame.c_id, [h.customer_id for h in holds])
    masks = cause_masks(board, policy, held)
    current = {h.customer_id: h for h in holds}
    disputed = disputed_since_hold(board.frame, current)
    out = {}
    for h in holds:
        c = at.get(h.customer_id)
        if c is None:
            continue
        firing = [name for name, mask in masks if mask[c]]
        if firing:
            rule = h.rule if h.rule in firing else firing[0]
            out[h.customer_id] = reason_for(board, policy, rule, c, locale)
        else:
            out[h.customer_id] = _cleared_words(board, policy, h.rule, c, bool(disputed[c]), locale)
    return out


def _cleared_words(board: ScoreBoard, policy: Policy, rule: str, c: int, disputed: bool, locale: str) -> str:
    """A kept hold whose cause no longer fires: what it was held for, today's facts where they
    are a number (the balance against the limit), and what it waits for."""
    cause = wording.hold_cause(rule)
    facts = ""
    if rule == "over_limit":
        s = Style(locale, board.frame.currency)
        facts = (f": open balance {s.money(float(open_balance(board)[c]))}, credit limit "
                 f"{s.money(float(credit_limit(board, policy)[c]))}")
    days = policy.credit.holds.clear_days
    waits = ("held while a dispute opened since the hold keeps an overdue invoice out of dunning" if disputed
             else f"held until there has been no reason to hold for {wording.days(days)} running")
    return f"Held for: {cause[:1].lower()}{cause[1:]}, which no longer applies{facts}; {waits}"
