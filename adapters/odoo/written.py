"""``read_written_state``: the flags, holds and open tasks arwatch's marks show in Odoo now.

A flag is there while the partner has a "Risk: <level>" tag; its score, segment and reasons
come from the latest flag note (a tag without a note reads as a bare flag, which the next run
rewrites). A hold is there while the sales warning is a block that still ends with
``[arwatch:hold]``. A task is there while its activity is open.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from arwatch.core.actions import Flag, Hold, Task, WrittenState

from .lookups import Lookups
from .markers import HOLD_MARK, level_of_tag, payload, task_key
from .reader import Reader
from .query import Stream


def _latest_payloads(reader: Reader, kind: str, partner_ids: set[int]) -> dict[int, dict[str, Any]]:
    if not partner_ids:
        return {}
    stream = Stream("notes", "mail.message", (("model", "=", "res.partner"), ("body", "ilike", f"[arwatch:{kind}:")),
                    ("res_id", "body"), company_field=None)
    found: dict[int, tuple[int, dict[str, Any]]] = {}
    for row in reader.where_in(stream, "res_id", partner_ids):
        data = payload(kind, row.get("body"))
        if data is not None and row["id"] > found.get(row["res_id"], (0, {}))[0]:
            found[row["res_id"]] = (row["id"], data)
    return {pid: data for pid, (_, data) in found.items()}


def _flags(reader: Reader, lookups: Lookups, today: dt.date) -> list[Flag]:
    tags = {tid: level_of_tag(name) for name, tid in lookups.risk_tags().items()}
    if not tags:
        return []
    stream = Stream("flagged", "res.partner", (("category_id", "in", sorted(tags)),), ("category_id",),
                    company_optional=True, active_test=False)
    partners = {r["id"]: [tags[t] for t in r["category_id"] if t in tags] for r in reader.pages(stream)}
    notes = _latest_payloads(reader, "flag", set(partners))
    flags = []
    for pid, levels in sorted(partners.items()):
        level = levels[0]
        note = notes.get(pid)
        if note and note.get("level") == level:
            flags.append(Flag.model_validate(note))
        else:
            flags.append(Flag(customer_id=str(pid), level=str(level), score=0, segment="", as_of=today))
    return flags


def _holds(reader: Reader, lookups: Lookups, today: dt.date) -> list[Hold]:
    if not lookups.has_sale_warning():
        return []
    block = (("sale_warn", "=", "block"),) if lookups.can_block() else ()
    stream = Stream("held", "res.partner", block + (("sale_warn_msg", "ilike", HOLD_MARK),),
                    ("sale_warn_msg",), company_optional=True, active_test=False)
    partners = {r["id"]: r for r in reader.pages(stream) if HOLD_MARK in (r.get("sale_warn_msg") or "")}
    notes = _latest_payloads(reader, "hold", set(partners))
    holds = []
    for pid, row in sorted(partners.items()):
        data = (notes.get(pid) or {}).get("hold")
        if data and data.get("customer_id") == str(pid):
            holds.append(Hold.model_validate(data))
        else:
            reason = (row.get("sale_warn_msg") or "").replace(HOLD_MARK, "").strip()
            holds.append(Hold(customer_id=str(pid), rule="", reason=reason, since=today))
    return holds


def _tasks(reader: Reader) -> list[Task]:
    stream = Stream("tasks", "mail.activity", (("res_model", "=", "res.partner"), ("note", "ilike", "[arwatch:task:")),
                    ("res_id", "summary", "note", "date_deadline", "user_id"), company_field=None)
    rows = reader.pages(stream)
    partners = Stream("owners", "res.partner", (), ("id",), company_optional=True, active_test=False)
    mine = {r["id"] for r in reader.where_in(partners, "id", {r["res_id"] for r in rows})}
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


def read_written_state(reader: Reader, lookups: Lookups, today: dt.date) -> WrittenState:
    return WrittenState(flags=tuple(_flags(reader, lookups, today)), holds=tuple(_holds(reader, lookups, today)),
                        tasks=tuple(_tasks(reader)))
