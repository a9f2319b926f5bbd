"""``read_written_state``: the flags, holds and open tasks arwatch's marks show in Odoo now.

A flag is there while the partner has a "Risk: <level>" tag; its score, segment and reasons
come from the latest flag note (a tag without a note reads as a bare flag, which the next run
rewrites). A hold is there while the sales warning is a block that still ends with
``[arwatch:hold]``. A task is there while its activity is open.

Three reads (plus the tag lookup): the partners that are flagged, held or own an open arwatch
activity, in one call (company-scoped), with their activity ids; those activities; their flag
and hold notes.

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
from .markers import FLAG_PREFIX, HOLD_MARK, HOLD_PREFIX, TASK_PREFIX, level_of_tag, payload, task_key
from .query import Stream
from .reader import Reader

Row = dict[str, Any]
Mirror = dict[str, tuple[Any, str | None]]  # key -> (Flag | Hold | Task as written, note id)
NOTES = Stream("notes", "mail.message", (("model", "=", "res.partner"), "|", ("body", "ilike", FLAG_PREFIX),
                                         ("body", "ilike", HOLD_PREFIX)), ("res_id", "body"), company_field=None)
ACTIVITIES = Stream("tasks", "mail.activity", (("res_model", "=", "res.partner"), ("note", "ilike", TASK_PREFIX)),
                    ("res_id", "summary", "note", "date_deadline", "user_id"), company_field=None)


def any_of(*alternatives: tuple[Any, ...]) -> tuple[Any, ...]:
    """A domain true when one of the (non-empty) ``alternatives`` is (prefix ``|`` operators)."""
    parts = [a for a in alternatives if a]
    return ("|",) * (len(parts) - 1) + tuple(t for a in parts for t in a)


def _marked_partners(reader: Reader, lookups: Lookups, tags: dict[int, str]) -> list[Row]:
    """The configured companies' partners with a risk tag, a hold's warning, or an open arwatch
    activity, with the ids of their open activities (so that only these companies' activities
    are read, not every company's of the database)."""
    held: tuple[Any, ...] = ()
    if lookups.has_sale_warning():
        held = (("sale_warn_msg", "ilike", HOLD_MARK),)
        if lookups.can_block():
            held = ("&", ("sale_warn", "=", "block")) + held
    wanted = any_of((("category_id", "in", sorted(tags)),) if tags else (), held,
                    (("activity_ids.note", "ilike", TASK_PREFIX),))
    fields = ("category_id", "activity_ids") + tuple(sorted(lookups.warning_fields()))
    return reader.pages(Stream("marked", "res.partner", wanted, fields, company_optional=True, active_test=False))


def _is_held(row: Row, lookups: Lookups) -> bool:
    return HOLD_MARK in (row.get("sale_warn_msg") or "") and (not lookups.can_block()
                                                              or row.get("sale_warn") == "block")


def _latest_payloads(reader: Reader, partner_ids: set[int], after_id: int = 0) -> dict[str, dict[int, dict[str, Any]]]:
    """kind ("flag", "hold") -> partner id -> the payload of its latest note of that kind (of the
    notes with an id above ``after_id``)."""
    found: dict[str, dict[int, tuple[int, dict[str, Any]]]] = {"flag": {}, "hold": {}}
    if partner_ids:
        extra = (("id", ">", after_id),) if after_id else ()
        for row in reader.where_in(NOTES, "res_id", partner_ids, extra=extra):
            for kind, latest in found.items():
                data = payload(kind, row.get("body"))
                if data is not None and row["id"] > latest.get(row["res_id"], (0, {}))[0]:
                    latest[row["res_id"]] = (row["id"], data)
    return {kind: {pid: data for pid, (_, data) in latest.items()} for kind, latest in found.items()}


def _notes(reader: Reader, flagged: dict[int, list[str]], held: set[int],
           mirror: Mirror | None) -> dict[str, dict[int, dict[str, Any]]]:
    """The flag and hold payloads of ``flagged`` and ``held`` partners: the newest notes, else the
    mirror's items, else (partners the mirror lacks) their whole note history."""
    wanted = set(flagged) | held
    if mirror is None:
        return _latest_payloads(reader, wanted)
    note_ids = [int(note) for key, (_, note) in mirror.items()
                if key.startswith(("flag:", "hold:")) and note and str(note).isdigit()]
    newest = max(note_ids, default=0)
    found = _latest_payloads(reader, wanted, after_id=newest) if newest else {"flag": {}, "hold": {}}
    known = {kind: {int(key.split(":", 1)[1]): item.model_dump(mode="json")
                    for key, (item, _) in mirror.items()
                    if key.startswith(f"{kind}:") and key.split(":", 1)[1].isdigit()}
             for kind in ("flag", "hold")}
    for pid in flagged:
        mine = known["flag"].get(pid)
        if pid not in found["flag"] and mine and mine.get("level") == flagged[pid][0]:
            found["flag"][pid] = mine
    for pid in held:
        if pid not in found["hold"] and pid in known["hold"]:
            found["hold"][pid] = {"hold": known["hold"][pid]}  # a hold note's payload wraps the hold
    missing = {pid for pid in flagged if pid not in found["flag"]} | {pid for pid in held if pid not in found["hold"]}
    if missing:
        history = _latest_payloads(reader, missing)
        for kind in found:
            for pid, data in history[kind].items():
                found[kind].setdefault(pid, data)
    return found


def _flags(partners: dict[int, list[str]], notes: dict[int, dict[str, Any]], today: dt.date) -> list[Flag]:
    flags = []
    for pid, levels in sorted(partners.items()):
        level = levels[0]
        note = notes.get(pid)
        if note and note.get("level") == level:
            flags.append(Flag.model_validate(note))
        else:
            flags.append(Flag(customer_id=str(pid), level=str(level), score=0, segment="", as_of=today))
    return flags


def _holds(partners: dict[int, Row], notes: dict[int, dict[str, Any]], today: dt.date) -> list[Hold]:
    holds = []
    for pid, row in sorted(partners.items()):
        data = (notes.get(pid) or {}).get("hold")
        if data and data.get("customer_id") == str(pid):
            holds.append(Hold.model_validate(data))
        else:
            reason = (row.get("sale_warn_msg") or "").replace(HOLD_MARK, "").strip()
            holds.append(Hold(customer_id=str(pid), rule="", reason=reason, since=today))
    return holds


def _tasks(rows: list[Row], mine: set[int]) -> list[Task]:
    tasks = []
    for row in (r for r in rows if r["res_id"] in mine):  # only the configured companies' customers
        key = task_key(row.get("note"))
        if not key:
            continue
        _, customer, step, cause = key.split(":", 3)
        tasks.append(Task(customer_id=customer, step=step, cause=cause, title=row.get("summary") or key,
                          due_date=dt.date.fromisoformat(row["date_deadline"]),
                          assignee=row["user_id"][1] if row.get("user_id") else None))
    return sorted(tasks, key=lambda t: t.key)


def read_written_state(reader: Reader, lookups: Lookups, today: dt.date, mirror: Mirror | None = None) -> WrittenState:
    tags = {tid: level for name, tid in lookups.risk_tags().items() if (level := level_of_tag(name)) is not None}
    partners = _marked_partners(reader, lookups, tags)
    activity_ids = {a for r in partners for a in r.get("activity_ids") or ()}
    activities = reader.where_in(ACTIVITIES, "id", activity_ids) if activity_ids else []
    flagged = {r["id"]: [tags[t] for t in r["category_id"] if t in tags] for r in partners}
    flagged = {pid: levels for pid, levels in flagged.items() if levels}
    held = {r["id"]: r for r in partners if _is_held(r, lookups)}
    notes = _notes(reader, flagged, set(held), mirror)
    return WrittenState(flags=tuple(_flags(flagged, notes["flag"], today)),
                        holds=tuple(_holds(held, notes["hold"], today)),
                        tasks=tuple(_tasks(activities, {r["id"] for r in partners})))
