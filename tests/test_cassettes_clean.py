"""Recorded cassettes hold nothing of the machine they were recorded on, and no secret."""

import gzip
import re
from pathlib import Path

import pytest

FOLDER = Path(__file__).parent / "cassettes"
CASSETTES = sorted([*FOLDER.rglob("*.yaml"), *FOLDER.rglob("*.yaml.gz")])
MACHINE = re.compile(r"/(?:work|root|home|tmp)/|site-packages")
SECRETS = re.compile(r"(?im)^\s*-?\s*(authorization|cookie|set-cookie):|bearer [a-z0-9]{16,}"
                     r"|refresh_token\"?:\s*\"[a-z0-9]{20,}")


@pytest.mark.parametrize("path", CASSETTES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_cassette__no_machine_path_no_traceback_no_secret(path):
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")
    assert not MACHINE.search(text), MACHINE.search(text).group(0)
    assert "Traceback (most recent call last)" not in text
    assert not SECRETS.search(text), SECRETS.search(text).group(0)


def test_cassettes__every_recorded_odoo_session_is_checked():
    assert {p.parent.name for p in CASSETTES if p.suffix == ".gz"} == {"odoo18", "odoo19", "odoo18addon"}
