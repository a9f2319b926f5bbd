"""In-memory QuickBooks Online company data and the business rules the stand-in enforces."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import errors as E
from .clock import Clock, qb_time
from .query import Query, matches, parse_qb_datetime, path_exists, sort_key
from .schema import SCHEMA_FIELDS

ENTITY_NAMES = ("Customer", "Invoice", "CreditMemo", "Payment", "Term", "Attachable")
URL_SEGMENTS = {e.lower(): e for e in ENTITY_NAMES}
NAME_LISTS = {"Customer", "Term"}  # inactive rows are hidden from queries by default
TRANSACTIONS = {"Invoice", "CreditMemo", "Payment"}

# Keys the server owns; clients may send them but they never overwrite stored values.
SERVER_MANAGED = {"Id", "SyncToken", "MetaData", "domain", "sparse", "status"}
DERIVED = {
    "Customer": {"Balance", "BalanceWithJobs", "FullyQualifiedName"},
    "Invoice": {"TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt"},
    "CreditMemo": {"TotalAmt", "Balance", "RemainingCredit", "HomeBalance", "HomeTotalAmt"},
    "Payment": {"UnappliedAmt"},
    "Term": set(),
    "Attachable": set(),
}
USD = {"value": "USD", "name": "United States Dollar"}
CENT = Decimal("0.01")

DEFAULT_QUERY_MAX = 100


def money(value: Any) -> Decimal:
    if value in (None, ""):
        return Decimal("0.00")
    return Decimal(str(value)).quantize(CENT)


def out(value: Decimal) -> float:
    return float(value.quantize(CENT))


def _ref_id(ref: Any) -> str | None:
    if isinstance(ref, dict):
        v = ref.get("value")
        return None if v in (None, "") else str(v)
    if isinstance(ref, (str, int)):
        return str(ref)
    return None


class Company:
    """One QuickBooks Online company (realm). Not thread-safe: the StandIn holds a lock."""

    def __init__(self, realm_id: str, clock: Clock, *, cdc_max_days: int = 30,
                 cdc_max_objects: int = 1000, query_max_results: int = 1000):
        self.realm_id = realm_id
        self.clock = clock
        self.cdc_max_days = cdc_max_days
        self.cdc_max_objects = cdc_max_objects
        self.query_max_results = query_max_results
        self.objects: dict[str, dict[str, dict]] = {e: {} for e in ENTITY_NAMES}
        self.deleted: dict[str, dict[str, dict]] = {e: {} for e in ENTITY_NAMES}
        self._next_id: dict[str, int] = {e: 1 for e in ENTITY_NAMES}
        self._next_doc: dict[str, int] = {"Invoice": 1001, "CreditMemo": 1001}
        self._opening: dict[tuple[str, str], Decimal] = {}
        self._voided: set[tuple[str, str]] = set()
        # GET .../companyinfo/<realm>: None answers "not found" (a company QuickBooks always has;
        # tests that need it set it, e.g. {"CompanyName": "Northwind", "LegalName": "Northwind Ltd"})
        self.company_info: dict | None = None

    # ------------------------------------------------------------------ helpers
    @property
    def tz(self):
        return self.clock.tz

    def _stamp(self) -> str:
        return qb_time(self.clock.now(), self.tz)

    def _today(self) -> str:
        return self.clock.now().astimezone(self.tz).date().isoformat()

    def _new_id(self, entity: str) -> str:
        n = self._next_id[entity]
        self._next_id[entity] = n + 1
        return str(n)

    def _see_id(self, entity: str, obj_id: str) -> None:
        if obj_id.isdigit():
            self._next_id[entity] = max(self._next_id[entity], int(obj_id) + 1)

    def _bump(self, obj: dict) -> None:
        obj["SyncToken"] = str(int(obj.get("SyncToken", "0")) + 1)
        obj.setdefault("MetaData", {})["LastUpdatedTime"] = self._stamp()

    def get(self, entity: str, obj_id: str) -> dict:
        obj = self.objects[entity].get(str(obj_id))
        if obj is None:
            raise E.object_not_found(entity, str(obj_id))
        return obj

    def read(self, entity: str, obj_id: str) -> dict:
        return copy.deepcopy(self.get(entity, obj_id))

    def is_voided(self, entity: str, obj_id: str) -> bool:
        return (entity, str(obj_id)) in self._voided

    @staticmethod
    def check_fields(entity: str, body: dict) -> None:
        allowed = SCHEMA_FIELDS[entity]
        for key in body:
            if key not in allowed:
                raise E.invalid_property(entity, key)

    # ------------------------------------------------------------------ normalisation
    def _clean_input(self, entity: str, body: dict) -> dict:
        """Drop server-owned and derived keys, and the empty strings client libraries send."""
        data = {}
        for k, v in body.items():
            if k in SERVER_MANAGED or k in DERIVED[entity]:
                continue
            if v == "" and (k.endswith("Date") or k.endswith("Amt") or k == "DisplayName"):
                continue
            if v is None:
                continue
            data[k] = copy.deepcopy(v)
        return data

    def _require_ref(self, entity: str, element: str, ref: Any, *, active: bool = True) -> dict:
        ref_id = _ref_id(ref)
        if ref_id is None:
            raise E.required_param(element)
        target = self.objects[entity].get(ref_id)
        if target is None or (active and target.get("Active") is False):
            raise E.invalid_reference(
                element, f"{entity} with Id {ref_id} does not exist or has been made inactive.")
        return target

    def _prepare(self, entity: str, data: dict, existing: dict | None) -> dict:
        """Validate references and fill defaults/derived fields (not balances)."""
        if entity == "Customer":
            if not data.get("DisplayName"):
                parts = [data.get(k) for k in ("Title", "GivenName", "MiddleName", "FamilyName",
                                               "Suffix")]
                name = " ".join(p for p in parts if p) or data.get("CompanyName") or ""
                if not name:
                    raise E.business_validation(
                        "Title, GivenName, MiddleName, FamilyName, DisplayName, Suffix - one of "
                        "these must be non-empty")
                data["DisplayName"] = name
            self._check_unique_name("Customer", "DisplayName", data["DisplayName"], existing)
            data.setdefault("Active", True)
            data.setdefault("Job", False)
            data.setdefault("BillWithParent", False)
            data.setdefault("CurrencyRef", dict(USD))
            data["FullyQualifiedName"] = data["DisplayName"]
            data.setdefault("PrintOnCheckName", data["DisplayName"])
            if "SalesTermRef" in data:
                self._require_ref("Term", "SalesTermRef", data["SalesTermRef"])
            if "ParentRef" in data:
                self._require_ref("Customer", "ParentRef", data["ParentRef"])
        elif entity == "Term":
            if not data.get("Name"):
                raise E.required_param("Name")
            self._check_unique_name("Term", "Name", data["Name"], existing)
            data.setdefault("Active", True)
            data.setdefault("Type", "STANDARD")
        elif entity in ("Invoice", "CreditMemo"):
            customer = self._require_ref("Customer", "CustomerRef", data.get("CustomerRef"))
            data["CustomerRef"] = {"value": customer["Id"], "name": customer["DisplayName"]}
            lines = [ln for ln in data.get("Line") or []
                     if ln.get("DetailType") != "SubTotalLineDetail"]
            if not lines:
                raise E.required_param("Line")
            data["Line"] = self._number_lines(lines)
            data.setdefault("TxnDate", self._today())
            data.setdefault("CurrencyRef", dict(USD))
            data.setdefault("PrintStatus", "NotSet")
            data.setdefault("EmailStatus", "NotSet")
            data.setdefault("LinkedTxn", [])
            if "DocNumber" not in data:
                data["DocNumber"] = str(self._next_doc[entity])
                self._next_doc[entity] += 1
            term_ref = data.get("SalesTermRef") or customer.get("SalesTermRef")
            if term_ref is not None:
                term = self._require_ref("Term", "SalesTermRef", term_ref)
                data["SalesTermRef"] = {"value": term["Id"], "name": term["Name"]}
            if entity == "Invoice" and "DueDate" not in data:
                days = int(term.get("DueDays", 0)) if term_ref is not None else 0
                txn = datetime.strptime(data["TxnDate"], "%Y-%m-%d").date()
                data["DueDate"] = (txn + timedelta(days=days)).isoformat()
            total = self._lines_total(data["Line"])
            data["Line"].append({"Amount": out(total), "DetailType": "SubTotalLineDetail",
                                 "SubTotalLineDetail": {}})
            data["TotalAmt"] = out(total)
        elif entity == "Payment":
            customer = self._require_ref("Customer", "CustomerRef", data.get("CustomerRef"))
            data["CustomerRef"] = {"value": customer["Id"], "name": customer["DisplayName"]}
            if "TotalAmt" not in data:
                raise E.required_param("TotalAmt")
            data["TotalAmt"] = out(money(data["TotalAmt"]))
            data.setdefault("TxnDate", self._today())
            data.setdefault("CurrencyRef", dict(USD))
            data.setdefault("ProcessPayment", False)
            data["Line"] = list(data.get("Line") or [])
            self._check_payment(data, customer["Id"], existing)
        elif entity == "Attachable":
            if not data.get("Note") and not data.get("FileName"):
                raise E.required_param("Note")
            for ref in data.get("AttachableRef") or []:
                ent_ref = ref.get("EntityRef") or {}
                target_type = ent_ref.get("type")
                if target_type not in self.objects:
                    raise E.invalid_reference("AttachableRef.EntityRef",
                                              f"Unsupported entity type {target_type!r}")
                self._require_ref(target_type, "AttachableRef.EntityRef", ent_ref, active=False)
        return data

    def _check_unique_name(self, entity: str, key: str, name: str, existing: dict | None) -> None:
        for other in self.objects[entity].values():
            if existing is not None and other["Id"] == existing["Id"]:
                continue
            if str(other.get(key, "")).strip().lower() == str(name).strip().lower():
                raise E.duplicate_name(name)

    @staticmethod
    def _number_lines(lines: list[dict]) -> list[dict]:
        numbered = []
        for i, line in enumerate(lines, start=1):
            line = dict(line)
            line.setdefault("Id", str(i))
            line.setdefault("LineNum", i)
            if "Amount" in line:
                line["Amount"] = out(money(line["Amount"]))
            detail = line.get("SalesItemLineDetail")
            if "Amount" not in line and isinstance(detail, dict) and "Qty" in detail \
                    and "UnitPrice" in detail:
                line["Amount"] = out(money(detail["Qty"]) * money(detail["UnitPrice"]))
            numbered.append(line)
        return numbered

    @staticmethod
    def _lines_total(lines: list[dict]) -> Decimal:
        total = Decimal("0.00")
        for line in lines:
            kind = line.get("DetailType")
            if kind == "DiscountLineDetail":
                total -= money(line.get("Amount"))
            elif kind in ("SalesItemLineDetail", "GroupLineDetail", "DescriptionOnly"):
                total += money(line.get("Amount"))
        return total

    # ------------------------------------------------------------------ payments
    def _applied(self, exclude_payment: str | None = None) -> dict[tuple[str, str], Decimal]:
        applied: dict[tuple[str, str], Decimal] = defaultdict(lambda: Decimal("0.00"))
        for pid, pay in self.objects["Payment"].items():
            if pid == exclude_payment or self.is_voided("Payment", pid):
                continue
            for line in pay.get("Line") or []:
                for link in line.get("LinkedTxn") or []:
                    applied[(link.get("TxnType"), str(link.get("TxnId")))] += money(line.get("Amount"))
        return applied

    def _check_payment(self, data: dict, customer_id: str, existing: dict | None) -> None:
        applied_elsewhere = self._applied(exclude_payment=existing["Id"] if existing else None)
        to_invoices = Decimal("0.00")
        from_credits = Decimal("0.00")
        for line in data["Line"]:
            amount = money(line.get("Amount"))
            if amount < 0:
                raise E.business_validation("Payment line amounts must not be negative.")
            links = line.get("LinkedTxn") or []
            if not links:
                raise E.required_param("Line.LinkedTxn")
            for link in links:
                ttype, tid = link.get("TxnType"), str(link.get("TxnId"))
                if ttype not in ("Invoice", "CreditMemo"):
                    raise E.business_validation(f"A payment cannot be linked to a {ttype}.")
                target = self.objects[ttype].get(tid)
                if target is None:
                    raise E.invalid_reference("LinkedTxn",
                                              f"{ttype} with Id {tid} does not exist.")
                if _ref_id(target.get("CustomerRef")) != customer_id:
                    raise E.business_validation(
                        f"{ttype} {tid} belongs to another customer.")
                open_amount = (money(target.get("TotalAmt")) - self._opening.get((ttype, tid), 0)
                               - applied_elsewhere[(ttype, tid)])
                if self.is_voided(ttype, tid):
                    open_amount = Decimal("0.00")
                if amount > open_amount:
                    raise E.business_validation(
                        f"The amount applied to {ttype} {tid} ({amount}) exceeds its open "
                        f"balance ({open_amount}).")
                if ttype == "Invoice":
                    to_invoices += amount
                else:
                    from_credits += amount
        unapplied = money(data["TotalAmt"]) - to_invoices + from_credits
        if unapplied < 0:
            raise E.business_validation(
                "The payment amount must be at least the total applied to invoices less credits.")
        data["UnappliedAmt"] = out(unapplied)

    def _recompute(self, bump: bool, skip: tuple[str, str] | None = None) -> None:
        """Keep Invoice/CreditMemo balances, Payment UnappliedAmt and Customer.Balance consistent.

        When a payment changes an invoice's Balance or LinkedTxn, the invoice gets a new
        SyncToken and LastUpdatedTime (``bump``), as QuickBooks records the change on it.
        """
        applied = self._applied()
        links: dict[tuple[str, str], list[str]] = defaultdict(list)
        for pid, pay in sorted(self.objects["Payment"].items(), key=lambda kv: int(kv[0])
                               if kv[0].isdigit() else 0):
            if self.is_voided("Payment", pid):
                continue
            for line in pay.get("Line") or []:
                for link in line.get("LinkedTxn") or []:
                    key = (link.get("TxnType"), str(link.get("TxnId")))
                    if pid not in links[key]:
                        links[key].append(pid)
        for entity in ("Invoice", "CreditMemo"):
            for tid, txn in self.objects[entity].items():
                key = (entity, tid)
                if self.is_voided(entity, tid):
                    balance = Decimal("0.00")
                else:
                    balance = money(txn.get("TotalAmt")) - self._opening.get(key, 0) - applied[key]
                others = [lt for lt in txn.get("LinkedTxn") or [] if lt.get("TxnType") != "Payment"]
                linked = others + [{"TxnId": pid, "TxnType": "Payment"} for pid in links[key]]
                changed = money(txn.get("Balance")) != balance or txn.get("LinkedTxn", []) != linked
                txn["Balance"] = out(balance)
                if entity == "CreditMemo":
                    txn["RemainingCredit"] = out(balance)
                txn["LinkedTxn"] = linked
                if changed and bump and key != skip and "MetaData" in txn:
                    self._bump(txn)
        for pid, pay in self.objects["Payment"].items():
            if self.is_voided("Payment", pid):
                pay["UnappliedAmt"] = 0.0
        # Customer open balance: open invoices less open credits and unapplied payments.
        balances: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
        for inv in self.objects["Invoice"].values():
            balances[_ref_id(inv.get("CustomerRef"))] += money(inv.get("Balance"))
        for cm in self.objects["CreditMemo"].values():
            balances[_ref_id(cm.get("CustomerRef"))] -= money(cm.get("Balance"))
        for pay in self.objects["Payment"].values():
            balances[_ref_id(pay.get("CustomerRef"))] -= money(pay.get("UnappliedAmt"))
        for cid, cust in self.objects["Customer"].items():
            bal = balances[cid] + self._opening.get(("Customer", cid), 0)
            cust["Balance"] = out(bal)
            cust["BalanceWithJobs"] = out(bal)

    # ------------------------------------------------------------------ operations
    def create(self, entity: str, body: dict) -> dict:
        self.check_fields(entity, body)
        data = self._prepare(entity, self._clean_input(entity, body), None)
        obj_id = self._new_id(entity)
        now = self._stamp()
        obj = {"domain": "QBO", "sparse": False, "Id": obj_id, "SyncToken": "0",
               "MetaData": {"CreateTime": now, "LastUpdatedTime": now}}
        obj.update(data)
        self.objects[entity][obj_id] = obj
        self._after_write(entity, obj_id, None)
        return copy.deepcopy(obj)

    def update(self, entity: str, body: dict) -> dict:
        self.check_fields(entity, body)
        obj_id = _ref_id(body.get("Id"))
        if obj_id is None:
            raise E.required_param("Id")
        existing = self.get(entity, obj_id)
        token = body.get("SyncToken")
        if token in (None, ""):
            raise E.required_param("SyncToken")
        if str(token) != existing["SyncToken"]:
            raise E.stale_object(entity, obj_id, str(token), existing["SyncToken"])
        incoming = self._clean_input(entity, body)
        if body.get("sparse") is True:
            data = {k: copy.deepcopy(v) for k, v in existing.items()
                    if k not in SERVER_MANAGED and k not in DERIVED[entity]}
            if entity in ("Invoice", "CreditMemo") and "Line" not in incoming:
                pass  # existing lines (with their SubTotal line) are re-totalled below
            data.update(incoming)
        else:
            data = incoming
        if entity in ("Invoice", "CreditMemo") and "DocNumber" not in data \
                and "DocNumber" in existing:
            data["DocNumber"] = existing["DocNumber"]
        data = self._prepare(entity, data, existing)
        new = {"domain": "QBO", "sparse": False, "Id": obj_id,
               "SyncToken": existing["SyncToken"],
               "MetaData": copy.deepcopy(existing.get("MetaData", {}))}
        new.update(data)
        # Voided transactions stay voided: their amounts stay at zero.
        self._bump(new)
        self.objects[entity][obj_id] = new
        self._after_write(entity, obj_id, existing)
        return copy.deepcopy(new)

    def _after_write(self, entity: str, obj_id: str, existing: dict | None) -> None:
        """Balances after a create or update: only transactions move them.

        A customer, term or attachable write leaves every balance as it was, so the full
        ``_recompute`` (a pass over all transactions) is skipped; a customer keeps its balance
        (a new one starts at 0).
        """
        if entity in ("Invoice", "CreditMemo", "Payment"):
            self._recompute(bump=True, skip=(entity, obj_id))
        elif entity == "Customer":
            obj = self.objects[entity][obj_id]
            for key in ("Balance", "BalanceWithJobs"):
                obj[key] = existing.get(key, 0.0) if existing else 0.0

    def _check_token(self, entity: str, body: dict) -> dict:
        obj_id = _ref_id(body.get("Id"))
        if obj_id is None:
            raise E.required_param("Id")
        existing = self.get(entity, obj_id)
        token = body.get("SyncToken")
        if token in (None, ""):
            raise E.required_param("SyncToken")
        if str(token) != existing["SyncToken"]:
            raise E.stale_object(entity, obj_id, str(token), existing["SyncToken"])
        return existing

    def _has_payments(self, entity: str, obj_id: str) -> bool:
        return any(lt.get("TxnType") == "Payment"
                   for lt in self.objects[entity][obj_id].get("LinkedTxn") or [])

    def delete(self, entity: str, body: dict) -> dict:
        if entity in NAME_LISTS:
            raise E.unsupported_operation(
                f"Operation Delete is not supported for {entity}; make it inactive instead "
                f"(sparse update with Active=false).")
        existing = self._check_token(entity, body)
        obj_id = existing["Id"]
        if entity in ("Invoice", "CreditMemo") and self._has_payments(entity, obj_id):
            raise E.business_validation(
                f"This {entity} has payments applied. Delete or unlink the payments first.")
        self.remove(entity, obj_id)
        return {"status": "Deleted", "domain": "QBO", "Id": obj_id}

    def remove(self, entity: str, obj_id: str) -> None:
        """Delete without checks (as a user would in the QuickBooks UI); remembered for CDC."""
        existing = self.objects[entity].pop(str(obj_id))
        self._voided.discard((entity, str(obj_id)))
        self.deleted[entity][str(obj_id)] = {
            "status": "Deleted", "domain": "QBO", "Id": str(obj_id),
            "MetaData": {"LastUpdatedTime": self._stamp()},
        }
        self._opening.pop((entity, str(obj_id)), None)
        del existing
        self._recompute(bump=True)

    def void(self, entity: str, body: dict) -> dict:
        if entity not in ("Invoice", "Payment"):
            raise E.unsupported_operation(f"Operation void is not supported for {entity}.")
        existing = self._check_token(entity, body)
        obj_id = existing["Id"]
        if entity == "Invoice" and self._has_payments(entity, obj_id):
            raise E.business_validation(
                "This invoice has payments applied. Void or unlink the payments first.")
        self._voided.add((entity, obj_id))
        for line in existing.get("Line") or []:
            if "Amount" in line:
                line["Amount"] = 0.0
        existing["TotalAmt"] = 0.0
        if entity == "Payment":
            existing["UnappliedAmt"] = 0.0
        note = existing.get("PrivateNote")
        existing["PrivateNote"] = "Voided" if not note else f"Voided - {note}"
        self._bump(existing)
        self._recompute(bump=True, skip=(entity, obj_id))
        return copy.deepcopy(existing)

    def send_invoice(self, obj_id: str, send_to: str | None) -> dict:
        inv = self.get("Invoice", obj_id)
        if send_to:
            inv["BillEmail"] = {"Address": send_to}
        elif not (inv.get("BillEmail") or {}).get("Address"):
            raise E.business_validation("Invalid email address: no BillEmail and no sendTo.")
        inv["EmailStatus"] = "EmailSent"
        inv["DeliveryInfo"] = {"DeliveryType": "Email", "DeliveryTime": self._stamp()}
        self._bump(inv)
        return copy.deepcopy(inv)

    # ------------------------------------------------------------------ loading
    def load(self, entity: str, rows: Iterable[dict]) -> list[str]:
        """Insert rows as given (QuickBooks JSON shape), filling what QuickBooks would fill.

        Given Balance values are kept: the difference to what payments explain is stored as an
        opening adjustment, so later payments still move the balance consistently.
        """
        ids = []
        now = self._stamp()
        for row in rows:
            row = copy.deepcopy(row)
            bad = [k for k in row if k not in SCHEMA_FIELDS[entity]]
            if bad:
                raise ValueError(f"{entity} has no field(s) {bad} in Intuit's schema")
            obj_id = str(row.get("Id") or self._new_id(entity))
            self._see_id(entity, obj_id)
            meta = row.pop("MetaData", None) or {}
            meta.setdefault("CreateTime", now)
            meta.setdefault("LastUpdatedTime", meta["CreateTime"])
            obj = {"domain": "QBO", "sparse": False, "Id": obj_id,
                   "SyncToken": str(row.pop("SyncToken", "0")), "MetaData": meta}
            row.pop("Id", None)
            obj.update(row)
            if entity == "Customer":
                obj.setdefault("Active", True)
                obj.setdefault("DisplayName", obj.get("CompanyName") or f"Customer {obj_id}")
                obj.setdefault("FullyQualifiedName", obj["DisplayName"])
                obj.setdefault("Balance", 0.0)
            elif entity == "Term":
                obj.setdefault("Active", True)
                obj.setdefault("Type", "STANDARD")
            elif entity in ("Invoice", "CreditMemo"):
                if "Line" in obj and "TotalAmt" not in obj:
                    obj["TotalAmt"] = out(self._lines_total(obj["Line"]))
                obj["TotalAmt"] = out(money(obj.get("TotalAmt")))
                if not obj.get("Line"):  # QuickBooks transactions always carry lines
                    obj["Line"] = [
                        {"Id": "1", "LineNum": 1, "Amount": obj["TotalAmt"],
                         "DetailType": "SalesItemLineDetail",
                         "SalesItemLineDetail": {"ItemRef": {"value": "1", "name": "Services"}}},
                        {"Amount": obj["TotalAmt"], "DetailType": "SubTotalLineDetail",
                         "SubTotalLineDetail": {}}]
                obj.setdefault("Balance", obj["TotalAmt"])
                obj.setdefault("LinkedTxn", [])
                obj.setdefault("CurrencyRef", dict(USD))
                if entity == "CreditMemo":
                    obj.setdefault("RemainingCredit", obj["Balance"])
            elif entity == "Payment":
                obj["TotalAmt"] = out(money(obj.get("TotalAmt")))
                obj.setdefault("Line", [])
                obj.setdefault("CurrencyRef", dict(USD))
            self.objects[entity][obj_id] = obj
            ids.append(obj_id)
        return ids

    def settle_after_load(self, explicit_balances: set[tuple[str, str]]) -> None:
        for pay in self.objects["Payment"].values():
            to_inv = sum((money(line.get("Amount")) for line in pay.get("Line") or []
                          for lt in line.get("LinkedTxn") or [] if lt.get("TxnType") == "Invoice"),
                         Decimal("0.00"))
            from_cm = sum((money(line.get("Amount")) for line in pay.get("Line") or []
                           for lt in line.get("LinkedTxn") or [] if lt.get("TxnType") == "CreditMemo"),
                          Decimal("0.00"))
            pay["UnappliedAmt"] = out(money(pay.get("TotalAmt")) - to_inv + from_cm)
        applied = self._applied()
        for entity in ("Invoice", "CreditMemo"):
            for tid, txn in self.objects[entity].items():
                if (entity, tid) in explicit_balances:
                    self._opening[(entity, tid)] = (money(txn["TotalAmt"]) - money(txn["Balance"])
                                                    - applied[(entity, tid)])
        customer_given = {cid: money(c.get("Balance")) for cid, c in
                          self.objects["Customer"].items() if ("Customer", cid) in explicit_balances}
        self._recompute(bump=False)
        for cid, given in customer_given.items():
            computed = money(self.objects["Customer"][cid]["Balance"]) \
                - self._opening.get(("Customer", cid), 0)
            self._opening[("Customer", cid)] = given - computed
        self._recompute(bump=False)

    # ------------------------------------------------------------------ query & CDC
    def resolve_entity(self, name: str) -> str | None:
        return next((e for e in ENTITY_NAMES if e.lower() == name.lower()), None)

    def query(self, q: Query) -> dict:
        entity = self.resolve_entity(q.entity)
        if entity is None:
            raise E.QBOFault("4001", "Invalid query",
                             f"QueryValidationError: Invalid context declaration : {q.entity}")
        fields = SCHEMA_FIELDS[entity]
        for name in [c.field for c in q.conditions] + [f for f, _ in q.order_by]:
            if not path_exists(fields, name):
                raise E.QBOFault("4001", "Invalid query",
                                 f"QueryValidationError: property '{name.split('.')[0]}' is not "
                                 f"queryable")
        rows = list(self.objects[entity].values())
        if entity in NAME_LISTS and not any(c.field.lower() == "active" for c in q.conditions):
            rows = [r for r in rows if r.get("Active", True) is not False]
        rows = [r for r in rows if all(matches(r, c, self.tz) for c in q.conditions)]
        if q.count:
            return {"totalCount": len(rows)}
        rows.sort(key=lambda r: sort_key(r, "Id", self.tz))
        for name, desc in reversed(q.order_by):
            rows.sort(key=lambda r: sort_key(r, name, self.tz), reverse=desc)
        start = max(1, q.start_position or 1)
        limit = DEFAULT_QUERY_MAX if q.max_results is None else q.max_results
        limit = min(limit, self.query_max_results)
        page = rows[start - 1:start - 1 + limit]
        if not page:
            return {}
        return {entity: copy.deepcopy(page), "startPosition": start, "maxResults": len(page)}

    def cdc(self, entities_param: str | None, changed_since: str | None) -> list[dict]:
        if not entities_param:
            raise E.required_param("entities")
        if not changed_since:
            raise E.required_param("changedSince")
        names = []
        for raw in entities_param.split(","):
            entity = self.resolve_entity(raw.strip())
            if entity is None:
                raise E.unsupported_operation(f"Operation cdc is not supported for entity "
                                              f"{raw.strip()}")
            if entity not in names:
                names.append(entity)
        try:
            since = parse_qb_datetime(changed_since, self.tz)
        except ValueError:
            raise E.QBOFault("2030", "Invalid ID",
                             f"changedSince {changed_since!r} is not a valid date-time",
                             element="changedSince") from None
        if since < self.clock.now() - timedelta(days=self.cdc_max_days):
            raise E.unsupported_operation(
                f"Operation cdc with changedSince date {changed_since} which is older than "
                f"fixed days is not supported.")
        remaining = self.cdc_max_objects
        groups = []
        for entity in names:
            def changed(o: dict) -> bool:
                return parse_qb_datetime(o["MetaData"]["LastUpdatedTime"], self.tz) >= since
            live = sorted((o for o in self.objects[entity].values() if changed(o)),
                          key=lambda o: sort_key(o, "MetaData.LastUpdatedTime", self.tz))
            gone = sorted((o for o in self.deleted[entity].values() if changed(o)),
                          key=lambda o: sort_key(o, "MetaData.LastUpdatedTime", self.tz))
            items = (live + gone)[:max(remaining, 0)]
            remaining -= len(items)
            if items:
                groups.append({entity: copy.deepcopy(items), "startPosition": 1,
                               "maxResults": len(items)})
        return [{"QueryResponse": groups}]
