"""Risk flags for a write-back that applies only the diff: a written flag stands for an unchanged one.

``diff`` rewrites a flag only when its level, its segment or the set of its reasons (by warning
sign) changed (``diffing._flag_changed``). Rendering every customer's evidence to learn that
nothing changed is most of a no-change nightly run (2,000 customers, every one flagged at the
default ``flag_min_level``). ``kept_flags`` finds each customer's warning signs from the board's
contributions, as ``ScoreBoard.customer`` ranks them, and renders the evidence only of the flags
that changed; where nothing changed the written ``Flag`` stands in, as the planner's
``render_written=False`` does for tasks. The diff is the same as with ``planner.plan_flags``
(``tests/test_kept_flags.py``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from . import wording
from .actions import Flag, WrittenState
from .credit_policy import LEVEL_NAMES
from .diffing import reason_ids
from .plan_view import Explained
from .policy import LEVELS, Policy
from .scoring import ScoreBoard
from .segments import SEGMENTS


def kept_flags(board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date,
               explained: Explained) -> tuple[Flag, ...]:
    """``planner.plan_flags``' flags, the unchanged ones being the written flags themselves."""
    minimum = LEVEL_NAMES.index(policy.credit.flag_min_level)
    customers = np.flatnonzero(board.level >= minimum)
    before = {f.customer_id: f for f in written.flags}
    signs = _signs(board, customers) if before else {}
    flags = []
    for c in customers.tolist():
        cid = str(board.frame.c_id[c])
        old = before.get(cid)
        if (old is not None and old.level == LEVELS[board.level[c]] and old.segment == SEGMENTS[board.segment[c]]
                and signs.get(c) is not None and reason_ids(old) == signs[c]):
            flags.append(old)
            continue
        s = explained.customer(c)
        flags.append(Flag(customer_id=s.customer_id, level=s.level, score=s.score, segment=s.segment,
                          reasons=tuple(wording.reason(r.indicator, r.evidence) for r in s.reasons), as_of=today))
    return tuple(sorted(flags, key=lambda fl: fl.customer_id))


def _signs(board: ScoreBoard, customers: np.ndarray) -> dict[int, frozenset[str] | None]:
    """Each customer's ``reason_ids`` as its flag would give them: the names of its top reasons
    (``ScoreBoard.customer``: contributions, largest first, the positive ones); None where a name
    holds a colon (its reason line would then be cut elsewhere: rendered to be sure)."""
    if not len(customers) or not len(board.indicators):
        return {int(c): frozenset() for c in customers}
    names = [wording.reason(ind.id, "") for ind in board.indicators]
    plain = [":" not in name for name in names]
    part = board.contributions[:, customers]
    order = np.argsort(-part, axis=0, kind="stable")[: board.top_reasons]
    found: dict[int, frozenset[str] | None] = {}
    for j, c in enumerate(customers.tolist()):
        top = []
        for k in order[:, j].tolist():
            if part[k, j] <= 0:
                break
            top.append(k)
        found[c] = frozenset(names[k].strip() for k in top) if all(plain[k] for k in top) else None
    return found
