"""The adapter's own memory of what it has written in QuickBooks, kept beside the token file.

It mirrors, from every Customer, Term and Attachable the adapter sees (full pulls, CDC, its
own writes), the parts that matter for write-back: arwatch's notes blocks (flags and holds),
the open task notes, the terms and the credit-hold term. So ``read_written_state`` after an
incremental pull costs no request: CDC already brought every change made in QuickBooks since.
``synced_at`` is the server time the mirror is complete up to; ``None`` (first run, lost file,
a gap between it and the pull's cursor) makes the adapter read everything again.

It also keeps each flag exactly as arwatch wrote it, with the digest printed in the block, so
a flag whose reasons were shortened to fit ``Notes`` reads back as the flag that was written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from arwatch.core.actions import Flag, Hold, Task, WrittenState

from . import notes_block, task_note
from .mapping import ref
from .tokens import write_private

HOLD_TERM_NAME = "Credit hold - payment in advance"
VERSION = 1


class AdapterState:
    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self.synced_at: str | None = None
        self.terms: dict[str, dict[str, Any]] = {}
        self.hold_term_id: str | None = None
        self.customers: dict[str, dict[str, Any]] = {}  # customers with arwatch's block
        self.tasks: dict[str, dict[str, Any]] = {}  # open task notes by task key
        self.flags_written: dict[str, dict[str, Any]] = {}  # customer -> {"ref", "flag"}

    # ------------------------------------------------------------------ persistence
    @classmethod
    def load(cls, path: str | Path | None) -> AdapterState:
        state = cls(path)
        if state.path is None or not state.path.exists():
            return state
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except ValueError:
            return state  # unreadable: start over (everything is read again)
        if data.get("version") != VERSION:
            return state
        state.synced_at = data.get("synced_at")
        state.terms = data.get("terms", {})
        state.hold_term_id = data.get("hold_term_id")
        state.customers = data.get("customers", {})
        state.tasks = data.get("tasks", {})
        state.flags_written = data.get("flags_written", {})
        return state

    def save(self) -> None:
        if self.path is None:
            return
        data = {"version": VERSION, "synced_at": self.synced_at, "terms": self.terms,
                "hold_term_id": self.hold_term_id, "customers": self.customers,
                "tasks": self.tasks, "flags_written": self.flags_written}
        write_private(self.path, json.dumps(data, indent=1, sort_keys=True))

    def reset_mirror(self) -> None:
        """Before a complete re-read: forget what was observed (not what arwatch wrote)."""
        self.terms, self.customers, self.tasks = {}, {}, {}
        self.hold_term_id = None

    # ------------------------------------------------------------------ observing
    def observe_term(self, obj: Mapping[str, Any]) -> None:
        term_id = str(obj["Id"])
        self.terms[term_id] = {k: obj.get(k) for k in ("Name", "DueDays", "Type", "Active")}
        if obj.get("Name") == HOLD_TERM_NAME:
            self.hold_term_id = term_id

    def observe_customer(self, obj: Mapping[str, Any]) -> None:
        cid = str(obj["Id"])
        block = notes_block.parse_block(notes_block.split_notes(obj.get("Notes")).block, cid)
        if block.empty:
            self.customers.pop(cid, None)
            return
        flag = self.flag_as_written(cid, block)
        term = ref(obj, "SalesTermRef")
        on_hold = block.hold is not None and term is not None and term == self.hold_term_id
        self.customers[cid] = {
            "flag": flag.model_dump(mode="json") if flag else None,
            "hold": block.hold.model_dump(mode="json") if on_hold and block.hold else None,
            "previous_term": block.previous_term, "term": term,
        }

    def flag_as_written(self, customer_id: str, block: notes_block.Block) -> Flag | None:
        """The block's flag; the whole flag arwatch wrote when the block's Ref is its digest."""
        written = self.flags_written.get(customer_id)
        if block.flag is not None and written and written.get("ref") == block.ref:
            return Flag.model_validate(written["flag"])
        return block.flag

    def observe_attachable(self, obj: Mapping[str, Any]) -> None:
        att_id = str(obj["Id"])
        refs = [r.get("EntityRef") or {} for r in obj.get("AttachableRef") or []]
        target = refs[0] if refs else {}
        invoice = str(target.get("value")) if target.get("type") == "Invoice" else None
        note = task_note.parse(obj.get("Note"), invoice)
        self.forget_attachable(att_id)
        if note is None or not note.open:
            return
        task = note.task.model_dump(mode="json") if note.task else None
        self.tasks[note.key] = {"attachable_id": att_id, "sync_token": str(obj.get("SyncToken", "0")),
                                "task": task, "target": {"type": target.get("type"),
                                                         "value": str(target.get("value"))},
                                "note": obj.get("Note")}

    def forget_attachable(self, att_id: str) -> None:
        for key in [k for k, v in self.tasks.items() if v["attachable_id"] == att_id]:
            del self.tasks[key]

    def remember_flag(self, flag: Flag) -> None:
        self.flags_written[flag.customer_id] = {"ref": notes_block.flag_digest(flag),
                                                "flag": flag.model_dump(mode="json")}

    def remember_task(self, task: Task, att: Mapping[str, Any]) -> None:
        """After arwatch created a note: keep the whole task (bodies are not read back)."""
        self.observe_attachable(att)
        if task.key in self.tasks:
            self.tasks[task.key]["task"] = task.model_dump(mode="json")

    # ------------------------------------------------------------------ reading
    def previous_term(self, customer_id: str) -> str | None:
        entry = self.customers.get(customer_id)
        return entry.get("previous_term") if entry else None

    def written(self) -> WrittenState:
        flags = [Flag.model_validate(c["flag"]) for c in self.customers.values() if c.get("flag")]
        holds = [Hold.model_validate(c["hold"]) for c in self.customers.values() if c.get("hold")]
        tasks = [Task.model_validate(t["task"]) for t in self.tasks.values() if t.get("task")]
        by_key = lambda item: item.key  # noqa: E731
        return WrittenState(flags=tuple(sorted(flags, key=by_key)),
                            holds=tuple(sorted(holds, key=by_key)),
                            tasks=tuple(sorted(tasks, key=by_key)))
