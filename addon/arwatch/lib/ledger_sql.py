"""Read one company's receivables for a batch of customers with a fixed number of SQL queries.

Every query takes the company id and the batch's commercial partner ids, so the query count of a
batch does not depend on how many customers it holds. The rows become the raw dict that
``arwatch.core.load.load_ledger`` validates. All amounts are in the company's currency (Odoo's
``*_signed`` amounts and ``account_partial_reconcile.amount``), so every record says
``currency = company currency`` and ``fx_rate = 1``.
"""

CUSTOMERS_OF_COMPANY = """
    SELECT commercial_partner_id FROM account_move
     WHERE company_id = %(company)s AND state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
       AND commercial_partner_id IS NOT NULL
    UNION
    SELECT partner_id FROM arwatch_partner_risk WHERE company_id = %(company)s
    ORDER BY 1
"""

CUSTOMERS = """
    SELECT p.id, p.name, p.user_id, p.create_date::date, p.active,
           (p.credit_limit ->> %(company_key)s)::numeric,
           (SELECT max(l.nb_days) FROM account_payment_term_line l
             WHERE l.payment_id = (p.property_payment_term_id ->> %(company_key)s)::int)
      FROM res_partner p WHERE p.id = ANY(%(partners)s) ORDER BY p.id
"""

CONTACTS = """
    SELECT c.commercial_partner_id, c.id, c.name, c.function, c.create_date::date, c.active,
           COALESCE(c.arwatch_archived_on, CASE WHEN c.active THEN NULL ELSE c.write_date::date END)
      FROM res_partner c
     WHERE c.commercial_partner_id = ANY(%(partners)s) AND c.id != c.commercial_partner_id
     ORDER BY c.id
"""

INVOICES = """
    SELECT m.id, m.name, m.commercial_partner_id, m.move_type, m.invoice_date,
           COALESCE(m.invoice_date_due, m.invoice_date), abs(m.amount_total_signed), abs(m.amount_residual_signed)
      FROM account_move m
     WHERE m.company_id = %(company)s AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.commercial_partner_id = ANY(%(partners)s) AND m.invoice_date IS NOT NULL
     ORDER BY m.id
"""

# What settled each invoice: partials whose debit side is the invoice's receivable line. The credit
# side is a credit note, a payment's entry (origin_payment_id) or any other entry (a bank statement
# line reconciled directly, a write-off): the latter become payments keyed by their move.
ALLOCATIONS = """
    SELECT dl.move_id, cl.move_id, cm.move_type, cm.origin_payment_id, pr.amount, pr.max_date, cm.date,
           st.account_number
      FROM account_partial_reconcile pr
      JOIN account_move_line dl ON dl.id = pr.debit_move_id
      JOIN account_move dm ON dm.id = dl.move_id
      JOIN account_move_line cl ON cl.id = pr.credit_move_id
      JOIN account_move cm ON cm.id = cl.move_id
      LEFT JOIN account_bank_statement_line st ON st.id = cm.statement_line_id
     WHERE dm.company_id = %(company)s AND dm.state = 'posted' AND dm.move_type = 'out_invoice'
       AND dm.commercial_partner_id = ANY(%(partners)s) AND cm.state = 'posted'
     ORDER BY pr.id
"""

# Customer payments; the payer's account only when the bank account belongs to the customer (on an
# inbound payment Odoo's partner_bank_id is usually the company's own receiving account).
PAYMENTS = """
    SELECT pay.id, rp.commercial_partner_id, pay.date, abs(pay.amount_company_currency_signed), pay.state,
           pay.write_date::date, pay.memo,
           CASE WHEN bp.commercial_partner_id = rp.commercial_partner_id THEN b.acc_number END
      FROM account_payment pay
      JOIN res_partner rp ON rp.id = pay.partner_id
      LEFT JOIN res_partner_bank b ON b.id = pay.partner_bank_id
      LEFT JOIN res_partner bp ON bp.id = b.partner_id
     WHERE pay.company_id = %(company)s AND pay.partner_type = 'customer' AND pay.payment_type = 'inbound'
       AND pay.state IN ('in_process', 'paid', 'rejected') AND rp.commercial_partner_id = ANY(%(partners)s)
     ORDER BY pay.id
"""

DISPUTES = """
    SELECT id, partner_id, invoice_id, opened_on, resolved_on, amount, reason, kind
      FROM arwatch_dispute WHERE company_id = %(company)s AND partner_id = ANY(%(partners)s) ORDER BY id
"""

ATTEMPTS = """
    SELECT id, partner_id, date, channel, answered, outcome, promise_date, promise_amount
      FROM arwatch_contact_attempt WHERE company_id = %(company)s AND partner_id = ANY(%(partners)s) ORDER BY id
"""

PLAN_LINES = """
    SELECT p.id, p.partner_id, p.agreed_on, p.cancelled_on, l.due_date, l.amount
      FROM arwatch_payment_plan p JOIN arwatch_payment_plan_line l ON l.plan_id = p.id
     WHERE p.company_id = %(company)s AND p.partner_id = ANY(%(partners)s) ORDER BY p.id, l.due_date, l.id
"""

SIGNALS = """
    SELECT id, partner_id, kind, date, source, note, severity, confidence, expires_on
      FROM arwatch_signal
     WHERE company_id = %(company)s AND active AND partner_id = ANY(%(partners)s) ORDER BY id
"""


# Confirmed sale orders (Sales app), in company currency at the rate of their date; read only for
# a company that has confirmed orders at all (``has_orders``), so that a business invoicing
# without orders keeps the invoiced volume.
HAS_ORDERS = "SELECT 1 FROM sale_order WHERE company_id = %(company)s AND state = 'sale' LIMIT 1"

ORDERS = """
    SELECT o.id, o.name, p.commercial_partner_id, o.date_order::date,
           o.amount_total / COALESCE(NULLIF(o.currency_rate, 0), 1)
      FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
     WHERE o.company_id = %(company)s AND o.state = 'sale' AND p.commercial_partner_id = ANY(%(partners)s)
     ORDER BY o.id
"""


def has_orders(cr, company_id):
    """Whether the company has a confirmed sale order (the Sales app's table must exist)."""
    cr.execute("SELECT to_regclass('sale_order') IS NOT NULL")
    if not cr.fetchone()[0]:
        return False
    cr.execute(HAS_ORDERS, {"company": company_id})
    return cr.fetchone() is not None


def customer_ids(cr, company_id):
    """Every commercial partner with a posted customer invoice or credit note, or a risk row."""
    cr.execute(CUSTOMERS_OF_COMPANY, {"company": company_id})
    return [row[0] for row in cr.fetchall()]


def _fetch(cr, query, params):
    cr.execute(query, params)
    return cr.fetchall()


def load_raw(cr, company, partner_ids, orders=False):
    """The raw ledger dict of ``partner_ids`` in ``company`` (a dict with id, name, currency),
    with its confirmed sale orders when ``orders`` (see ``has_orders``).

    Ten queries (eleven with orders), whatever the number of partners.
    """
    params = {"company": company["id"], "company_key": str(company["id"]), "partners": list(partner_ids)}
    currency = company["currency"]
    contacts = {}
    for cust, cid, name, role, created, active, archived in _fetch(cr, CONTACTS, params):
        contacts.setdefault(cust, []).append({
            "id": str(cid), "name": name or f"contact {cid}", "role": role or None, "created_on": created,
            "archived_on": None if active else archived})
    customers = [{
        "id": str(pid), "name": name or f"partner {pid}", "currency": currency,
        "terms_days": int(terms or 0), "credit_limit": limit if limit and limit > 0 else None,
        "salesperson": str(user) if user else None, "created_on": created, "active": bool(active),
        "contacts": contacts.get(pid, ())}
        for pid, name, user, created, active, limit, terms in _fetch(cr, CUSTOMERS, params)]
    invoices, notes = _invoices(_fetch(cr, INVOICES, params), currency)
    payments = _payments(_fetch(cr, PAYMENTS, params), currency)
    _allocate(_fetch(cr, ALLOCATIONS, params), invoices, notes, payments, currency)
    for pay in payments.values():  # exchange differences may allocate a cent more than the amount
        pay["amount"] = max(pay["amount"], sum(a["amount"] for a in pay["allocations"]))
    raw = {
        "company": {"id": str(company["id"]), "name": company["name"], "currency": currency},
        "customers": customers,
        "invoices": list(invoices.values()) + list(notes.values()),
        "payments": list(payments.values()),
        "disputes": _disputes(_fetch(cr, DISPUTES, params)),
        "contact_attempts": _attempts(_fetch(cr, ATTEMPTS, params)),
        "payment_plans": _plans(_fetch(cr, PLAN_LINES, params)),
        "signals": _signals(_fetch(cr, SIGNALS, params)),
    }
    if orders:
        raw["orders"] = [{"id": str(oid), "number": name or f"order {oid}", "customer_id": str(partner),
                          "order_date": day, "total": round(total or 0, 2), "currency": currency, "state": "confirmed"}
                         for oid, name, partner, day, total in _fetch(cr, ORDERS, params)]
    return raw


def collections_raw(cr, company_id):
    """The add-on's own collections records of a company's customers (disputes, contact attempts,
    payment plans, warning signals) in ``load_ledger``'s shape: what an external sync reads
    instead of guessing them from done activities. Four queries."""
    params = {"company": company_id, "partners": customer_ids(cr, company_id)}
    return {
        "disputes": _disputes(_fetch(cr, DISPUTES, params)),
        "contact_attempts": _attempts(_fetch(cr, ATTEMPTS, params)),
        "payment_plans": _plans(_fetch(cr, PLAN_LINES, params)),
        "signals": _signals(_fetch(cr, SIGNALS, params)),
    }


def _invoices(rows, currency):
    invoices, notes = {}, {}
    for mid, name, partner, move_type, issued, due, total, residual in rows:
        record = {"id": str(mid), "number": name or f"move {mid}", "customer_id": str(partner),
                  "kind": "credit_note" if move_type == "out_refund" else "invoice",
                  "issue_date": issued, "due_date": due, "total": total, "residual": min(residual, total),
                  "currency": currency, "allocations": []}
        (notes if move_type == "out_refund" else invoices)[mid] = record
    return invoices, notes


def _payments(rows, currency):
    out = {}
    for pid, partner, day, amount, state, written, memo, account in rows:
        returned = state == "rejected"
        out[f"pay:{pid}"] = {
            "id": f"pay:{pid}", "customer_id": str(partner), "date": day, "amount": amount, "currency": currency,
            "state": "returned" if returned else "posted", "returned_on": max(written, day) if returned else None,
            "payer_account": account or None, "reference": memo or None, "allocations": []}
    return out


def _allocate(rows, invoices, notes, payments, currency):
    """Attach each partial to its credit note or payment (creating move-keyed payments)."""
    for inv, src, src_type, origin_payment, amount, settled, src_date, st_account in rows:
        invoice = invoices.get(inv)
        if invoice is None or not amount:
            continue
        alloc = {"invoice_id": str(inv), "amount": amount, "date": settled}
        if src_type == "out_refund":
            note = notes.get(src)
            if note is not None:
                note["allocations"].append(alloc)
            continue
        key = f"pay:{origin_payment}" if origin_payment else f"move:{src}"
        pay = payments.get(key)
        if pay is None:
            if origin_payment:  # a payment of another kind (e.g. outbound netting): not the customer's money
                continue
            pay = payments[key] = {
                "id": key, "customer_id": invoice["customer_id"], "date": src_date, "amount": 0,
                "currency": currency, "state": "posted", "payer_account": st_account or None,
                "allocations": []}
        pay["allocations"].append(alloc)


def _disputes(rows):
    return [{"id": str(did), "customer_id": str(partner), "invoice_id": str(inv) if inv else None,
             "opened_on": opened, "resolved_on": resolved, "amount": amount, "reason": reason or "",
             "kind": kind or "dispute"}
            for did, partner, inv, opened, resolved, amount, reason, kind in rows]


def _attempts(rows):
    return [{"id": str(aid), "customer_id": str(partner), "on": day, "channel": channel or "call",
             "answered": bool(answered), "outcome": outcome or "", "promise_date": promise_date,
             "promise_amount": promise_amount if promise_amount else None}
            for aid, partner, day, channel, answered, outcome, promise_date, promise_amount in rows]


def _plans(rows):
    plans = {}
    for plan_id, partner, agreed, cancelled, due, amount in rows:
        plan = plans.setdefault(plan_id, {"id": str(plan_id), "customer_id": str(partner), "agreed_on": agreed,
                                          "cancelled_on": cancelled, "instalments": []})
        plan["instalments"].append({"due_date": due, "amount": amount})
    return list(plans.values())


def _signals(rows):
    return [{"id": str(sid), "customer_id": str(partner), "kind": kind, "on": day, "source": source or "manual",
             "note": note or "", "severity": severity, "confidence": confidence, "expires_on": expires}
            for sid, partner, kind, day, source, note, severity, confidence, expires in rows]
