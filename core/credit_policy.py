"""The credit policy: terms, limits, hold rules and the treatment ladders (warning-signs.md B-D).

A ladder is a list of ``StepRule``s per customer segment (plus ``all`` for every segment);
each rule says when its step fires: how many days past due (negative: before the due date),
only beyond the customer's own habitual window, for which risk levels, and which indicators
must fire too. The planner (``core/planner.py``) turns the rules into tasks and holds.

Defaults follow the seeds: patience of 30 days before anything beyond reminders (002), no
action inside a good customer's habit, a phone call near 60 days (001), agency referral from
the 91st day with silence or broken promises as a manager's approval (000, 003), investigation
and no dunning on fraud suspicion (002), a review for the salesperson on external distress (004).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

# Kept equal to core.policy.LEVELS and core.segments.SEGMENTS by a test (importing them here
# would be circular: policy.py imports this module).
LEVEL_NAMES: tuple[str, ...] = ("low", "medium", "high", "critical")
SEGMENT_NAMES: tuple[str, ...] = ("good", "new", "chronic_late", "delinquent", "under_review")
INDICATOR_IDS: tuple[str, ...] = (  # warning-signs.md table A, in the registry's order (a test keeps them equal)
    "silence", "sudden_complaints", "hearsay", "volume_drop", "failed_payments", "bank_churn", "disputes",
    "staff_exodus", "habit_slip", "habitual_lateness", "slowing_trend", "selective_payment", "aging",
    "broken_promise", "external_distress", "fraud_suspicion", "month_end_payer",
)
STEPS: tuple[str, ...] = (
    "pre_due_courtesy", "reminder", "phone_call", "payment_plan_offer", "billing_cycle_change",
    "credit_hold", "agency_referral", "fraud_investigation", "sales_review", "dispute_review",
)
# Steps a schedule plans, not a ladder (the monthly statement, [credit.statements]); every step
# of both has a template (core/templates/<step>.j2).
SCHEDULED: tuple[str, ...] = ("statement_of_account",)
TEMPLATE_STEPS: tuple[str, ...] = STEPS + SCHEDULED
# Steps that go beyond a reminder: before ``patience_days`` past due only with ``early = true``.
BEYOND_REMINDERS: frozenset[str] = frozenset({"phone_call", "payment_plan_offer", "agency_referral"})
# The ladder's rungs, friendliest first: one open per customer and episode (core/ladder.py).
ESCALATION: tuple[str, ...] = ("reminder", "phone_call", "payment_plan_offer", "agency_referral")
DUNNING: tuple[str, ...] = ("pre_due_courtesy", "reminder", "phone_call", "payment_plan_offer",
                            "billing_cycle_change", "agency_referral", "credit_hold")
CHANNELS: tuple[str, ...] = ("email", "letter", "call", "todo", "approval")
Scope = Literal["invoice", "overdue", "account", "promise", "hold", "dispute"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def one_of(value: str, allowed: tuple[str, ...], what: str) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError naming the choices."""
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; one of {', '.join(allowed)}")
    return value


def some_of(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    """``values`` if each is one of ``allowed``, else a ValueError naming the unknown ones."""
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; one of {', '.join(allowed)}")
    return values


class StepRule(_Section):
    """When one step of a ladder fires.

    Attributes:
      scope: ``invoice`` one task per qualifying open invoice (cause ``invoice:<id>``);
        ``overdue`` one task per customer while any open invoice qualifies (cause ``overdue``);
        for the steps of ``ESCALATION`` both make a rung of the ladder instead: one task per
        customer and episode (cause ``episode:<first overdue day>``), see core/ladder.py;
        ``account`` one task per customer while one of ``requires`` fires (cause: that indicator);
        ``promise`` one task per broken promise or off-track payment plan (cause
        ``promise:<date>`` / ``plan:<agreed date>``); ``hold`` one task while a hold is desired;
        ``dispute`` one task per customer while a dispute is open ``from_days`` days or more
        (cause ``disputes``), closed when none is.
      from_days / until_days: days past due (negative: before the due date) of the invoice,
        inclusive; for ``invoice`` and ``overdue`` scopes; for ``dispute``, days it has been open.
      beyond_habit: only once the invoice is older than the customer's habit + grace (applies to
        the segments of ``CreditPolicy.habit_segments`` with a known habit).
      large_only: only invoices with at least ``CreditPolicy.large_invoice`` open.
      requires: indicators of which at least one must fire.
      assignee: ``collections``, ``salesperson``, ``manager`` or a user name.
      early: allow a step beyond reminders before ``patience_days`` past due.
      wait_days: a rung opens this many days after the due date of the rung below it at the
        earliest (and after the episode's last payment or promise).
      entry_needs_contact: a customer without any rung of the episode on record (a first run
        over a backlog) enters the ladder at its lowest rung that fires; at this rung only when
        a contact attempt of the episode is on record (otherwise at the next one up that fires).
    """

    step: str
    scope: Scope = "invoice"
    from_days: int | None = None
    until_days: int | None = None
    beyond_habit: bool = True
    large_only: bool = False
    levels: tuple[str, ...] = LEVEL_NAMES
    requires: tuple[str, ...] = ()
    channel: str = "email"
    assignee: str = "collections"
    needs_approval: bool = False
    due_in_days: int = Field(default=0, ge=0, le=365, description="task due this many days after it fires")
    early: bool = False
    wait_days: int = Field(default=7, ge=0, le=365, description="days after the rung below before this one opens")
    entry_needs_contact: bool = False

    @field_validator("step")
    @classmethod
    def _known_step(cls, value: str) -> str:
        return one_of(value, STEPS, "step")

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        return one_of(value, CHANNELS, "channel")

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError(f"levels must be some of {', '.join(LEVEL_NAMES)}; got []")
        return some_of(value, LEVEL_NAMES, "level")

    @field_validator("requires")
    @classmethod
    def _known_indicators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return some_of(value, INDICATOR_IDS, "indicator")

    @model_validator(mode="after")
    def _coherent(self) -> StepRule:
        timed = self.scope in ("invoice", "overdue", "dispute")
        if timed and self.from_days is None:
            raise ValueError(f"from_days: required for scope {self.scope!r}")
        if not timed and (self.from_days is not None or self.until_days is not None):
            raise ValueError(f"from_days: only for scopes invoice, overdue and dispute, not {self.scope!r}")
        if self.until_days is not None and self.from_days is not None and self.until_days < self.from_days:
            raise ValueError(f"until_days: {self.until_days} is before from_days {self.from_days}")
        if self.scope == "account" and not self.requires:
            raise ValueError("requires: scope 'account' fires on indicators; name at least one")
        if self.step == "agency_referral" and not self.needs_approval:
            raise ValueError("needs_approval: an agency referral is a task a manager approves")
        return self


def _rule(step: str, **kw: Any) -> StepRule:
    return StepRule(step=step, **kw)


def _default_ladders() -> dict[str, tuple[StepRule, ...]]:
    courtesy = dict(scope="invoice", from_days=-3, until_days=-1, beyond_habit=False, channel="email")
    agency = dict(scope="overdue", from_days=91, requires=("silence", "broken_promise"), channel="approval",
                  assignee="manager", needs_approval=True, wait_days=14)
    plan_offer = dict(entry_needs_contact=True)  # a schedule is offered to a customer we have spoken to
    return {
        "all": (
            _rule("fraud_investigation", scope="account", requires=("fraud_suspicion",), channel="todo",
                  assignee="manager"),
            _rule("sales_review", scope="account", requires=("external_distress",), channel="todo",
                  assignee="salesperson"),
            _rule("billing_cycle_change", scope="account", requires=("month_end_payer",), channel="email",
                  assignee="salesperson"),
            _rule("credit_hold", scope="hold", channel="letter"),
            _rule("phone_call", scope="promise", channel="call"),
            _rule("dispute_review", scope="dispute", from_days=30, channel="todo"),
        ),
        "good": (
            _rule("pre_due_courtesy", large_only=True, **courtesy),
            _rule("reminder", scope="overdue", from_days=1, channel="email"),
            _rule("phone_call", scope="overdue", from_days=55, levels=("low", "medium"), channel="call"),
            _rule("phone_call", scope="overdue", from_days=30, levels=("high", "critical"), channel="call"),
            _rule("payment_plan_offer", scope="overdue", from_days=61, channel="email", **plan_offer),
            _rule("agency_referral", **agency),
        ),
        "new": (
            _rule("pre_due_courtesy", **courtesy),
            _rule("reminder", scope="overdue", from_days=1, channel="email"),
            _rule("phone_call", scope="overdue", from_days=30, channel="call"),
            _rule("payment_plan_offer", scope="overdue", from_days=45, channel="email", **plan_offer),
            _rule("agency_referral", **agency),
        ),
        "chronic_late": (
            _rule("pre_due_courtesy", large_only=True, **courtesy),
            _rule("reminder", scope="overdue", from_days=1, channel="email"),
            _rule("phone_call", scope="overdue", from_days=30, channel="call"),
            _rule("payment_plan_offer", scope="overdue", from_days=45, channel="email", **plan_offer),
            _rule("agency_referral", **agency),
        ),
        "delinquent": (
            _rule("reminder", scope="overdue", from_days=1, channel="letter"),
            _rule("phone_call", scope="overdue", from_days=30, channel="call"),
            _rule("payment_plan_offer", scope="overdue", from_days=31, channel="letter", **plan_offer),
            _rule("agency_referral", **agency),
        ),
        "under_review": (
            _rule("reminder", scope="overdue", from_days=1, channel="email"),
            _rule("phone_call", scope="overdue", from_days=30, channel="call"),
            _rule("agency_referral", **agency),
        ),
    }


class HoldPolicy(_Section):
    """When a credit hold (new orders only with payment upfront) is placed and released.

    A hold is placed when one cause fires; while held, the level cause keeps the hold as long
    as the score stays at or above ``release_below_score`` (a lower threshold than the level
    that placed it), and every cause must have been clear for ``clear_days`` consecutive days
    before the hold is released, so a customer does not flap between held and released.
    """

    enabled: bool = True
    segments: tuple[str, ...] = Field(default=("delinquent",), description="segments that are held")
    levels: tuple[str, ...] = Field(default=("critical",), description="risk levels that are held")
    indicators: tuple[str, ...] = Field(default=("fraud_suspicion",), description="indicators that hold")
    over_limit_with_overdue: bool = Field(default=True,
                                          description="open balance above the credit limit with an invoice overdue "
                                                      "past the customer's habitual window (habit_segments)")
    over_limit_overdue_days: int = Field(default=1, ge=0, description="...at least this many days past due")
    clear_days: int = Field(default=7, ge=1, le=90,
                            description="consecutive days every cause must be clear before release")
    release_below_score: float = Field(default=60, ge=0, le=100,
                                       description="a level hold is kept while the score is at or above this")
    release_on_payment: bool = Field(default=True,
                                     description="a payment or credit note that leaves nothing overdue releases "
                                                 "the hold at the next run, without the clear_days wait")

    @field_validator("segments")
    @classmethod
    def _known_segments(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in SEGMENT_NAMES]
        if unknown:
            raise ValueError(f"unknown segment(s) {unknown}; one of {', '.join(SEGMENT_NAMES)}")
        return value

    @field_validator("levels")
    @classmethod
    def _known_levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in LEVEL_NAMES]
        if unknown:
            raise ValueError(f"unknown level(s) {unknown}; one of {', '.join(LEVEL_NAMES)}")
        return value

    @field_validator("indicators")
    @classmethod
    def _known_indicators(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [v for v in value if v not in INDICATOR_IDS]
        if unknown:
            raise ValueError(f"unknown indicator(s) {unknown}")
        return value


class LetterPolicy(_Section):
    """Who signs the letters and e-mails: without a name they are signed with the company's name."""

    sender_name: str = Field(default="", description="the person who signs, e.g. \"Maria Keller\"")
    sender_title: str = Field(default="", description="e.g. \"Credit controller\"")
    sender_phone: str = ""
    sender_email: str = ""


class StatementPolicy(_Section):
    """A statement of account per customer each month, on request: every open and overdue invoice
    with the totals, one per customer per month (cause ``month:<yyyy-mm>``), from ``day`` of the
    month; not to a customer referred to an agency or under fraud investigation."""

    monthly: bool = Field(default=False, description="send each customer with an open balance a monthly statement")
    day: int = Field(default=1, ge=1, le=28, description="day of the month from which it is sent")
    channel: str = Field(default="email", description="email or letter")
    assignee: str = "collections"

    @field_validator("channel")
    @classmethod
    def _sent(cls, value: str) -> str:
        return one_of(value, ("email", "letter"), "channel")


class CreditPolicy(_Section):
    """Terms, limits, holds and the treatment ladder per segment and risk level."""

    terms_days: int = Field(default=30, ge=0, le=3650, description="terms quoted to customers without their own")
    default_credit_limit: float = Field(default=0, ge=0,
                                        description="limit for customers without one; 0: no limit")
    large_invoice: float = Field(default=5000, ge=0, description="open amount that makes an invoice large")
    patience_days: int = Field(default=30, ge=0, description="nothing beyond reminders before this many days "
                                                             "past due (seed 002), unless a rule says early")
    habit_segments: tuple[str, ...] = Field(default=("good", "chronic_late"),
                                            description="segments whose habitual window is respected")
    habit_grace_days: int = Field(default=7, ge=0, description="days beyond the habit still inside the window")
    habit_min_history: int = Field(default=3, ge=1, description="paid invoices needed to know a habit")
    habit_last_n: int = Field(default=12, ge=1, description="paid invoices the habit is taken from")
    flag_min_level: str = Field(default="low", description="customers at or above this level get a flag")
    calls_per_day: int = Field(default=25, ge=1, le=1000,
                               description="calls a collector makes a day: the call list ranks by money at risk "
                                           "and carries the rest over to the next day")
    collections_user: str = "collections"
    manager_user: str = "manager"
    fraud_stops: tuple[str, ...] = Field(default=DUNNING,
                                         description="steps not planned while fraud_suspicion fires")
    friendly_steps: tuple[str, ...] = Field(
        default=("pre_due_courtesy", "reminder", "payment_plan_offer", "billing_cycle_change"),
        description="steps whose text is friendly: not planned for a customer on credit hold, in a payment "
                    "plan, referred to an agency or under fraud investigation")
    pause_while_promised: tuple[str, ...] = Field(
        default=("reminder", "phone_call", "payment_plan_offer"),
        description="steps paused while a promise is pending or a payment plan is on track")
    holds: HoldPolicy = Field(default_factory=HoldPolicy)
    letters: LetterPolicy = Field(default_factory=LetterPolicy)
    statements: StatementPolicy = Field(default_factory=StatementPolicy)
    ladders: dict[str, tuple[StepRule, ...]] = Field(
        default_factory=_default_ladders,
        description="per segment (and `all` for every segment): the steps and when they fire; a file "
                    "that names a segment's ladder replaces that ladder only (keys: see StepRule in "
                    "core/credit_policy.py; omitted keys take their defaults)")

    @field_validator("flag_min_level")
    @classmethod
    def _level(cls, value: str) -> str:
        return one_of(value, LEVEL_NAMES, "level")

    @field_validator("habit_segments")
    @classmethod
    def _segments(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return some_of(value, SEGMENT_NAMES, "segment")

    @field_validator("fraud_stops", "pause_while_promised", "friendly_steps")
    @classmethod
    def _steps(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return some_of(value, STEPS, "step")

    @field_validator("ladders", mode="before")
    @classmethod
    def _merge_defaults(cls, value: object) -> object:
        """A policy file names only the ladders it changes; the others keep their defaults."""
        return {**_default_ladders(), **value} if isinstance(value, dict) else value

    @field_validator("ladders")
    @classmethod
    def _ladder_keys(cls, value: dict[str, tuple[StepRule, ...]],
                     info: ValidationInfo) -> dict[str, tuple[StepRule, ...]]:
        unknown = [k for k in value if k not in SEGMENT_NAMES + ("all",)]
        if unknown:
            raise ValueError(f"unknown segment(s) {unknown}; one of {', '.join(SEGMENT_NAMES)} or all")
        patience = info.data.get("patience_days", 30)
        for name, ladder in value.items():
            for i, rule in enumerate(ladder):
                if (rule.step in BEYOND_REMINDERS and rule.from_days is not None
                        and rule.from_days < patience and not rule.early):
                    raise ValueError(f"{name}.{i}.from_days: {rule.step} at {rule.from_days} days past due "
                                     f"is before patience_days ({patience}); set early = true to allow it")
        return value

    def ladder(self, segment: str) -> tuple[tuple[str, int, StepRule], ...]:
        """(ladder name, index, rule) for a segment: its own rules, then those for ``all``."""
        return tuple((name, i, rule) for name in (segment, "all")
                     for i, rule in enumerate(self.ladders.get(name, ())))
