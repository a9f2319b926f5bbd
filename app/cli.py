"""The ``arwatch`` command: one sub-command per module of ``arwatch.commands``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .commands import COMMANDS
from .exit_codes import ExitCode, UsageError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="arwatch", description=(
        "Collections early warning and credit control. With no configuration, "
        "`arwatch demo` scores a built-in demo company."))
    parser.add_argument("--version", action="version", version=f"arwatch {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what is done")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"arwatch: {error}", file=sys.stderr)
        return int(error.code)
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        sys.stderr.close()
        return int(ExitCode.OK)
    except KeyboardInterrupt:
        print("arwatch: interrupted", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
