"""The column mapping of a file source: which column of the export holds what.

Example (TOML, under ``[companies.<name>.settings]``)::

    invoices = "exports/invoices.csv"      # .csv or .xlsx (first sheet unless sheet = "...")
    payments = "exports/payments.csv"      # optional
    orders = "exports/orders.csv"          # optional: confirmed sale orders (volume_drop measures
                                           # them instead of invoiced amounts)
    date_format = "m/d/yyyy"               # default "auto": guessed from the file (dates.py); or
                                           # a strptime format ("%d.%m.%Y")
    number_format = "1.234,56"             # default "1,234.56"; "1 234,56", "1'234.56", a locale
                                           # ("de_AT") or "auto" (numbers.py)
    encoding = "cp1252"                    # default "auto": BOM, UTF-8 or charset-normalizer
    delimiter = ";"                        # default "auto": the most frequent of , ; tab | in the header
    currency = "USD"
    outbox = "outbox/acme"                 # worklist.csv, worklist.json, changes.jsonl
    [companies.<name>.settings.columns]
    invoice_number = "Invoice No"
    customer_id = "Account"
    customer_name = "Account Name"         # optional (default: the id)
    invoice_date = "Date"
    due_date = "Due"
    amount = "Total"                       # negative amounts are credit notes, netted against the
                                           # customer's open invoices (oldest due first)
    settled_date = "Paid On"               # optional: one payment per settled invoice
    paid_amount = "Paid"                   # optional: paid so far (a partial payment, dated the
                                           # settled date or the export_date); or instead
    open_amount = "Open Balance"           # optional: still due (paid = amount - open)
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
    [companies.<name>.settings.activity_columns]   (an optional activities export: calls, promises,
    date = "Date"                                   disputes, snoozes... docs/collector-notes.md)
    customer_id = "Account"
    kind = "Type"                          # call, promise, dispute, resolved, snooze, signal, plan, ...
    text = "Notes"                         # optional: the line's details ("no answer", "until 2027-01-10")
    amount = "Amount"                      # optional: a promise's or a dispute's amount
    invoice_number = "Invoice No"          # optional: the invoice a dispute or resolution is about
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

from arwatch.core.contract import ConfigError

from . import dates, numbers
from .dates import strptime_format
from .encoding import codec_name

__all__ = ["ActivityColumns", "FileMapping", "InvoiceColumns", "MappingError", "OrderColumns", "PaymentColumns",
           "strptime_format"]

# decimal_separator and thousands_separator (the settings before number_format) -> number_format
_SEPARATORS = {(".", ""): "1,234.56", (".", ","): "1,234.56", (",", ""): "1.234,56", (",", "."): "1.234,56",
               (",", " "): "1 234,56", (".", "'"): "1'234.56"}


class MappingError(ConfigError):
    """A mapping that does not fit the file: names the file and the column."""


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
    paid_amount: str | None = None
    open_amount: str | None = None

    @model_validator(mode="after")
    def _paid_or_open(self) -> InvoiceColumns:
        if self.paid_amount and self.open_amount:
            raise ValueError("paid_amount and open_amount: map one of them (paid = amount - open)")
        return self


class PaymentColumns(_Columns):
    payment_id: str
    payment_date: str
    amount: str
    invoice_number: str
    customer_id: str | None = None
    payer_account: str | None = None


class ActivityColumns(_Columns):
    date: str
    customer_id: str
    kind: str
    text: str | None = None
    amount: str | None = None
    invoice_number: str | None = None


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
      activities: an export of the collectors' activities (calls, promises, disputes, snoozes,
        signals, plans...), a row per line of docs/collector-notes.md (``file/activities.py``).
      encoding, delimiter, date_format: ``auto`` (the default) detects or guesses them per file;
        the run says what it used (``FileSource.notes``).
      number_format: how amounts are written (``numbers.py``); ``decimal_separator`` and
        ``thousands_separator`` are the older way to say it and still read.
      export_date: the day the export was taken; partial payments of a ``paid_amount`` or
        ``open_amount`` column without a settled date are dated then (default: the latest
        invoice date of the file).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    invoices: Path
    payments: Path | None = None
    orders: Path | None = None
    activities: Path | None = None
    sheet: str | None = None
    delimiter: str = "auto"
    encoding: str = "auto"
    date_format: str = "auto"
    number_format: str = numbers.DEFAULT
    decimal_separator: str = "."
    thousands_separator: str = ""
    export_date: dt.date | None = None
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    terms_days: int = Field(default=30, ge=0)
    disputed_values: tuple[str, ...] = ("yes", "y", "true", "1", "x", "disputed")
    cancelled_values: tuple[str, ...] = ("cancelled", "canceled", "cancel", "void", "voided")
    complete: bool = True
    outbox: Path | None = None
    columns: InvoiceColumns
    payment_columns: PaymentColumns | None = None
    order_columns: OrderColumns | None = None
    activity_columns: ActivityColumns | None = None

    @field_validator("date_format")
    @classmethod
    def _valid_format(cls, value: str) -> str:
        if value == dates.AUTO:
            return value
        sample = dt.date(2024, 11, 5).strftime(strptime_format(value))
        if not re.search(r"\d", sample):
            raise ValueError(f"{value!r} has no day, month or year in it")
        return value

    @field_validator("number_format")
    @classmethod
    def _valid_number_format(cls, value: str) -> str:
        if value != numbers.AUTO:
            numbers.locale_of(value)
        return value

    @field_validator("encoding")
    @classmethod
    def _valid_encoding(cls, value: str) -> str:
        if value != "auto":
            try:
                codec_name(value)
            except LookupError:
                raise ValueError(f"{value!r} is not an encoding Python knows (e.g. utf-8, cp1252, utf-16, "
                                 f"or auto)") from None
        return value

    @field_validator("delimiter")
    @classmethod
    def _valid_delimiter(cls, value: str) -> str:
        value = {"tab": "\t", "\\t": "\t"}.get(value, value)
        if value != "auto" and len(value) != 1:
            raise ValueError(f"{value!r}: one character (',', ';', tab, '|') or auto")
        return value

    @model_validator(mode="after")
    def _separators(self) -> FileMapping:
        if (self.decimal_separator, self.thousands_separator) != (".", ""):
            if self.number_format != numbers.DEFAULT:
                raise ValueError("number_format: set it or decimal_separator/thousands_separator, not both")
            named = _SEPARATORS.get((self.decimal_separator, self.thousands_separator))
            if named is None:
                raise ValueError(f"decimal_separator {self.decimal_separator!r} with thousands_separator "
                                 f"{self.thousands_separator!r}: use number_format instead (e.g. \"1.234,56\")")
            object.__setattr__(self, "number_format", named)
        return self

    @model_validator(mode="after")
    def _payments_mapped(self) -> FileMapping:
        if self.payments is not None and self.payment_columns is None:
            raise ValueError("payment_columns: a payments file needs its column mapping")
        if self.orders is not None and self.order_columns is None:
            raise ValueError("order_columns: an orders file needs its column mapping")
        if self.activities is not None and self.activity_columns is None:
            raise ValueError("activity_columns: an activities file needs its column mapping")
        return self

    def resolve(self, base: Path) -> FileMapping:
        """Relative paths taken from ``base`` (the config file's folder)."""
        def full(p: Path | None) -> Path | None:
            return None if p is None else (p.expanduser() if p.expanduser().is_absolute() else base / p)
        return self.model_copy(update={"invoices": full(self.invoices), "payments": full(self.payments),
                                       "orders": full(self.orders), "activities": full(self.activities),
                                       "outbox": full(self.outbox)})
