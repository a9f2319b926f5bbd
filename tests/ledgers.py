"""Write test ledgers as text, one record a line (beancount style), and score them.

    customer c1 "Acme Ltd" terms=30 salesperson=ann [email=... phone=...]
    contact c1 k1 "Jo Bloggs" created=2023-01-01 archived=2024-05-01 [role="accounts payable"] [phone=...]
    invoice c1 INV/1 2024-01-01 100.00 [due=2024-01-31] [credit] [disputed [disputed_on=2024-02-10]]
            [currency=USD rate=0.9]
    credit c1 RINV/1 2024-02-01 20.00 -> INV/1
    payment c1 P1 2024-01-30 100.00 -> INV/1[:60.00] INV/2 [account=DE89...] [returned=2024-02-03 | voided=2024-02-03]
            [currency=USD rate=0.9]
    dispute c1 D1 2024-03-01 [invoice=INV/1] [amount=30.00] [resolved=2024-04-01] [complaint] [reason="late delivery"]
    call c1 2024-03-02 unanswered | answered [promise=2024-03-10:50.00] [channel=email]
    plan c1 PL1 2024-03-01 2024-04-01:50 2024-05-01:50 [cancelled=...]
    signal c1 hearsay 2024-03-01 [severity=0.5] [confidence=0.3] [expires=...] [source="..."]
    order c1 S00041 2024-01-05 100.00 [cancelled] [currency=USD rate=0.9]
    note c1 2024-03-02 "call: no answer" [invoice=INV/1]     (a collector's note; \\n between lines)
    provides orders

Without an ``order`` or ``provides orders`` line the data has no "orders" key (a source without
sale orders); ``provides orders`` alone is a source with orders and none recorded.
Invoice and order ids are their numbers; due defaults to issue + the customer's terms; a payment without
an amount split pays the residual of each listed invoice in turn.
"""

from __future__ import annotations

import datetime as dt
import shlex
from decimal import Decimal

from frames_equal import assert_frames_equal

from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.load_frame import load_frame
from arwatch.core.model import Ledger
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard, score


def _opts(tokens: list[str]) -> tuple[list[str], dict[str, str]]:
    plain, opts = [], {}
    for tok in tokens:
        if "=" in tok:
            key, _, value = tok.partition("=")
            opts[key] = value
        else:
            plain.append(tok)
    return plain, opts


def ledger_data(text: str) -> dict:
    data: dict[str, list] = {k: [] for k in ("customers", "invoices", "payments", "disputes",
                                             "contact_attempts", "payment_plans", "signals")}
    customers: dict[str, dict] = {}
    invoices: dict[str, dict] = {}
    open_amount: dict[str, Decimal] = {}
    counter = 0
    for raw in text.strip().splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        kind, *rest = shlex.split(line)
        counter += 1
        if kind == "customer":
            (cid, name, *_), opts = _opts(rest)
            cust = {"id": cid, "name": name, "terms_days": int(opts.get("terms", 30)), "contacts": []}
            for key in ("salesperson", "country", "industry", "currency", "email", "phone"):
                if key in opts:
                    cust[key] = opts[key]
            if "limit" in opts:
                cust["credit_limit"] = opts["limit"]
            customers[cid] = cust
            data["customers"].append(cust)
        elif kind == "contact":
            (cid, kid, name), opts = _opts(rest)
            customers[cid]["contacts"].append({"id": kid, "name": name, "created_on": opts.get("created"),
                                               "archived_on": opts.get("archived"), "role": opts.get("role"),
                                               "phone": opts.get("phone")})
        elif kind in ("invoice", "credit"):
            plain, opts = _opts(rest)
            cid, number, issue, total = plain[:4]
            issue_d = dt.date.fromisoformat(issue)
            due = opts.get("due") or (issue_d + dt.timedelta(days=customers[cid]["terms_days"])).isoformat()
            inv = {"id": number, "number": number, "customer_id": cid, "issue_date": issue, "due_date": due,
                   "total": total, "disputed": "disputed" in plain,
                   "kind": "credit_note" if kind == "credit" else "invoice"}
            if "currency" in opts:
                inv["currency"] = opts["currency"]
                inv["fx_rate"] = opts.get("rate", "1")
            if "disputed_on" in opts:
                inv["disputed_on"] = opts["disputed_on"]
            if kind == "credit" and "->" in plain:
                targets = plain[plain.index("->") + 1:]
                inv["allocations"] = [{"invoice_id": t, "amount": total} for t in targets]
                for t in targets:
                    open_amount[t] -= Decimal(total)
            else:
                open_amount[number] = Decimal(total)
            invoices[number] = inv
            data["invoices"].append(inv)
        elif kind == "payment":
            plain, opts = _opts(rest)
            cid, pid, date, amount = plain[:4]
            allocs = []
            left = Decimal(amount)
            for target in plain[plain.index("->") + 1:] if "->" in plain else []:
                number, _, part = target.partition(":")
                value = Decimal(part) if part else min(left, open_amount[number])
                open_amount[number] -= value
                left -= value
                allocs.append({"invoice_id": number, "amount": str(value)})
            pay = {"id": pid, "customer_id": cid, "date": date, "amount": amount, "allocations": allocs}
            if "account" in opts:
                pay["payer_account"] = opts["account"]
            if "currency" in opts:
                pay["currency"], pay["fx_rate"] = opts["currency"], opts.get("rate", "1")
            for state in ("returned", "voided"):
                if state in opts:
                    pay["state"], pay["returned_on"] = state, opts[state]
            data["payments"].append(pay)
        elif kind == "dispute":
            plain, opts = _opts(rest)
            cid, did, opened = plain[:3]
            data["disputes"].append({"id": did, "customer_id": cid, "opened_on": opened,
                                     "invoice_id": opts.get("invoice"), "resolved_on": opts.get("resolved"),
                                     "kind": "complaint" if "complaint" in plain else "dispute",
                                     "reason": opts.get("reason", "")})
            if "amount" in opts:
                data["disputes"][-1]["amount"] = opts["amount"]
        elif kind == "call":
            plain, opts = _opts(rest)
            cid, on, answer = plain[:3]
            attempt = {"id": f"t{counter}", "customer_id": cid, "on": on, "answered": answer == "answered",
                       "channel": opts.get("channel", "call")}
            if "promise" in opts:
                date, _, amount = opts["promise"].partition(":")
                attempt["promise_date"] = date
                if amount:
                    attempt["promise_amount"] = amount
            data["contact_attempts"].append(attempt)
        elif kind == "plan":
            plain, opts = _opts(rest)
            cid, plan_id, agreed, *insts = plain
            data["payment_plans"].append({
                "id": plan_id, "customer_id": cid, "agreed_on": agreed, "cancelled_on": opts.get("cancelled"),
                "instalments": [{"due_date": i.split(":")[0], "amount": i.split(":")[1]} for i in insts]})
        elif kind == "order":
            plain, opts = _opts(rest)
            cid, number, date, total = plain[:4]
            order = {"id": number, "number": number, "customer_id": cid, "order_date": date, "total": total,
                     "state": "cancelled" if "cancelled" in plain else "confirmed"}
            if "currency" in opts:
                order["currency"], order["fx_rate"] = opts["currency"], opts.get("rate", "1")
            data.setdefault("orders", []).append(order)
        elif kind == "provides":
            (what,), _ = _opts(rest)
            data.setdefault(what, [])
        elif kind == "signal":
            plain, opts = _opts(rest)
            cid, signal_kind, on = plain[:3]
            sig = {"id": f"s{counter}", "customer_id": cid, "kind": signal_kind, "on": on,
                   "source": opts.get("source", "manual"), "note": opts.get("note", "")}
            for key, field in (("severity", "severity"), ("confidence", "confidence"), ("expires", "expires_on")):
                if key in opts:
                    sig[field] = opts[key]
            data["signals"].append(sig)
        elif kind == "note":
            plain, opts = _opts(rest)
            cid, on, text = plain[:3]
            text = text.replace("\\n", "\n")  # a note of several lines: "call: no answer\\nsnooze: ..."
            data.setdefault("notes", []).append({"id": f"n{counter}", "customer_id": cid, "on": on, "text": text,
                                                 "invoice_id": opts.get("invoice")})
        else:
            raise ValueError(f"unknown ledger line: {raw!r}")
    return data


def ledger_from_text(text: str, source: str = "file", unavailable: tuple[str, ...] = ()) -> Ledger:
    ledger, issues = load_ledger(ledger_data(text), source=source, unavailable=unavailable)
    assert not issues, [str(i) for i in issues]
    return ledger


def frame_at(text: str, as_of: str, **kwargs) -> LedgerFrame:
    """The frame of the ledger ``text`` on ``as_of``, loaded both ways (``load_ledger`` and the
    columnar ``load_frame`` the sync uses), which must agree."""
    frame = LedgerFrame.from_ledger(ledger_from_text(text, **kwargs), dt.date.fromisoformat(as_of))
    assert_frames_equal(load_frame(ledger_data(text), as_of=dt.date.fromisoformat(as_of), **kwargs)[0], frame)
    return frame


def board_at(text: str, as_of: str, policy: Policy | None = None, **kwargs) -> ScoreBoard:
    return score(frame_at(text, as_of, **kwargs), policy)


def customer_index(frame: LedgerFrame, customer_id: str) -> int:
    return list(frame.c_id).index(customer_id)
