"""pytest fixtures for the stand-in. Import them into a test module (or a conftest) with
``from <package>.fixtures import qbo_standin, qbo_tokens, qbo_session, qb_client``."""

from __future__ import annotations

import pytest
import requests

from .server import StandIn


@pytest.fixture
def qbo_standin():
    """A started stand-in with its own clock (2024-01-05T10:15:30-08:00); stopped afterwards."""
    standin = StandIn().start()
    try:
        yield standin
    finally:
        standin.stop()


@pytest.fixture
def qbo_tokens(qbo_standin):
    """A fresh token pair for the default realm."""
    return qbo_standin.issue_tokens()


@pytest.fixture
def qbo_session(qbo_standin, qbo_tokens):
    """A requests.Session sending the bearer token and JSON headers, as the adapter would."""
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {qbo_tokens['access_token']}",
                            "Accept": "application/json"})
    yield session
    session.close()


@pytest.fixture
def qb_client(qbo_standin, monkeypatch):
    """A python-quickbooks QuickBooks client talking to the stand-in (default realm)."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return qbo_standin.quickbooks_client()
