"""``arwatch demo`` run once for the test session (the ``demo_run`` fixture of conftest.py).

Several modules start from what the demo has just written: its exit code, output, state store
and HTML report. The run is the same for each (the built-in demo company, nothing configured),
so it is made once; a test or module that goes on from it (plans, reports, runs the demo again)
works on its own copy of the state store (``copy_store``), never on the shared one.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from arwatch.cli import main


@dataclass(frozen=True)
class DemoRun:
    code: int  # main's exit code
    out: str  # what it printed
    state: Path  # its state store, closed (copy it with copy_store to go on from it)
    report: Path  # its HTML report (copy it with copy_report to change it)

    def copy_store(self, target: Path) -> Path:
        """A copy of the state store at ``target`` (its write-ahead log included)."""
        with contextlib.closing(sqlite3.connect(self.state)) as src, \
                contextlib.closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
        target.chmod(self.state.stat().st_mode & 0o777)
        return target

    def copy_report(self, target: Path) -> Path:
        shutil.copyfile(self.report, target)
        return target


def run_demo(folder: Path) -> DemoRun:
    """``arwatch demo --state <folder>/state.sqlite3 --report <folder>/demo.html``, nothing configured."""
    state, report, out = folder / "state.sqlite3", folder / "demo.html", io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(out):
        mp.setenv("ARWATCH_CONFIG", str(folder / "no-config.toml"))  # nothing configured
        code = main(["demo", "--state", str(state), "--report", str(report)])
    return DemoRun(code, out.getvalue(), state, report)
