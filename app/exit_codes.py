"""Exit codes of the ``arwatch`` command, distinct per kind of failure (for schedulers)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILED = 1  # a bug or an unexpected error
    CONFIG_ERROR = 2  # bad arguments, configuration or policy file
    SOURCE_UNREACHABLE = 3  # the accounting system could not be reached or refused the login
    PARTIAL_FAILURE = 4  # the run finished but some records or writes failed
    LOCKED = 5  # another run holds the company's lock
    MASS_CHANGE = 6  # the run would remove or undo too much at once, or the export is empty: nothing written
    INTERRUPTED = 130


class UsageError(Exception):
    """A user-facing error: printed without a traceback, exits with ``code``."""

    def __init__(self, message: str, code: ExitCode = ExitCode.CONFIG_ERROR):
        super().__init__(message)
        self.code = code
