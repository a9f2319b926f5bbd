"""The add-on's planning (``lib/planning.desired_state``: the written flag standing for an
unchanged one, as ``core.planner.plan`` does with ``render_written=False``) gives the same diff as
the fully rendered plan: on a first run, a rerun with nothing changed, and a rerun after flags
changed under it."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from arwatch.core.actions import WrittenState
from arwatch.core.diffing import apply_to, diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.demo.synthetic import build_synthetic

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 30)


def _planning():
    spec = importlib.util.spec_from_file_location("arwatch_addon_planning", ROOT / "addon/arwatch/lib/planning.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _board():
    ledger, issues = load_ledger(build_synthetic(300, 3000, 2400, seed=4, today=TODAY, validate=True),
                                 source="odoo")
    assert not issues
    return score(LedgerFrame.from_ledger(ledger, as_of=TODAY), Policy())


def _both(board, written):
    full = plan(board, written, Policy(), TODAY, {}, render_written=True)
    kept = _planning().desired_state(board, written, Policy(), TODAY, {})
    return full, kept


def test_kept_flags__first_run_renders_every_flag_as_the_planner_does():
    board = _board()
    full, kept = _both(board, WrittenState())
    assert kept.flags == full.flags and kept.holds == full.holds and len(kept.flags) == board.frame.n_customers
    assert diff(WrittenState(), kept) == diff(WrittenState(), full)


def test_kept_flags__rerun_keeps_the_written_flags_and_the_diff_is_empty():
    board = _board()
    full, _ = _both(board, WrittenState())
    written = apply_to(WrittenState(), diff(WrittenState(), full))
    full, kept = _both(board, written)
    assert diff(written, kept) == diff(written, full) and not diff(written, kept)
    by_customer = {f.customer_id: f for f in written.flags}
    assert all(f is by_customer[f.customer_id] for f in kept.flags)  # nothing rendered again


def test_kept_flags__a_flag_changed_under_it_is_rendered_and_rewritten_as_the_planner_does():
    board = _board()
    full, _ = _both(board, WrittenState())
    written = apply_to(WrittenState(), diff(WrittenState(), full))
    flags = list(written.flags)
    flags[0] = flags[0].model_copy(update={"level": "critical" if flags[0].level != "critical" else "low"})
    flags[1] = flags[1].model_copy(update={"segment": "new" if flags[1].segment != "new" else "good"})
    flags[2] = flags[2].model_copy(update={"reasons": ("Something else: 3 days",)})
    flags[3] = flags[3].model_copy(update={"reasons": flags[3].reasons[:-1]})
    flags[4] = flags[4].model_copy(update={"score": 1.0, "reasons": tuple(
        r.partition(":")[0] + ": other evidence" for r in flags[4].reasons)})  # same signs: kept
    del flags[5]
    written = written.model_copy(update={"flags": tuple(flags)})
    full, kept = _both(board, written)
    changes = diff(written, kept)
    assert changes == diff(written, full)
    changed = {c.customer_id for c in changes.changes}
    assert {flags[0].customer_id, flags[1].customer_id, flags[2].customer_id, full.flags[5].customer_id} <= changed
    assert flags[4].customer_id not in changed  # score and wording moved, the signs did not
