"""Write-back for sources that cannot be written into (a file export, the demo).

The target is what the sync engine records for the company (``WrittenRecords``: the state
store's written-state tables), plus an optional outbox folder:
``worklist.csv`` / ``worklist.json`` (every open flag, hold and task, rewritten after each run;
the CSV's text cells neutralised against formula injection, ``arwatch.core.cells``)
and ``changes.jsonl`` (one line per applied change; at-least-once: a run killed between the
line and the store commit writes the line again).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from arwatch.core.actions import ApplyResult, Change, Flag, Hold, Task, WrittenState
from arwatch.core.cells import safe_row
from arwatch.core.contract import WrittenRecords

WORKLIST_COLUMNS = ("kind", "key", "customer_id", "what", "title", "due_date", "assignee", "why")


def _worklist_row(item: Flag | Hold | Task) -> dict[str, str]:
    if isinstance(item, Flag):
        return {"kind": "flag", "key": item.key, "customer_id": item.customer_id,
                "what": f"{item.level} ({item.score:.0f}), {item.segment}", "title": "", "due_date": "",
                "assignee": "", "why": "; ".join(item.reasons)}
    if isinstance(item, Hold):
        return {"kind": "hold", "key": item.key, "customer_id": item.customer_id, "what": item.rule,
                "title": "", "due_date": "", "assignee": "", "why": item.reason}
    return {"kind": "task", "key": item.key, "customer_id": item.customer_id, "what": item.step,
            "title": item.title, "due_date": item.due_date.isoformat(), "assignee": item.assignee or "",
            "why": item.rule}


def _replace(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class StoreTarget:
    """read_written_state / apply / finish against the recorded state (and the outbox)."""

    def __init__(self, records: WrittenRecords, outbox: Path | None = None):
        self.records, self.outbox = records, outbox

    def read_written_state(self) -> WrittenState:
        return self.records.state()

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        results = [ApplyResult(key=c.key, op=c.op, ok=True, external_id=c.key) for c in changes]
        # one transaction: the batch is recorded wholly or not at all, its log line written inside it
        self.records.record(list(zip(changes, results, strict=False)), lambda: self._log(changes))
        return results

    def _log(self, changes: Sequence[Change]) -> None:
        if self.outbox is None:
            return
        self.outbox.mkdir(parents=True, exist_ok=True)
        with (self.outbox / "changes.jsonl").open("a", encoding="utf-8") as handle:
            handle.writelines(change.model_dump_json(exclude_none=True) + "\n" for change in changes)
            handle.flush()
            os.fsync(handle.fileno())

    def finish(self, written: WrittenState) -> None:
        if self.outbox is None:
            return
        self.outbox.mkdir(parents=True, exist_ok=True)
        items: list[Flag | Hold | Task] = [*written.flags, *written.holds, *written.tasks]
        with (self.outbox / "worklist.csv.tmp").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, WORKLIST_COLUMNS)
            writer.writeheader()
            writer.writerows(safe_row(_worklist_row(i)) for i in items)
        os.replace(self.outbox / "worklist.csv.tmp", self.outbox / "worklist.csv")
        _replace(self.outbox / "worklist.json", json.dumps(written.model_dump(mode="json"), indent=1))
