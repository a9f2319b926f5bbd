"""A no-change rerun: a run that would see exactly what the company's last completed run saw ends
early, without loading, scoring or planning, and writes nothing.

What a run sees is summed up in a fingerprint (``fingerprint``): the as-of day; the policy; the
planner's templates and locale (``TemplatePlanner.inputs``: a run with a planner that names no
inputs is never skipped); arwatch's code (its version and a hash of its source, which covers
the scorer, the planner and the model's code); the source's name; and the store's stamp of the
company (``RunInputsTable.stamp``: its written state, audit log, collector notes, hold overrides,
model fits, journal, cursor and the runs that did not end well). Only a company whose written
state the store keeps (a file or demo source) is ever skipped: an accounting system that keeps
its own (Odoo, QuickBooks) can be changed there by people, and telling would take reading it
back (not done: the recorded Odoo and QuickBooks exchanges have no such read).

The source side is the pull, which a run does first anyway: a pull that brought nothing (no
record, deletion or problem: a file source whose files have the size and mtime, or else the
hash, of the last pull; an API with nothing after its cursor) leaves the snapshot as the last
run saved it.

The fingerprint is recorded once a run has written everything it planned (no failed write),
after its writes. A later run that does anything (saves a snapshot, journals a write) or ends
otherwise than ok or partial (crashed, failed, stopped by the mass-change guard) changes the
store's stamp, so the run after it runs in full and meets the same problem. A skipped run
reports the problems the recorded run found in the data (the same data would give the same ones).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from importlib import metadata, resources
from typing import Any

from arwatch.core.contract import PullResult, SourceAdapter, writes_back
from arwatch.core.policy import Policy

from .store import Store
from .store.run_inputs import RecordedInputs
from .store.store import CompanyRecords

FORMAT = 1  # of the fingerprint: a new one makes every company's next run a full one


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """arwatch's version and a hash of its Python source and templates: changed code plans anew."""
    digest = hashlib.sha256(metadata.version("arwatch").encode())
    root = resources.files("arwatch")
    stack = [root]
    files = []
    while stack:
        folder = stack.pop()
        for entry in folder.iterdir():
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append(entry)
            elif entry.name.endswith((".py", ".j2", ".toml")):
                files.append(entry)
    for entry in sorted(files, key=str):
        digest.update(str(entry).removeprefix(str(root)).encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def nothing_pulled(pull: PullResult) -> bool:
    """The pull brought no record, deletion or problem: the snapshot stays as it was saved."""
    return not (pull.records or pull.deletions or pull.issues or pull.complete or pull.complete_collections
                or pull.rejected or pull.unidentified)


def _store_backed(adapter: SourceAdapter, store: Store, company: str) -> bool:
    """The adapter's written state is the store's own (a file or demo source's ``StoreTarget``)."""
    records = getattr(adapter, "records", None)
    return isinstance(records, CompanyRecords) and records.store is store and records.company == company


def fingerprint(store: Store, company: str, adapter: SourceAdapter, policy: Policy, today: dt.date,
                planner: object) -> str | None:
    """What a run of ``company`` as of ``today`` sees besides the pull, hashed; None (a run never
    skipped) when the planner names no inputs, or when the target keeps its written state outside
    the store (it would have to be read back to tell)."""
    planned = getattr(planner, "inputs", None)
    if not isinstance(planned, str):
        return None
    parts: dict[str, Any] = {"format": FORMAT, "code": code_version(), "source": adapter.name,
                             "today": today.isoformat(), "policy": policy.model_dump(mode="json"),
                             "planner": planned, "store": store.inputs.stamp(company),
                             "writes_back": writes_back(adapter)}
    if writes_back(adapter) and not _store_backed(adapter, store, company):
        return None  # an accounting system keeps its written state itself: people change it there
    text = json.dumps(parts, sort_keys=True, default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def unchanged_since(store: Store, company: str, pull: PullResult, seen: str | None) -> RecordedInputs | None:
    """The company's last completed run when this one sees exactly what it saw (``seen``: this
    run's fingerprint), else None."""
    if seen is None or not nothing_pulled(pull):
        return None
    recorded = store.inputs.recorded(company)
    return recorded if recorded is not None and recorded.fingerprint == seen else None
