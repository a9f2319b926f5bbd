"""Sub-commands of ``arwatch``: each module has ``register(subparsers)`` setting ``run``."""

from __future__ import annotations

from . import backtest, connect, demo, export, plan, report, score, sync

COMMANDS = (demo, sync, plan, report, export, backtest, score, connect)
