"""The add-on's Odoo tests, run in a real Odoo 18.0 when ARWATCH_ODOO_BIN names its odoo-bin."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "test-odoo"

pytestmark = pytest.mark.odoo


def test_script__skips_cleanly_without_odoo():
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARWATCH_ODOO_")}
    out = subprocess.run([str(SCRIPT)], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    assert "skipped: no Odoo configured" in out.stdout


@pytest.mark.skipif(not os.environ.get("ARWATCH_ODOO_BIN"),
                    reason="no Odoo configured: set ARWATCH_ODOO_BIN (and ARWATCH_ODOO_PYTHON) to run the add-on tests")
def test_addon__odoo_tests_pass():
    out = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=3600)
    result = [line for line in out.stdout.splitlines() if "odoo.tests.result" in line]
    assert result, out.stdout + out.stderr
    assert out.returncode == 0, out.stdout
    assert " 0 failed, 0 error(s)" in result[-1], result[-1]
