"""A local stand-in for the QuickBooks Online Accounting API v3 (and Intuit's OAuth 2.0 server).

Used by arwatch's tests in place of the real service, which is not reachable from CI.
See README.md in this folder for the public API and the behaviours that were chosen where
Intuit's documentation is silent.
"""

from .client_timeout import TimeoutWhileHeld
from .clock import Clock, qb_response_time, qb_time
from .errors import QBOFault
from .query import Query, parse_query
from .schema import SCHEMA_FIELDS
from .server import (
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REALM,
    DEFAULT_REDIRECT_URI,
    Injection,
    LoggedRequest,
    StandIn,
)
from .store import ENTITY_NAMES, Company

__all__ = [
    "Clock", "Company", "DEFAULT_CLIENT_ID", "DEFAULT_CLIENT_SECRET", "DEFAULT_REALM",
    "DEFAULT_REDIRECT_URI", "ENTITY_NAMES", "Injection", "LoggedRequest", "QBOFault", "Query",
    "SCHEMA_FIELDS", "StandIn", "TimeoutWhileHeld", "parse_query", "qb_response_time", "qb_time",
]
