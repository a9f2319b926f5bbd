"""The ``--locale`` argument the commands share (how days and money are written)."""

from __future__ import annotations

import argparse

from arwatch.core.formats import check_locale


def locale_arg(value: str) -> str:
    try:
        return check_locale(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
