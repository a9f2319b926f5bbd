from datetime import timedelta
from unittest.mock import patch

import numpy as np
from odoo import Command
from odoo.tests import tagged

from arwatch.core.actions import Task
from arwatch.core.company_record import own_record
from arwatch.core.frame import LedgerFrame
from arwatch.core.load import load_ledger

from ..lib import ledger_sql
from ..lib.ledger_sql import IdArray
from ..lib.policy import company_policy
from ..models import arwatch_writeback
from ..models.arwatch_writeback import _numeric_distinct
from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestScoring(ArwatchCommon):

    def test_payments__really_reconcile(self):
        paid = self.env["account.move"].search([("partner_id", "=", self.good.id), ("move_type", "=", "out_invoice")])
        self.assertEqual(len(paid), 4)
        self.assertTrue(all(m.amount_residual == 0 for m in paid))
        partials = self.env["account.partial.reconcile"].search([("debit_move_id.move_id", "in", paid.ids)])
        self.assertEqual(len(partials), 4, "each invoice settled by a partial reconciliation")
        self.assertEqual(self.late_open.amount_residual, 1000.0)

    def test_scoring__scores_customers_and_holds_the_delinquent(self):
        counts = self.run_scoring()
        self.assertGreaterEqual(counts["customers"], 2)
        good, late = self.risk(self.good), self.risk(self.late)
        self.assertEqual(late.segment, "delinquent")
        self.assertIn(late.level, ("high", "critical"))
        self.assertGreater(late.score, good.score)
        self.assertIn("Overdue: ", late.reasons, "the warning sign's name, not its id")
        self.assertIn("aging", late.indicators)  # the ids stay, for filters
        self.assertIn(self.late_open.name, late.reasons, "evidence names the invoice")
        self.assertTrue(late.hold)
        self.assertFalse(good.hold)
        self.assertIn(good.level, ("low", "medium"))
        self.assertTrue(late.scored_at)
        # the partner shows the current company's row, and can be searched by it
        self.assertTrue(self.late.arwatch_hold)
        self.assertEqual(self.late.arwatch_segment, "delinquent")
        self.assertIn(self.late, self.env["res.partner"].search([("arwatch_hold", "=", True)]))
        self.assertNotIn(self.good, self.env["res.partner"].search([("arwatch_hold", "=", True)]))
        self.assertIn(self.late, self.env["res.partner"].search([("arwatch_level", "in", ("high", "critical"))]))

    def test_scoring__words_instead_of_ids_in_what_people_read(self):
        self.run_scoring()
        late = self.risk(self.late)
        self.assertIn("Overdue", late.indicator_names)
        self.assertEqual(late.risk_words, f"in arrears: {late.level}")
        self.assertEqual(self.late.arwatch_risk_words, late.risk_words)
        shown = [late.reasons, late.hold_reason, late.hold_cause, late.indicator_names, late.risk_words]
        shown += [t.note for t in self.open_tasks(self.late)]
        self.assertTrue(self.open_tasks(self.late))
        for text in shown:
            self.assertNotRegex(text or "", r"\w+\.\w+\[\d+\]")  # credit.ladders.good[3]
            self.assertNotRegex(text or "", r"(?m)^(aging|habit_slip|selective_payment|silence):")
            self.assertNotRegex(text or "", r"\bpay:\d|\bsegment[ :]delinquent|\bbucket \d")

    def test_scoring__rerun_writes_nothing(self):
        self.run_scoring()
        risk = self.risk(self.late)
        before = risk.write_date
        counts = self.run_scoring()
        self.assertEqual(counts["changes"], 0)
        risk.invalidate_recordset()
        self.assertEqual(risk.write_date, before)

    def test_risk_list__riskiest_first_by_level_then_score(self):
        """A level the payer type's rules or the model in use set may sit above a higher score's:
        the list reads by level first, as the core's ranking (``ScoreBoard.ranking``) does."""
        Risk = self.env["arwatch.partner.risk"].sudo()  # risk rows are the scoring's to write
        rows = Risk.create([
            {"partner_id": self.env["res.partner"].create({"name": name}).id, "company_id": self.company.id,
             "level": level, "score": score}
            for name, level, score in (("Low 40", "low", 40.0), ("Critical 35", "critical", 35.0),
                                       ("Medium 45", "medium", 45.0), ("Medium 60", "medium", 60.0),
                                       ("Unscored", False, 0.0))])
        listed = Risk.search([("id", "in", rows.ids)]).mapped("partner_id.name")
        self.assertEqual(listed, ["Critical 35", "Medium 60", "Medium 45", "Low 40", "Unscored"])
        rows[0].level = "critical"  # rescored: the rank follows the level, then the score
        self.assertEqual(Risk.search([("id", "in", rows.ids)], limit=1).partner_id.name, "Low 40")

    def _row_version(self, risk):
        """The risk row's physical version (``ctid``): every UPDATE of the row makes a new one."""
        self.env.flush_all()
        self.env.cr.execute("SELECT ctid FROM arwatch_partner_risk WHERE id = %s", (risk.id,))
        return self.env.cr.fetchone()[0]

    def test_scoring__nightly_rerun_leaves_unchanged_rows_alone_and_shows_the_run_as_last_scored(self):
        self.run_scoring()
        risk = self.risk(self.late)
        version, written = self._row_version(risk), risk.written_at
        self.assertTrue(written)
        self.run_scoring()  # all the company's customers, nothing changed
        self.env.invalidate_all()
        self.assertEqual(self._row_version(risk), version, "an unchanged row is not written")
        self.assertEqual(risk.written_at, written)
        stamp = self.company.arwatch_full_run_at
        self.assertTrue(stamp)
        self.assertGreaterEqual(stamp, written)
        self.assertEqual(risk.scored_at, stamp, "last scored: the company's run over all customers")
        self.assertEqual(self.late.with_company(self.company).arwatch_scored_at, stamp)
        # a run over some customers writes their rows' time, and does not stamp the company
        self.run_scoring(partners=self.late)
        self.env.invalidate_all()
        self.assertNotEqual(self._row_version(risk), version)
        self.assertEqual(self.company.arwatch_full_run_at, stamp)
        self.assertEqual(risk.scored_at, max(risk.written_at, stamp))

    def _row_versions(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT partner_id, ctid::text FROM arwatch_partner_risk WHERE company_id = %s",
                            (self.company.id,))
        return dict(self.env.cr.fetchall())

    def test_scoring__nightly_rerun_writes_the_rows_the_update_alone_would_write(self):
        """``_write_scored`` leaves out of its UPDATE the partners whose written exposure is the
        new one: the rows written are those the statement's own WHERE picks when sent every
        partner (the old way), on a later day when some exposures change and some do not."""
        self.run_scoring()
        other = self.env["res.partner"].create({"name": "Other Late Payer", "is_company": True})
        self.invoice(other, self.today - timedelta(days=60), 400.0)
        self.run_scoring()
        later = self.today + timedelta(days=3)
        writeback = type(self.env["arwatch.writeback"])
        original = writeback._write_scored

        def sent_every_partner(model, company, board, changed=None, written=None):
            return original(model, company, board, changed=changed)

        before = self._row_versions()
        with self.env.cr.savepoint(flush=True) as sp:
            with patch.object(writeback, "_write_scored", sent_every_partner):
                old_counts = self.run_scoring(today=later)
            old_written = {pid for pid, version in self._row_versions().items() if version != before.get(pid)}
            old_values = self._exposures()
            sp.rollback()
        self.env.invalidate_all()
        self.assertEqual(self._row_versions(), before)
        new_counts = self.run_scoring(today=later)
        new_written = {pid for pid, version in self._row_versions().items() if version != before.get(pid)}
        self.assertTrue(old_written, "some exposure changed three days later")
        self.assertLess(len(old_written), len(before), "and some did not")
        self.assertEqual(new_written, old_written)
        self.assertEqual(self._exposures(), old_values)
        self.assertEqual({k: v for k, v in new_counts.items() if isinstance(v, int)},
                         {k: v for k, v in old_counts.items() if isinstance(v, int)})

    def _exposures(self):
        self.env.flush_all()
        self.env.cr.execute("""SELECT partner_id, amount_overdue::text, days_past_due, money_at_risk::text
                                 FROM arwatch_partner_risk WHERE company_id = %s ORDER BY partner_id""",
                            (self.company.id,))
        return self.env.cr.fetchall()

    def test_scoring__exposure_compared_as_postgresql_compares_it(self):
        """The write-back's test of a written exposure (stored numeric text against the float it
        would send) says "distinct" exactly where ``IS DISTINCT FROM`` does, on awkward values."""
        stored = [None, "0", "0.00", "-0.0", "1.5", "1.50", "0.1", "0.10", "0.00001", "100000000000000000",
                  "8176.34", "8176.35", "1234567.89", "0.30000000000000004", "Infinity", "NaN"]
        values = [0.0, -0.0, 1.5, 0.1, 1e-05, 1e17, 8176.34, 1234567.89, 0.1 + 0.2, 0.3, float("inf"), float("nan"),
                  round(0.125, 2), 2.675]
        for text in stored:
            for value in values:
                self.env.cr.execute("SELECT %s::numeric IS DISTINCT FROM %s::numeric", (text, value))
                expected = self.env.cr.fetchone()[0]
                found = _numeric_distinct(text, value)
                if text == "NaN" or value != value:  # NaN is always sent: PostgreSQL decides
                    self.assertTrue(found or not expected, (text, value))
                else:
                    self.assertEqual(found, expected, (text, value))

    def test_scoring__task_notes_stored_as_odoo_stores_them(self):
        """A task's note is sanitized once by the write-back (``_write_notes``), and stored as
        ``mail.activity.create`` stores the same HTML: escaped text, links kept, no markup of the body."""
        writeback = self.env["arwatch.writeback"].sudo()
        task = Task(customer_id=str(self.late.id), step="reminder", cause="note-test", title="Reminder",
                    body="Dear <b>Late</b> & Co,\nplease pay at https://pay.example/x?a=1&b=2\n\n<script>x()</script>",
                    due_date=self.today, rule="credit.ladders.good[0]", evidence=("Overdue: INV/1 <120 days>",))
        written = writeback._open_tasks(self.company, [task], {task.key: self.collector.id})
        by_orm = self.env["mail.activity"].sudo().create({
            "res_model_id": self.env["ir.model"]._get_id("res.partner"), "res_id": self.late.id,
            "activity_type_id": written.activity_type_id.id, "summary": "Reminder", "date_deadline": self.today,
            "user_id": self.collector.id, "note": writeback._note(task)})
        self.env.invalidate_all()
        self.assertEqual(written.note, by_orm.note)
        self.assertIn("Dear &lt;b&gt;Late&lt;/b&gt; &amp; Co", written.note)
        self.assertIn('href="https://pay.example/x?a=1&amp;b=2"', written.note)
        self.assertNotIn("<script", written.note)
        self.assertNotIn("<b>Late", written.note)

    def test_scoring__contacts_archived_are_dated(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.late.id})
        contact.active = False
        self.assertEqual(contact.arwatch_archived_on, self.today)
        contact.active = True
        self.assertFalse(contact.arwatch_archived_on)

    def test_scoring__fraud_signal_holds_and_opens_an_investigation(self):
        self.env["arwatch.signal"].create({"partner_id": self.good.id, "kind": "fraud_suspicion",
                                           "date": self.today, "severity": 0.9, "source": "bank"})
        self.run_scoring()
        self.assertTrue(self.risk(self.good).hold)
        steps = self.open_tasks(self.good).mapped("arwatch_key")
        self.assertTrue(any(":fraud_investigation:" in key for key in steps), steps)

    def test_scoring__query_count_does_not_grow_with_customers(self):
        partners = self.env["res.partner"].create([{"name": f"Customer {i}", "is_company": True} for i in range(8)])
        moves = self.env["account.move"].create([{
            "move_type": "out_invoice", "partner_id": p.id, "invoice_date": self.today - timedelta(days=40 + i),
            "invoice_date_due": self.today - timedelta(days=40 + i),
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 100 + i,
                                                 "tax_ids": [Command.clear()]})],
        } for i, p in enumerate(partners)])
        moves.action_post()
        counts = {}
        for size in (2, 8):
            batch = partners[:size]
            self.run_scoring(partners=batch)  # settles what is written
            self.env.invalidate_all()
            start = self.env.cr.sql_log_count
            self.run_scoring(partners=batch)
            counts[size] = self.env.cr.sql_log_count - start
        self.assertEqual(counts[2], counts[8], counts)
        # a run of some customers also reads the company's payment record (``_read_ahead``: the
        # company's customer ids, then their customers, invoices, partials and payments): 5 more
        self.assertLessEqual(counts[8], 30 + 5, counts)
        self.run_scoring()  # the nightly run over every customer, in one batch, reads nothing ahead
        self.env.invalidate_all()
        start = self.env.cr.sql_log_count
        self.run_scoring()
        self.assertLessEqual(self.env.cr.sql_log_count - start, 30)

    def _scores(self, batches, full_run=True, read_ahead=True):
        """Per customer, what ``_board`` gives it when the run scores ``batches`` (read ahead as
        ``_score_company`` reads them; ``read_ahead=False``: each batch on its own, as before)."""
        scoring = self.env["arwatch.scoring"]
        policy, _ = company_policy(self.company._arwatch_policy_values())
        frames, record = (scoring._read_ahead(self.company, batches, self.today, False, 5000, full_run)
                          if read_ahead else (None, None))
        out = {}
        for k, batch in enumerate(batches):
            board, _ = scoring._board(self.company, batch, self.today, policy,
                                      built=frames[k] if frames else None, record=record)
            for c in range(board.frame.n_customers):
                reasons = tuple(r.evidence for r in board.customer(c).reasons)
                out[int(board.frame.c_id[c])] = (round(float(board.score[c]), 9), int(board.level[c]), reasons)
        return out

    def test_scoring__a_customers_score_does_not_depend_on_the_customers_it_is_scored_with(self):
        """The company's norms (lateness, share paid late) are the whole company's in every batch
        (``_read_ahead``): scored in batches of one customer, or one customer alone, every
        customer scores as in one batch; each batch on its own (as before) would not."""
        for name, late_by, n in (("Slow Payer", 20, 3), ("Once Late", 3, 1)):
            partner = self.env["res.partner"].create({"name": name, "is_company": True})
            for k in range(n):
                day = self.today - timedelta(days=150 - 30 * k)
                self.pay(self.invoice(partner, day, 200.0 + k), day + timedelta(days=late_by))
        self.env.flush_all()
        ids = ledger_sql.customer_ids(self.env.cr, self.company.id)
        whole = self._scores([ids])
        self.assertEqual(len(whole), 4)
        self.assertEqual(self._scores([[i] for i in ids]), whole)
        for i in ids:
            self.assertEqual(self._scores([[i]], full_run=False), {i: whole[i]})
        alone = self._scores([[i] for i in ids], read_ahead=False)
        self.assertNotEqual(alone, whole, "each customer measured against itself: the test has no norm to lose")
        scoring = self.env["arwatch.scoring"]
        scoring._score_company(self.company, today=self.today)
        self.assertEqual(scoring._score_company(self.company, today=self.today, batch_size=1)["changes"], 0)


@tagged("post_install", "-at_install")
class TestColumnsRead(ArwatchCommon):
    """The nightly run reads invoices, partials, payments and orders as columns
    (``ledger_sql.load_frame``): the same frame and problems as the record path on real rows."""

    def test_columns_read__same_frame_and_problems_as_the_record_path_with_a_credit_note(self):
        invoice = self.invoice(self.late, self.today - timedelta(days=20), 300)
        note = self.env["account.move"].create({
            "move_type": "out_refund", "partner_id": self.late.id, "invoice_date": self.today - timedelta(days=10),
            "invoice_line_ids": [Command.create({"name": "return", "quantity": 1, "price_unit": 100,
                                                 "tax_ids": [Command.clear()]})],
        })
        note.action_post()
        (invoice.line_ids | note.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable").reconcile()
        self.env.flush_all()
        cr, company = self.env.cr, self.company
        values = self.env["arwatch.scoring"]._company_values(company)
        ids = ledger_sql.customer_ids(cr, company.id)
        issues = []
        raw = ledger_sql.load_raw(cr, values, ids, issues=issues)
        ledger, refused = load_ledger(raw, source="odoo")
        old = LedgerFrame.from_ledger(ledger, as_of=self.today)
        with patch.object(ledger_sql, "load_ledger", side_effect=AssertionError("took the record path")):
            new, new_issues = ledger_sql.load_frame(cr, values, ids, self.today)
        self.assertEqual(new_issues, tuple(issues) + tuple(refused))
        self.assertTrue(old.i_credit.any() and len(old.a_inv) and len(old.p_id))
        for name in old.__dataclass_fields__:
            a, b = getattr(old, name), getattr(new, name)
            if isinstance(a, np.ndarray):
                self.assertEqual((a.dtype, a.shape), (b.dtype, b.shape), name)
                same = np.array_equal(a, b, equal_nan=True) if a.dtype.kind == "f" else a.tolist() == b.tolist()
                self.assertTrue(same, name)
            elif name != "extra":
                self.assertEqual(a, b, name)

    def test_columns_read__the_payment_frame_gives_the_full_reads_payment_record(self):
        """``payment_frame`` (what settles invoices only) and ``load_frame`` give one record."""
        invoice = self.invoice(self.good, self.today - timedelta(days=50), 120)
        self.pay(invoice, self.today - timedelta(days=5))
        self.env.flush_all()
        cr = self.env.cr
        values = self.env["arwatch.scoring"]._company_values(self.company)
        ids = ledger_sql.customer_ids(cr, self.company.id)
        full = own_record(ledger_sql.load_frame(cr, values, ids, self.today)[0])
        light = own_record(ledger_sql.payment_frame(cr, values, ids, self.today))
        self.assertGreaterEqual(len(full), 6)
        for name in ("settled_day", "settled_late", "paid_day", "paid_late"):
            self.assertEqual(getattr(light, name).tolist(), getattr(full, name).tolist(), name)


@tagged("post_install", "-at_install")
class TestIdArray(ArwatchCommon):
    """The scoring run sends its customer ids as one ``int4[]`` literal (``IdArray``), not as
    psycopg2's ``ARRAY[...]`` of a list: every query returns the same rows either way."""

    def test_id_array__same_rows_as_the_list_in_every_query_of_a_run(self):
        self.run_scoring()
        self.env.flush_all()
        cr = self.env.cr
        values = self.env["arwatch.scoring"]._company_values(self.company)
        ids = ledger_sql.customer_ids(cr, self.company.id)
        self.assertGreaterEqual(len(ids), 2)
        queries = [ledger_sql.CUSTOMERS, ledger_sql.CONTACTS, ledger_sql.INVOICES, ledger_sql.ALLOCATIONS,
                   ledger_sql.PAYMENTS, ledger_sql.DISPUTES, ledger_sql.ATTEMPTS, ledger_sql.PLAN_LINES,
                   ledger_sql.SIGNALS, ledger_sql.AGENCY, arwatch_writeback.RISKS, arwatch_writeback.ACTIVITIES]
        for partners in (ids, ids[:1], [], [ids[-1], ids[0], 2**31 - 1]):
            for query in queries:
                params = {"company": values["id"], "company_key": str(values["id"]), "since": self.today,
                          "kept_since": self.today, "remembered": arwatch_writeback.REMEMBERED_CAUSES}
                cr.execute(query, dict(params, partners=list(partners)))
                by_list = cr.fetchall()
                cr.execute(query, dict(params, partners=IdArray(partners)))
                self.assertEqual(cr.fetchall(), by_list, (query, partners))
        self.assertEqual(cr.mogrify("%s", [IdArray([3, 1, 2])]), b"'{3,1,2}'::int4[]")
        with self.assertRaises(ValueError):
            IdArray(["1); DROP TABLE res_partner; --"])
