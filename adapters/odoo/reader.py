"""Paged reads: ``search_read`` with only the needed fields, ``page_size`` rows a call.

Pages go by id (``id > last`` ordered by id), so the number of calls grows with pages, not
with records, and a row written while paging is neither skipped nor read twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .query import Stream, domain
from .transport import Transport


class Reader:
    """Reads the companies ``scope`` (default: ``company_ids``): the configured companies and
    every branch below them (``branches``); ``company_ids`` are the companies arwatch writes as
    (the owners of its marks), the configured ones only; ``family`` (default: ``scope``): the
    scope and the branches below it configured apart (whose marks count on its customers)."""

    def __init__(self, transport: Transport, company_ids: tuple[int, ...], page_size: int = 500,
                 scope: tuple[int, ...] = (), family: tuple[int, ...] = ()):
        self.transport, self.company_ids, self.page_size = transport, company_ids, page_size
        self.scope = scope or company_ids
        self.family = tuple(dict.fromkeys(self.scope + tuple(family)))

    def _context(self, active_test: bool) -> dict[str, Any]:
        context: dict[str, Any] = {"active_test": active_test}
        if self.scope:
            context["allowed_company_ids"] = list(self.scope)
        return context

    def pages(self, stream: Stream, since: str | None = None, extra: tuple[Any, ...] = (),
              fields: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Every row of ``stream`` (changed since ``since``), page by page."""
        rows: list[dict[str, Any]] = []
        after = 0
        while True:
            page = self.transport.call(stream.model, "search_read",
                                       domain=domain(stream, self.scope, since, after, extra),
                                       fields=list(fields or stream.fields), limit=self.page_size, order="id",
                                       context=self._context(stream.active_test))
            rows += page
            if len(page) < self.page_size:
                return rows
            after = page[-1]["id"]

    def where_in(self, stream: Stream, field: str, values: Iterable[int], fields: Iterable[str] | None = None,
                 extra: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows of ``stream`` whose ``field`` is in ``values``, ``page_size`` values a call."""
        wanted = sorted(set(values))
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), self.page_size):
            chunk = wanted[start:start + self.page_size]
            rows += self.pages(stream, extra=((field, "in", chunk),) + tuple(extra), fields=fields)
        return rows

    def read(self, model: str, ids: Iterable[int], fields: Iterable[str]) -> list[dict[str, Any]]:
        """Any model's rows by id (archived too, any company the user may read)."""
        stream = Stream(model, model, (), tuple(fields), company_field=None, active_test=False)
        return self.where_in(stream, "id", ids)
