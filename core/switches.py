"""Each customer's switches in force on the frame's day: snoozed until, excluded from reminders,
placed with a collection agency (``CustomerSwitch`` records, the frame's ``w_*`` columns).

The latest of exclude/include and of placed/recalled known on the day wins; a snooze holds
while the day is before its ``until`` (the next-action day), the latest snooze replacing any
earlier one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .formats import DEFAULT_LOCALE, Style
from .frame import SWITCH_KINDS, LedgerFrame
from .model import SwitchKind


def _code(kind: SwitchKind) -> int:
    return SWITCH_KINDS.index(kind)


def _latest(frame: LedgerFrame, kinds: tuple[SwitchKind, ...]) -> np.ndarray:
    """Per customer: the row (``w_*``) of its latest switch of ``kinds``, -1 when none."""
    rows = np.flatnonzero(np.isin(frame.w_kind, [_code(k) for k in kinds]))
    out = np.full(frame.n_customers, -1, dtype=np.int64)
    out[frame.w_cust[rows]] = rows  # rows are in (customer, day) order: the last one wins
    return out


@dataclass(frozen=True)
class Standing:
    """Per customer, as of the frame's day.

    Attributes:
      snooze_row, exclude_row, placed_row: the ``w_*`` row in force, -1 where none.
    """

    frame: LedgerFrame
    snooze_row: np.ndarray
    exclude_row: np.ndarray
    placed_row: np.ndarray

    @property
    def snoozed(self) -> np.ndarray:
        return self.snooze_row >= 0

    @property
    def excluded(self) -> np.ndarray:
        return self.exclude_row >= 0

    @property
    def placed(self) -> np.ndarray:
        return self.placed_row >= 0

    def words(self, c: int, locale: str = DEFAULT_LOCALE) -> tuple[str, ...]:
        """What a worklist says of the customer: 'snoozed until 10 Jan 2027 (...)', ... (days in ``locale``)."""
        f, out, s = self.frame, [], Style(locale, self.frame.currency)
        if (r := int(self.placed_row[c])) >= 0:
            out.append(f"with the agency since {s.day(f.w_day[r])}" + _said(f.w_note[r]))
        if (r := int(self.snooze_row[c])) >= 0:
            out.append(f"snoozed until {s.day(f.w_until[r])} (set {s.day(f.w_day[r])})" + _said(f.w_note[r]))
        if (r := int(self.exclude_row[c])) >= 0:
            out.append(f"excluded from reminders since {s.day(f.w_day[r])}" + _said(f.w_note[r]))
        return tuple(out)


def _said(note: object) -> str:
    text = str(note or "").strip()
    return f": {text}" if text else ""


def standing(frame: LedgerFrame) -> Standing:
    snooze = _latest(frame, (SwitchKind.SNOOZE,))
    live = snooze >= 0
    live[live] = frame.w_until[snooze[live]].astype(np.int64) > frame.as_of_day
    exclude = _latest(frame, (SwitchKind.EXCLUDE, SwitchKind.INCLUDE))
    placed = _latest(frame, (SwitchKind.PLACED, SwitchKind.RECALLED))
    return Standing(
        frame=frame,
        snooze_row=np.where(live, snooze, -1),
        exclude_row=np.where((exclude >= 0) & (frame.w_kind[np.maximum(exclude, 0)] == _code(SwitchKind.EXCLUDE))
                             if len(frame.w_kind) else exclude >= 0, exclude, -1),
        placed_row=np.where((placed >= 0) & (frame.w_kind[np.maximum(placed, 0)] == _code(SwitchKind.PLACED))
                            if len(frame.w_kind) else placed >= 0, placed, -1),
    )

