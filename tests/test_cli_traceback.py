"""A bug inside a company's run is one line on the command line; its traceback only with
``--debug`` (README: "Errors ... in one line; `arwatch --debug ...` shows the traceback"). The
sync engine logs it with ``log.exception``: the handler the CLI sets up shows the traceback only
with ``--debug``. Run as a real process, whose logging is the CLI's own (pytest's is not)."""

from __future__ import annotations

import subprocess
import sys

from sync_helpers import IBM_EXCERPT, file_settings, write_config

BROKEN_PLANNER = """
import sys
from arwatch.commands import sync

def planner(*args, **kwargs):
    raise RuntimeError("a bug in the planner")

sync.PLANNER = planner
from arwatch.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_cli__a_bug_in_a_run_is_one_line_and_its_traceback_only_with_debug(tmp_path):
    config = write_config(tmp_path / "arwatch.toml",
                          {"good": {"source": "file", "settings": file_settings(IBM_EXCERPT)}},
                          state_url=str(tmp_path / "state.sqlite3"))

    def run(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", BROKEN_PLANNER, *options, "sync", "--config", str(config),
                               "--source", "good", "--as-of", "2013-06-01"], capture_output=True, text=True,
                              cwd=tmp_path)

    plain = run()
    assert plain.returncode == 1, plain.stderr
    assert "good: failed: RuntimeError: a bug in the planner" in plain.stdout
    assert "ERROR arwatch.sync.runner: good: sync failed" in plain.stderr
    assert "Traceback" not in plain.stdout + plain.stderr
    debug = run("--debug")
    assert debug.returncode == 1 and "good: failed: RuntimeError: a bug in the planner" in debug.stdout
    assert "Traceback (most recent call last)" in debug.stderr and "RuntimeError: a bug in the planner" in debug.stderr
