"""Desired flags, holds and tasks of a company: the core planner, as every arwatch runs it.

The add-on plans with ``arwatch.core.planner.plan`` only (the same ladders, templates and keys as
the sync engine); what is written already and left as it is by the diff is not rendered again
(``render_written=False``: a task whose key is written, a flag whose level, segment and warning
signs are the written ones): the write-back applies only the diff. Days and amounts of the hold reasons,
task notes and evidence are written in ``locale`` (the company's language, ``res.company``'s
``_arwatch_locale``), each amount with the company's currency.
"""

from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.planner import plan


def desired_state(board, written, policy, today, templates, company_name="", locale=DEFAULT_LOCALE):
    """The ``DesiredState`` for ``today``."""
    return plan(board, written, policy, today, templates, company_name=company_name, render_written=False,
                locale=locale)
