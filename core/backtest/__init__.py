"""Backtest: replay arwatch over a ledger's history without look-ahead and judge it.

``run_backtest(ledger, settings, policy) -> BacktestResult``; the pieces (``replay``,
``metrics``, ``baselines``, ``learned``) are usable on their own.
"""

from .metrics import average_precision, calibration_bins, roc_auc
from .replay import Replay, replay, replay_days
from .run import BacktestResult, BacktestSettings, run_backtest

__all__ = ["BacktestResult", "BacktestSettings", "Replay", "average_precision", "calibration_bins", "replay",
           "replay_days", "roc_auc", "run_backtest"]
