"""Fault injection for crash tests: ``ARWATCH_FAULT=<point>:<n>`` ends the process abruptly
(``os._exit``, no cleanup) the n-th time the runner passes ``<point>``.

Points: ``before_apply`` (intents committed, nothing written), ``after_apply`` (written in the
target, outcome not recorded), ``after_snapshot`` (planned, snapshot and cursor saved, nothing written).
"""

from __future__ import annotations

import os
from collections import Counter

EXIT_CODE = 70
_passed: Counter[str] = Counter()


def fault_point(point: str) -> None:
    spec = os.environ.get("ARWATCH_FAULT", "")
    name, _, nth = spec.partition(":")
    if not spec or name != point:
        return
    _passed[point] += 1
    if _passed[point] == int(nth or 1):
        os._exit(EXIT_CODE)
