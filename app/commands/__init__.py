"""Sub-commands of ``arwatch``: each module has ``register(subparsers)`` setting ``run``."""

from __future__ import annotations

from . import backtest, connect, demo, export, hold, init, plan, record, report, score, sync

COMMANDS = (demo, init, sync, plan, record, hold, report, export, backtest, score, connect)
