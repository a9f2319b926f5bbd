"""The ranked risk table printed by ``arwatch demo`` and ``arwatch score``."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable

from arwatch.core import wording
from arwatch.core.scoring import CustomerScore

LEVEL_MARK = {"low": "   ", "medium": "!  ", "high": "!! ", "critical": "!!!"}
RISK_WIDTH = 46


def risk_table(scores: Iterable[CustomerScore], limit: int | None = 25, reasons: int = 2) -> str:
    """Customers riskiest first: rank, score, segment and level as one phrase ("good payer, sudden
    change: high"), name, then their top reasons in words."""
    width = max(60, min(shutil.get_terminal_size((110, 20)).columns, 140))
    lines = [f"{'#':>3}  {'score':>5}  {'risk (how it pays: how likely to go bad now)':<{RISK_WIDTH}} customer",
             "-" * min(width, 100)]
    shown = 0
    for rank, s in enumerate(scores, 1):
        if limit is not None and shown >= limit:
            break
        shown += 1
        risk = LEVEL_MARK[s.level] + " " + wording.standing(s.level, s.segment)
        lines.append(f"{rank:>3}  {s.score:>5.0f}  {risk:<{RISK_WIDTH}} {s.name} ({s.customer_id})")
        for reason in s.reasons[:reasons]:
            text = wording.reason(reason.indicator, reason.evidence)
            lines += textwrap.wrap(text, width=width - 8, initial_indent=" " * 8 + "- ",
                                   subsequent_indent=" " * 10)
    return "\n".join(lines)


def level_counts(scores: Iterable[CustomerScore]) -> str:
    counts: dict[str, int] = {}
    for s in scores:
        counts[s.level] = counts.get(s.level, 0) + 1
    return ", ".join(f"{counts.get(level, 0)} {level}" for level in ("critical", "high", "medium", "low"))
