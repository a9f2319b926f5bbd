"""What arwatch writes back, and the diff between what is written and what should be.

The planner computes a ``DesiredState`` from scores and policy; ``diff(written, desired)``
yields the ``Change``s an adapter applies. Every change carries a stable ``key`` so a rerun
that finds it already applied does nothing, and every change can be undone (a hold is
released, a task closed, a flag cleared).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field

EPISODE = "episode:"  # the cause prefix of the ladder's tasks: "episode:<first overdue day>"
FOLLOW_UP = ("promise:", "plan:")  # cause prefixes of the calls following up a broken promise, a missed instalment
MONTH = "month:"  # the cause prefix of the monthly statements: "month:<yyyy-mm>"


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Flag(_Value):
    """The risk flag on a customer."""

    customer_id: str
    level: str
    score: float
    segment: str
    reasons: tuple[str, ...] = ()  # "aging: INV/2 (250.00 open) 61 days past due", top first
    as_of: dt.date

    @property
    def key(self) -> str:
        return f"flag:{self.customer_id}"


class Hold(_Value):
    """A credit hold: new orders only with payment upfront (seed 003)."""

    customer_id: str
    rule: str  # the policy rule that placed it ("delinquent", "level:critical", "fraud")
    reason: str
    since: dt.date

    @property
    def key(self) -> str:
        return f"hold:{self.customer_id}"


class Override(_Value):
    """A manager lifted (or forced) a hold until a date; the planner respects it."""

    customer_id: str
    release_until: dt.date
    by: str
    reason: str


class Task(_Value):
    """A collection task: one per customer, step and cause, never duplicated.

    Attributes:
      cause: what it is about ("episode:2026-10-02", "promise:2026-11-02", "month_end_payer").
      body: the rendered template or call script.
      rule: the policy rule that made it fire, for the explanation.
    """

    customer_id: str
    step: str
    cause: str
    title: str
    body: str = ""
    channel: str = "todo"  # email, letter, call, todo, approval
    due_date: dt.date
    assignee: str | None = None
    rule: str = ""
    evidence: tuple[str, ...] = ()
    invoice_id: str | None = None
    needs_approval: bool = False

    @property
    def key(self) -> str:
        return f"task:{self.customer_id}:{self.step}:{self.cause}"


REMEMBERED = (EPISODE, MONTH)  # the cause prefixes of the tasks ``remembered`` after they close
REMEMBERED_DAYS = 400  # how long a remembered task, and a call that told a hold, is kept after it closes


def remembered(task: Task) -> bool:
    """A step of the ladder (cause ``episode:<day>``) is kept as done after it closes, for
    ``REMEMBERED_DAYS``: the planner reads a customer's position on the ladder from the episode's
    open and done steps. So is a monthly statement (cause ``month:<yyyy-mm>``): never sent twice
    in one month."""
    return task.cause.startswith(REMEMBERED)


#: how the title of a call that tells the customer of its credit hold ends (core/hold_notice.py)
HOLD_ON_CALL = "; tell them of the credit hold, then send the hold letter"


def told_hold(task: Task) -> bool:
    """A call that told the customer of its credit hold (its title says so: a task read back from
    a target has its title, not its evidence); kept in ``WrittenState.told`` once written."""
    return task.step == "phone_call" and task.title.endswith(HOLD_ON_CALL)


class DesiredState(_Value):
    """What should be written in the accounting system after this run."""

    as_of: dt.date
    flags: tuple[Flag, ...] = ()
    holds: tuple[Hold, ...] = ()
    tasks: tuple[Task, ...] = ()
    release_why: tuple[tuple[str, str], ...] = ()  # (customer id, why) of the holds written and not desired


class WrittenState(_Value):
    """What arwatch has written (as read back from the system or the state store).

    ``tasks`` are the open ones; ``overrides`` the managers' hold releases still in force;
    ``done_tasks`` those a person completed recently (a target that keeps them, such as the Odoo
    add-on, reports them for a while), and the ladder's steps closed by arwatch (``remembered``,
    kept by the state store): the diff neither reopens them while their cause lasts nor closes
    them again, and the planner reads the position on the ladder from them. ``told`` are the
    calls that told a customer of its credit hold (``told_hold``), kept from the day they were
    opened (or closed), open or closed, by whomever and however long ago (the state store keeps
    them; the Odoo add-on reads its activities, done ones too): only the hold notice reads them
    (a hold told is not told again), the diff does not, so a follow-up call closed is reopened
    when its cause comes back.
    """

    flags: tuple[Flag, ...] = ()
    holds: tuple[Hold, ...] = ()
    tasks: tuple[Task, ...] = ()
    overrides: tuple[Override, ...] = ()
    done_tasks: tuple[Task, ...] = ()
    told: tuple[Task, ...] = ()


class Op(str, Enum):
    SET_FLAG = "set_flag"
    CLEAR_FLAG = "clear_flag"
    PLACE_HOLD = "place_hold"
    RELEASE_HOLD = "release_hold"
    OPEN_TASK = "open_task"
    CLOSE_TASK = "close_task"


class Change(_Value):
    """One write. ``before`` is what it replaces (for the audit and for undo)."""

    op: Op
    key: str
    customer_id: str
    flag: Flag | None = None
    hold: Hold | None = None
    task: Task | None = None
    before: Flag | Hold | Task | None = None
    why: str = ""


class Diff(_Value):
    changes: tuple[Change, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes)

    def count(self, op: Op) -> int:
        return sum(1 for c in self.changes if c.op is op)


class ApplyResult(_Value):
    """The outcome of one change in the target system."""

    key: str
    op: Op
    ok: bool
    error: str = ""
    external_id: str | None = None  # e.g. the mail.activity id or the Attachable id
    details: dict[str, str] = Field(default_factory=dict)
