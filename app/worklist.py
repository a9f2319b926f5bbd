"""Today's worklist as text: who to call, what to send, who to hold, what needs approval."""

from __future__ import annotations

import datetime as dt

from arwatch.core.actions import DesiredState

SECTIONS = (
    ("Call today", ("call",)),
    ("Send", ("email", "letter")),
    ("Approve (manager)", ("approval",)),
    ("Other tasks", ("todo",)),
)


def worklist_text(desired: DesiredState, names: dict[str, str], today: dt.date, limit: int = 15) -> str:
    due = [t for t in desired.tasks if t.due_date <= today]
    lines = [f"Worklist for {today.isoformat()}: {len(due)} tasks due, {len(desired.holds)} customers on hold"]
    for title, channels in SECTIONS:
        tasks = sorted((t for t in due if t.channel in channels), key=lambda t: (t.due_date, t.customer_id))
        if not tasks:
            continue
        lines.append(f"\n{title} ({len(tasks)}):")
        for t in tasks[:limit]:
            who = f" -> {t.assignee}" if t.assignee else ""
            lines.append(f"  - {names.get(t.customer_id, t.customer_id)}: {t.title}{who}")
        if len(tasks) > limit:
            lines.append(f"  ... and {len(tasks) - limit} more")
    if desired.holds:
        lines.append(f"\nOn credit hold ({len(desired.holds)}): new orders only with payment upfront")
        for h in sorted(desired.holds, key=lambda h: h.customer_id)[:limit]:
            lines.append(f"  - {names.get(h.customer_id, h.customer_id)}: {h.reason}")
    return "\n".join(lines)
