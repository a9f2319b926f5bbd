"""arwatch's block inside ``Customer.Notes``: the risk flag and the credit hold.

QuickBooks Online has no field for either, so arwatch writes a clearly marked block::

    --- arwatch risk ---
    Risk: high | score 72 | segment slipping | as of 2024-01-05
    Why: aging: 1001 (250.00 open) 61 days past due
    Hold: delinquent since 2024-01-05 | previous term 3 | 2 invoices over 60 days
    Ref: 3f9a1c0b2e
    --- end arwatch ---

Everything outside the markers is the user's own text and is kept byte for byte. The whole
field stays within 1024 characters (Intuit's schema limit): reasons are shortened or dropped,
never the user's text; when even a block without reasons does not fit, ``BlockTooLong``.
``Ref`` is a digest of the flag as written, so a flag whose reasons had to be shortened is still
recognised as the one arwatch wrote (and not rewritten on every run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from arwatch.core.actions import Flag, Hold

NOTES_LIMIT = 1024
BEGIN = "--- arwatch risk ---"
END = "--- end arwatch ---"
ELLIPSIS = "…"
NO_TERM = "none"

_RISK = re.compile(r"^Risk: (?P<level>[^|]+?) \| score (?P<score>-?[\d.]+) \| segment "
                   r"(?P<segment>[^|]*?) \| as of (?P<as_of>\d{4}-\d{2}-\d{2})$")
_HOLD = re.compile(r"^Hold: (?P<rule>[^|]+?) since (?P<since>\d{4}-\d{2}-\d{2}) \| previous term "
                   r"(?P<prev>\S+)(?: \| (?P<reason>.*))?$")


class BlockTooLong(ValueError):
    """The user's own text leaves no room for arwatch's block."""


@dataclass(frozen=True)
class Block:
    """What the block says. ``previous_term``: "" when the customer had no term."""

    flag: Flag | None = None
    hold: Hold | None = None
    previous_term: str | None = None
    ref: str | None = None

    @property
    def empty(self) -> bool:
        return self.flag is None and self.hold is None


def flag_digest(flag: Flag) -> str:
    data = [flag.level, flag.segment, round(flag.score), list(flag.reasons)]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Split:
    before: str
    block: str | None
    after: str

    @property
    def user_text(self) -> str:
        return self.before + self.after


def split_notes(notes: str | None) -> Split:
    """The user's text before and after arwatch's block, and the block's text (markers off)."""
    notes = notes or ""
    start = notes.find(BEGIN)
    end = notes.find(END, start + len(BEGIN)) if start >= 0 else -1
    if start < 0 or end < 0:
        return Split(notes, None, "")
    before = notes[:start]
    after = notes[end + len(END):]
    if before.endswith("\n\n"):
        before = before[:-2]  # the separator arwatch put there
    if after.startswith("\n"):
        after = after[1:]
    return Split(before, notes[start + len(BEGIN):end].strip("\n"), after)


def parse_block(text: str | None, customer_id: str) -> Block:
    if not text:
        return Block()
    flag_parts: dict[str, Any] | None = None
    reasons: list[str] = []
    hold = previous = ref = None
    for line in text.splitlines():
        if m := _RISK.match(line):
            flag_parts = m.groupdict()
        elif line.startswith("Why: "):
            reasons.append(line[5:])
        elif m := _HOLD.match(line):
            since = dt.date.fromisoformat(m["since"])
            hold = Hold(customer_id=customer_id, rule=m["rule"], reason=m["reason"] or "",
                        since=since)
            previous = "" if m["prev"] == NO_TERM else m["prev"]
        elif line.startswith("Ref: "):
            ref = line[5:].strip()
    flag = None
    if flag_parts is not None:
        flag = Flag(customer_id=customer_id, level=flag_parts["level"],
                    score=float(flag_parts["score"]), segment=flag_parts["segment"],
                    reasons=tuple(reasons), as_of=dt.date.fromisoformat(flag_parts["as_of"]))
    return Block(flag, hold, previous, ref)


def _line(text: str) -> str:
    return " ".join(text.split())  # one line, no markers' newlines inside


def _render(block: Block, reasons: list[str], hold_reason: str) -> str:
    lines = [BEGIN]
    if block.flag is not None:
        f = block.flag
        lines.append(f"Risk: {_line(f.level)} | score {f.score:.0f} | segment {_line(f.segment)} "
                     f"| as of {f.as_of.isoformat()}")
        lines += [f"Why: {r}" for r in reasons]
    if block.hold is not None:
        h = block.hold
        prev = block.previous_term or NO_TERM
        tail = f" | {hold_reason}" if hold_reason else ""
        lines.append(f"Hold: {_line(h.rule)} since {h.since.isoformat()} | previous term {prev}{tail}")
    if block.flag is not None:
        lines.append(f"Ref: {flag_digest(block.flag)}")
    lines.append(END)
    return "\n".join(lines)


def compose(notes: str | None, block: Block, limit: int = NOTES_LIMIT) -> str:
    """``notes`` with arwatch's block replaced by ``block`` (or removed when it is empty)."""
    split = split_notes(notes)
    if block.empty:
        return _glue(split.before, None, split.after)
    reasons = [_line(r) for r in (block.flag.reasons if block.flag else ())]
    hold_reason = _line(block.hold.reason) if block.hold else ""
    while True:
        text = _glue(split.before, _render(block, reasons, hold_reason), split.after)
        over = len(text) - limit
        if over <= 0:
            return text
        if shorten(reasons, over):
            continue
        if hold_reason:
            hold_reason = _cut(hold_reason, over)
            continue
        raise BlockTooLong(f"the customer's own notes ({len(split.user_text)} characters) leave "
                           f"no room for arwatch's block within {limit}")


def _glue(before: str, block_text: str | None, after: str) -> str:
    if block_text is None:
        return before + (("\n" if before and after else "") + after if after else "")
    head = before + "\n\n" if before else ""
    return head + block_text + ("\n" + after if after else "")


def _cut(text: str, over: int) -> str:
    """``text`` shortened by at least ``over`` characters (ending in …), or "" if too short."""
    keep = len(text) - over - len(ELLIPSIS)
    return text[:keep].rstrip() + ELLIPSIS if keep >= 8 else ""


def shorten(reasons: list[str], over: int) -> bool:
    """Shorten the last reason (or drop it); False when there are none left to shorten."""
    if not reasons:
        return False
    last = _cut(reasons[-1], over)
    if last:
        reasons[-1] = last
    else:
        reasons.pop()
    return True
