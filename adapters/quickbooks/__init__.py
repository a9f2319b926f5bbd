"""QuickBooks Online adapter (API v3 through python-quickbooks and intuit-oauth).

One concern per module:
  tokens      0600 token file, atomic writes, redaction (``Secret``, ``redact``)
  connect     OAuth 2.0 authorisation-code flow (``arwatch connect quickbooks``)
  errors      exceptions by what the caller should do; ``error_for`` maps status/fault codes
  limits      500 requests/minute and 10 concurrent requests per company
  client      ``QBOClient``: python-quickbooks requests with retries, limits and token refresh
  queries     query strings (pure)
  streams     the entities read, as data; ``UNAVAILABLE``: what QuickBooks cannot feed
  mapping     QuickBooks JSON -> core raw records, problems as Issues (pure)
  pull        full pull (paged) and incremental (CDC, with fallbacks)
  notes_block arwatch's flag/hold block in Customer.Notes (pure)
  task_note   collection tasks as Attachable notes (pure)
  state       the adapter's mirror of what it wrote (beside the token file)
  writeback   flags, holds, tasks through the batch endpoint
  source      ``QuickBooksSource``: the SourceAdapter the sync runner uses
  factory     ``make_adapter(company, store, credentials)``: the source from the sync config

Tested against the local stand-in in tests/qbo_standin, never against QuickBooks Online.
"""

from .factory import PATH_SETTINGS, make_adapter
from .source import QuickBooksSource
from .streams import UNAVAILABLE

__all__ = ["PATH_SETTINGS", "QuickBooksSource", "UNAVAILABLE", "make_adapter"]
