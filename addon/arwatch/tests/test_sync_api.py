from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestSyncApi(ArwatchCommon):
    """``arwatch.sync.api``: an external arwatch sync reads and writes the add-on's records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.api = cls.env["arwatch.sync.api"]
        cls.day = cls.today.isoformat()

    def changes(self, partner, reason="delinquent: 120 days past due"):
        cid = str(partner.id)
        flag = {"customer_id": cid, "level": "critical", "score": 81.5, "segment": "delinquent",
                "reasons": ["aging: INV/1 120 days past due", "habit_slip: 90 days later than usual"],
                "as_of": self.day}
        hold = {"customer_id": cid, "rule": "segment:delinquent", "reason": reason, "since": self.day}
        task = {"customer_id": cid, "step": "phone_call", "cause": "overdue", "title": f"Call {partner.name}",
                "body": "Ask for a date.", "due_date": self.day, "rule": "ladder: phone_call"}
        return [
            {"op": "set_flag", "key": f"flag:{cid}", "customer_id": cid, "flag": flag},
            {"op": "place_hold", "key": f"hold:{cid}", "customer_id": cid, "hold": hold},
            {"op": "open_task", "key": f"task:{cid}:phone_call:overdue", "customer_id": cid, "task": task},
        ]

    def removals(self, partner):
        cid = str(partner.id)
        return [
            {"op": "release_hold", "key": f"hold:{cid}", "customer_id": cid, "why": "paid in full"},
            {"op": "close_task", "key": f"task:{cid}:phone_call:overdue", "customer_id": cid},
            {"op": "clear_flag", "key": f"flag:{cid}", "customer_id": cid},
        ]

    def external(self):
        self.company.arwatch_scored_by = "sync"

    def test_apply__refused_while_the_addon_scores_the_company(self):
        with self.assertRaisesRegex(UserError, "daily job"):
            self.api.with_user(self.manager).arwatch_apply(self.company.id, self.changes(self.late), self.day)
        self.assertFalse(self.risk(self.late), "nothing written")

    def test_access__managers_write_users_read_others_nothing(self):
        self.external()
        with self.assertRaises(AccessError):
            self.api.with_user(self.collector).arwatch_apply(self.company.id, self.changes(self.late), self.day)
        with self.assertRaises(AccessError):
            self.api.with_user(self.salesman).arwatch_written_state(self.company.id, self.day)
        state = self.api.with_user(self.collector).arwatch_written_state(self.company.id, self.day)
        self.assertEqual(state["holds"], [])
        other = self.setup_other_company(name="Elsewhere")["company"]
        with self.assertRaisesRegex(AccessError, "not one of this user's companies"):
            self.api.with_user(self.manager).arwatch_written_state(other.id, self.day)

    def test_apply__writes_the_addon_records_once_and_undoes_them(self):
        self.external()
        api = self.api.with_user(self.manager)
        results = api.arwatch_apply(self.company.id, self.changes(self.late), self.day)
        self.assertEqual([(r["op"], r["ok"]) for r in results],
                         [("set_flag", True), ("place_hold", True), ("open_task", True)])
        risk = self.risk(self.late)
        self.assertEqual((risk.level, risk.score, risk.segment), ("critical", 81.5, "delinquent"))
        self.assertEqual(risk.indicators, "aging,habit_slip")
        self.assertTrue(risk.slipping)
        self.assertTrue(risk.hold and risk.hold_effective)
        self.assertEqual(risk.hold_rule, "segment:delinquent")
        self.assertIn(self.late.id, self.env["arwatch.partner.risk"]._held_partner_ids(self.late, self.company),
                      "the hold is the one order confirmation checks")
        task = self.open_tasks(self.late)
        self.assertEqual(task.mapped("arwatch_key"), [f"task:{self.late.id}:phone_call:overdue"])
        self.assertEqual(task.activity_type_id, self.env.ref("arwatch.mail_act_phone_call"))
        self.assertIn("placed by arwatch sync", risk.message_ids[0].body, "in the company's own chatter")
        self.assertFalse(any("arwatch sync" in (m.body or "") for m in self.late.message_ids),
                         "not on the partner every company reads")

        messages = len(risk.message_ids)
        again = api.arwatch_apply(self.company.id, self.changes(self.late), self.day)
        self.assertTrue(all(r["ok"] for r in again), again)
        self.assertEqual([r["details"].get("note") for r in again], ["already set", "already on hold", "already open"])
        self.assertEqual(len(self.open_tasks(self.late)), 1, "a rerun opens no second activity")
        self.assertEqual(len(risk.message_ids), messages, "nor posts a second note")

        state = api.arwatch_written_state(self.company.id, self.day)
        self.assertEqual([f["level"] for f in state["flags"]], ["critical"])
        self.assertEqual([h["customer_id"] for h in state["holds"]], [str(self.late.id)])
        self.assertEqual([t["step"] for t in state["tasks"]], ["phone_call"])

        undone = api.arwatch_apply(self.company.id, self.removals(self.late), self.day)
        self.assertTrue(all(r["ok"] for r in undone), undone)
        risk.invalidate_recordset()
        self.assertFalse(risk.hold or risk.level)
        self.assertFalse(self.open_tasks(self.late), "the activity is done")
        self.assertTrue(any("released by arwatch sync: paid in full" in m.body for m in risk.message_ids))
        state = api.arwatch_written_state(self.company.id, self.day)
        self.assertEqual((state["flags"], state["holds"], state["tasks"]), ([], [], []))
        self.assertEqual([t["step"] for t in state["done_tasks"]], ["phone_call"], "done, kept for a while")

    def test_apply__each_company_holds_and_flags_a_shared_customer_apart(self):
        """Two syncs, one per Odoo company, of a customer both share (no company on the partner):
        one company's release or clear never touches the other's hold or flag."""
        self.external()
        other = self.setup_other_company(name="Elsewhere")["company"]
        other.arwatch_scored_by = "sync"
        self.manager.sudo().write({"company_ids": [Command.link(other.id)]})
        self.assertFalse(self.late.company_id, "a customer shared by the companies")
        api = self.api.with_user(self.manager)
        placed = api.arwatch_apply(self.company.id, self.changes(self.late)[:2], self.day)
        self.assertTrue(all(r["ok"] for r in placed), placed)

        gone = [c for c in self.removals(self.late) if c["op"] != "close_task"]
        undone = api.arwatch_apply(other.id, gone, self.day)
        self.assertEqual([r["details"].get("note") for r in undone], ["not on hold", "no flag"])
        risk = self.risk(self.late)
        self.assertTrue(risk.hold and risk.level == "critical", "the first company's hold and flag stand")
        held = self.env["arwatch.partner.risk"]._held_partner_ids
        self.assertIn(self.late.id, held(self.late, self.company))
        self.assertNotIn(self.late.id, held(self.late, other), "no hold in the other company")
        state = api.arwatch_written_state(other.id, self.day)
        self.assertEqual((state["flags"], state["holds"]), ([], []), "not read as the other company's")

        api.arwatch_apply(other.id, self.changes(self.late, reason="fraud suspected")[:2], self.day)
        api.arwatch_apply(self.company.id, gone, self.day)
        self.assertNotIn(self.late.id, held(self.late, self.company))
        self.assertIn(self.late.id, held(self.late, other), "the other company's hold stays")
        self.assertEqual(self.risk(self.late, other).hold_reason, "fraud suspected")

    def test_apply__one_bad_change_fails_alone(self):
        self.external()
        bad = self.changes(self.late)[1]
        bad = dict(bad, customer_id="999999999", key="hold:999999999",
                   hold=dict(bad["hold"], customer_id="999999999"))
        broken = {"op": "place_hold", "key": "hold:x", "customer_id": "x"}  # no hold: invalid
        results = self.api.with_user(self.manager).arwatch_apply(
            self.company.id, [bad, broken] + self.changes(self.good), self.day)
        self.assertEqual([r["ok"] for r in results], [False, False, True, True, True])
        self.assertIn("999999999", results[0]["error"])
        self.assertIn("invalid change hold:x", results[1]["error"])
        self.assertTrue(self.risk(self.good).hold, "the valid changes after them are applied")

    def test_written_state__carries_a_managers_override(self):
        self.external()
        api = self.api.with_user(self.manager)
        api.arwatch_apply(self.company.id, self.changes(self.late), self.day)
        # the way a manager lifts a hold (a direct write of the override fields is refused)
        self.env["arwatch.hold.override"].with_user(self.manager).create(
            {"risk_id": self.risk(self.late).id, "until": self.today + timedelta(days=5),
             "reason": "paid by wire"}).action_apply()
        state = api.arwatch_written_state(self.company.id, self.day)
        self.assertEqual([(o["customer_id"], o["reason"]) for o in state["overrides"]],
                         [(str(self.late.id), "paid by wire")])

    def test_cron__skips_a_company_scored_by_sync(self):
        scoring = self.env["arwatch.scoring"]
        self.assertIn(self.company, scoring._cron_companies())
        self.external()
        self.assertNotIn(self.company, scoring._cron_companies(), "the external sync is the only writer")
        with self.assertRaisesRegex(UserError, "scored by arwatch sync"):
            self.env["arwatch.partner.risk"].with_company(self.company).action_score_now()
        self.assertFalse(self.risk(self.late))

    def test_collections_records__the_addons_own_records_in_the_cores_shape(self):
        self.env["arwatch.signal"].create({"partner_id": self.late.id, "kind": "fraud_suspicion",
                                           "date": self.today, "severity": 0.9, "source": "bank"})
        self.env["arwatch.dispute"].create({"partner_id": self.late.id, "invoice_id": self.late_open.id,
                                            "opened_on": self.today, "amount": 250.0, "reason": "damaged"})
        other = self.setup_other_company(name="Elsewhere")["company"]
        self.env["arwatch.signal"].create({"partner_id": self.late.id, "company_id": other.id, "kind": "hearsay",
                                           "date": self.today, "confidence": 0.3})
        with self.assertRaises(AccessError):
            self.api.with_user(self.salesman).arwatch_collections_records(self.company.id)
        records = self.api.with_user(self.collector).arwatch_collections_records(self.company.id)
        self.assertEqual([(s["customer_id"], s["kind"], s["on"]) for s in records["signals"]],
                         [(str(self.late.id), "fraud_suspicion", self.day)], "only this company's")
        self.assertEqual([(d["invoice_id"], float(d["amount"]), d["reason"]) for d in records["disputes"]],
                         [(str(self.late_open.id), 250.0, "damaged")])
        self.assertEqual((records["contact_attempts"], records["payment_plans"]), ([], []))
