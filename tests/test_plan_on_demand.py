"""Evidence on demand (issue 23, point 3): the sync's planner renders only what it will write.

``TemplatePlanner`` (what ``arwatch sync`` plans with) lets a flag or task already written, that
``diff`` leaves as it is, stand for itself instead of writing its evidence and letter again. Its
changes must be exactly those of the plan rendering everything, texts included, run after run:
checked here on the demo company (in two locales) and on a synthetic ledger, each walked over
three days a month apart with the changes of each day applied before the next.
"""

import datetime as dt

import pytest

from arwatch.core.actions import Op, WrittenState
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.demo.company import build_demo_company
from arwatch.demo.synthetic import build_synthetic
from arwatch.sync.planners import TemplatePlanner

TODAY = dt.date(2026, 11, 20)
DAYS = (TODAY - dt.timedelta(days=60), TODAY - dt.timedelta(days=30), TODAY)


@pytest.fixture(scope="module")
def demo_frame():
    ledger, issues = load_ledger(build_demo_company(seed=7, today=TODAY).data, source="demo")
    assert not issues
    return LedgerFrame.from_ledger(ledger)


@pytest.fixture(scope="module")
def synthetic_frame():
    ledger, _ = load_ledger(build_synthetic(300, 3000, 3000, seed=3, today=TODAY), source="synthetic")
    return LedgerFrame.from_ledger(ledger)


def walk(frame, locale):
    """Each day's changes from the full plan and from the sync's planner, the former applied."""
    policy, planner = Policy(), TemplatePlanner(locale=locale)
    written = WrittenState()
    kept_flags = kept_tasks = 0
    for day in DAYS:
        board = score(frame.as_of_date(day), policy)
        full = diff(written, plan(board, written, policy, day, planner.templates, locale=locale))
        lazy_plan = planner(board, written, policy, day)
        assert diff(written, lazy_plan) == full, day  # the same changes, every text the same
        kept_flags += len({f.key for f in written.flags} & {f.key for f in lazy_plan.flags})
        kept_tasks += len({t.key for t in written.tasks} & {t.key for t in lazy_plan.tasks})
        assert full.changes, day
        written = apply_to(written, full)
    assert kept_flags and kept_tasks  # the walk did leave written flags and tasks standing
    return written


@pytest.mark.parametrize("locale", ["en_GB", "de_DE"])
def test_plan_on_demand__demo_company_same_changes_and_texts_each_day(demo_frame, locale):
    written = walk(demo_frame, locale)
    assert any(t.body for t in written.tasks)


def test_plan_on_demand__synthetic_ledger_same_changes_and_texts_each_day(synthetic_frame):
    walk(synthetic_frame, "en_GB")


def test_plan_on_demand__a_flag_whose_reasons_change_is_written_again_with_its_new_text(demo_frame):
    policy, planner = Policy(), TemplatePlanner()
    day = DAYS[-1]
    board = score(demo_frame.as_of_date(day), policy)
    desired = plan(board, WrittenState(), policy, day, planner.templates)
    stale = desired.flags[0].model_copy(update={"reasons": ("Somebody else's reason: old text",)})
    written = WrittenState(flags=(stale, *desired.flags[1:]), holds=desired.holds, tasks=desired.tasks)
    (change,) = diff(written, planner(board, written, policy, day)).changes
    assert change.op is Op.SET_FLAG and change.before == stale and change.flag == desired.flags[0]
