"""Column mappings of common accounting exports, and a guesser that picks one from a header.

Each preset lists, per field of ``InvoiceColumns``, the header names its export uses (matched
ignoring case, spaces and punctuation). ``guess(header)`` scores every preset on the header,
takes the best, fills the fields it left open from the generic names, and says what it mapped
and what it could not. The header names were taken from the packages' documentation and sample
exports; an export whose columns were renamed or re-ordered still maps by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

REQUIRED = ("invoice_number", "customer_id", "invoice_date", "due_date", "amount")
OPTIONAL = ("customer_name", "settled_date", "paid_amount", "open_amount", "disputed", "currency", "country")


@dataclass(frozen=True)
class Preset:
    """Attributes:
      key: the name ``arwatch init --preset`` takes.
      title: the export, as its package names it.
      columns: field -> header names, best first.
      complete: whether the export lists every invoice (paid ones too) or open items only.
      note: what to check or choose when exporting, written into the config as a comment.
      signature: columns only this export has (they tell it from another with the same fields).
    """

    key: str
    title: str
    columns: dict[str, tuple[str, ...]]
    complete: bool = True
    note: str = ""
    signature: tuple[str, ...] = ()


GENERIC = Preset("generic", "a generic invoice export (arwatch's own column names and common ones)", {
    "invoice_number": ("invoice_number", "Invoice No", "Invoice Number", "Invoice #", "Invoice", "Number", "Num",
                       "Document No", "Doc No", "Reference", "Ref",
                       # German, French, Spanish, Dutch
                       "Rechnung", "Rechnungsnummer", "Rechnungsnr", "Facture", "N° facture", "Numéro", "Factura",
                       "Factuur", "Factuurnummer"),
    "customer_id": ("customer_id", "Customer ID", "Customer No", "Customer Number", "Account", "Account No",
                    "Customer", "Client", "Customer Name", "Name", "Contact", "Partner",
                    "Kundennummer", "Kunde", "Cliente", "Klant", "Debitor"),
    "customer_name": ("customer_name", "Customer Name", "Account Name", "Client Name", "Company"),
    "invoice_date": ("invoice_date", "Invoice Date", "Date", "Document Date", "Issue Date", "Posting Date",
                     "Rechnungsdatum", "Datum", "Date facture", "Fecha", "Factuurdatum"),
    "due_date": ("due_date", "Due Date", "Due", "Date Due", "Payment Due", "Due On",
                 "Fälligkeitsdatum", "Fälligkeit", "Fällig", "Échéance", "Date d'échéance", "Vencimiento",
                 "Vervaldatum"),
    "amount": ("amount", "Amount", "Total", "Invoice Amount", "Invoice Total", "Gross", "Gross Amount",
               "Betrag", "Bruttobetrag", "Montant", "Montant TTC", "Importe", "Bedrag"),
    "settled_date": ("settled_date", "Settled Date", "Paid Date", "Date Paid", "Paid On", "Payment Date"),
    "paid_amount": ("paid_amount", "Paid", "Amount Paid", "Paid Amount"),
    "open_amount": ("open_amount", "Open Balance", "Open Amount", "Balance Due", "Amount Due", "Outstanding",
                    "Residual", "Due Amount"),
    "disputed": ("disputed", "Disputed", "In Dispute"),
    "currency": ("currency", "Currency", "Cur"),
    "country": ("country", "Country", "Country Code", "countryCode"),
})

PRESETS = (
    Preset("quickbooks-invoice-list", "QuickBooks Online report \"Invoice List\"", {
        "invoice_number": ("Num", "No.", "Invoice #"), "customer_id": ("Name", "Customer", "Customer full name"),
        "invoice_date": ("Date", "Invoice Date"), "due_date": ("Due Date",), "amount": ("Amount", "Total"),
        "open_amount": ("Open Balance", "Open balance", "Balance")},
        complete=True, note="export the report for all dates (Report period: All Dates), as CSV or Excel"),
    Preset("quickbooks-ar-aging-detail", "QuickBooks Online report \"A/R Aging Detail\"", {
        "invoice_number": ("Num", "No."), "customer_id": ("Customer", "Name", "Customer full name"),
        "invoice_date": ("Date",), "due_date": ("Due Date",), "amount": ("Amount",),
        "open_amount": ("Open Balance", "Open balance")},
        complete=False, note="open items only: paid invoices leave the report, so complete = false; the report's "
                             "headings and totals rows are skipped",
        signature=("Transaction Type", "Past Due", "Aging")),
    Preset("xero-aged-receivables-detail", "Xero report \"Aged Receivables Detail\"", {
        "invoice_number": ("Invoice Number", "Reference", "Transaction"), "customer_id": ("Contact",),
        "invoice_date": ("Invoice Date", "Date"), "due_date": ("Due Date",),
        "amount": ("Invoice Total", "Total", "Gross"), "open_amount": ("Due", "Amount Due", "Balance")},
        complete=False, note="add the Contact column to the report before exporting (the customer must be a "
                             "column, not a group heading); open items only, so complete = false",
        signature=("Contact", "Invoice Number", "< 1 Month", "1 Month", "Older")),
    Preset("sage", "Sage (50 / Accounting) customer invoices or aged debtors export", {
        "invoice_number": ("Invoice No", "Invoice Number", "Ref", "Reference", "Inv No"),
        "customer_id": ("A/C", "Account", "Customer Ref", "Account Reference", "Customer Account"),
        "customer_name": ("Name", "Customer Name", "Account Name"),
        "invoice_date": ("Date", "Invoice Date"), "due_date": ("Due Date", "Due"),
        "amount": ("Gross", "Amount", "Total", "Invoice Total"),
        "paid_amount": ("Amount Paid", "Paid"), "open_amount": ("Outstanding", "O/S", "Balance")},
        signature=("A/C", "Account Reference", "Customer Ref", "Outstanding")),
    Preset("odoo-journal-items", "Odoo \"Journal Items\" export (Accounting > Journal Items, receivable lines)", {
        "invoice_number": ("Journal Entry", "Move", "Number", "Reference"), "customer_id": ("Partner",),
        "invoice_date": ("Date", "Invoice Date"), "due_date": ("Due Date", "Date Maturity"),
        "amount": ("Balance", "Amount in Currency", "Debit"),
        "open_amount": ("Residual Amount", "Amount Due", "Amount Residual", "Residual"),
        "currency": ("Currency",)},
        complete=True, note="filter on the Receivable account and posted entries, and export Journal Entry, Partner, "
                            "Date, Due Date, Balance, Residual Amount",
        signature=("Journal Entry", "Partner", "Residual Amount", "Matching", "Account")),
    GENERIC,
)


def _norm(name: str) -> str:
    return re.sub(r"[^\w#/]|_", "", name.lower())


@dataclass(frozen=True)
class Guess:
    """What ``guess`` found: the preset, the columns mapped, what is left."""

    preset: Preset
    columns: dict[str, str]
    unmapped: tuple[str, ...]  # fields (required first) with no column
    unused: tuple[str, ...]  # columns of the header mapped to nothing
    scores: dict[str, int] = field(default_factory=dict)

    @property
    def complete_mapping(self) -> bool:
        return all(f in self.columns for f in REQUIRED)


def _match(preset: Preset, header: list[str], taken: set[str]) -> dict[str, str]:
    by_norm: dict[str, str] = {}
    for name in header:
        by_norm.setdefault(_norm(name), name)
    found: dict[str, str] = {}
    for name in REQUIRED + OPTIONAL:
        for alias in preset.columns.get(name, ()):
            column = by_norm.get(_norm(alias))
            if column is not None and column not in taken and column not in found.values():
                found[name] = column
                break
    return found


def guess(header: list[str], preset: str | None = None) -> Guess:
    """The best mapping of ``header``: the preset named, or the one matching the most columns."""
    header = [h for h in header if h]
    candidates = [p for p in PRESETS if preset in (None, p.key)]
    if not candidates:
        raise ValueError(f"no preset {preset!r} (presets: {', '.join(p.key for p in PRESETS)})")
    scores = {}
    best, best_found, best_score = candidates[0], {}, (-1, -1, -1)
    for p in candidates:
        found = _match(p, header, set())
        marks = {_norm(s) for s in p.signature} & {_norm(h) for h in header}
        score = (sum(f in found for f in REQUIRED), len(marks), len(found) - (p is GENERIC))
        scores[p.key] = score[0]
        if score > best_score:
            best, best_found, best_score = p, found, score
    if best is not GENERIC:
        for name, column in _match(GENERIC, header, set(best_found.values())).items():
            best_found.setdefault(name, column)
    if "customer_name" in best_found and best_found.get("customer_id") == best_found["customer_name"]:
        del best_found["customer_name"]
    unmapped = tuple(f for f in REQUIRED + OPTIONAL if f not in best_found)
    unused = tuple(c for c in header if c not in best_found.values())
    return Guess(best, best_found, unmapped, unused, scores)
