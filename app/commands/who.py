"""Who ran a command, for the audit log: the name typed (``--by``) and the login it ran under.

``arwatch hold lift|restore`` and ``arwatch record`` take ``--by NAME``; anyone can type a name,
so the audit log names the login that ran the command beside it when that is someone else."""

from __future__ import annotations

import getpass


def login() -> str:
    """The login name the command runs under (what the machine says, not what was typed)."""
    try:
        return getpass.getuser().strip() or "unknown login"
    except (OSError, KeyError):  # no login name in the environment nor the password database
        return "unknown login"


def actor(by: str) -> str:
    """Who did it, for the audit log: the name given, and beside it the login that ran the
    command when that is someone else (``--by`` is typed, anyone can type a manager's name)."""
    ran = login()
    return by if ran.casefold() == by.casefold() else f"{by} (run by login {ran})"
