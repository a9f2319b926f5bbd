"""The adapter's own memory of what it has written in QuickBooks.

Run by the sync engine, it is kept in the state store beside the company's cursor
(``AdapterMemory``, ``Store.memory_of``); a JSON file that an earlier version kept beside the
token file is moved into the store once (``migrate_file``). Used on its own, the adapter keeps
it in a private JSON file (``FileMemory``).

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
from arwatch.core.contract import AdapterMemory

from . import notes_block, task_note
from .mapping import ref
from .tokens import write_private

HOLD_TERM_NAME = "Credit hold - payment in advance"
VERSION = 1


class FileMemory:
    """``AdapterMemory`` in a private JSON file (the adapter used without the sync engine)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except ValueError:
            return None  # unreadable: start over (everything is read again)
        return data if isinstance(data, dict) else None

    def save(self, data: dict[str, Any]) -> None:
        write_private(self.path, json.dumps(data, indent=1, sort_keys=True))


def migrate_file(path: Path, memory: AdapterMemory) -> bool:
    """Move the state file of an earlier version into ``memory`` once: only when ``memory`` holds
    nothing yet; the file is kept, renamed ``<name>.migrated``. True when it moved."""
    if memory.load() is not None or not path.exists():
        return False
    data = FileMemory(path).load()
    if data is None:
        return False
    memory.save(data)
    path.replace(path.with_name(path.name + ".migrated"))
    return True


class AdapterState:
    def __init__(self, memory: AdapterMemory | None):
        self.memory = memory
        self.synced_at: str | None = None
        self.terms: dict[str, dict[str, Any]] = {}
        self.hold_term_id: str | None = None
        self.customers: dict[str, dict[str, Any]] = {}  # customers with arwatch's block
        self.tasks: dict[str, dict[str, Any]] = {}  # open task notes by task key
        self.flags_written: dict[str, dict[str, Any]] = {}  # customer -> {"ref", "flag"}
        # collectors' notes (collector_notes): attachable -> its syntax lines' key -> first day seen
        self.note_days: dict[str, dict[str, str]] = {}
        # answers to unreadable lines not written yet: attachable -> {"note", "sync_token", "target"}
        self.answers: dict[str, dict[str, Any]] = {}
        self.company_name: str | None = None  # CompanyInfo's, read on a full pull (and when unknown)

    # ------------------------------------------------------------------ persistence
    @classmethod
    def load(cls, memory: AdapterMemory | None) -> AdapterState:
        state = cls(memory)
        data = memory.load() if memory is not None else None
        if not data or data.get("version") != VERSION:
            return state
        state.synced_at = data.get("synced_at")
        state.terms = data.get("terms", {})
        state.hold_term_id = data.get("hold_term_id")
        state.customers = data.get("customers", {})
        state.tasks = data.get("tasks", {})
        state.flags_written = data.get("flags_written", {})
        state.note_days = data.get("note_days", {})
        state.answers = data.get("answers", {})
        state.company_name = data.get("company_name")
        return state

    def save(self) -> None:
        if self.memory is None:
            return
        self.memory.save({"version": VERSION, "synced_at": self.synced_at, "terms": self.terms,
                          "hold_term_id": self.hold_term_id, "customers": self.customers,
                          "tasks": self.tasks, "flags_written": self.flags_written,
                          "note_days": self.note_days, "answers": self.answers,
                          "company_name": self.company_name})

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
