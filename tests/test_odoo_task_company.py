"""Collection tasks of two arwatch companies of one Odoo database that share a customer (issue 15,
point 3): each company's task marks name the company, so each reads back, reuses and closes only
its own; a task written by an earlier version (mark without company) is still recognised, so an
upgrade opens no duplicate and closes nothing by mistake."""

from __future__ import annotations

import datetime as dt
import fnmatch

from arwatch.adapters.odoo import markers
from arwatch.adapters.odoo.lookups import Lookups
from arwatch.adapters.odoo.writeback import WriteBack
from arwatch.adapters.odoo.written import read_written_state
from arwatch.core.actions import Change, Op, Task

DAY = dt.date(2026, 11, 20)
SHARED = 7  # a customer of both companies (res.partner without company)


def _task(customer: int = SHARED, step: str = "phone_call", cause: str = "invoice:INV/2026/0041") -> Task:
    return Task(customer_id=str(customer), step=step, cause=cause, title="Call about INV/2026/0041", due_date=DAY)


def _open(task: Task) -> Change:
    return Change(op=Op.OPEN_TASK, key=task.key, customer_id=task.customer_id, task=task)


def _close(task: Task) -> Change:
    return Change(op=Op.CLOSE_TASK, key=task.key, customer_id=task.customer_id, why="paid")


def _ilike(value: str, pattern: str) -> bool:
    """PostgreSQL's ``ilike "%pattern%"`` as Odoo builds it ("_" matches any one character)."""
    glob = pattern.replace("[", "[[]").replace("_", "?")
    return fnmatch.fnmatch((value or "").lower(), f"*{glob.lower()}*")


class SharedDatabase:
    """One Odoo database's partners and activities, as the adapter's calls see them (both
    companies' adapters talk to the same instance)."""

    def __init__(self):
        self.version, self.uid = (18, 0), 2
        self.activities: dict[int, dict] = {}
        self.closed: list[int] = []

    def add_activity(self, partner: int, note: str) -> int:
        aid = max(self.activities, default=40) + 1
        self.activities[aid] = {"id": aid, "res_id": partner, "note": note, "summary": "Call",
                                "date_deadline": DAY.isoformat(), "user_id": [2, "Bot"], "active": True}
        return aid

    def open_ones(self) -> list[dict]:
        return [a for a in self.activities.values() if a["active"]]

    def call(self, model, method, ids=None, **kw):
        if model == "mail.activity" and method == "search_read":
            rows = self.open_ones()
            for term in kw["domain"]:
                if term[0] == "note":
                    rows = [a for a in rows if _ilike(a["note"], term[2])]
                elif term[0] == "id":
                    rows = [a for a in rows if a["id"] in term[2]]
            return [dict(a) for a in rows]
        if model == "mail.activity" and method == "create":
            vals = kw["vals_list"][0]
            return [self.add_activity(vals["res_id"], vals["note"])]
        if model == "mail.activity" and method == "action_feedback":
            for aid in ids:
                self.activities[aid]["active"] = False
                self.closed.append(aid)
            return True
        if model == "res.partner" and method == "search_read":
            if kw["domain"][0][0] == "id":  # the write-back's read before write
                return [{"id": kw["domain"][0][2]}]
            return self._marked_partners()
        if model == "res.partner" and method == "fields_get":
            return {}  # no Sales app: no holds in these tests
        if model == "res.partner.category":
            return []
        if model == "ir.model":
            return [{"id": 77}]
        if model == "ir.model.data":
            return [{"name": "mail_activity_data_call", "res_id": 4}, {"name": "mail_activity_data_todo", "res_id": 5}]
        if model == "mail.message":
            return []
        raise AssertionError(f"unexpected call {model}.{method}")

    def _marked_partners(self) -> list[dict]:
        owners: dict[int, list[int]] = {}
        for a in self.open_ones():
            if markers.TASK_PREFIX in a["note"]:
                owners.setdefault(a["res_id"], []).append(a["id"])
        return [{"id": pid, "category_id": [], "activity_ids": ids} for pid, ids in sorted(owners.items())]


class CompanyReader:
    """The adapter's Reader for one company: ``pages`` answered by the shared database."""

    def __init__(self, db: SharedDatabase, company_ids: tuple[int, ...]):
        self.db, self.company_ids = db, company_ids

    def pages(self, stream, since=None, extra=(), fields=None):
        return self.db.call(stream.model, "search_read", domain=list(stream.domain) + list(extra))

    def where_in(self, stream, field, values, fields=None, extra=()):
        return self.pages(stream, extra=((field, "in", sorted(set(values))),) + tuple(extra))


class Company:
    """What one arwatch company's adapter writes and reads back (standard fields, no add-on)."""

    def __init__(self, db: SharedDatabase, company_ids: tuple[int, ...]):
        self.db, self.lookups = db, Lookups(db, sale_installed=False)
        self.writeback = WriteBack(db, self.lookups, company_ids=company_ids)
        self.reader = CompanyReader(db, company_ids)

    def apply(self, *changes: Change) -> list:
        return list(self.writeback.apply(changes))

    def tasks(self) -> list[str]:
        return [t.key for t in read_written_state(self.reader, self.lookups, DAY).tasks]


def test_markers__task_mark_names_the_company_and_legacy_marks_still_parse():
    key = _task().key
    assert markers.task_mark(key, 3) == f"[arwatch:{key}@3]"
    assert markers.task_owner(f"<p>{markers.task_mark(key, 3)}</p>") == (key, 3)
    assert markers.task_owner(f"<p>{markers.task_mark(key)}</p>") == (key, None)  # written by an earlier version
    assert markers.task_is_mine(markers.task_mark(key, 3), (1, 3)) == key
    assert markers.task_is_mine(markers.task_mark(key, 2), (1, 3)) is None
    assert markers.task_is_mine(markers.task_mark(key), (1,)) == key
    assert markers.task_mark(key, 3).startswith(markers.task_mark_start(key))
    assert markers.task_mark(key).startswith(markers.task_mark_start(key))


def test_task_company__two_companies_sharing_a_customer_keep_their_own_tasks():
    db = SharedDatabase()
    acme, beta = Company(db, (1,)), Company(db, (2,))
    task = _task()

    [a] = acme.apply(_open(task))
    [b] = beta.apply(_open(task))
    assert a.ok and b.ok and a.external_id != b.external_id, "each company opens its own activity"
    assert a.details == {} and b.details == {}
    assert sorted(markers.task_owner(x["note"])[1] for x in db.open_ones()) == [1, 2]
    assert acme.tasks() == [task.key] and beta.tasks() == [task.key]

    [again] = acme.apply(_open(task))
    assert again.external_id == a.external_id and again.details == {"note": "already open"}, "a rerun reuses its own"
    assert len(db.open_ones()) == 2

    [closed] = acme.apply(_close(task))
    assert closed.external_id == a.external_id and db.closed == [int(a.external_id)]
    assert acme.tasks() == [] and beta.tasks() == [task.key], "beta's task stays open and is still beta's"

    [nothing] = acme.apply(_close(task))
    assert nothing.details == {"note": "already done or deleted in Odoo"}, "acme never closes beta's task"
    assert db.closed == [int(a.external_id)]


def test_task_company__a_company_reads_back_only_its_own_tasks():
    db = SharedDatabase()
    acme, beta = Company(db, (1,)), Company(db, (2, 3))  # beta: two Odoo companies, one currency
    mine, theirs = _task(step="phone_call"), _task(step="first_reminder")
    acme.apply(_open(mine))
    beta.apply(_open(theirs))
    db.add_activity(SHARED, f"<p>{markers.task_mark(_task(step='payment_plan_offer').key, 3)}</p>")
    assert acme.tasks() == [mine.key]
    assert sorted(beta.tasks()) == sorted([theirs.key, _task(step="payment_plan_offer").key])


def test_task_company__legacy_tasks_are_recognised_after_the_upgrade():
    """A single-company configuration upgraded with open tasks written without a company: they
    read back as the company's, a rerun reuses them (no duplicate), a task still wanted stays
    open and one whose cause is gone is closed."""
    db = SharedDatabase()
    kept, gone = _task(step="phone_call"), _task(step="first_reminder")
    for task in (kept, gone):
        db.add_activity(SHARED, f"<p>Call them</p><p>{markers.task_mark(task.key)}</p>")
    acme = Company(db, (1,))
    assert sorted(acme.tasks()) == sorted([kept.key, gone.key])

    [reused] = acme.apply(_open(kept))
    assert reused.details == {"note": "already open"} and len(db.open_ones()) == 2, "no duplicate"
    [closed] = acme.apply(_close(gone))
    assert closed.ok and closed.external_id is not None
    assert [markers.task_key(a["note"]) for a in db.open_ones()] == [kept.key], "only the one whose cause is gone"
    assert acme.tasks() == [kept.key]


def test_task_company__a_new_mark_and_a_legacy_mark_of_one_key_read_as_one_task():
    db = SharedDatabase()
    task = _task()
    db.add_activity(SHARED, markers.task_mark(task.key))  # someone copied an old task by hand
    acme = Company(db, (1,))
    db.add_activity(SHARED, markers.task_mark(task.key, 1))
    assert acme.tasks() == [task.key]
    [reused] = acme.apply(_open(task))
    own = next(a["id"] for a in db.open_ones() if markers.task_owner(a["note"])[1] == 1)
    assert reused.external_id == str(own), "the company's own mark first"
