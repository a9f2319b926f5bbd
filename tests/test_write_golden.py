"""Golden texts of whole syncs and of the demo plans: a faster planner or write path must not
change one byte of what is written.

Each case runs real syncs (the built-in planner and templates) into an empty store and digests
what they left: the outbox (``changes.jsonl``, ``worklist.csv``, ``worklist.json``) and the
store's journal, written and audit rows (every column but ids, run ids and timestamps), on
SQLite and on PostgreSQL, in small batches and in one. The demo plans are digested whole
(every flag, hold and task, letters included) in two locales. The digests were taken from main
at d1f98c4, before the plan and write stages were made faster (issue 23), and taken again when
the ladder stopped entering a backlog at the rung its debt's age calls for (it starts at its first
rung: core/ladder.py); with the old entry the old digests still matched, so nothing else moved.
Taken again when the lateness evidence said "on average 23 days late" (aging's "it is usually 23
days late", the habit's "typical lateness 23 days") and the plan gained ``release_why``: with the
old words put back, the texts digested were main's line for line, but for the plan's empty
``release_why``. The demo's taken again when the ladder stopped entering a customer at the agency
referral (a backlog on credit hold with a broken or pending promise): on the demo's first run
(20 Nov 2026) the plan differs from main's only by the 7 agency referrals no longer opened
(C0038, C0048, C0052, C0055, C0104, C0167, C0191); the file cases' digests did not move.
The demo's taken again when a broken promise's follow-up call stopped standing once the customer
was reached again (core/planner.py): the plans and the second demo sync differ from before only
for C0052 (promise of 5 Aug 2026, calls answered since): its call is the ladder's call rung
("entered at: phone call"), which tells of the credit hold, instead of the promise's call (and,
in the plans, the separate hold letter); the first sync and the file cases did not move.
All taken again when three texts were made true for their customer: habitual_lateness reads
"Record of paying late" (was "Always pays late"), the disputes rate "8 of 17 invoices issued in
the last 365 days disputed (47%)" (was "8 disputes on 17 invoices ..."), a climb's reason the days
actually waited ("30 days waited" where the policy's 14 were said). Every line that moved (the
demo plans: 58 habit lines and 4 dispute-rate lines; the demo syncs: those, and 2 climbs of the
second sync; the file syncs: 11-14 habit lines and 1 climb) differs from main's only by those
words; no flag, level, hold or task came or went.
The demo's taken again when the habit's median before the due day read "8 days early" (was
"-8"; "-0" now "0"): the texts dumped before and after (every digested row and outbox line, and
both plans) differ only in the flags of 14 customers (C0020 ... C0174), and with every "median
..." written alike they are the same; the file cases did not move.
The demo's taken again when a broken promise's or missed plan's follow-up call told the credit
hold as the ladder's call does (core/hold_notice.py), and a hold told on a ladder's call on
record is not told again on a later call: the plans (each locale) lose the hold letters of
C0020, C0038, C0048 and C0167, whose follow-up calls carry the hold instead (title, script +
letter, evidence); the first demo sync likewise for C0020, C0038, C0133 and C0167; in the second,
the new follow-up calls of C0020, C0038 and C0167 tell it (their first closed), C0133's hold
letter opens (its promise call closed), and the 25 ladder calls of a new episode whose hold a
call of the first sync had told carry no hold notice; the file cases did not move.
The demo's taken again when every money text rounded a half cent away from zero (core/formats.py
``half_away``), not half to even: one line moved in each digested text, C0172's flag reason
"0% of the €483.80 a month invoiced" now "€483.81" (483,81 € in de_DE); the file cases did not move.
(These two and the median's change merged in session 17: the digests taken again on the merged
tree, whose texts dumped against those of the tree before the merge differ by exactly the lines
described above: in each plan the 4 hold letters gone, the 4 calls telling the hold, C0172.)
The demo's taken again when the task to resolve a long-open dispute said what is true of a partly
disputed invoice (dunned as usual, core/disputed.py) and wrote its open balance with the currency
once ("€18,842.89", was "€18,842.89 EUR"): the texts dumped before and after (every digested row
and outbox line, and both plans) differ only in the dispute tasks' bodies (C0004 and C0052 in the
plans; 48 such bodies across the two syncs' rows and outbox), and with those two sentences put
back they are the same; the file cases did not move.
All taken again when one day read "1 day" in the lateness evidence (was "median 1 days early",
"on average it pays 1 days late"): the texts dumped before and after differ only in those words
(62 of them across the demo's plans and syncs and the file case's second sync), and with "1 days"
put back they are the same.
The syncs' digests taken again when a call that told a credit hold was remembered after it closes
(``WrittenState.told``, core/hold_notice.py; kept in the store's ``written`` table as kind
``told``): the texts dumped before and after (every digested row and outbox line) differ only by
the ``told`` rows (29 in each demo sync's ``written``, 15 and 16 in the file syncs': one per call
that told a hold, as opened), and in the second demo sync by the new plan calls of C0020, C0038
and C0167 no longer telling the hold told on their first (closed) calls (title, script + letter,
evidence; in the journal, audit, changes, worklist and written rows) and C0133's hold letter no
longer opened after its promise call that told the hold closed; ``worklist.json`` does not list
``told``. The plans did not move (they start from nothing written).
(These two merged in session 18: the syncs' digests taken again on the merged tree, whose texts
dumped differ from main's by exactly the union of the two branches' changes: each branch's lines
removed and added are the same on top of the other branch as on main, in every digested text.)
The demo's taken again when the call following up a missed payment-plan instalment said which
were missed as a sentence ("missed the instalment of €218.80 due 10 Nov 2026", "missed 2
instalments, €4,343.14 due 19 Apr 2026 and €4,343.16 due 19 May 2026"; was "missed €4,343.14 due
19 Apr 2026; €4,343.16 due 19 May 2026"): the texts dumped before and after (every digested row
and outbox line, and both plans) differ only in those notes, and with them written the old way
they are the same; the file cases did not move.
The demo's taken again when a credit hold for an open balance over the credit limit waited for an
invoice overdue past the customer's habitual window (core/holds.py, core/habit.py): the texts
dumped before and after (every digested row and outbox line, and both plans) differ only by
holds and hold letters gone: in the plans (each locale) those of C0069, C0079 and C0106 (60-, 75-
and 58-day payers 7, 11 and 25 days past due); in the first demo sync those and C0067's (each
hold's place_hold and its letter's open_task in journal, audit, changes, written, worklist); in
the second, C0067's hold and letter placed on 20 Nov 2026, when its invoice was past its habit,
instead of 21 Oct; no other line moved, and the file cases did not move.
The demo's taken again when broken_promise's evidence named every missed instalment of a plan, as
the call following it up does ("plan agreed 3 Feb 2026: 2 instalments missed, €4,343.14 due 19 Apr
2026 and €4,343.16 due 19 May 2026; ...", was "instalment of €4,343.14 due 19 Apr 2026 missed;
..."): the texts dumped before and after differ only in C0038's flag reasons and the evidence that
quotes them (its agency referral in the syncs), and with the old words put back they are the same;
the file cases did not move.
All taken again when a task's evidence counted the invoices it does not list as its title does,
the overdue ones, and those not yet overdue apart ("and 1 more overdue invoice", "and 6 more
overdue invoices, 3 not yet overdue", "and 2 more invoices not yet overdue"; was "and 1 more
invoices", "and 9 more invoices"): the texts dumped before and after (every digested row and
outbox line, both plans, the file syncs) differ only in those lines (19 in each plan; 228, 532, 82
and 92 lines removed or added in the demo's and the file's two syncs), and with "and N more invoices" put back they
are the same.
All taken again when a hold on the risk level named the signs that drove the score (its flag's
first three reasons, each up to its first "; ": core/holds.py) and the letters and calls asked for
the undisputed part of a partly disputed invoice, naming the part under dispute, the statement
marking it (core/disputed.py ``under_dispute``, core/templating.py): the texts dumped before and
after (every digested row and outbox line, and both plans) differ only for the demo's C0020 (its
hold's reason, and the hold line of its calls) and C0004, C0052 and C0155 (their calls' and hold
letters' amounts asked, statements and invoice lines; C0004's and C0052's dispute tasks' invoice
lines), and the file case's C0000000 (its hold's reason); with those words taken out and the
amounts asked blanked they are the same.
(These four merged in session 19: the digests taken again on the merged tree, whose texts dumped
differ from main's by exactly the union of the two branches' changes; the rows both changed, the
calls of C0004, C0052 and C0155, differ from each branch's by the other's words alone.)
Taken again when a hold placed because the open balance is over the credit limit said so in its
letter ("Your account shows an open balance of €63,774.50, above your credit limit of €37,000.00,
and €11,035.89 of it is overdue. Until the balance is back within the limit or the overdue amount
is settled,"; was "Your account shows €11,035.89 overdue. Until the overdue balance is settled,"):
the texts dumped before and after (/work/helpers/dump_golden.py) differ only in that sentence, in
the hold letters of C0067, C0133 (in the syncs appended to its call) and C0164 and the hold
letters appended to the calls of C0152, C0155, C0159 and C0161; with the old sentence put back
every file is the same. The file syncs did not move.
Taken again when the hold line of a call that tells the hold dropped the segment the next line
says ("Credit hold since 20 Nov 2026: oldest invoice 316 days past due (...)" above "In arrears:
critical risk (score 93)"; was "Credit hold since 20 Nov 2026: In arrears: oldest invoice ..."):
the texts dumped before and after differ only in those lines (C0038, C0048 and C0167 in both
plans; 29 lines in the demo syncs' rows and outbox), and with "In arrears: " put back they are
the same. The file syncs did not move.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text
from test_sync_postgres import empty_store, pg_database  # noqa: F401  (the fixture)

from arwatch.adapters.file import FileMapping, FileSource
from arwatch.core.actions import WrittenState
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.demo.company import DEFAULT_TODAY, build_demo_company
from arwatch.demo.synthetic import build_synthetic
from arwatch.demo.synthetic.export import write_export
from arwatch.sync.planners import TemplatePlanner, default_planner
from arwatch.sync.runner import run_sync
from arwatch.sync.sources.demo import DemoSource
from arwatch.sync.store import open_store

T = DEFAULT_TODAY
ROWS = {  # table: the columns digested, and the order
    "journal": ("key, op, change, status, external_id, error", "id"),
    "written": ("key, kind, customer_id, payload, external_id, details", "key"),
    "audit_log": ("actor, op, key, customer_id, before, after, why, external_id", "id"),
}

SYNCS = {  # (case, batch size): the digest, the same on both stores
    ("demo", 50): "12e8033ed548c44518e2e42079eb9fc93f3a0d5638a48082a6a14781f62791ca",
    ("demo", 100_000): "12e8033ed548c44518e2e42079eb9fc93f3a0d5638a48082a6a14781f62791ca",
    ("file", 7): "e2ac3448bce15e05a8b452555db06911772d6465e552763b5d86b2d049390aa1",
    ("file", 100_000): "e2ac3448bce15e05a8b452555db06911772d6465e552763b5d86b2d049390aa1",
}
PLANS = {
    "de_DE": "d28fa5a00d14071ada7bc9641acdb1de685c67e5eb9fa5c7cab9e248f6607447",
    "en_GB": "6b6c5ebce47bba527078a79fb368e50b98112e07199fe9009433d1518637ac00",
}


def _digest_store(store, company: str, outbox: Path) -> dict[str, str]:
    found = {}
    with store.engine.connect() as conn:
        for table, (columns, order) in ROWS.items():
            rows = conn.execute(text(f"SELECT {columns} FROM {table} WHERE company = :c ORDER BY {order}"),
                                {"c": company}).all()
            found[table] = hashlib.sha256(json.dumps([list(r) for r in rows]).encode()).hexdigest()
    for name in ("changes.jsonl", "worklist.csv", "worklist.json"):
        found[name] = hashlib.sha256((outbox / name).read_bytes()).hexdigest()
    return found


def _whole(parts: list[dict[str, str]]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _demo_syncs(url: str, outbox: Path, batch_size: int) -> list[dict[str, str]]:
    """The demo company synced on two days a month apart (each day's company generated anew)."""
    store = open_store(url)
    parts = []
    try:
        for day in (T - dt.timedelta(days=30), T):
            source = DemoSource("demo", store, today=day, outbox=outbox)
            summary = run_sync("demo", store, source, Policy(), day, planner=TemplatePlanner(),
                               batch_size=batch_size, guard=None)
            assert summary.status == "ok", summary.error
            parts.append(_digest_store(store, "demo", outbox))
    finally:
        store.close()
    return parts


def _write_csv(folder: Path) -> dict:
    """A small synthetic export (the end-to-end benchmark's layout): invoices and payments."""
    return write_export(folder, build_synthetic(60, 1_500, 1_200, seed=5))


def _file_syncs(url: str, folder: Path, batch_size: int) -> list[dict[str, str]]:
    """The synthetic export synced on its day and again 35 days later (the same files)."""
    settings = _write_csv(folder)
    store = open_store(url)
    parts = []
    try:
        for day in (T, T + dt.timedelta(days=35)):
            source = FileSource("bench", FileMapping.model_validate(settings), store.records_of("bench"))
            summary = run_sync("bench", store, source, Policy(), day, planner=default_planner,
                               batch_size=batch_size, guard=None)
            assert summary.status == "ok", summary.error
            parts.append(_digest_store(store, "bench", folder / "outbox"))
    finally:
        store.close()
    return parts


def _sync_case(case: str, url: str, tmp_path: Path, batch_size: int) -> str:
    if case == "demo":
        return _whole(_demo_syncs(url, tmp_path / "outbox", batch_size))
    return _whole(_file_syncs(url, tmp_path, batch_size))


@pytest.mark.parametrize(("case", "batch_size"), sorted(SYNCS))
def test_golden__syncs_on_sqlite_write_the_pinned_texts(case, batch_size, tmp_path):
    found = _sync_case(case, f"sqlite:///{tmp_path / 'state.sqlite3'}", tmp_path, batch_size)
    assert found == SYNCS[(case, batch_size)]


@pytest.fixture
def pg_url(pg_database):  # noqa: F811
    store = open_store(pg_database)
    empty_store(store)  # a clean slate per case
    store.close()
    return pg_database


@pytest.mark.postgres
@pytest.mark.parametrize(("case", "batch_size"), sorted(SYNCS))
def test_golden__syncs_on_postgresql_write_the_pinned_texts(case, batch_size, pg_url, tmp_path):
    assert _sync_case(case, pg_url, tmp_path, batch_size) == SYNCS[(case, batch_size)]


@pytest.mark.parametrize("locale", sorted(PLANS))
def test_golden__demo_plans_render_the_pinned_texts(locale):
    demo = build_demo_company(seed=7, today=T)
    ledger, issues = load_ledger(demo.data, source="demo")
    assert not issues
    board = score(LedgerFrame.from_ledger(ledger, as_of=T), Policy())
    desired = plan(board, WrittenState(), Policy(), T, default_planner.templates, locale=locale)
    assert hashlib.sha256(desired.model_dump_json().encode()).hexdigest() == PLANS[locale]
