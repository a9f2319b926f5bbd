"""The end-to-end ``arwatch sync`` scenario against a real Odoo with a larger demo slice.

    ARWATCH_ODOO_URL=... ARWATCH_ODOO_DB=... ARWATCH_ODOO_LOGIN=... ARWATCH_ODOO_KEY=... \\
        python benchmarks/odoo_sync_runs.py [scale]

The same four runs as ``tests/odoo_runner_e2e.py`` (full sync, no-change rerun, payment and
cancelled order, rerun a week later), on ``scale`` times as many customers of each archetype of
the demo company (13 at scale 1). Prints what was pushed, how long the push took, and each run's
RPC calls, writes, seconds and summary.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import odoo_runner_e2e  # noqa: E402

from arwatch.adapters.odoo import connect  # noqa: E402


def main() -> None:
    url, db, login, key = (os.environ[f"ARWATCH_ODOO_{k}"] for k in ("URL", "DB", "LOGIN", "KEY"))
    scale = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    transport = connect(url, db, login, key)
    pushed_at = time.perf_counter()
    push = odoo_runner_e2e.push

    def timed_push(*args, **kw):
        result = push(*args, **kw)
        print(f"pushed in {time.perf_counter() - pushed_at:.0f} s", flush=True)
        return result

    with tempfile.TemporaryDirectory() as folder, pytest.MonkeyPatch.context() as patch:
        patch.setattr(odoo_runner_e2e, "push", timed_push)
        outcome = odoo_runner_e2e.runner_scenario(transport, url, db, login, key, secrets.token_hex(4),
                                                  Path(folder), patch, scale=scale)
    print(f"Odoo {transport.version[0]}.{transport.version[1]}, scale {scale}: pushed {outcome['pushed']}")
    for run in outcome["runs"]:
        print(run.describe())


if __name__ == "__main__":
    main()
