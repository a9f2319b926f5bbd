"""Sub-commands of ``arwatch``: each module has ``register(subparsers)`` setting ``run``."""

from __future__ import annotations

from . import connect, score

COMMANDS = (score, connect)
