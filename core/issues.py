"""Data problems as values: each names the source system, the record and the field."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Issue(BaseModel):
    """A problem with one input record. The record is left out; the others go on.

    Attributes:
      source: system or file the record came from ("quickbooks", "invoices.csv").
      record_type: "invoice", "payment", ...
      record_id: the record's id (or row number for a file row without an id).
      field: the offending field ("due_date", "allocations[0].invoice_id"), or "" for the record.
      message: what is wrong, for a person.
    """

    model_config = ConfigDict(frozen=True)

    source: str
    record_type: str
    record_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.source}: {self.record_type} {self.record_id!r}"
        if self.field:
            where += f", field {self.field}"
        return f"{where}: {self.message}"
