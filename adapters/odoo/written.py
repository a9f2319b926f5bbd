"""``read_written_state``: the flags, holds and open tasks arwatch's marks show in Odoo now.

Each company reads only its own flags, holds and tasks (``owners``: a partner without company
is shared by the companies of the database, its tag and sales warning too). A flag is there
while the partner has a "Risk: <level>" tag and the company's latest flag note is not a cleared
one; its level, score, segment and reasons come from that note, when the tag shows the highest
level of every company's current flag (else it reads as a bare flag at the tag's level, which
the next run rewrites); a tag no company's note explains reads as a bare flag too. A hold is
there while the sales warning is a block with a line marked ``[arwatch:hold@<company>]`` of the
company; its rule and reason come from the company's latest hold note. Legacy marks (no
company) are the reading company's. A task is there while its activity is open.

Three reads (plus the tag lookup): the partners that are flagged, held or own an open arwatch
activity, in one call (company-scoped), with their activity ids; those activities; their flag
and hold notes. A task is read back only when its mark names one of the reader's companies, or
names none (a legacy mark, see ``markers``): another company's task of a shared customer is not
this company's.

The notes pile up (a flag is rewritten, with a note, whenever its evidence changes), so with the
state store's mirror of what arwatch wrote (``Mirror``: key -> the item and the id of the note
that wrote it) only the notes posted after the newest one the mirror knows are read (none in a
steady state: one call, whatever the history); a partner whose flag or hold the mirror does not
hold (a new store) has its notes read in full. Without a mirror every note is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from arwatch.core.actions import Flag, Hold, Task, WrittenState

from .lookups import Lookups
from .markers import (
    FLAG_NOTES,
    HOLD_MARK_START,
    HOLD_PREFIX,
    TASK_PREFIX,
    hold_owners,
    level_of_tag,
    strip_hold_marks,
    task_owner,
)
from .owners import Counted, PartnerNotes, above, counted, mine, scan
from .query import Stream
from .reader import Reader

Row = dict[str, Any]
Mirror = dict[str, tuple[Any, str | None]]  # key -> (Flag | Hold | Task as written, note id)
NOTES = Stream("notes", "mail.message", (("model", "=", "res.partner"), "|", ("body", "ilike", FLAG_NOTES),
                                         ("body", "ilike", HOLD_PREFIX)), ("res_id", "body"), company_field=None)
ACTIVITIES = Stream("tasks", "mail.activity", (("res_model", "=", "res.partner"), ("note", "ilike", TASK_PREFIX)),
                    ("res_id", "summary", "note", "date_deadline", "user_id"), company_field=None)


def any_of(*alternatives: tuple[Any, ...]) -> tuple[Any, ...]:
    """A domain true when one of the (non-empty) ``alternatives`` is (prefix ``|`` operators)."""
    parts = [a for a in alternatives if a]
    return ("|",) * (len(parts) - 1) + tuple(t for a in parts for t in a)


def _marked_partners(reader: Reader, lookups: Lookups, tags: dict[int, str], foreign: frozenset[int] = frozenset(),
                     ) -> list[Row]:
    """The configured companies' partners with a risk tag, a hold's warning, or an open arwatch
    activity, with the ids of their open activities (so that only these companies' activities
    are read, not every company's of the database). Every company's holds are asked for (a
    shared partner's warning has a line for each), and sorted out in ``_is_held``."""
    held: tuple[Any, ...] = ()
    if lookups.has_sale_warning():
        held = (("sale_warn_msg", "ilike", HOLD_MARK_START),)
        if lookups.can_block():
            held = ("&", ("sale_warn", "=", "block")) + held
    wanted = any_of((("category_id", "in", sorted(tags)),) if tags else (), held,
                    (("activity_ids.note", "ilike", TASK_PREFIX),))
    fields = ("category_id", "activity_ids", "company_id") + tuple(sorted(lookups.warning_fields()))
    rows = reader.pages(Stream("marked", "res.partner", wanted, fields, company_optional=True, active_test=False))
    if foreign:  # customers of a company above (the root's) that the pull read: one more call
        seen = {r["id"] for r in rows}
        rows += [r for r in reader.where_in(Stream("marked", "res.partner", wanted, fields, company_field=None,
                                                   active_test=False), "id", foreign) if r["id"] not in seen]
    return rows


def _is_held(row: Row, lookups: Lookups, company_ids: tuple[int, ...], legacy: bool = True) -> bool:
    """Whether ``company_ids`` hold the partner: a line of theirs (or a legacy one, if
    ``legacy``) in a warning that is a block."""
    if lookups.can_block() and row.get("sale_warn") != "block":
        return False
    return any(mine(owner, company_ids, legacy) for owner in hold_owners(row.get("sale_warn_msg")))


def _company(row: Row) -> int | None:
    value = row.get("company_id")
    return int(value[0]) if isinstance(value, (list, tuple)) and value else None


def _read_notes(reader: Reader, partner_ids: set[int], after_id: int = 0) -> dict[int, PartnerNotes]:
    """Each partner's flag and hold notes by company (those with an id above ``after_id``)."""
    if not partner_ids:
        return {}
    extra = (("id", ">", after_id),) if after_id else ()
    return scan(reader.where_in(NOTES, "res_id", partner_ids, extra=extra))


def _mirrored(mirror: Mirror, kind: str) -> dict[int, dict[str, Any]]:
    return {int(key.split(":", 1)[1]): item.model_dump(mode="json") for key, (item, _) in mirror.items()
            if key.startswith(f"{kind}:") and key.split(":", 1)[1].isdigit()}


def _notes(reader: Reader, flagged: dict[int, list[str]], held: set[int], mirror: Mirror | None,
           company_ids: tuple[int, ...] = (0,), shared: dict[int, Counted] | None = None,
           strict: frozenset[int] = frozenset()) -> dict[str, dict[int, Any]]:
    """What the notes say of ``flagged`` and ``held`` partners for ``company_ids``:
    ``flag``: partner -> the companies' current flag (payload); ``tag``: partner -> the level
    the tag should show by every company's current flags (``owners``; absent: no company flags
    it); ``hold``: partner -> the companies' latest hold note's payload.

    From the notes posted after the newest one the mirror knows, else the mirror's items (a
    flag of the tag's level needs no other company's notes: the tag shows the highest), else
    (partners the mirror lacks, a flag of another level than the tag's, a flag cleared) the
    partner's whole note history. Without a mirror, the whole history. ``shared``: partner ->
    whose marks count besides ``company_ids``' (``owners.counted``; absent: none); ``strict``:
    partners of a company above the run's, where legacy marks are not these companies'."""
    others = shared or {}
    wanted = set(flagged) | held
    found: dict[str, dict[int, Any]] = {"flag": {}, "tag": {}, "hold": {}}

    def decide(pid: int, notes: PartnerNotes) -> None:
        if pid in flagged:
            flag = notes.my_flag(company_ids, others.get(pid, False), pid not in strict)
            if flag is not None:
                found["flag"][pid] = flag
            level = notes.tag_level(company_ids, others.get(pid, False))
            if level is not None:
                found["tag"][pid] = level
        if pid in held and (hold := notes.my_hold(company_ids, pid not in strict)) is not None:
            found["hold"][pid] = hold

    if mirror is None:
        history = _read_notes(reader, wanted)
        for pid in wanted:
            decide(pid, history.get(pid, PartnerNotes()))
        return found
    note_ids = [int(note) for key, (_, note) in mirror.items()
                if key.startswith(("flag:", "hold:")) and note and str(note).isdigit()]
    newest = max(note_ids, default=0)
    recent = _read_notes(reader, wanted, after_id=newest) if newest else {}
    known = {kind: _mirrored(mirror, kind) for kind in ("flag", "hold")}
    missing = set()
    for pid in wanted:
        notes = recent.get(pid, PartnerNotes())
        if pid in flagged:
            own = [found for owner, found in notes.flags.items() if mine(owner, company_ids, pid not in strict)]
            mine_now = max(own, key=lambda f: f[0])[1] if own else known["flag"].get(pid)
            if mine_now is None or mine_now.get("level") != flagged[pid][0]:
                missing.add(pid)  # cleared, unknown, or not the tag's level: every company's notes decide
                continue
            found["flag"][pid], found["tag"][pid] = mine_now, mine_now["level"]
        if pid in held:
            hold = notes.my_hold(company_ids, pid not in strict)
            if hold is None and pid in known["hold"]:
                hold = {"hold": known["hold"][pid]}  # a hold note's payload wraps the hold
            if hold is None:
                missing.add(pid)
                continue
            found["hold"][pid] = hold
    history = _read_notes(reader, missing)
    for pid in missing:
        for kind in found:
            found[kind].pop(pid, None)
        decide(pid, history.get(pid, PartnerNotes()))
    return found


def _flags(partners: dict[int, list[str]], notes: dict[str, dict[int, Any]], today: dt.date) -> list[Flag]:
    """The companies' flags: their current flag note where the tag shows what every company's
    flags make it; a bare flag at the tag's level (which the next run rewrites) where it does
    not (a person changed the tag) or where no company's note flags the partner (a tag put by
    hand, or a crash between a cleared flag's note and its tag)."""
    flags = []
    for pid, levels in sorted(partners.items()):
        level = levels[0]
        note, expected = notes["flag"].get(pid), notes["tag"].get(pid)
        if note is not None and expected == level:
            flags.append(Flag.model_validate(note))
        elif note is not None or expected is None:
            flags.append(Flag(customer_id=str(pid), level=str(level), score=0, segment="", as_of=today))
    return flags


def _holds(partners: dict[int, Row], notes: dict[int, dict[str, Any]], today: dt.date,
           company_ids: tuple[int, ...], strict: frozenset[int] = frozenset()) -> list[Hold]:
    holds = []
    for pid, row in sorted(partners.items()):
        data = (notes.get(pid) or {}).get("hold")
        if data and data.get("customer_id") == str(pid):
            holds.append(Hold.model_validate(data))
        else:
            lines = [line for line in (row.get("sale_warn_msg") or "").split("\n")
                     if any(mine(o, company_ids, pid not in strict) for o in hold_owners(line))]
            reason = " ".join(strip_hold_marks(line) for line in lines)
            holds.append(Hold(customer_id=str(pid), rule="", reason=reason, since=today))
    return holds


def _tasks(rows: list[Row], mine: set[int], company_ids: tuple[int, ...], strict: frozenset[int] = frozenset(),
           ) -> list[Task]:
    """The tasks of ``company_ids`` among the activities ``rows`` of the customers ``mine``; a
    key both marked for these companies and legacy (not written by arwatch itself, which reuses
    the legacy one) reads as the company-marked one."""
    found: dict[str, tuple[bool, Row]] = {}
    for row in sorted((r for r in rows if r["res_id"] in mine), key=lambda r: r["id"]):
        owner = task_owner(row.get("note"))
        if not owner or (owner[1] is not None and owner[1] not in company_ids) or (
                owner[1] is None and row["res_id"] in strict):
            continue  # no mark, or another company's task (a legacy one on a customer of a company above)
        key, marked = owner[0], owner[1] is not None
        if key not in found or (marked and not found[key][0]):
            found[key] = (marked, row)
    tasks = []
    for key, (_, row) in found.items():
        _, customer, step, cause = key.split(":", 3)
        tasks.append(Task(customer_id=customer, step=step, cause=cause, title=row.get("summary") or key,
                          due_date=dt.date.fromisoformat(row["date_deadline"]),
                          assignee=row["user_id"][1] if row.get("user_id") else None))
    return sorted(tasks, key=lambda t: t.key)


def read_written_state(reader: Reader, lookups: Lookups, today: dt.date, mirror: Mirror | None = None,
                       foreign: frozenset[int] = frozenset()) -> WrittenState:
    """``foreign``: the customers of a company above the run's that its pull read (a branch's
    invoices to its root's customers): their marks are read too (one more call)."""
    tags = {tid: level for tid, name in lookups.risk_tag_names().items() if (level := level_of_tag(name)) is not None}
    partners = _marked_partners(reader, lookups, tags, foreign)
    activity_ids = {a for r in partners for a in r.get("activity_ids") or ()}
    activities = reader.where_in(ACTIVITIES, "id", activity_ids) if activity_ids else []
    flagged = {r["id"]: [tags[t] for t in r["category_id"] if t in tags] for r in partners}
    flagged = {pid: levels for pid, levels in flagged.items() if levels}
    company_ids = reader.company_ids
    family = getattr(reader, "family", company_ids)  # a reader without branches: its companies
    strict = frozenset(r["id"] for r in partners if above(_company(r), family))
    held = {r["id"]: r for r in partners if _is_held(r, lookups, company_ids, r["id"] not in strict)}
    shared = {r["id"]: counted(_company(r), company_ids, family) for r in partners}
    notes = _notes(reader, flagged, set(held), mirror, company_ids, shared, strict)
    return WrittenState(flags=tuple(_flags(flagged, notes, today)),
                        holds=tuple(_holds(held, notes["hold"], today, company_ids, strict)),
                        tasks=tuple(_tasks(activities, {r["id"] for r in partners}, reader.company_ids, strict)))
