"""Desired flags, holds and tasks of a company: the core planner, as every arwatch runs it.

The add-on plans with the core planner's steps (``arwatch.core.planner``: the same ladders,
templates and keys as the sync engine). What is written already is not rendered again: a task
whose key is written (``render_written=False``), a flag whose level, segment and warning signs
are the written ones (``arwatch.core.kept_flags``); the write-back applies the diff, which
compares only those. Days and amounts of the hold reasons, task notes and evidence are written
in ``locale`` (the company's language, ``res.company``'s ``_arwatch_locale``), each amount with
the company's currency.
"""

from arwatch.core.actions import DesiredState
from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.holds import desired_holds
from arwatch.core.kept_flags import kept_flags
from arwatch.core.plan_view import Explained
from arwatch.core.planner import plan_tasks


def desired_state(board, written, policy, today, templates, company_name="", locale=DEFAULT_LOCALE):
    """The ``DesiredState`` for ``today`` (as ``arwatch.core.planner.plan`` with
    ``render_written=False``, the flags written standing for the unchanged ones)."""
    if board.frame.as_of != today:
        raise ValueError(f"the board was scored as of {board.frame.as_of}, not {today}: score as of the planning day")
    company_name = company_name or board.frame.company_name
    holds = desired_holds(board, written, policy, today, locale)
    explained = Explained(board, locale)
    return DesiredState(as_of=today, flags=kept_flags(board, written, policy, today, explained), holds=holds,
                        tasks=plan_tasks(board, written, policy, today, templates, holds, company_name,
                                         render_written=False, explained=explained, locale=locale))
