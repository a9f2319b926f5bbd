"""One clock: the run's day and time are decided where a run starts (``arwatch.sync.clock``) and
passed down. This walks the source tree's syntax and fails on any read of the wall clock outside
the allow-list below, so a new ``date.today()`` cannot slip in unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("app", "core", "sync", "adapters", "demo", "report", "addon", "benchmarks", "scripts")

# (module path, call) pairs allowed to read the clock, each with its reason.
ALLOWED = {
    ("sync/clock.py", "datetime.now"): "the edge clock: every run's RunClock comes from here",
}

# attribute calls that read the wall clock: <something>.<attr>() where <something> ends with one
# of these names (``dt.date.today()``, ``datetime.now(tz)``, ``time.time()``, ...)
CLOCK_CALLS = {
    "today": ("date", "datetime"),
    "now": ("datetime",),
    "utcnow": ("datetime",),
    "time": ("time",),
    "time_ns": ("time",),
    "localtime": ("time",),
    "gmtime": ("time",),
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def clock_calls(source: str) -> list[tuple[int, str]]:
    """``(line, "datetime.now")`` for each wall-clock read in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owners = CLOCK_CALLS.get(node.func.attr)
        owner = _dotted(node.func.value).rsplit(".", 1)[-1]
        if owners and owner in owners:
            found.append((node.lineno, f"{owner}.{node.func.attr}"))
    return found


def python_files() -> list[Path]:
    files = [p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py")]
    files += [p for p in (ROOT / "scripts").glob("*") if p.is_file() and p.read_text(errors="ignore").startswith(
        "#!/usr/bin/env python")]
    return sorted(set(files))


def test_clock_calls__finds_every_spelling_of_a_wall_clock_read():
    source = ("import datetime as dt, time\nfrom datetime import date, datetime\n"
              "a = dt.date.today()\nb = datetime.now(dt.timezone.utc)\nc = time.time()\n"
              "d = date.today()\ne = dt.datetime.utcnow()\nf = fields.Date.context_today(rec)\n"
              "g = clock.now()\nh = self.today\n")
    assert clock_calls(source) == [(3, "date.today"), (4, "datetime.now"), (5, "time.time"),
                                   (6, "date.today"), (7, "datetime.utcnow")]


def test_no_wall_clock_read_outside_the_edge_clock():
    offenders = []
    for path in python_files():
        rel = path.relative_to(ROOT).as_posix()
        for line, call in clock_calls(path.read_text(encoding="utf-8")):
            if (rel, call) not in ALLOWED:
                offenders.append(f"{rel}:{line}: {call}()")
    assert offenders == [], ("read the run's clock (arwatch.core.clock.RunClock, passed down from where the run "
                             "starts) instead of the wall clock:\n" + "\n".join(offenders))


@pytest.mark.parametrize(("path", "call"), sorted(ALLOWED))
def test_allow_list__every_entry_is_still_used(path, call):
    assert (ROOT / path).exists(), path
    assert call in {c for _, c in clock_calls((ROOT / path).read_text(encoding="utf-8"))}, (path, call)
