"""Read one company's receivables for a batch of customers with a fixed number of SQL queries.

Every query takes the company id and the batch's commercial partner ids, so the query count of a
batch does not depend on how many customers it holds. Columns are named by Odoo's fields, and
``arwatch.core.odoo_rows`` (the mapping the sync's Odoo adapter uses for the same rows read over
the external API) turns the rows into the raw dict that ``arwatch.core.load.load_ledger``
validates. All amounts are in the company's currency (Odoo's ``*_signed`` amounts and
``account_partial_reconcile.amount``), so every record says ``currency = company currency`` and
``fx_rate = 1``. The big tables' amounts are read as ``float8``: the floats Odoo's cursor makes
of ``numeric`` anyway (PostgreSQL's cast and Python's ``float`` both round the decimal text
correctly), without a Python call per value.
"""

from collections import defaultdict

from arwatch.core import odoo_rows as rows_to
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger
from arwatch.core.odoo_rows.columns import columns_of, frame_from_columns, rows_of

# The companies whose books are the company's: itself and its branches at any depth (Odoo 17+
# ``res.company.parent_id``; ``parent_path`` is "root/branch/.../", so a company's subtree is
# the companies whose path starts with its own). Odoo's accounting consolidates a root company's
# branches (a partner's receivable, ``_credit_debit_get``, sums ``company_id child_of root_id``;
# the branches share the root's currency): a customer owes the group, and the root company's run
# scores what it owes every company of the group. Collections records kept in a branch (disputes,
# contact attempts, plans, signals) are the group's too; risk rows stay the scored company's.
GROUP = """(SELECT g.id FROM res_company g, res_company c
             WHERE c.id = %(company)s AND g.parent_path LIKE c.parent_path || '%%')"""

CUSTOMERS_OF_COMPANY = f"""
    SELECT commercial_partner_id FROM account_move
     WHERE company_id IN {GROUP} AND state = 'posted' AND move_type IN ('out_invoice', 'out_refund')
       AND commercial_partner_id IS NOT NULL
    UNION
    SELECT partner_id FROM arwatch_partner_risk WHERE company_id = %(company)s
    ORDER BY 1
"""

CUSTOMERS = """
    SELECT p.id, p.name, p.user_id, p.create_date::date AS create_date, p.active,
           (p.credit_limit ->> %(company_key)s)::numeric AS credit_limit,
           (SELECT max(l.nb_days) FROM account_payment_term_line l
             WHERE l.payment_id = (p.property_payment_term_id ->> %(company_key)s)::int) AS terms_days
      FROM res_partner p WHERE p.id = ANY(%(partners)s) ORDER BY p.id
"""

CONTACTS = """
    SELECT c.commercial_partner_id, c.id, c.name, c.function, c.create_date::date AS create_date, c.active,
           c.arwatch_archived_on, c.write_date::date AS write_date
      FROM res_partner c
     WHERE c.commercial_partner_id = ANY(%(partners)s) AND c.id != c.commercial_partner_id
     ORDER BY c.id
"""

INVOICES = f"""
    SELECT m.id, m.name, m.commercial_partner_id, m.move_type, m.invoice_date, m.invoice_date_due,
           m.amount_total_signed::float8 AS amount_total_signed,
           m.amount_residual_signed::float8 AS amount_residual_signed
      FROM account_move m
     WHERE m.company_id IN {GROUP} AND m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')
       AND m.commercial_partner_id = ANY(%(partners)s) AND m.invoice_date IS NOT NULL
     ORDER BY m.id
"""

# What settled each invoice: partials whose debit side is the invoice's receivable line. The credit
# side is a credit note, a payment's entry (origin_payment_id) or any other entry (a bank statement
# line reconciled directly, a write-off): the latter become payments keyed by their move.
ALLOCATIONS = f"""
    SELECT dl.move_id AS invoice_id, cl.move_id AS source_id, cm.move_type AS source_type,
           cm.origin_payment_id, pr.amount::float8 AS amount, pr.max_date, cm.date AS source_date,
           st.account_number AS payer_account
      FROM account_partial_reconcile pr
      JOIN account_move_line dl ON dl.id = pr.debit_move_id
      JOIN account_move dm ON dm.id = dl.move_id
      JOIN account_move_line cl ON cl.id = pr.credit_move_id
      JOIN account_move cm ON cm.id = cl.move_id
      LEFT JOIN account_bank_statement_line st ON st.id = cm.statement_line_id
     WHERE dm.company_id IN {GROUP} AND dm.state = 'posted' AND dm.move_type = 'out_invoice'
       AND dm.commercial_partner_id = ANY(%(partners)s) AND cm.state = 'posted'
     ORDER BY pr.id
"""

# Customer payments; the payer's account only when the bank account belongs to the customer (on an
# inbound payment Odoo's partner_bank_id is usually the company's own receiving account).
PAYMENTS = f"""
    SELECT pay.id, rp.commercial_partner_id AS customer_id, pay.date,
           pay.amount_company_currency_signed::float8 AS amount_company_currency_signed,
           pay.state, pay.write_date::date AS write_date, pay.memo,
           CASE WHEN bp.commercial_partner_id = rp.commercial_partner_id THEN b.acc_number END AS payer_account
      FROM account_payment pay
      JOIN res_partner rp ON rp.id = pay.partner_id
      LEFT JOIN res_partner_bank b ON b.id = pay.partner_bank_id
      LEFT JOIN res_partner bp ON bp.id = b.partner_id
     WHERE pay.company_id IN {GROUP} AND pay.partner_type = 'customer' AND pay.payment_type = 'inbound'
       AND pay.state IN ('in_process', 'paid', 'rejected') AND rp.commercial_partner_id = ANY(%(partners)s)
     ORDER BY pay.id
"""

DISPUTES = f"""
    SELECT id, partner_id, invoice_id, opened_on, resolved_on, amount, reason, kind
      FROM arwatch_dispute WHERE company_id IN {GROUP} AND partner_id = ANY(%(partners)s) ORDER BY id
"""

ATTEMPTS = f"""
    SELECT id, partner_id, date, channel, answered, outcome, promise_date, promise_amount
      FROM arwatch_contact_attempt WHERE company_id IN {GROUP} AND partner_id = ANY(%(partners)s) ORDER BY id
"""

PLAN_LINES = f"""
    SELECT p.id, p.partner_id, p.agreed_on, p.cancelled_on, l.due_date, l.amount
      FROM arwatch_payment_plan p JOIN arwatch_payment_plan_line l ON l.plan_id = p.id
     WHERE p.company_id IN {GROUP} AND p.partner_id = ANY(%(partners)s) ORDER BY p.id, l.due_date, l.id
"""

SIGNALS = f"""
    SELECT id, partner_id, kind, date, source, note, severity, confidence, expires_on
      FROM arwatch_signal
     WHERE company_id IN {GROUP} AND active AND partner_id = ANY(%(partners)s) ORDER BY id
"""

# placed with a collection agency (an approved referral) and recalled (``agency_switches``)
AGENCY = """
    SELECT id, partner_id, agency_since, agency_recalled_on
      FROM arwatch_partner_risk
     WHERE company_id = %(company)s AND agency_since IS NOT NULL AND partner_id = ANY(%(partners)s) ORDER BY id
"""


# Confirmed sale orders (Sales app); read only for a company that has confirmed orders at all
# (``has_orders``), so that a business invoicing without orders keeps the invoiced volume.
HAS_ORDERS = f"SELECT 1 FROM sale_order WHERE company_id IN {GROUP} AND state = 'sale' LIMIT 1"

ORDERS = f"""
    SELECT o.id, o.name, p.commercial_partner_id AS customer_id, o.date_order::date AS date_order,
           o.amount_total::float8 AS amount_total, o.currency_rate::float8 AS currency_rate
      FROM sale_order o JOIN res_partner p ON p.id = o.partner_id
     WHERE o.company_id IN {GROUP} AND o.state = 'sale' AND p.commercial_partner_id = ANY(%(partners)s)
     ORDER BY o.id
"""


# The batch's customer ids go into a dozen statements of a run. psycopg2 sends a Python list as
# ``ARRAY[7,8,9,...]``: an expression of one constant per element, built in Python and parsed by
# PostgreSQL element by element (10,000 ids: 8 ms of the client's CPU and 17 ms a statement in
# all, measured), so they are sent as ``'{7,8,9,...}'::int4[]``: the same array, one constant.
class IdArray:
    """``values`` (integers: record ids) as a PostgreSQL ``int4[]`` literal query parameter, e.g.
    ``cr.execute("... WHERE id = ANY(%s)", [IdArray(ids)])``; the values must fit in ``int4``."""

    __slots__ = ("_quoted",)

    def __init__(self, values):
        body = ",".join(str(int(v)) for v in values)
        self._quoted = f"'{{{body}}}'::int4[]".encode()

    def __conform__(self, protocol):  # psycopg2's adaptation protocol
        return self

    def getquoted(self):
        return self._quoted


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
    return cr.dictfetchall()


def _columns(cr, query, params):
    """A query's result by column (no dict per row: the big tables of the nightly run)."""
    cr.execute(query, params)
    rows = cr.fetchall()
    return columns_of([column[0] for column in cr.description], rows)


def load_raw(cr, company, partner_ids, orders=False, issues=None):
    """The raw ledger dict of ``partner_ids`` in ``company`` (a dict with id, name, currency),
    with its confirmed sale orders when ``orders`` (see ``has_orders``). A row that cannot be
    mapped is left out and its ``Issue`` appended to ``issues`` (a list) when given.

    Ten queries (eleven with orders), whatever the number of partners.
    """
    issues = [] if issues is None else issues
    params = _params(company, partner_ids)
    customers = _customers(cr, params, company["currency"], issues)
    moves = _fetch(cr, INVOICES, params)
    partials = _fetch(cr, ALLOCATIONS, params)
    payments = _fetch(cr, PAYMENTS, params)
    collections = _collections(cr, params)
    order_rows = _fetch(cr, ORDERS, params) if orders else None
    return _raw(company, customers, moves, partials, payments, collections, order_rows, issues)


def load_frame(cr, company, partner_ids, as_of, orders=False, issues=None):
    """``(LedgerFrame as of as_of, data issues)`` of ``partner_ids``: what ``load_raw``,
    ``load_ledger`` and ``LedgerFrame.from_ledger`` give, by the same queries, with the invoices,
    partials, payments and orders read as columns (``arwatch.core.odoo_rows.columns``); where
    those hold a row the record path must report, it takes the record path."""
    issues = [] if issues is None else issues
    params = _params(company, partner_ids)
    customers = _customers(cr, params, company["currency"], issues)
    moves = _columns(cr, INVOICES, params)
    partials = _columns(cr, ALLOCATIONS, params)
    payments = _columns(cr, PAYMENTS, params)
    collections = _collections(cr, params)
    order_cols = _columns(cr, ORDERS, params) if orders else None
    head = {"id": str(company["id"]), "name": company["name"], "currency": company["currency"]}
    built = frame_from_columns(head, customers, collections, moves, partials, payments, order_cols, as_of)
    if built is None:
        raw = _raw(company, customers, rows_of(moves), rows_of(partials), rows_of(payments), collections,
                   None if order_cols is None else rows_of(order_cols), issues)
        ledger, refused = load_ledger(raw, source="odoo")
        built = LedgerFrame.from_ledger(ledger, as_of=as_of), refused
    frame, refused = built
    return frame, tuple(issues) + tuple(refused)


def payment_frame(cr, company, partner_ids, as_of):
    """The frame of ``partner_ids`` as of ``as_of`` with only what settles their invoices
    (customers, invoices, partials, payments; no contacts, collections or orders): all their
    payment record needs (``arwatch.core.company_record``), in four queries where ``load_frame``
    takes eleven. Where the columns need the record path, ``load_frame``'s frame."""
    params = _params(company, partner_ids)
    customers = _customers(cr, params, company["currency"], [], contacts=False)
    moves, partials, payments = (_columns(cr, query, params) for query in (INVOICES, ALLOCATIONS, PAYMENTS))
    head = {"id": str(company["id"]), "name": company["name"], "currency": company["currency"]}
    built = frame_from_columns(head, customers, {}, moves, partials, payments, None, as_of)
    return built[0] if built is not None else load_frame(cr, company, partner_ids, as_of)[0]


def _params(company, partner_ids):
    return {"company": company["id"], "company_key": str(company["id"]), "partners": IdArray(partner_ids)}


def _customers(cr, params, currency, issues, contacts=True):
    """The customers' records (contacts included, unless not ``contacts``); the rows that cannot
    be mapped go to ``issues``."""
    people = defaultdict(list)
    for row in _fetch(cr, CONTACTS, params) if contacts else ():
        people[row["commercial_partner_id"]].append(rows_to.contact(row))
    customers = [rows_to.mapped("res.partner", row, lambda r: rows_to.customer(
        r, currency, r["terms_days"], people[r["id"]], str(r["user_id"]) if r["user_id"] else None), issues)
        for row in _fetch(cr, CUSTOMERS, params)]
    return [r for r in customers if r is not None]


def _raw(company, customers, moves, partials, payment_rows, collections, order_rows, issues):
    """The raw ledger dict from the rows read (``order_rows`` None: no orders)."""
    currency = company["currency"]
    by_note, by_payment, entries = _settlements(partials, moves)
    invoices = [rows_to.mapped("account.move", row, lambda r: rows_to.invoice(r, currency, by_note[r["id"]]), issues)
                for kind in ("out_invoice", "out_refund") for row in moves if row["move_type"] == kind]
    payments = [rows_to.mapped("account.payment", row, lambda r: rows_to.payment(
        r, r["customer_id"], currency, by_payment.pop(r["id"], []), r["payer_account"]), issues)
        for row in payment_rows]
    payments += [rows_to.entry_payment({"id": move_id, "date": date}, customer, currency, allocations, account)
                 for move_id, (customer, date, account, allocations) in entries.items()]
    raw = {
        "company": {"id": str(company["id"]), "name": company["name"], "currency": currency},
        "customers": customers,
        "invoices": [r for r in invoices if r is not None],
        "payments": [r for r in payments if r is not None],
        **collections,
    }
    if order_rows is not None:
        built = (rows_to.mapped("sale.order", row, lambda r: rows_to.order(r, r["customer_id"], currency), issues)
                 for row in order_rows)
        raw["orders"] = [r for r in built if r is not None]
    return raw


def collections_raw(cr, company_id):
    """The add-on's own collections records of a company's customers (disputes, contact attempts,
    payment plans, warning signals, agency placements) in ``load_ledger``'s shape: what an
    external sync reads instead of guessing them from done activities. Five queries."""
    return _collections(cr, {"company": company_id, "partners": IdArray(customer_ids(cr, company_id))})


def _collections(cr, params):
    return {
        "disputes": [rows_to.dispute(row) for row in _fetch(cr, DISPUTES, params)],
        "contact_attempts": [rows_to.attempt(row) for row in _fetch(cr, ATTEMPTS, params)],
        "payment_plans": rows_to.plans(_fetch(cr, PLAN_LINES, params)),
        "signals": [rows_to.signal(row) for row in _fetch(cr, SIGNALS, params)],
        "switches": [switch for row in _fetch(cr, AGENCY, params) for switch in rows_to.agency_switches(row)],
    }


def _settlements(rows, moves):
    """The allocations of the batch's invoices: by credit note, by payment, and by other entry
    (a statement line reconciled directly, a write-off: ``{move: (customer, date, payer account,
    allocations)}``). A partial of another kind of payment (e.g. outbound netting) is skipped
    when its payment is not read."""
    customer_of = {m["id"]: m["commercial_partner_id"] for m in moves if m["move_type"] == "out_invoice"}
    notes = {m["id"] for m in moves if m["move_type"] == "out_refund"}
    by_note, by_payment, entries = defaultdict(list), defaultdict(list), {}
    for row in rows:
        invoice = row["invoice_id"]
        alloc = rows_to.allocation(row, invoice) if invoice in customer_of else None
        if alloc is None:
            continue
        source = row["source_id"]
        if row["source_type"] == "out_refund":
            if source in notes:
                by_note[source].append(alloc)
        elif row["origin_payment_id"]:
            by_payment[row["origin_payment_id"]].append(alloc)
        else:
            entry = entries.setdefault(source, (customer_of[invoice], row["source_date"], row["payer_account"], []))
            entry[3].append(alloc)
    return by_note, by_payment, entries
