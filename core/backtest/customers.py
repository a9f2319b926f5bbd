"""Customer-level judgement of a replay: who was flagged, how early, how often wrongly.

A customer becomes *delinquent* on the first day one of its invoices is N days past due and
still open (default 90). A flag at level L on replay day T *warns* of it when delinquency comes
after T and within ``horizon_days``. Lead time = delinquency day - first warning day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..columnar import NEVER
from ..policy import LEVELS
from .metrics import average_precision, roc_auc


@dataclass(frozen=True)
class LevelQuality:
    """How one predictor's flags at ``level`` or above did.

    Attributes:
      flagged: customers flagged at least once while not yet delinquent (outcome known).
      warned: delinquent customers flagged within the horizon before delinquency.
      precision: of the flagged, the share that went delinquent within the horizon of a flag.
      recall: warned / delinquent customers.
      false_alarms: customers who never went delinquent but were flagged.
      false_alarm_rate: false_alarms / customers who never went delinquent.
      lead_days: lead time of each warned customer (days).
    """

    level: str
    flagged: int
    warned: int
    precision: float
    recall: float
    false_alarms: int
    false_alarm_rate: float
    lead_days: tuple[int, ...]

    @property
    def median_lead(self) -> float:
        return float(np.median(self.lead_days)) if self.lead_days else float("nan")


@dataclass(frozen=True)
class CustomerQuality:
    """One predictor judged on every (customer, replay day) and per level."""

    predictor: str
    levels: tuple[LevelQuality, ...]
    snapshot_auc: float
    snapshot_ap: float
    snapshot_base_rate: float
    snapshots: int

    def at(self, level: str) -> LevelQuality:
        return next(q for q in self.levels if q.level == level)


def first_warning(days: np.ndarray, level: np.ndarray, bad_day: np.ndarray, horizon_days: int,
                  min_level: int) -> np.ndarray:
    """Per customer, the first replay day with ``level`` >= ``min_level`` within the horizon before
    its delinquency day (NEVER when there is none)."""
    t = days[:, None].astype(np.int64)
    bad = bad_day[None, :].astype(np.int64)
    warn = (level >= min_level) & (t < bad) & (bad - t <= horizon_days)
    first: np.ndarray = np.where(warn, t, int(NEVER)).min(axis=0, initial=int(NEVER))
    return first


def judge_customers(predictor: str, days: np.ndarray, score: np.ndarray, level: np.ndarray,
                    bad_day: np.ndarray, end_day: int, horizon_days: int) -> CustomerQuality:
    """Judge [day, customer] ``score`` / ``level`` against delinquency days ``bad_day``."""
    t = days[:, None].astype(np.int64)
    bad = bad_day[None, :].astype(np.int64)
    before = t < bad  # not yet delinquent on that day
    known = before & ((bad <= end_day) | (t + horizon_days <= end_day))
    comes = before & (bad - t <= horizon_days)
    snap_y, snap_s = comes[known], score[known].astype(np.float64)
    went_bad = (bad_day < NEVER) & (bad_day > days[0]) if len(days) else np.zeros(len(bad_day), bool)
    never_bad = bad_day == NEVER
    levels = []
    for li in range(1, len(LEVELS)):
        flag = (level >= li) & known
        warn = flag & comes
        flagged = flag.any(axis=0)
        warned = warn.any(axis=0) & went_bad
        hit = (flag & comes).any(axis=0)
        first = np.where(warn, t, np.iinfo(np.int64).max).min(axis=0)
        lead = (bad_day - first)[warned].astype(int)
        levels.append(LevelQuality(
            level=LEVELS[li], flagged=int(flagged.sum()), warned=int(warned.sum()),
            precision=float((flagged & hit).sum() / flagged.sum()) if flagged.any() else float("nan"),
            recall=float(warned.sum() / went_bad.sum()) if went_bad.any() else float("nan"),
            false_alarms=int((flagged & never_bad).sum()),
            false_alarm_rate=float((flagged & never_bad).sum() / never_bad.sum()) if never_bad.any() else float("nan"),
            lead_days=tuple(sorted(int(x) for x in lead)),
        ))
    return CustomerQuality(predictor, tuple(levels), roc_auc(snap_y, snap_s), average_precision(snap_y, snap_s),
                           float(snap_y.mean()) if len(snap_y) else float("nan"), int(len(snap_y)))
