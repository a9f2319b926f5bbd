"""The ``arwatch`` command: one sub-command per module of ``arwatch.commands``."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence

from arwatch.core.contract import ConfigError, MassChange, SourceUnreachable, SyncError

from . import __version__
from .commands import COMMANDS
from .exit_codes import ExitCode, UsageError
from .files import private_umask

# errors of the sync stack that reach the command line: printed as one line, with their exit code
_CODES = ((ConfigError, ExitCode.CONFIG_ERROR), (SourceUnreachable, ExitCode.SOURCE_UNREACHABLE),
          (MassChange, ExitCode.MASS_CHANGE), (SyncError, ExitCode.FAILED))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arwatch", description=(
        "Collections early warning and credit control. With no configuration, "
        "`arwatch demo` scores a built-in demo company."))
    parser.add_argument("--version", action="version", version=f"arwatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is done")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (errors are one line without it)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    before = set(logging.getLogger().handlers)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.debug:  # a logged error is one line (the sync engine logs a bug's traceback): --debug shows it
        for handler in set(logging.getLogger().handlers) - before:
            handler.setFormatter(_OneLine("%(levelname)s %(name)s: %(message)s"))
    try:
        with private_umask():  # every file a command writes is its user's only (arwatch.files)
            return int(args.run(args))
    except UsageError as error:
        return _failed(args, str(error), error.code)
    except SyncError as error:
        code = next(c for kind, c in _CODES if isinstance(error, kind))
        return _failed(args, str(error), code)
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr.close()
        return int(ExitCode.OK)
    except KeyboardInterrupt:
        print("arwatch: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception as error:  # noqa: BLE001 - a bug: one line, the traceback with --debug
        return _failed(args, f"unexpected error ({type(error).__name__}: {error}); this is a bug in arwatch: "
                             f"run the command again with --debug to see where", ExitCode.FAILED)


class _OneLine(logging.Formatter):
    """Log lines without the traceback of the exception they carry (``--debug`` keeps it)."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return ""

    def formatStack(self, stack_info: str) -> str:  # noqa: N802 - logging's name
        return ""

    def format(self, record: logging.LogRecord) -> str:
        cached, record.exc_text = record.exc_text, None  # a traceback another handler cached
        try:
            return super().format(record)
        finally:
            record.exc_text = cached


def _failed(args: argparse.Namespace, message: str, code: int) -> int:
    if args.debug:
        traceback.print_exc()
    print(f"arwatch: {message}", file=sys.stderr)
    return int(code)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
