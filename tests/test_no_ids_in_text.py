"""No policy path, record id or indicator/segment/step id in any text a person reads: the demo's
tasks and letters, its CLI output (risk table and worklist), its HTML report, the hold reasons and
risk reasons it writes, and the add-on's words (addon/arwatch/lib/words.py, pure Python)."""

from __future__ import annotations

import html as html_lib
import importlib.util
import re
from pathlib import Path

import pytest

from arwatch.core import wording
from arwatch.core.actions import Task
from arwatch.sync.store import open_store

_UNDERSCORE_IDS = sorted(i for i in {*wording.INDICATOR_WORDS, *wording.SEGMENT_WORDS, *wording.STEP_WORDS}
                         if "_" in i)  # a one-word id ("reminder", "aging") is also plain English
FORBIDDEN = {
    "policy path": re.compile(r"\b\w+\.\w+\[\d+\]"),  # credit.ladders.good[3]
    "indicator id as a label": re.compile(r"(?<![\w/])(" + "|".join(wording.INDICATOR_WORDS) + r"):", re.M),
    "record key": re.compile(r"\b(pay|move|partner|invoice|task|hold|episode|promise|plan):\d"),  # pay:39
    "id with underscores": re.compile(r"\b(" + "|".join(_UNDERSCORE_IDS) + r")\b"),  # habit_slip, chronic_late
    "segment id": re.compile(r"\bsegment[ :](" + "|".join(wording.SEGMENT_WORDS) + r")\b"),
    "aging bucket": re.compile(r"\bbucket \d"),
}


def offences(text: str) -> list[str]:
    return [f"{what}: {m.group(0)!r} in ...{text[max(m.start() - 60, 0):m.end() + 20]!r}"
            for what, pattern in FORBIDDEN.items() for m in pattern.finditer(text)]


def test_scan__catches_what_the_issue_saw():
    seen = ["tasks end with credit.ladders.good[3]: phone_call", "aging: oldest overdue in bucket 91+ ...",
            "habit_slip: usually pays in 28 days", "pay:39 (700.00)", "Fired indicators: habit_slip,aging",
            "segment delinquent: oldest invoice 130 days past due"]
    assert all(offences(text) for text in seen)
    assert not offences("Pays later than usual: usually pays in 28 days; INV/2026/00012 (700.00 open), "
                        "good payer, sudden change: high risk (score 72)")


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_run):
    """(CLI output, report text, what the demo wrote): of the session's ``arwatch demo`` (conftest.py)."""
    tmp = tmp_path_factory.mktemp("words")
    assert demo_run.code == 0
    store = open_store(demo_run.copy_store(tmp / "state.sqlite3"))
    written = store.written.state("demo")
    store.close()
    page = demo_run.report.read_text(encoding="utf-8")
    page = re.sub(r"<(style|svg)\b.*?</\1>", " ", page, flags=re.S)
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page))
    return demo_run.out, text, written


def test_no_ids__in_the_cli_output(demo):
    cli, _, _ = demo
    assert "Worklist for" in cli and "risk (how it pays" in cli
    assert offences(cli) == []


def test_no_ids__in_the_report(demo):
    _, report, _ = demo
    assert "Risk, score" in report
    assert offences(report) == []


def test_no_ids__in_tasks_and_letters(demo):
    _, _, written = demo
    assert written.tasks
    for task in written.tasks:
        visible = "\n".join((task.title, task.body, *task.evidence))
        assert offences(visible) == [], task.key
        assert task.rule.startswith("credit.ladders.")  # the machine reference stays, in its own field


def test_no_ids__in_hold_and_risk_reasons(demo):
    _, _, written = demo
    assert written.holds and written.flags
    texts = [h.reason for h in written.holds] + [r for f in written.flags for r in f.reasons]
    assert [o for t in texts for o in offences(t)] == []
    assert any(wording.indicator_of(r) for f in written.flags for r in f.reasons)  # read back by name


def _addon_words():
    path = Path(__file__).resolve().parent.parent / "addon" / "arwatch" / "lib" / "words.py"
    spec = importlib.util.spec_from_file_location("arwatch_addon_words", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_ids__in_the_addon_words(demo):
    words = _addon_words()
    _, _, written = demo
    for task in written.tasks:
        assert offences("\n".join(words.why_lines(task))) == [], task.key
    rule_only = Task(customer_id="7", step="phone_call", cause="episode:2026-10-02", title="Call",
                     due_date="2026-11-20", rule="credit.ladders.good[3]: phone_call", evidence=("Overdue: INV/1",))
    assert words.why_lines(rule_only) == ["Overdue: INV/1"]
    fired = "habit_slip,selective_payment,aging"
    assert words.indicator_names(fired) == (
        "Pays later than usual, Pays the small invoices, leaves the large, Overdue")
    assert offences(words.indicator_names(",".join(wording.INDICATOR_WORDS))) == []
    banner = words.hold_reason("segment delinquent: oldest invoice 130 days past due (oldest overdue in bucket "
                               "91+: INV/1 (700.00 open))")
    assert banner.startswith("in arrears: ") and offences(banner) == []
    assert words.hold_cause("segment:delinquent") == "in arrears"
    assert words.standing("high", "good") == "good payer, sudden change: high" and words.standing(False, False) == ""
    reasons = ("Overdue: INV/1 ...", "habit_slip: written before the words", "Pays later than usual: again")
    assert words.indicator_ids(reasons) == ["aging", "habit_slip"]
