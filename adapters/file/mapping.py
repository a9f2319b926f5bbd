"""The column mapping of a file source: which column of the export holds what.

Example (TOML, under ``[companies.<name>.settings]``)::

    invoices = "exports/invoices.csv"      # .csv or .xlsx (first sheet unless sheet = "...")
    payments = "exports/payments.csv"      # optional
    orders = "exports/orders.csv"          # optional: confirmed sale orders (volume_drop measures
                                           # them instead of invoiced amounts)
    date_format = "m/d/yyyy"               # or a strptime format ("%d.%m.%Y")
    currency = "USD"
    outbox = "outbox/acme"                 # worklist.csv, worklist.json, changes.jsonl
    [companies.<name>.settings.columns]
    invoice_number = "Invoice No"
    customer_id = "Account"
    customer_name = "Account Name"         # optional (default: the id)
    invoice_date = "Date"
    due_date = "Due"
    amount = "Total"                       # negative amounts are credit notes
    settled_date = "Paid On"               # optional: one payment per settled invoice
    disputed = "Disputed"                  # optional: Yes/No, true/false, 1/0, x
    currency = "Cur"                       # optional per-row currency
    country = "Country"                    # optional
    delivery = "Sent by"                   # optional: how the invoice was sent (paper, electronic...)
    [companies.<name>.settings.payment_columns]
    payment_id = "Receipt"
    payment_date = "Date"
    amount = "Amount"
    invoice_number = "Invoice No"
    payer_account = "IBAN"                 # optional
    [companies.<name>.settings.order_columns]
    order_number = "Order"
    customer_id = "Account"
    order_date = "Date"
    amount = "Total"
    customer_name = "Account Name"         # optional: a customer not invoiced yet
    currency = "Cur"                       # optional per-row currency
    status = "Status"                      # optional: rows whose status is in cancelled_values
                                           # are cancelled orders (default cancelled/canceled/void)
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from arwatch.sync.contract import ConfigError

_TOKENS = (("yyyy", "%Y"), ("yy", "%y"), ("mm", "%m"), ("m", "%m"), ("dd", "%d"), ("d", "%d"))


class MappingError(ConfigError):
    """A mapping that does not fit the file: names the file and the column."""


def strptime_format(pattern: str) -> str:
    """``m/d/yyyy`` -> ``%m/%d/%Y``; a pattern with ``%`` is already a strptime format."""
    if "%" in pattern:
        return pattern
    out, i = "", 0
    while i < len(pattern):
        for token, code in _TOKENS:
            if pattern.lower().startswith(token, i):
                out += code
                i += len(token)
                break
        else:
            out += pattern[i]
            i += 1
    return out


class _Columns(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def mapped(self) -> dict[str, str]:
        """field -> column name, for the fields that are mapped."""
        return {name: col for name, col in self.model_dump().items() if col}


class InvoiceColumns(_Columns):
    invoice_number: str
    customer_id: str
    customer_name: str | None = None
    invoice_date: str
    due_date: str
    amount: str
    settled_date: str | None = None
    disputed: str | None = None
    currency: str | None = None
    country: str | None = None
    delivery: str | None = None


class PaymentColumns(_Columns):
    payment_id: str
    payment_date: str
    amount: str
    invoice_number: str
    customer_id: str | None = None
    payer_account: str | None = None


class OrderColumns(_Columns):
    order_number: str
    customer_id: str
    order_date: str
    amount: str
    customer_name: str | None = None
    currency: str | None = None
    status: str | None = None


class FileMapping(BaseModel):
    """Settings of a file source.

    Attributes:
      complete: each export holds every invoice (not only open ones); records missing from a
        new export are dropped from the snapshot (not those of its rejected rows, whose stored
        version stays). An export with no invoice rows is then refused, and a run that would
        drop or undo too much at once stops (``arwatch.sync.guard``). Set false for exports of
        open items only.
      terms_days: payment terms when an invoice's due date does not tell (the most common
        due - issue gap of a customer's invoices is used otherwise).
      orders: an export of sale orders; without it the source has no orders (``unavailable``)
        and volume is measured on invoices.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    invoices: Path
    payments: Path | None = None
    orders: Path | None = None
    sheet: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8-sig"
    date_format: str = "yyyy-mm-dd"
    decimal_separator: str = "."
    thousands_separator: str = ""
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    terms_days: int = Field(default=30, ge=0)
    disputed_values: tuple[str, ...] = ("yes", "y", "true", "1", "x", "disputed")
    cancelled_values: tuple[str, ...] = ("cancelled", "canceled", "cancel", "void", "voided")
    complete: bool = True
    outbox: Path | None = None
    columns: InvoiceColumns
    payment_columns: PaymentColumns | None = None
    order_columns: OrderColumns | None = None

    @field_validator("date_format")
    @classmethod
    def _valid_format(cls, value: str) -> str:
        sample = dt.date(2024, 11, 5).strftime(strptime_format(value))
        if not re.search(r"\d", sample):
            raise ValueError(f"{value!r} has no day, month or year in it")
        return value

    @model_validator(mode="after")
    def _payments_mapped(self) -> FileMapping:
        if self.payments is not None and self.payment_columns is None:
            raise ValueError("payment_columns: a payments file needs its column mapping")
        if self.orders is not None and self.order_columns is None:
            raise ValueError("order_columns: an orders file needs its column mapping")
        return self

    def resolve(self, base: Path) -> FileMapping:
        """Relative paths taken from ``base`` (the config file's folder)."""
        def full(p: Path | None) -> Path | None:
            return None if p is None else (p.expanduser() if p.expanduser().is_absolute() else base / p)
        return self.model_copy(update={"invoices": full(self.invoices), "payments": full(self.payments),
                                       "orders": full(self.orders), "outbox": full(self.outbox)})
