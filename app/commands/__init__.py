"""Sub-commands of ``arwatch``: each module has ``register(subparsers)`` setting ``run``."""

from __future__ import annotations

from . import backtest, score

COMMANDS = (score, backtest)
