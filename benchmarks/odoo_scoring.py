"""Benchmark of the Odoo add-on on a populated database (run with Odoo's python).

    python benchmarks/odoo_scoring.py --odoo-bin PATH/odoo-bin -c odoo.conf -d DB [--addons-path ...]
        [--populate] [--customers 2000] [--invoices 20000] [--paid 16000] [--orders 1000]

The database must have ``arwatch`` and ``arwatch_sale`` installed (``-i arwatch,arwatch_sale``).
``--populate`` creates the customers, posted invoices over 24 months, payments reconciled with them
(some partly) and confirmed uninvoiced sale orders, in batches of hundreds, and commits. Then it
times, each inside a transaction rolled back afterwards:
  * reading and scoring (SQL load + core) and the whole scoring run with its write-back, for the
    first 500, 1,000 and 2,000 customers, and a rerun in which nothing changed;
  * the hold check on a sale order confirmation, with and without the add-on's check.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

from arwatch.sync.clock import run_clock


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo-bin", required=True)
    parser.add_argument("-c", "--config")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--addons-path")
    parser.add_argument("--populate", action="store_true")
    parser.add_argument("--populate-payments", action="store_true",
                        help="pay --paid-share of the unpaid invoices already there, and confirm --orders orders")
    parser.add_argument("--paid-share", type=float, default=0.8)
    parser.add_argument("--synthetic", action="store_true",
                        help="also time the core alone on a generated ledger of --customers/--invoices/--paid")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument("--paid", type=int, default=16000)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--journals", type=int, default=8, help="sale and bank journals to number in")
    parser.add_argument("--batch", type=int, default=250, help="records created and posted per call")
    parser.add_argument("--no-measure", action="store_true", help="populate only")
    parser.add_argument("--sizes", default="500,1000,2000")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


def boot(args):
    sys.path.insert(0, str(Path(args.odoo_bin).resolve().parent))
    import odoo  # noqa: PLC0415

    argv = ["-d", args.database, "--log-level=warn"]
    if args.config:
        argv += ["-c", args.config]
    if args.addons_path:
        argv += [f"--addons-path={args.addons_path}"]
    odoo.tools.config.parse_config(argv)
    return odoo


def batches(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


# ---------------------------------------------------------------------- populate
def outstanding_account(env, company):
    """Give the bank journal's inbound methods an outstanding account, so payments make entries."""
    journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
    _give_outstanding_account(env, journal)
    return journal


def _give_outstanding_account(env, journals):
    lines = journals.inbound_payment_method_line_ids.filtered(lambda m: not m.payment_account_id)
    if lines:
        account = env["account.account"].search([("code", "=", "BENCH01")], limit=1) or env["account.account"].create(
            {"code": "BENCH01", "name": "Outstanding receipts (benchmark)", "account_type": "asset_current",
             "reconcile": True})
        lines.payment_account_id = account


def bench_journals(env, kind, count):
    """``count`` journals of ``kind`` (sale or bank) to spread numbering over.

    Odoo numbers each posted entry with a query over its journal's entries of the year (a regular
    expression on every row): one journal of 10,000 entries a year makes posting quadratic. A
    business of this size with several journals is ordinary; the benchmark uses ``count`` of each.
    """
    code = {"sale": "BS", "bank": "BB"}[kind]
    journals = env["account.journal"].search([("code", "=like", f"{code}%"), ("type", "=", kind)])
    missing = [k for k in range(count) if f"{code}{k}" not in journals.mapped("code")]
    extra = {}
    if kind == "sale":  # the income account of the company's own sales journal
        first = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", env.company.id)], limit=1)
        extra = {"default_account_id": first.default_account_id.id}
    journals |= env["account.journal"].create([{"name": f"Bench {kind} {k}", "code": f"{code}{k}", "type": kind,
                                                **extra} for k in missing])
    if kind == "bank":
        _give_outstanding_account(env, journals)
    return journals.sorted("code")


QUIET = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True,
         "mail_auto_subscribe_no_notify": True, "mail_create_nosubscribe": True}


def populate(env, args):
    """Customers, posted invoices over 24 months (oldest first), payments, confirmed orders."""
    env = env(context=dict(env.context, **QUIET))
    rng = random.Random(7)
    today = run_clock().today  # the benchmark run starts here
    sales = bench_journals(env, "sale", args.journals)
    banks = bench_journals(env, "bank", args.journals)
    t0 = time.perf_counter()
    partners = env["res.partner"].create([{"name": f"Bench customer {i:04d}", "is_company": True}
                                          for i in range(args.customers)])
    env.cr.commit()
    specs = [(partners[k % len(partners)].id, today - dt.timedelta(days=rng.randint(1, 730)),
              round(rng.uniform(50, 5000), 2)) for k in range(args.invoices)]
    specs.sort(key=lambda s: s[1])  # posted in date order, so numbers follow dates
    term = env.ref("account.account_payment_term_30days")
    invoice_ids = []
    for k, chunk in enumerate(batches(specs, args.batch)):
        moves = env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": pid, "invoice_date": day, "date": day,
            "journal_id": sales[k % len(sales)].id,
            "invoice_payment_term_id": term.id,
            "invoice_line_ids": [(0, 0, {"name": "goods", "quantity": 1, "price_unit": amount, "tax_ids": [(5,)]})],
        } for pid, day, amount in chunk])
        moves.action_post()
        invoice_ids += moves.ids
        env.cr.commit()
        env.invalidate_all()
        progress("invoices posted", len(invoice_ids), len(specs), t0)
    pay_and_order(env, args, env["account.move"].browse(invoice_ids[: args.paid]), partners, banks, rng)


def progress(what, done, total, started):
    elapsed = time.perf_counter() - started
    print(f"populate: {done}/{total} {what} in {elapsed:.0f}s ({done / max(elapsed, 1e-9):.0f}/s)", flush=True)


def pay_and_order(env, args, pay_invoices, partners, journals, rng):
    """Pay ``pay_invoices`` (10% of them half) by payments posted and reconciled a batch at a time;
    then confirm ``args.orders`` sale orders, left uninvoiced."""
    env = env(context=dict(env.context, **QUIET))
    today = run_clock().today  # the benchmark run starts here
    t1 = time.perf_counter()
    ids, done = pay_invoices.ids, 0
    for k, chunk_ids in enumerate(batches(ids, args.batch)):
        chunk = env["account.move"].browse(chunk_ids)
        journal = journals[k % len(journals)]
        method = journal.inbound_payment_method_line_ids[:1]
        vals = []
        for inv in chunk:
            delay = rng.choice((5, 10, 20, 30, 40, 60, 90))
            day = min(inv.invoice_date + dt.timedelta(days=delay), today)
            partly = rng.random() < 0.1
            amount = round(inv.amount_residual * (0.5 if partly else 1.0), 2)
            vals.append({"payment_type": "inbound", "partner_type": "customer", "partner_id": inv.partner_id.id,
                         "amount": amount, "date": day, "journal_id": journal.id,
                         "payment_method_line_id": method.id, "memo": inv.name})
        payments = env["account.payment"].create(vals)
        payments.action_post()
        plan = []
        for inv, pay in zip(chunk, payments, strict=False):
            lines = (inv.line_ids | pay.move_id.line_ids).filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled)
            plan.append(lines)
        env["account.move.line"]._reconcile_plan(plan)
        env.cr.commit()
        env.invalidate_all()
        done += len(chunk_ids)
        progress("invoices paid and reconciled", done, len(ids), t1)
    product = env["product.product"].create({"name": "Bench widget", "list_price": 120.0})
    t2 = time.perf_counter()
    chosen, done = partners[: args.orders], 0
    for chunk in batches(list(chosen), 200):
        orders = env["sale.order"].create([{"partner_id": p.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 3})]} for p in chunk])
        orders.action_confirm()
        env.cr.commit()
        env.invalidate_all()
        done += len(chunk)
        progress("sale orders confirmed", done, len(chosen), t2)


# ---------------------------------------------------------------------- measure
def timed(fn, repeat):
    values = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        values.append(time.perf_counter() - start)
    return min(values), statistics.median(values)


def populate_payments(env, args):
    rng = random.Random(11)
    journal = outstanding_account(env, env.company)
    unpaid = env["account.move"].search([("move_type", "=", "out_invoice"), ("state", "=", "posted"),
                                         ("payment_state", "=", "not_paid")], order="invoice_date")
    share = unpaid[: int(len(unpaid) * args.paid_share)]
    partners = env["res.partner"].search([("name", "like", "Bench customer")], order="id")
    pay_and_order(env, args, share, partners, journal, rng)


def measure_core_synthetic(n_customers, n_invoices, n_paid):
    """The core alone (load, frame, score, plan) on the synthetic book (``arwatch.demo.synthetic``,
    plain records, validated by the timed load) of the benchmark's size: ``n_invoices`` invoice
    records (2% of them credit notes) and ``n_paid`` payments."""
    from odoo.addons.arwatch.lib.planning import desired_state  # noqa: PLC0415
    from odoo.addons.arwatch.lib.policy import company_policy  # noqa: PLC0415

    from arwatch.core.actions import WrittenState  # noqa: PLC0415
    from arwatch.core.frame import LedgerFrame  # noqa: PLC0415
    from arwatch.core.load import load_ledger  # noqa: PLC0415
    from arwatch.core.scoring import score  # noqa: PLC0415
    from arwatch.demo.synthetic import build_synthetic  # noqa: PLC0415

    today = run_clock().today  # the benchmark run starts here
    raw = build_synthetic(n_customers, n_invoices, n_paid, seed=3, today=today, validate=True)
    values = {"medium": 25, "high": 50, "critical": 75, "delinquent_days": 91, "hold_enabled": True,
              "hold_delinquent": True, "hold_level": "critical", "hold_clear_days": 7, "reminder_days": 1,
              "call_days": 30, "patience_days": 30, "agency_days": 91, "large_invoice": 5000,
              "collections_user": "", "manager_user": ""}
    policy, extras = company_policy(values)
    times = {}
    start = time.perf_counter()
    ledger, issues = load_ledger(raw, source="odoo")
    times["load (validate records)"] = time.perf_counter() - start
    start = time.perf_counter()
    frame = LedgerFrame.from_ledger(ledger, as_of=today)
    times["frame"] = time.perf_counter() - start
    start = time.perf_counter()
    board = score(frame, policy)
    times["score (16 indicators)"] = time.perf_counter() - start
    start = time.perf_counter()
    desired_state(board, WrittenState(), policy, today, {})
    times["plan (flags with evidence, holds, tasks)"] = time.perf_counter() - start
    print(f"core alone, generated ledger of {n_customers} customers, {n_invoices} invoices, {n_paid} payments "
          f"({len(issues)} issues): " + ", ".join(f"{k} {v:.3f} s" for k, v in times.items())
          + f"; total {sum(times.values()):.3f} s")


def phases(env, company, part, today, policy, extras):
    """Seconds of each step of one batch's scoring, as ``_score_batch`` runs them (no write-back)."""
    from arwatch.core.gcpause import gc_paused  # noqa: PLC0415

    scoring, out = env["arwatch.scoring"], {}

    def step(name, fn):
        start = time.perf_counter()
        value = fn()
        out[name] = time.perf_counter() - start
        return value

    env.invalidate_all()
    with gc_paused():  # as _score_batch runs them
        return _phases(env, scoring, company, part, today, policy, extras, step, out)


def _phases(env, scoring, company, part, today, policy, extras, step, out):
    from odoo.addons.arwatch.lib.planning import desired_state  # noqa: PLC0415
    from odoo.addons.arwatch.models.arwatch_scoring import _templates  # noqa: PLC0415

    from arwatch.core.diffing import diff  # noqa: PLC0415
    from arwatch.core.scoring import score  # noqa: PLC0415

    frame, _ = step("SQL read + frame", lambda: scoring._frame(company, part, today, extras.get("orders", False)))
    board = step("indicators", lambda: score(frame, policy))
    written, _ = step("written state", lambda: env["arwatch.writeback"]._written_state(company, part, today))
    desired = step("plan", lambda: desired_state(board, written, policy, today, _templates(), company.name,
                                                 company._arwatch_locale()))
    step("diff", lambda: diff(written, desired))
    return out


def measure_scoring(env, sizes, repeat):
    from odoo.addons.arwatch.lib import ledger_sql  # noqa: PLC0415
    from odoo.addons.arwatch.lib.policy import company_policy  # noqa: PLC0415

    company = env.company
    scoring = env["arwatch.scoring"]
    ids = ledger_sql.customer_ids(env.cr, company.id)
    policy, extras = company_policy(company._arwatch_policy_values())
    extras = dict(extras, orders=ledger_sql.has_orders(env.cr, company.id))  # as _score_company reads
    today = run_clock().today  # the benchmark run starts here
    print(f"customers with invoices: {len(ids)}")
    print("customers | read+score (SQL load, core) | first run with write-back (queries) | rerun, nothing changed "
          "(best, median) | queries per run (rerun)")
    for n in sizes:
        part = ids[:n]
        sp = env.cr.savepoint()
        read_best, _ = timed(lambda part=part: scoring._board(company, part, today, policy, orders=extras["orders"]),
                             repeat)
        q0 = env.cr.sql_log_count
        start = time.perf_counter()
        scoring._score_company(company, today=today, partner_ids=part, batch_size=max(n, 1))
        env.flush_all()
        first = time.perf_counter() - start
        first_queries = env.cr.sql_log_count - q0
        env.invalidate_all()
        q0 = env.cr.sql_log_count
        counts = scoring._score_company(company, today=today, partner_ids=part, batch_size=max(n, 1))
        env.flush_all()
        queries = env.cr.sql_log_count - q0

        def rerun(part=part, n=n):
            env.invalidate_all()
            scoring._score_company(company, today=today, partner_ids=part, batch_size=max(n, 1))
            env.flush_all()

        rerun_best, rerun_median = timed(rerun, repeat)
        steps = phases(env, company, part, today, policy, extras)
        sp.rollback()
        sp.close()
        env.invalidate_all()
        print(f"{n:9d} | {read_best:8.3f} s | {first:8.3f} s ({first_queries} queries) | "
              f"{rerun_best:.3f} s, {rerun_median:.3f} s | {queries} (changes {counts['changes']})", flush=True)
        print("          rerun steps: " + ", ".join(f"{k} {v:.3f} s" for k, v in steps.items()), flush=True)


def measure_hold_check(env, repeat=30):
    order_model = env.registry["sale.order"]
    partner = env["res.partner"].search([("name", "like", "Bench customer")], order="id desc", limit=1)
    product = env["product.product"].search([("name", "=", "Bench widget")], limit=1)

    def confirm_once():
        sp = env.cr.savepoint()
        order = env["sale.order"].create({"partner_id": partner.id, "order_line": [
            (0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
        env.flush_all()
        env.invalidate_all()
        order = env["sale.order"].browse(order.id)
        start = time.perf_counter()
        order.action_confirm()
        env.flush_all()
        elapsed = time.perf_counter() - start
        sp.rollback()
        sp.close()
        env.invalidate_all()
        return elapsed

    def series():
        confirm_once()  # warm caches
        return statistics.median(confirm_once() for _ in range(repeat))

    with_check = series()
    original = order_model._arwatch_hold_message
    order_model._arwatch_hold_message = lambda self: False
    try:
        without = series()
    finally:
        order_model._arwatch_hold_message = original
    order = env["sale.order"].create({"partner_id": partner.id, "order_line": [
        (0, 0, {"product_id": product.id, "product_uom_qty": 1})]})
    env.invalidate_all()
    alone = []
    for _ in range(repeat):
        env.invalidate_all()
        start = time.perf_counter()
        order._arwatch_hold_message()
        alone.append(time.perf_counter() - start)
    print(f"sale order confirmation: {with_check * 1000:.1f} ms with the add-on's check, "
          f"{without * 1000:.1f} ms without (difference {1000 * (with_check - without):+.1f} ms); "
          f"the check alone {statistics.median(alone) * 1000:.2f} ms (median of {repeat})")


def vacuum_analyze(odoo, database):
    """What autovacuum does some minutes after a bulk load: without planner statistics the
    ledger queries pick nested loops over 40,000 rows (0.3 s instead of 0.1 s)."""
    cr = odoo.sql_db.db_connect(database).cursor()
    try:
        cr._cnx.autocommit = True  # VACUUM cannot run inside a transaction
        start = time.perf_counter()
        cr.execute("VACUUM ANALYZE")
        print(f"populate: VACUUM ANALYZE in {time.perf_counter() - start:.0f}s", flush=True)
    finally:
        cr.close()


def main():
    args = parse_args()
    odoo = boot(args)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.populate:
            populate(env, args)
            cr.commit()
        if args.populate_payments:
            populate_payments(env, args)
            cr.commit()
    if args.populate or args.populate_payments:
        vacuum_analyze(odoo, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.synthetic:
            measure_core_synthetic(args.customers, args.invoices, args.paid)
        if args.no_measure:
            return
        sp = cr.savepoint()
        measure_scoring(env, [int(s) for s in args.sizes.split(",")], args.repeat)
        measure_hold_check(env)
        sp.rollback()
        cr.rollback()


if __name__ == "__main__":
    main()
