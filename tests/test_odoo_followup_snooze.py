"""A next-action date from the source (issue 17 point 7): Odoo Community 18.0/19.0 has none on
res.partner (the follow-up "remind me later" date is Odoo Enterprise's account_followup). Where
that module is installed and ``fields_get`` shows ``followup_next_action_date``, the adapter reads
it as a snooze until that day; otherwise it asks for nothing more. Fake transports, no Odoo."""

from __future__ import annotations

import datetime as dt

from arwatch.adapters.odoo.lookups import Lookups
from arwatch.adapters.odoo.pull import pull
from arwatch.adapters.odoo.reader import Reader
from arwatch.core import odoo_rows as m
from arwatch.core.load import load_ledger

COMPANY = {"id": "1", "name": "Acme", "currency": "EUR"}
FIELD = "followup_next_action_date"


class FollowupOdoo:
    """Two customers (7 with a next reminder date, 8 without); ``fields_get`` says whether the
    Enterprise field exists; every call is logged."""

    version, uid, calls = (18, 0), 2, 0

    def __init__(self, has_field: bool = True, date7: str | bool = "2027-01-10"):
        self.has_field, self.date7, self.log = has_field, date7, []

    def call(self, model, method, ids=None, **kw):
        self.log.append((model, method, kw.get("fields") or kw.get("allfields")))
        if model == "res.partner" and method == "fields_get":
            return {FIELD: {"type": "date"}} if self.has_field and FIELD in kw["allfields"] else {}
        if model == "res.partner" and method == "search_read" and ["parent_id", "=", False] in kw["domain"]:
            changed = "2026-11-02 09:00:00" if self.date7 else "2026-11-03 09:00:00"  # clearing it writes
            rows = [{"id": 7, "name": "Acme", FIELD: self.date7, "write_date": changed},
                    {"id": 8, "name": "Bolt", FIELD: False, "write_date": "2026-11-02 09:00:00"}]
            return [{k: v for k, v in r.items() if k in kw["fields"] or k == "id"} for r in rows]
        if method == "search_read":
            return []
        raise AssertionError(f"unexpected call {model}.{method}")


def test_followup__community_asks_nothing_more():
    odoo = FollowupOdoo()
    assert Lookups(odoo).followup_date(installed=False) is None
    assert odoo.log == []


def test_followup__read_only_when_fields_get_shows_the_field():
    odoo = FollowupOdoo(has_field=False)
    lookups = Lookups(odoo)
    assert lookups.followup_date(installed=True) is None and lookups.followup_date(installed=True) is None
    assert odoo.log == [("res.partner", "fields_get", [FIELD])], "asked once"
    assert Lookups(FollowupOdoo()).followup_date(installed=True) == FIELD


def test_followup__the_date_is_a_snooze_until_that_day():
    odoo = FollowupOdoo()
    result = pull(Reader(odoo, (1,), 50), (18, 0), COMPANY, None, True, 0, followup=FIELD)
    assert any(model == "res.partner" and fields and FIELD in fields for model, _, fields in odoo.log)
    assert [(s["id"], s["customer_id"], s["kind"], s["on"], s["until"]) for s in result.records["switches"]] == [
        ("followup:7", "7", "snooze", "2026-11-02", "2027-01-10")]
    snooze = m.followup_snooze({"id": 7, FIELD: "2026-10-01", "write_date": "2026-11-02 09:00:00"})
    assert (snooze["on"], snooze["until"]) == (dt.date(2026, 10, 1), dt.date(2026, 10, 1)), "never set after it ends"
    ledger, issues = load_ledger({"customers": [{"id": "7", "name": "Acme"}, {"id": "8", "name": "Bolt"}],
                                  "switches": result.records["switches"]}, source="odoo")
    assert issues == () and [(w.kind.value, w.until) for w in ledger.switches] == [("snooze", dt.date(2027, 1, 10))]


def test_followup__a_date_cleared_since_is_a_deletion_and_without_the_field_nothing_is_read():
    full = pull(Reader(FollowupOdoo(), (1,), 50), (18, 0), COMPANY, None, True, 0, followup=FIELD)
    cleared = FollowupOdoo(date7=False)
    later = pull(Reader(cleared, (1,), 50), (18, 0), COMPANY, full.cursor, False, 0, followup=FIELD)
    assert "followup:7" in later.deletions.get("switches", ())  # (and any customer read again without one)
    assert later.records["switches"] == []
    plain = FollowupOdoo()
    community = pull(Reader(plain, (1,), 50), (18, 0), COMPANY, None, True, 0)
    assert "switches" not in community.records
    assert not any(fields and FIELD in fields for _, _, fields in plain.log)
