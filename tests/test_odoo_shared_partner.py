"""Flags and holds of two arwatch companies of one Odoo database that share a customer (a
``res.partner`` without company, Odoo's default for contacts), written with standard fields.

The defect this pins: company 6 (``company_ids = [6]``) read company 5's flag and hold of a shared
partner as its own, and released the hold and rewrote the flag at its next run; company 5 held
it again at its next, and so on. Now each company's flag and hold carry its company
(``[arwatch:flag:...@5]``, a line ``<reason> [arwatch:hold@5]`` in the sales warning): a company
never reads, releases, clears or overwrites another's; the customer stays held while any company
holds it (its own warning back when the last releases); the one "Risk: <level>" tag shows the
highest level any company flags it with. Marks of earlier versions (no company) still read as
the reading company's, so an upgraded database sees no change.

The stand-in database answers the adapter's calls from in-memory tables, evaluating the domains
it is sent (prefix ``|``/``&``, ``=``, ``in``, ``ilike``, ``>``), so both companies' adapters
read and write the same partners, tags and chatter.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from typing import Any

import pytest

from arwatch.adapters.odoo import markers
from arwatch.adapters.odoo import notes as odoo_notes
from arwatch.adapters.odoo.errors import RecordRefused
from arwatch.adapters.odoo.lookups import Lookups
from arwatch.adapters.odoo.reader import Reader
from arwatch.adapters.odoo.writeback import WriteBack
from arwatch.adapters.odoo.written import read_written_state
from arwatch.core.actions import Change, DesiredState, Flag, Hold, Op, WrittenState
from arwatch.core.diffing import diff

DAY = dt.date(2026, 11, 20)
SHARED = 88
OWN_WARNING = ("warning", "Ask for a PO number")


def _ilike(value: Any, pattern: str) -> bool:
    glob = pattern.replace("[", "[[]").replace("_", "?")
    return isinstance(value, str) and fnmatch.fnmatch(value.lower(), f"*{glob.lower()}*")


def _many2one(value: Any) -> Any:
    return value[0] if isinstance(value, list) else value


class SharedOdoo:
    """One Odoo database (18.0: the sales warning can block; 19.0: it cannot) as both companies'
    adapters see it."""

    def __init__(self, version: tuple[int, int] = (18, 0), mirrored: bool = False):
        self.version, self.uid, self.mirrored = version, 2, mirrored
        self.partners: dict[int, dict[str, Any]] = {}
        self.tags: dict[int, str] = {}
        self.messages: list[dict[str, Any]] = []
        self.die_after: int | None = None  # writes that go through before the run dies
        self.writes: list[tuple[str, str, Any]] = []
        self.calls: list[str] = []

    def partner(self, pid: int, company: int | None, warning: tuple[str, str] = OWN_WARNING) -> None:
        row: dict[str, Any] = {"id": pid, "category_id": [], "activity_ids": [],
                               "company_id": [company, f"Company {company}"] if company else False,
                               "sale_warn_msg": warning[1]}
        if self.version < (19, 0):
            row["sale_warn"] = warning[0]
        self.partners[pid] = row

    def post(self, pid: int, body: str) -> int:
        mid = 1000 + len(self.messages)
        self.messages.append({"id": mid, "model": "res.partner", "res_id": pid, "body": body})
        return mid

    def tag_names(self, pid: int) -> list[str]:
        return sorted(self.tags[t] for t in self.partners[pid]["category_id"])

    def warning(self, pid: int) -> tuple[str | None, str]:
        row = self.partners[pid]
        return row.get("sale_warn"), row["sale_warn_msg"] or ""

    # -- domains -------------------------------------------------------------------------------
    def _term(self, row: dict[str, Any], term: list[Any]) -> bool:
        name, op, value = term
        if "." in name:
            return False  # activity_ids.note: no activities in these tests
        have = row.get(name)
        if op == "=":
            return _many2one(have) == value
        if op == "in":
            if isinstance(have, list) and name == "category_id":
                return bool(set(have) & set(value))
            return _many2one(have) in value
        if op == "ilike":
            return _ilike(have, value)
        if op == "=like":
            return isinstance(have, str) and fnmatch.fnmatch(have, value.replace("%", "*"))
        if op == ">":
            return have > value
        raise AssertionError(f"operator {op}")

    def _match(self, row: dict[str, Any], domain: list[Any]) -> bool:
        items = iter(domain)

        def one() -> bool:
            item = next(items)
            if item == "|":
                left, right = one(), one()
                return left or right
            if item == "&":
                left, right = one(), one()
                return left and right
            return self._term(row, item)

        results = []
        while True:
            try:
                results.append(one())
            except StopIteration:
                return all(results)

    def _fail(self, model: str, method: str) -> None:
        """A write refused: the run dies there (``die_after`` more writes go through first)."""
        if self.die_after is not None:
            self.die_after -= 1
            if self.die_after < 0:
                self.die_after = None
                raise RecordRefused("ConnectionReset", "the run died here")

    # -- the calls -----------------------------------------------------------------------------
    def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
        fields = kw.get("fields")
        self.calls.append(f"{model}.{method}")

        def cut(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            rows = sorted(rows, key=lambda r: r["id"], reverse=kw.get("order") == "id desc")
            rows = rows[:kw["limit"]] if kw.get("limit") else rows
            return [{k: v for k, v in r.items() if not fields or k in fields or k == "id"} for r in rows]

        if model == "res.partner" and method == "search_read":
            return cut([dict(r) for r in self.partners.values() if self._match(r, kw["domain"])])
        if model == "res.partner" and method == "write":
            self._fail(model, method)
            self.writes.append((model, method, kw["vals"]))
            for pid in ids:
                for name, value in kw["vals"].items():
                    if name == "category_id":
                        for command, tag in value:
                            current = self.partners[pid]["category_id"]
                            self.partners[pid]["category_id"] = ([t for t in current if t != tag] if command == 3
                                                                 else current + [tag])
                    else:
                        self.partners[pid][name] = value
            return True
        if model == "res.partner" and method == "message_post":
            self._fail(model, method)
            return self.post(ids[0], kw["body"])
        if model == "mail.message" and method == "search_read":
            return cut([m for m in self.messages if self._match(m, kw["domain"])])
        if model == "res.partner.category" and method == "search_read":
            return [{"id": tid, "name": name} for tid, name in self.tags.items()
                    if self._match({"name": name}, kw["domain"])]
        if model == "res.partner.category" and method == "create":
            tid = 500 + len(self.tags)
            self.tags[tid] = kw["vals_list"][0]["name"]
            return [tid]
        raise AssertionError(f"unexpected call {model}.{method}")


class Company:
    """One arwatch company's Odoo adapter parts (standard fields) on the shared database, with
    its state store's memory of what its writes returned (``details``)."""

    def __init__(self, db: SharedOdoo, company_ids: tuple[int, ...]):
        self.db, self.company_ids = db, company_ids
        self.details: dict[str, dict[str, str]] = {}
        self.mirror: dict[str, tuple[Any, str | None]] | None = {} if db.mirrored else None
        self.lookups = Lookups(db, sale_installed=True)
        self.writeback = WriteBack(db, self.lookups, details_of=lambda key: self.details.get(key, {}),
                                   company_ids=company_ids)
        self.reader = Reader(db, company_ids, page_size=50)

    def written(self) -> WrittenState:
        self.lookups._tags = None  # a new run reads the tags again
        return read_written_state(self.reader, self.lookups, DAY, self.mirror)

    def forget(self) -> None:
        """A new state store: nothing known of what was written."""
        self.details.clear()
        if self.mirror is not None:
            self.mirror.clear()

    def plan(self, desired: DesiredState) -> list[Change]:
        return list(diff(self.written(), desired).changes)

    def sync(self, desired: DesiredState) -> list[str]:
        """One run: read back, diff, apply; the applied changes as "<op> <key>"."""
        changes = self.plan(desired)
        for change, result in zip(changes, self.writeback.apply(changes), strict=True):
            assert result.ok, result.error
            self.details[change.key] = result.details
            if self.mirror is not None and change.op in (Op.SET_FLAG, Op.PLACE_HOLD):
                self.mirror[change.key] = (change.flag or change.hold, result.external_id)
            elif self.mirror is not None:
                self.mirror.pop(change.key, None)
        return [f"{c.op.value} {c.key}" for c in changes]


def _flag(level: str, pid: int = SHARED, score: float = 80, segment: str = "delinquent") -> Flag:
    return Flag(customer_id=str(pid), level=level, score=score, segment=segment,
                reasons=("aging: INV/2026/0041 95 days past due",), as_of=DAY)


def _hold(reason: str, pid: int = SHARED) -> Hold:
    return Hold(customer_id=str(pid), rule="segment:delinquent", reason=reason, since=DAY)


def _desired(*items: Flag | Hold) -> DesiredState:
    return DesiredState(as_of=DAY, flags=tuple(i for i in items if isinstance(i, Flag)),
                        holds=tuple(i for i in items if isinstance(i, Hold)))


def _keys(state: WrittenState) -> list[str]:
    return sorted([f.key for f in state.flags] + [h.key for h in state.holds])


@pytest.fixture(params=[((18, 0), False), ((18, 0), True), ((19, 0), True)],
                ids=["18.0", "18.0-store", "19.0-store"])
def db(request: pytest.FixtureRequest) -> SharedOdoo:
    """18.0 and 19.0; "store": each company reads back with its state store's mirror of what it
    wrote (only the notes posted since are read), else every note."""
    version, mirrored = request.param
    return SharedOdoo(version, mirrored)


def test_repro__a_company_leaves_the_flag_and_hold_of_another_on_a_partner_made_shared(db):
    """The defect as found: company 5 holds and flags 88; 88 is made shared
    (``company_id = False``); company 6, where 88 has no invoices but a low flag, syncs."""
    db.partner(SHARED, company=5)
    five, six = Company(db, (5,)), Company(db, (6,))
    wanted_by_five = _desired(_flag("high"), _hold("95 days past due"))
    assert five.sync(wanted_by_five) == ["set_flag flag:88", "place_hold hold:88"]
    held = db.warning(SHARED)

    db.partners[SHARED]["company_id"] = False  # res.partner.write([88], {"company_id": False})
    assert _keys(six.written()) == [], "company 5's flag and hold are not company 6's"
    assert six.sync(_desired(_flag("low", score=20, segment="new"))) == ["set_flag flag:88"]
    assert db.warning(SHARED) == held, "company 5's hold stands"
    assert db.tag_names(SHARED) == ["Risk: high"], "the tag shows the highest level flagged"

    assert five.plan(wanted_by_five) == [], "company 5's next run finds its flag and hold as it wrote them"
    assert six.plan(_desired(_flag("low", score=20, segment="new"))) == []
    [flag] = six.written().flags
    assert (flag.level, flag.score) == ("low", 20), "company 6 reads its own flag, not the tag's level"


def test_hold__a_shared_customer_stays_held_until_the_last_company_releases(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    five.sync(_desired(_hold("95 days past due")))
    six.sync(_desired(_hold("fraud suspected")))
    block = "block" if db.version < (19, 0) else None
    assert db.warning(SHARED) == (block, "95 days past due [arwatch:hold@5]\nfraud suspected [arwatch:hold@6]")
    assert [h.reason for h in five.written().holds] == ["95 days past due"]
    assert [h.reason for h in six.written().holds] == ["fraud suspected"]
    assert six.details["hold:88"]["also_held_by"] == "Odoo company 5"

    assert five.sync(_desired()) == ["release_hold hold:88"]
    assert db.warning(SHARED) == (block, "fraud suspected [arwatch:hold@6]"), "still held by company 6"
    assert five.written().holds == () and [h.key for h in six.written().holds] == ["hold:88"]
    assert "still on hold for Odoo company 6" in db.messages[-1]["body"]

    assert six.sync(_desired()) == ["release_hold hold:88"]
    assert db.warning(SHARED) == ((OWN_WARNING[0] if block else None), OWN_WARNING[1]), "its own warning back"
    assert five.written().holds == () and six.written().holds == ()


def test_hold__the_first_company_releasing_last_restores_the_warning_too(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    five.sync(_desired(_hold("95 days past due")))
    six.sync(_desired(_hold("fraud suspected")))
    six.forget()  # a new state store: the warning to restore comes from the hold notes
    six.sync(_desired())
    assert db.warning(SHARED)[1] == "95 days past due [arwatch:hold@5]"
    five.forget()
    five.sync(_desired())
    assert db.warning(SHARED) == ((OWN_WARNING[0] if db.version < (19, 0) else None), OWN_WARNING[1])


def test_hold__a_company_never_releases_another_companys_hold(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    five.sync(_desired(_hold("95 days past due")))
    before = db.warning(SHARED)
    [result] = six.writeback.apply([Change(op=Op.RELEASE_HOLD, key="hold:88", customer_id="88", why="paid")])
    assert result.ok and result.external_id is None and "left as it is" in result.details["note"]
    assert db.warning(SHARED) == before


def test_flag__the_tag_shows_the_highest_level_and_each_company_clears_only_its_own(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    five.sync(_desired(_flag("high")))
    six.sync(_desired(_flag("low", score=20)))
    assert db.tag_names(SHARED) == ["Risk: high"]
    assert five.plan(_desired(_flag("high"))) == [] and six.plan(_desired(_flag("low", score=20))) == []

    six.sync(_desired(_flag("critical", score=95)))
    assert db.tag_names(SHARED) == ["Risk: critical"]
    assert five.plan(_desired(_flag("high"))) == [], "company 5's flag still reads as it wrote it"

    assert six.sync(_desired()) == ["clear_flag flag:88"]
    assert db.tag_names(SHARED) == ["Risk: high"], "company 5's flag keeps its tag"
    assert [f.level for f in five.written().flags] == ["high"] and six.written().flags == ()
    assert "other companies' flags keep the tag Risk: high" in db.messages[-1]["body"]

    assert five.sync(_desired()) == ["clear_flag flag:88"]
    assert db.tag_names(SHARED) == [] and five.written().flags == () and six.written().flags == ()


def test_flag__a_tag_a_person_changed_is_rewritten_to_the_highest_flag(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    five.sync(_desired(_flag("high")))
    six.sync(_desired(_flag("low", score=20)))
    low = 600
    db.tags[low] = "Risk: low"
    db.partners[SHARED]["category_id"] = [low]  # someone lowered it by hand
    assert [c.op for c in five.plan(_desired(_flag("high")))] == [Op.SET_FLAG], "the highest flag's company"
    five.sync(_desired(_flag("high")))
    assert db.tag_names(SHARED) == ["Risk: high"]
    assert six.plan(_desired(_flag("low", score=20))) == []


def test_legacy__an_upgraded_single_company_database_sees_no_change(db):
    """Flag note, hold note and sales warning as earlier versions wrote them (no company)."""
    db.partner(SHARED, company=None, warning=("block", "95 days past due [arwatch:hold]"))
    db.partner(89, company=5)
    tag = 500
    db.tags[tag] = "Risk: high"
    flag, hold = _flag("high", score=81), _hold("95 days past due")
    for pid in (SHARED, 89):
        db.partners[pid]["category_id"] = [tag]
        db.post(pid, odoo_notes.flag_note(flag.model_copy(update={"customer_id": str(pid)})))
        db.post(pid, odoo_notes.hold_note(hold.model_copy(update={"customer_id": str(pid)}),
                                          {"sale_warn": OWN_WARNING[0], "sale_warn_msg": OWN_WARNING[1]}))
    db.partners[89].update(dict(db.partners[SHARED], id=89, company_id=[5, "Company 5"]))
    assert "[arwatch:hold]" in db.warning(SHARED)[1] and "@" not in db.messages[0]["body"]
    five = Company(db, (5,))
    wanted = DesiredState(as_of=DAY, flags=(flag, flag.model_copy(update={"customer_id": "89"})),
                          holds=(hold, hold.model_copy(update={"customer_id": "89"})))
    state = five.written()
    assert _keys(state) == ["flag:88", "flag:89", "hold:88", "hold:89"]
    assert [f.score for f in state.flags] == [81, 81], "the legacy notes are read"
    assert five.plan(wanted) == [], "no change after the upgrade"

    five.sync(DesiredState(as_of=DAY))  # and what it wrote before is still its own to undo
    assert db.tag_names(SHARED) == [] and db.tag_names(89) == []
    assert db.warning(SHARED) == ((OWN_WARNING[0] if db.version < (19, 0) else None), OWN_WARNING[1])
    assert five.written() == WrittenState()


def test_rerun__each_company_writes_nothing_the_second_time(db):
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    wanted5, wanted6 = _desired(_flag("high"), _hold("late")), _desired(_flag("medium", score=40), _hold("fraud"))
    for _ in range(2):
        five.sync(wanted5)
        six.sync(wanted6)
    writes = len(db.writes), len(db.messages)
    for company in (five, six):
        db.calls.clear()
        assert company.sync(wanted5 if company is five else wanted6) == []
        # with the store: one read of the notes posted since the newest it knows (company 6's own
        # flag is below the tag's level: its partner's notes are read whole); without: every note
        assert db.calls.count("mail.message.search_read") == (1 + (company is six) if db.mirrored else 1)
    assert (len(db.writes), len(db.messages)) == writes
    [place] = [c for c in five.writeback.apply([diff(WrittenState(), wanted5).changes[1]])]
    assert place.details == {"note": "already on hold"}, "a hold applied twice is placed once"
    assert db.warning(SHARED)[1].count("[arwatch:hold@5]") == 1


def test_crash__between_the_two_writes_of_a_hold_the_warning_to_restore_is_kept(db):
    """The run dies after the first of a hold's two writes (the note, which keeps the warning to
    restore, then the sales warning): the next run places the hold whole, and its release, by a
    store that lost what the hold replaced, still restores the customer's own warning."""
    db.partner(SHARED, company=None)
    five = Company(db, (5,))
    db.die_after = 1
    [result] = five.writeback.apply(five.plan(_desired(_hold("late"))))
    assert not result.ok
    five.sync(_desired(_hold("late")))  # placed again if it is not there; nothing if it is
    assert [h.key for h in five.written().holds] == ["hold:88"]
    five.forget()  # nor does the store know what the hold replaced
    assert five.sync(_desired()) == ["release_hold hold:88"]
    assert db.warning(SHARED) == ((OWN_WARNING[0] if db.version < (19, 0) else None), OWN_WARNING[1])


def test_crash__after_both_writes_of_a_hold_unrecorded_the_release_restores_from_the_note(db):
    db.partner(SHARED, company=None)
    five = Company(db, (5,))
    list(five.writeback.apply(five.plan(_desired(_hold("late")))))  # written, the outcome never recorded
    assert five.plan(_desired(_hold("late"))) == [], "found written: not placed again"
    assert five.sync(_desired()) == ["release_hold hold:88"]
    assert db.warning(SHARED)[1] == OWN_WARNING[1]


def test_crash__between_the_two_writes_of_a_flag_the_rerun_completes_it(db):
    db.partner(SHARED, company=None)
    five = Company(db, (5,))
    db.die_after = 1
    [result] = five.writeback.apply(five.plan(_desired(_flag("high"))))
    assert not result.ok
    five.sync(_desired(_flag("high")))
    assert db.tag_names(SHARED) == ["Risk: high"] and five.plan(_desired(_flag("high"))) == []


def test_owned_partner__another_companys_leftovers_no_longer_count(db):
    """88 was shared and held and flagged by company 6, then given to company 5: company 6 no
    longer sees it, so its marks cannot hold the customer or the tag for ever."""
    db.partner(SHARED, company=None)
    five, six = Company(db, (5,)), Company(db, (6,))
    six.sync(_desired(_flag("critical", score=95), _hold("fraud")))
    db.partners[SHARED]["company_id"] = [5, "Company 5"]
    assert six.written() == WrittenState()
    [bare] = five.written().flags  # a tag no flag of company 5 explains: company 5's to rewrite or clear
    assert (bare.level, bare.score, bare.segment) == ("critical", 0, "") and five.written().holds == ()
    assert five.sync(_desired(_flag("low", score=20), _hold("late"))) == ["set_flag flag:88", "place_hold hold:88"]
    assert db.tag_names(SHARED) == ["Risk: low"]
    assert db.warning(SHARED)[1] == "late [arwatch:hold@5]"
    five.forget()
    five.sync(_desired())
    assert db.warning(SHARED) == ((OWN_WARNING[0] if db.version < (19, 0) else None), OWN_WARNING[1])
    assert db.tag_names(SHARED) == []


def test_markers__hold_and_flag_marks_name_the_company_and_legacy_marks_still_parse():
    assert markers.hold_mark(5) == "[arwatch:hold@5]" and markers.hold_mark() == "[arwatch:hold]"
    assert markers.hold_owners("late [arwatch:hold@5]\nfraud [arwatch:hold@16]\nold [arwatch:hold]") == [5, 16, None]
    assert markers.without_holds("late [arwatch:hold@5]\nfraud [arwatch:hold@16]", {5}) == "fraud [arwatch:hold@16]"
    note = odoo_notes.flag_note(_flag("high"), 5)
    assert markers.payloads("flag", note) == [(5, _flag("high").model_dump(mode="json"))]
    assert markers.payloads("flag", odoo_notes.flag_note(_flag("high")))[0][0] is None
    assert markers.flag_cleared_by(odoo_notes.flag_cleared_note("88", "paid", 6)) == [6]
