"""The report and the export show a kept hold with today's words, as ``arwatch plan`` does.

Seen on the demo synced on 1 Sept and 20 Nov 2026: the plan said "Nettleton & Brightwater Kitchens
S.L.: In arrears: oldest invoice 181 days past due (... 7 more overdue) (on hold since 1 Sept
2026)", while the report's hold table and customer line said "oldest invoice 101 days past due"
(the words of 1 Sept) beside "oldest 181 days late", and the export's worklist sheet the same
101 days: a controller comparing them could not tell which was true. The words a hold was placed
with may also name an invoice paid since.
"""

from __future__ import annotations

import csv
import re

from kept_hold import kept_hold

from arwatch.commands.export import write_csv
from arwatch.core.diffing import diff
from arwatch.core.holds import hold_words
from arwatch.report.html import render_report
from arwatch.report.tables import export_sheets


def _kept_hold():
    policy, _, written, board, desired = kept_hold()  # kept as written: its reason is 1 June's
    assert "121 days past due (INV-1" in desired.holds[0].reason
    now = hold_words(board, policy, desired.holds)["late"]
    assert "110 days past due (INV-2" in now
    return policy, board, written, desired


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_report_shows_a_kept_hold_with_todays_words():
    policy, board, written, desired = _kept_hold()
    text = _text(render_report(board, desired, diff(written, desired), policy, "Widgets & Co"))
    assert "121 days" not in text
    assert "On credit hold since 1 Jun 2024: In arrears: oldest invoice 110 days past due" in text
    table = text.split("Credit holds (1)", 1)[1]
    assert "1 Jun 2024 In arrears: oldest invoice 110 days past due" in table


def test_the_export_worklist_shows_a_kept_hold_with_todays_words(tmp_path):
    policy, board, _, desired = _kept_hold()
    write_csv(export_sheets(board, desired, policy=policy), tmp_path / "x")
    with (tmp_path / "x-worklist.csv").open(encoding="utf-8-sig", newline="") as handle:
        held = [r for r in csv.DictReader(handle) if r["kind"] == "credit hold"]
    assert [(r["due"], r["customer_id"]) for r in held] == [("2024-06-01", "late")]
    assert "oldest invoice 110 days past due (INV-2" in held[0]["title"] and "INV-1" not in held[0]["title"]
