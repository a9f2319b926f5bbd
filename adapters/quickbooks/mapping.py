"""QuickBooks objects (JSON dicts) -> core raw records (``load_ledger``'s dict shape).

Pure functions. A problem with one object is an ``Issue`` naming the QuickBooks entity, its Id
and the QuickBooks field; that object is left out and the others go on.

Choices:
- Ids: customers, invoices and payments keep their QuickBooks Id; credit memos, numbered
  separately from invoices in QuickBooks, become ``cm-<Id>``.
- Voided transactions (QuickBooks keeps them with zero amounts and ``PrivateNote`` "Voided"):
  an invoice becomes ``state: cancelled``; a payment ``state: voided`` with ``returned_on`` the
  day of the void (its LastUpdatedTime).
- Multi-currency: ``currency`` is ``CurrencyRef.value``, ``fx_rate`` is ``ExchangeRate`` (home
  amount = amount * ExchangeRate, as in core); without them, the home currency and 1.
- A payment settles invoices with its lines' ``LinkedTxn``. Lines linked to a CreditMemo mean
  the credit was applied in that payment: the credit is assigned to the payment's invoice lines
  in line order and becomes the credit note's allocations (``credit_applications``); the rest
  of each invoice line is the payment's own allocation.
- A payment of 0 that only applies a credit memo to invoices is no money received: it is not
  a payment record (``pull`` lists its Id in the deletions, in case it once was one).
- Terms: ``terms_days`` is the DueDays of ``SalesTermRef``; a customer on arwatch's credit-hold
  term is mapped with the term it had before the hold (from the notes block), so a hold does
  not change the customer's scores.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from arwatch.core.issues import Issue

SOURCE = "quickbooks"
CREDIT_PREFIX = "cm-"
ZERO = Decimal(0)


def credit_note_id(qb_id: str) -> str:
    return f"{CREDIT_PREFIX}{qb_id}"


def is_credit_note_id(core_id: str) -> bool:
    return core_id.startswith(CREDIT_PREFIX)


class MappingProblem(ValueError):
    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class MapContext:
    """What mapping needs beyond the object itself."""

    home_currency: str = "USD"
    terms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # Term Id -> Term
    hold_term_id: str | None = None
    default_terms_days: int = 30


def issue(entity: str, obj: Mapping[str, Any], field_name: str, message: str) -> Issue:
    return Issue(source=SOURCE, record_type=entity, record_id=str(obj.get("Id", "?")),
                 field=field_name, message=message)


# ---------------------------------------------------------------------- field readers
def ref(obj: Mapping[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if isinstance(value, Mapping):
        value = value.get("value")
    return None if value in (None, "") else str(value)


def need_ref(obj: Mapping[str, Any], name: str) -> str:
    value = ref(obj, name)
    if value is None:
        raise MappingProblem(name, f"{name} is missing")
    return value


def day(obj: Mapping[str, Any], name: str) -> dt.date:
    raw = obj.get(name)
    if raw in (None, ""):
        raise MappingProblem(name, f"{name} is missing")
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        raise MappingProblem(name, f"{name} {raw!r} is not a date") from None


def amount(obj: Mapping[str, Any], name: str, default: Decimal | None = None) -> Decimal:
    raw = obj.get(name)
    if raw in (None, ""):
        if default is not None:
            return default
        raise MappingProblem(name, f"{name} is missing")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise MappingProblem(name, f"{name} {raw!r} is not a number") from None
    if not value.is_finite():
        raise MappingProblem(name, f"{name} {raw!r} is not a number")
    return value


def negative(name: str, value: Decimal) -> None:
    if value < 0:
        raise MappingProblem(name, f"{name} {value} is negative")


def currency(obj: Mapping[str, Any], ctx: MapContext) -> str:
    code = ref(obj, "CurrencyRef") or ctx.home_currency
    if len(code) != 3 or not code.isalpha():
        raise MappingProblem("CurrencyRef", f"currency {code!r} is not an ISO code")
    return code.upper()


def fx_rate(obj: Mapping[str, Any], ctx: MapContext, code: str) -> Decimal:
    if code == ctx.home_currency:
        return Decimal(1)
    rate = amount(obj, "ExchangeRate", Decimal(0))
    if rate <= 0:
        raise MappingProblem("ExchangeRate", f"a {code} transaction needs a positive ExchangeRate "
                                             f"to {ctx.home_currency}")
    return rate


def is_voided(obj: Mapping[str, Any]) -> bool:
    """QuickBooks keeps a voided transaction with zero amounts and PrivateNote "Voided..."."""
    note = str(obj.get("PrivateNote") or "")
    return note.startswith("Voided") and amount(obj, "TotalAmt", ZERO) == 0


def updated_day(obj: Mapping[str, Any]) -> dt.date | None:
    stamp = (obj.get("MetaData") or {}).get("LastUpdatedTime")
    return dt.date.fromisoformat(stamp[:10]) if stamp else None


# ---------------------------------------------------------------------- customers
def terms_days(term: Mapping[str, Any] | None) -> int | None:
    """DueDays of a standard term; None for a date-driven term (no fixed number of days).
    ``ValueError`` when DueDays is not a whole number of days."""
    if term is None or term.get("Type", "STANDARD") != "STANDARD":
        return None
    raw = term.get("DueDays") or 0
    if isinstance(raw, bool) or not str(raw).strip().isdigit():
        raise ValueError(f"DueDays {raw!r} is not a number of days")
    return int(str(raw).strip())


def customer_terms(obj: Mapping[str, Any], ctx: MapContext,
                   previous_term: str | None) -> tuple[int, list[Issue]]:
    term_id = ref(obj, "SalesTermRef")
    if term_id is not None and term_id == ctx.hold_term_id:
        term_id = previous_term or None
    if term_id is None:
        return ctx.default_terms_days, []
    term = ctx.terms.get(term_id)
    try:
        days = terms_days(term)
    except ValueError as error:
        return ctx.default_terms_days, [issue("Customer", obj, "SalesTermRef",
                                              f"term {term_id}: {error}: terms taken as "
                                              f"{ctx.default_terms_days} days")]
    if days is None:
        what = "unknown" if term is None else "date-driven"
        return ctx.default_terms_days, [issue("Customer", obj, "SalesTermRef",
                                              f"{what} term {term_id}: terms taken as "
                                              f"{ctx.default_terms_days} days")]
    return days, []


def map_customer(obj: Mapping[str, Any], ctx: MapContext,
                 previous_term: str | None = None) -> tuple[dict[str, Any] | None, list[Issue]]:
    try:
        days, issues = customer_terms(obj, ctx, previous_term)
        name = obj.get("DisplayName") or obj.get("CompanyName")
        if not name:
            raise MappingProblem("DisplayName", "DisplayName is missing")
        created = (obj.get("MetaData") or {}).get("CreateTime")
        address = obj.get("BillAddr") or {}
        record = {
            "id": str(obj["Id"]), "name": str(name), "currency": currency(obj, ctx),
            "terms_days": days, "active": obj.get("Active", True) is not False,
            "email": (obj.get("PrimaryEmailAddr") or {}).get("Address"),
            "country": address.get("Country") or address.get("CountryCode"),
            "created_on": created[:10] if created else None,
            "salesperson": (obj.get("SalesRepRef") or {}).get("name"),
        }
        return {k: v for k, v in record.items() if v is not None}, issues
    except MappingProblem as problem:
        return None, [issue("Customer", obj, problem.field, str(problem))]


# ---------------------------------------------------------------------- invoices, credits
def map_invoice(obj: Mapping[str, Any], ctx: MapContext) -> tuple[dict[str, Any] | None, list[Issue]]:
    try:
        code = currency(obj, ctx)
        issued = day(obj, "TxnDate")
        due = day(obj, "DueDate") if obj.get("DueDate") else issued
        if due < issued:
            raise MappingProblem("DueDate", f"DueDate {due} is before TxnDate {issued}")
        voided = is_voided(obj)
        total = amount(obj, "TotalAmt")
        balance = amount(obj, "Balance", total)
        negative("TotalAmt", total)
        negative("Balance", balance)
        record = {
            "id": str(obj["Id"]), "number": str(obj.get("DocNumber") or obj["Id"]),
            "customer_id": need_ref(obj, "CustomerRef"), "kind": "invoice",
            "state": "cancelled" if voided else "posted",
            "issue_date": issued.isoformat(), "due_date": due.isoformat(),
            "total": str(total), "residual": str(min(balance, total)), "currency": code,
            "fx_rate": str(fx_rate(obj, ctx, code)),
        }
        return record, []
    except MappingProblem as problem:
        return None, [issue("Invoice", obj, problem.field, str(problem))]


def map_credit_memo(obj: Mapping[str, Any], ctx: MapContext,
                    allocations: Iterable[Mapping[str, Any]] = ()) -> tuple[dict[str, Any] | None, list[Issue]]:
    try:
        code = currency(obj, ctx)
        issued = day(obj, "TxnDate")
        total = amount(obj, "TotalAmt")
        remaining = amount(obj, "RemainingCredit", amount(obj, "Balance", total))
        negative("TotalAmt", total)
        negative("RemainingCredit", remaining)
        record = {
            "id": credit_note_id(str(obj["Id"])),
            "number": str(obj.get("DocNumber") or obj["Id"]),
            "customer_id": need_ref(obj, "CustomerRef"), "kind": "credit_note", "state": "posted",
            "issue_date": issued.isoformat(), "due_date": issued.isoformat(),
            "total": str(total), "residual": str(min(remaining, total)), "currency": code,
            "fx_rate": str(fx_rate(obj, ctx, code)), "allocations": list(allocations),
        }
        return record, []
    except MappingProblem as problem:
        return None, [issue("CreditMemo", obj, problem.field, str(problem))]


# ---------------------------------------------------------------------- payments
@dataclass(frozen=True)
class PaymentSplit:
    """A payment's lines, split into what its money paid and what applied credits paid."""

    cash: tuple[tuple[str, Decimal], ...]  # (invoice Id, amount)
    credits: tuple[tuple[str, str, Decimal], ...]  # (credit memo Id, invoice Id, amount)


def linked_lines(obj: Mapping[str, Any], txn_type: str) -> list[tuple[str, Decimal, int]]:
    """(TxnId, line Amount, line index) of the lines linked to a ``txn_type``."""
    out = []
    for index, line in enumerate(obj.get("Line") or []):
        for link in line.get("LinkedTxn") or []:
            if link.get("TxnType") == txn_type:
                try:
                    value = Decimal(str(line.get("Amount") or 0))
                except InvalidOperation:
                    raise MappingProblem(f"Line[{index}].Amount",
                                         f"{line.get('Amount')!r} is not a number") from None
                negative(f"Line[{index}].Amount", value)
                if value > 0:
                    out.append((str(link.get("TxnId")), value, index))
                break
    return out


def split_payment(obj: Mapping[str, Any]) -> PaymentSplit:
    credits: list[list[Any]] = [[cm, value] for cm, value, _ in linked_lines(obj, "CreditMemo")]  # [id, amount left]
    cash: list[tuple[str, Decimal]] = []
    applied: list[tuple[str, str, Decimal]] = []
    for invoice, value, _ in linked_lines(obj, "Invoice"):
        left = value
        for credit in credits:
            if left <= 0:
                break
            take = min(left, credit[1])
            if take > 0:
                applied.append((credit[0], invoice, take))
                credit[1] -= take
                left -= take
        if left > 0:
            cash.append((invoice, left))
    return PaymentSplit(tuple(cash), tuple(applied))


def map_payment(obj: Mapping[str, Any], ctx: MapContext) -> tuple[dict[str, Any] | None, list[Issue]]:
    try:
        code = currency(obj, ctx)
        paid_on = day(obj, "TxnDate")
        total = amount(obj, "TotalAmt")
        negative("TotalAmt", total)
        record: dict[str, Any] = {
            "id": str(obj["Id"]), "customer_id": need_ref(obj, "CustomerRef"),
            "date": paid_on.isoformat(), "amount": str(total), "currency": code,
            "fx_rate": str(fx_rate(obj, ctx, code)),
        }
        if obj.get("PaymentRefNum"):
            record["reference"] = str(obj["PaymentRefNum"])
        if is_voided(obj):
            voided_on = max(updated_day(obj) or paid_on, paid_on)
            record.update(state="voided", returned_on=voided_on.isoformat(), allocations=[])
            return record, []
        cash = split_payment(obj).cash
        if total == 0 and not cash:
            return None, []  # only applies a credit memo: no money received (see credit notes)
        if sum((v for _, v in cash), ZERO) > total:
            raise MappingProblem("Line", f"lines apply more than TotalAmt {total} beyond the "
                                         f"credits used")
        record["allocations"] = [{"invoice_id": inv, "amount": str(v)} for inv, v in cash]
        return record, []
    except MappingProblem as problem:
        return None, [issue("Payment", obj, problem.field, str(problem))]


def credit_applications(payments: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Credit memo Id -> its allocations (core shape) from the payments that applied it."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pay in sorted(payments, key=lambda p: (str(p.get("TxnDate", "")), str(p.get("Id")))):
        if is_voided(pay):
            continue
        try:
            split = split_payment(pay)
            when = day(pay, "TxnDate").isoformat()
        except MappingProblem:
            continue  # reported when the payment itself is mapped
        for cm, invoice, value in split.credits:
            out[cm].append({"invoice_id": invoice, "amount": str(value), "date": when})
    return dict(out)


def linked_ids(obj: Mapping[str, Any], txn_type: str) -> list[str]:
    """Ids of ``txn_type`` in the object's ``LinkedTxn`` or its lines' ``LinkedTxn``."""
    found = [str(link.get("TxnId")) for link in obj.get("LinkedTxn") or [] if link.get("TxnType") == txn_type]
    for line in obj.get("Line") or []:
        found += [str(link.get("TxnId")) for link in line.get("LinkedTxn") or []
                  if link.get("TxnType") == txn_type]
    return list(dict.fromkeys(found))
