import sys
from pathlib import Path

import pytest

# Test helpers (ledgers.py, the QuickBooks stand-in) import by their plain names.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """``arwatch demo`` run once for the session (tests/demo_cli.py); go on from a copy of its store."""
    from demo_cli import run_demo

    return run_demo(tmp_path_factory.mktemp("demo-run"))
