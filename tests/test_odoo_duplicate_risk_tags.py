"""Duplicate "Risk: <level>" partner tags (one name, two tags: created twice by earlier versions,
before ``SharedWrites.creating_tag``) with the standard write-back (Written by: arwatch sync).

The defect this pins: ``Lookups`` kept one id per name, whichever Odoo answered last, so the
adapter put one duplicate on some partners and the other on others, never read a partner with
the other duplicate as flagged, and a flag write left that duplicate on the partner beside the
tag it wrote. Now the oldest tag of a name is the one used, always; a partner with a duplicate
reads as flagged at its level; and before its writes the adapter moves the partners tagged with
a duplicate to the oldest, then deletes the duplicate only if nothing uses it any more (no
partner of any company the API user is allowed in, no child tag); else it is kept.
"""

from __future__ import annotations

from typing import Any

from test_odoo_shared_partner import Company, SharedOdoo, _desired, _flag

HIGH, HIGH_AGAIN, LOW = 500, 501, 502


class DuplicateTagsOdoo(SharedOdoo):
    """``SharedOdoo`` with two "Risk: high" tags (the older 500, the newer 501), tags that may
    have a parent, and tag deletion."""

    def __init__(self) -> None:
        super().__init__()
        self.tags.update({HIGH: "Risk: high", HIGH_AGAIN: "Risk: high", LOW: "Risk: low"})
        self.parents: dict[int, int] = {}
        self.unlinked: list[int] = []
        for pid in (88, 89, 90):
            self.partner(pid, None)

    def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
        if model == "res.partner.category" and method == "search_read" and kw["domain"][0][0] == "parent_id":
            return [{"id": t, "parent_id": [p, self.tags[p]]} for t, p in self.parents.items()
                    if p in kw["domain"][0][2]]
        if model == "res.partner.category" and method == "search_read":
            return sorted(super().call(model, method, ids, **kw), key=lambda r: -r["id"])  # newest first
        if model == "res.partner.category" and method == "unlink":
            self.unlinked += ids
            for tid in ids:
                del self.tags[tid]
                for row in self.partners.values():
                    row["category_id"] = [t for t in row["category_id"] if t != tid]
            return True
        if model == "res.users" and method == "read":
            return [{"id": self.uid, "company_ids": [5, 6]}]
        return super().call(model, method, ids, **kw)


def test_repro__the_oldest_duplicate_is_used_and_the_partners_of_the_other_move_to_it():
    db = DuplicateTagsOdoo()
    db.partners[89]["category_id"] = [HIGH_AGAIN]  # put by an earlier version
    db.partners[90]["category_id"] = [HIGH, HIGH_AGAIN]
    company = Company(db, (5,))
    assert sorted(f.key for f in company.written().flags) == ["flag:89", "flag:90"], \
        "a partner with the duplicate reads as flagged at its level"

    company.sync(_desired(_flag("high", 88), _flag("high", 89), _flag("high", 90)))
    assert db.partners[88]["category_id"] == [HIGH], "the oldest tag of the name, whatever order Odoo answers in"
    assert [db.partners[p]["category_id"] for p in (89, 90)] == [[HIGH], [HIGH]], "moved to the oldest"
    assert db.unlinked == [HIGH_AGAIN], "nothing uses the duplicate any more: deleted"
    assert sorted(db.tags) == [HIGH, LOW]
    assert company.sync(_desired(_flag("high", 88), _flag("high", 89), _flag("high", 90))) == []


def test_a_duplicate_still_used_as_a_parent_tag_is_kept_and_its_partners_moved():
    db = DuplicateTagsOdoo()
    db.tags[503] = "Key account"
    db.parents[503] = HIGH_AGAIN  # a person filed a tag of their own under it
    db.partners[89]["category_id"] = [HIGH_AGAIN, 503]
    company = Company(db, (5,))
    company.sync(_desired(_flag("high", 89)))
    assert sorted(db.partners[89]["category_id"]) == [HIGH, 503], "moved to the oldest, its other tag kept"
    assert db.unlinked == [] and HIGH_AGAIN in db.tags


def test_a_flag_write_replaces_a_duplicate_by_the_oldest_and_no_call_is_made_without_duplicates():
    db = DuplicateTagsOdoo()
    del db.tags[HIGH_AGAIN]
    company = Company(db, (5,))
    company.sync(_desired(_flag("high", 88)))
    assert "res.users.read" not in db.calls and "res.partner.category.unlink" not in db.calls
    assert db.calls.count("res.partner.category.search_read") == 1, "the tags read once, as before"
