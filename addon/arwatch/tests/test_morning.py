"""A credit controller's morning: tasks on people, the worklist, "Score customers now", words."""

import re
from datetime import timedelta

from odoo import SUPERUSER_ID
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from arwatch.core.actions import Task

from ..lib import ledger_sql
from ..lib.policy import company_policy
from .common import ArwatchCommon

# what must never reach a user: policy paths, core task keys, indicator ids
INTERNAL = re.compile(r"credit\.ladders|\w+\[\d+\]|task:\d+:|\b(habit_slip|selective_payment|slowing_trend)\b")


@tagged("post_install", "-at_install")
class TestAssignment(ArwatchCommon):

    def task(self, partner, step):
        return Task(customer_id=str(partner.id), step=step, cause="episode:2026-01-01", title=step,
                    due_date=self.today)

    def users_for(self, *tasks):
        assignment = self.env["arwatch.assignment"]
        policy, _extras = company_policy(self.company._arwatch_policy_values())
        return assignment._users_for(self.company, list(tasks), assignment._step_kinds(policy))

    def test_users__each_step_to_whom_it_names(self):
        call, review, agency = (self.task(self.late, "phone_call"), self.task(self.late, "sales_review"),
                                self.task(self.late, "agency_referral"))
        users = self.users_for(call, review, agency, self.task(self.good, "sales_review"))
        self.assertEqual(users[call.key], self.collector.id)
        self.assertEqual(users[review.key], self.salesman.id, "a sales review goes to the customer's salesperson")
        self.assertEqual(users[agency.key], self.manager.id, "an approval goes to the collections manager")
        self.assertEqual(users[self.task(self.good, "sales_review").key], self.collector.id,
                         "no salesperson: the collections user")

    def test_users__fallbacks_never_odoobot(self):
        call = self.task(self.late, "phone_call")
        self.company.arwatch_collections_user_id = False
        self.assertEqual(self.users_for(call)[call.key], self.manager.id, "no collections user: the manager")
        self.company.arwatch_manager_user_id = False
        fallback = self.users_for(call)[call.key]
        self.assertTrue(fallback)
        self.assertNotEqual(fallback, SUPERUSER_ID)
        self.assertTrue(self.env["res.users"].browse(fallback).has_group("arwatch.group_collections_manager"))
        self.salesman.active = False
        review = self.task(self.late, "sales_review")
        self.assertEqual(self.users_for(review)[review.key], fallback, "an archived salesperson is skipped")

    def test_run__no_task_on_odoobot_and_the_run_says_who_gets_them(self):
        self.company.write({"arwatch_collections_user_id": False, "arwatch_manager_user_id": False})
        self.run_scoring()
        tasks = self.open_tasks(self.late)
        self.assertTrue(tasks)
        self.assertNotIn(self.env.ref("base.user_root"), tasks.user_id)
        self.assertTrue(all(tasks.mapped("user_id")), "every task on a person")
        warning = self.env["arwatch.assignment"]._missing_people_warning(self.company)
        self.assertIn("No collections user is set", warning)
        self.assertIn(tasks.user_id[0].name, warning)

    def test_run__a_change_of_collections_user_moves_the_open_tasks(self):
        self.run_scoring()
        tasks = self.open_tasks(self.late)
        self.assertIn(self.collector, tasks.user_id)
        collector2 = new_test_user(self.env, "arw_collector2", groups="arwatch.group_collections_user",
                                   company_id=self.company.id)
        self.company.arwatch_collections_user_id = collector2
        counts = self.run_scoring()
        moved = tasks.filtered(lambda t: t.user_id == collector2)
        self.assertTrue(moved, "the open tasks of the collections user moved")
        self.assertNotIn(self.collector, self.open_tasks(self.late).user_id)
        self.assertEqual(counts["tasks_moved"], len(moved))
        self.assertEqual(counts["changes"], 0, "a move is not a new task")
        self.assertEqual(self.run_scoring()["tasks_moved"], 0, "moved once")


@tagged("post_install", "-at_install")
class TestWorklist(ArwatchCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # owes more than ``late``, as long overdue: first on the worklist
        cls.big = cls.env["res.partner"].create({"name": "Ghost Trading", "is_company": True})
        cls.big_open = cls.invoice(cls.big, cls.today - timedelta(days=120), 8100.0)

    def lines(self, user=None, domain=()):
        worklist = self.env["arwatch.worklist"].with_user(user or self.collector)
        return worklist.search(list(domain))

    def test_lines__ranked_by_money_at_risk_with_what_a_controller_needs(self):
        self.run_scoring()
        lines = self.lines()
        self.assertTrue(lines)
        self.assertEqual(lines[0].partner_id, self.big)
        at_risk = lines.mapped("money_at_risk")
        self.assertEqual(at_risk, sorted(at_risk, reverse=True))
        keys = [(line.partner_id, line.step) for line in lines]
        self.assertEqual(len(keys), len(set(keys)), "one line per customer and step")
        big = lines.filtered(lambda line: line.partner_id == self.big)[0]
        self.assertAlmostEqual(big.amount_overdue, 8100.0)
        self.assertEqual(big.currency_id, self.company.currency_id)
        self.assertEqual(big.days_past_due, 120)
        risk = self.risk(self.big)
        self.assertEqual(big.level, risk.level)
        self.assertAlmostEqual(big.money_at_risk, round(8100.0 * risk.score / 100, 2), places=2)
        self.assertTrue(big.activity_type_id and big.date_deadline)
        self.assertFalse(big.last_contact_date)
        self.assertEqual(set(lines.activity_id), set(self.open_tasks(self.big) | self.open_tasks(self.late)))

    def test_actions__log_a_promise_snooze_done(self):
        self.run_scoring()
        line = self.lines()[0]
        action = line.with_user(self.collector).action_log_outcome()
        self.assertEqual(action["res_model"], "arwatch.call.outcome")
        wizard = self.env["arwatch.call.outcome"].with_user(self.collector).with_context(**action["context"]).new(
            {"outcome": "no_answer"})
        wizard.outcome = "promise"
        wizard._onchange_outcome()
        self.assertEqual(wizard.promise_date, self.today + timedelta(days=7))
        self.env["arwatch.call.outcome"].with_user(self.collector).with_context(**action["context"]).create(
            {"outcome": "promise", "promise_date": self.today + timedelta(days=3),
             "promise_amount": 500.0}).action_log()
        big_lines = self.lines(domain=[("partner_id", "=", self.big.id)])
        self.assertNotIn(line.id, big_lines.ids, "the logged task left the list")
        if big_lines:
            self.assertEqual(big_lines[0].last_contact_date, self.today)
            self.assertEqual(big_lines[0].last_contact_outcome, "promise")

        due = [("date_deadline", "<=", self.today)]
        today = self.lines(domain=due)
        first = today[0]
        first.with_user(self.collector).action_snooze()
        self.assertNotIn(first.partner_id, self.lines(domain=due).partner_id,
                         "snoozed: the customer is off today's list")
        self.assertEqual(first.activity_id.date_deadline, self.today + timedelta(days=7))
        self.assertIn(first.id, self.lines().ids, "still on the worklist, a week on")

        done = self.lines()[0]  # the snoozed line is still on the worklist, a week on
        activity = done.activity_id
        done.with_user(self.collector).action_done()
        self.assertFalse(activity.active)
        self.assertNotIn(done.id, self.lines().ids)

    def test_actions__collections_users_only(self):
        self.run_scoring()
        line = self.lines()[0]
        with self.assertRaises(AccessError):
            self.env["arwatch.worklist"].with_user(self.salesman).search([])
        with self.assertRaises(AccessError):
            line.with_user(self.salesman).action_snooze()

    def test_filters__calls_letters_hold_agency_mine(self):
        self.run_scoring()
        lines = self.lines()
        on_hold = self.lines(domain=[("hold", "=", True)])
        self.assertEqual(set(on_hold.partner_id), {p for p in (self.big, self.late) if self.risk(p).hold})
        self.assertTrue(on_hold)
        letters = self.lines(domain=[("channel", "=", "letter")])
        self.assertTrue(all(line.activity_id.arwatch_channel == "letter" for line in letters))
        calls = self.lines(domain=[("channel", "=", "call")])
        self.assertTrue(all(line.activity_id.arwatch_channel == "call" for line in calls))
        self.assertIn(self.big, calls.partner_id, "the held customer is called; the call tells of the hold")
        self.assertFalse(set(calls) & set(letters))
        mine = self.lines(domain=[("user_id", "=", self.collector.id)])
        self.assertEqual(mine, lines.filtered(lambda line: line.user_id == self.collector))
        self.assertFalse(self.lines(domain=[("with_agency", "=", True)]))
        # a referral to an agency (approved, so done) marks every line of the customer
        referral = self.open_tasks(self.big)[0].copy({
            "arwatch_key": f"task:{self.big.id}:agency_referral:episode:2026-01-01",
            "arwatch_company_id": self.company.id, "arwatch_partner_id": self.big.id})
        referral.action_feedback(feedback="approved")
        with_agency = self.lines(domain=[("with_agency", "=", True)])
        self.assertEqual(with_agency.partner_id, self.big)
        self.assertEqual(with_agency, lines.filtered(lambda line: line.partner_id == self.big))


@tagged("post_install", "-at_install")
class TestScoreNow(ArwatchCommon):

    def test_menu__visible_to_collections_users(self):
        menu = self.env.ref("arwatch.menu_score_now")
        worklist = self.env.ref("arwatch.menu_worklist")
        visible = self.env["ir.ui.menu"].with_user(self.collector)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        self.assertIn(worklist.id, visible)
        hidden = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        self.assertNotIn(menu.parent_id.id, hidden, "Collections is for collections users")

    def test_action__reports_what_it_did(self):
        result = self.env.ref("arwatch.action_score_now").with_user(self.collector).with_company(self.company).run()
        self.assertEqual(result["tag"], "display_notification")
        message = result["params"]["message"]
        customers = len(ledger_sql.customer_ids(self.env.cr, self.company.id))
        holds = len(self.env["arwatch.partner.risk"].search([("company_id", "=", self.company.id),
                                                             ("hold", "=", True)]))
        tasks = self.env["mail.activity"].search_count([("arwatch_company_id", "=", self.company.id)])
        self.assertTrue(holds and tasks)
        self.assertIn(f"{customers} customers scored, {holds} holds placed, {tasks} tasks opened", message)
        self.assertNotIn("No collections user", message)
        again = self.env.ref("arwatch.action_score_now").with_user(self.collector).with_company(self.company).run()
        self.assertIn("0 holds placed, 0 tasks opened", again["params"]["message"])

    def test_action__says_plainly_when_no_collections_user(self):
        self.company.arwatch_collections_user_id = False
        result = self.env["arwatch.scoring"].with_user(self.collector)._score_now(self.company)
        self.assertIn("No collections user is set", result["params"]["message"])
        self.assertEqual(result["params"]["type"], "warning")


@tagged("post_install", "-at_install")
class TestWords(ArwatchCommon):

    def test_tasks__no_policy_paths_or_ids(self):
        self.run_scoring()
        tasks = self.open_tasks(self.late)
        self.assertTrue(tasks)
        for task in tasks:
            for text in (task.summary, task.note, task.activity_type_id.name):
                self.assertFalse(INTERNAL.search(str(text or "")), text)
        worklist = self.env["arwatch.worklist"].search([])
        for line in worklist:
            self.assertFalse(INTERNAL.search(line.display_name), line.display_name)

    def test_names__hand_written(self):
        plan = self.env["arwatch.payment.plan"].new({})
        self.assertEqual(plan.display_name, "New payment plan")
        plan = self.env["arwatch.payment.plan"].create({"partner_id": self.late.id, "agreed_on": "2026-12-06"})
        self.assertIn("Late Payer", plan.display_name)
        self.assertNotIn("False", plan.display_name)
        self.assertNotIn("2026-12-06", plan.display_name, "the user's date format")
        self.assertEqual(self.env["arwatch.signal"].new({}).display_name, "New warning signal")
        labels = {name: field.string for name, field in self.env["arwatch.payment.plan"]._fields.items()}
        self.assertEqual(labels["amount_total"], "Total of instalments")
        self.assertEqual(labels["agreed_on"], "Agreed on")
        self.assertTrue(self.env["arwatch.signal"]._fields["severity"].help)

    def test_levels__low_to_critical_in_grouped_reads(self):
        order = ["low", "medium", "high", "critical"]
        risk = self.env["arwatch.partner.risk"].sudo()
        partners = self.env["res.partner"].create([{"name": f"P{level}"} for level in order])
        risk.create([{"partner_id": p.id, "company_id": self.company.id, "level": level}
                     for p, level in zip(partners, reversed(order), strict=True)])
        from ..compat import grouped_read

        rows = grouped_read(risk, [("company_id", "=", self.company.id), ("level", "!=", False)], ["level"],
                            ["score:avg"])
        self.assertEqual([row["level"] for row in rows], order)

    def test_customers__activity_view(self):
        self.assertIn("activity", self.env.ref("account.res_partner_action_customer").view_mode.split(","))


@tagged("post_install", "-at_install")
class TestTranslations(ArwatchCommon):

    def test_po__french_and_german_loaded_with_the_module(self):
        expected = {"fr_FR": ("Appel de relance", "Liste de travail", "Rappel amical"),
                    "de_DE": ("Mahnanruf", "Arbeitsliste", "Freundliche Erinnerung")}
        for lang, (call, worklist, subject) in expected.items():
            self.env["res.lang"]._activate_lang(lang)
            self.env["ir.module.module"]._load_module_terms(["arwatch"], [lang], overwrite=True)
            env = self.env(context=dict(self.env.context, lang=lang))
            self.assertEqual(env.ref("arwatch.mail_act_phone_call").name, call)
            self.assertEqual(env.ref("arwatch.menu_worklist").name, worklist)
            template = env.ref("arwatch.mail_template_reminder")
            self.assertTrue(template.subject.startswith(subject))
            self.assertNotIn("friendly reminder", template.body_html, "the letter itself is translated")
            self.assertEqual(env["arwatch.worklist"]._fields["money_at_risk"]._description_string(env),
                             {"fr_FR": "Montant à risque", "de_DE": "Gefährdeter Betrag"}[lang])
