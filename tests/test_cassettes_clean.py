"""Recorded cassettes hold nothing of the machine they were recorded on, and no secret."""

import re
from pathlib import Path

import pytest

CASSETTES = sorted((Path(__file__).parent / "cassettes").rglob("*.yaml"))
MACHINE = re.compile(r"/(?:work|root|home|tmp)/|site-packages")
SECRETS = re.compile(r"(?im)^\s*-?\s*(authorization|cookie|set-cookie):|bearer [a-z0-9]{16,}|refresh_token\"?:\s*\"[a-z0-9]{20,}")


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_cassette__no_machine_path_no_traceback_no_secret(path):
    text = path.read_text(encoding="utf-8")
    assert not MACHINE.search(text), MACHINE.search(text).group(0)
    assert "Traceback (most recent call last)" not in text
    assert not SECRETS.search(text), SECRETS.search(text).group(0)
