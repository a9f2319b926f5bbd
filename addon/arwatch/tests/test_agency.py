from odoo.addons.arwatch.lib import ledger_sql
from odoo.exceptions import AccessError
from odoo.tests import tagged

from arwatch.core.marks import CLOSED_MARK

from .common import ArwatchCommon

DUNNING = ("email", "letter", "call")  # the customer-facing channels a placement stops


@tagged("post_install", "-at_install")
class TestAgencyApproval(ArwatchCommon):
    """Approving an agency referral (marking the manager's approval activity done) places the
    customer with the agency, as a ``placed:`` note does for the planner: no more dunning, the
    hold stays, the risk list and the worklist show it, a payment still settles; a recall undoes
    the placement (the ladder then resumes as the core's planner says after a 'recalled' note)."""

    def referral(self, partner):
        """The agency referral the planner opens (a manager's approval), as the scoring writes it."""
        task = self.open_tasks(partner)[0]
        return task.copy({"arwatch_key": f"task:{partner.id}:agency_referral:episode:{self.today}",
                          "arwatch_company_id": self.company.id, "arwatch_partner_id": partner.id,
                          "arwatch_channel": "approval", "user_id": self.manager.id})

    def dunning(self, partner):
        return self.open_tasks(partner).filtered(lambda a: a.arwatch_channel in DUNNING)

    def test_approval__places_with_agency_dunning_stops_hold_stays_recall_undoes(self):
        self.run_scoring()
        risk = self.risk(self.late)
        self.assertTrue(risk.hold)
        self.assertTrue(self.dunning(self.late), "the delinquent customer is dunned before")
        referral = self.referral(self.late)
        with self.assertRaises(AccessError, msg="a collections user does not approve, even through sudo"):
            referral.with_user(self.collector).sudo().action_feedback(feedback="approved")
        self.assertFalse(risk.with_agency)
        referral.with_user(self.manager).action_feedback(feedback="approved")
        self.assertTrue(risk.with_agency)
        self.assertEqual((risk.agency_since, risk.agency_approved_by), (self.today, self.manager))
        self.assertIn("Placed with a collection agency", risk.message_ids[0].body)
        lines = self.env["arwatch.worklist"].search([("partner_id", "=", self.late.id)])
        self.assertTrue(lines and all(lines.mapped("with_agency")), "the worklist says so")
        self.assertIn(risk, self.env["arwatch.partner.risk"].search([("with_agency", "=", True)]))

        self.run_scoring()
        self.assertTrue(risk.hold, "the hold stays")
        self.assertFalse(self.dunning(self.late), "no reminder, letter or call while with the agency")

        with self.assertRaises(AccessError):
            risk.with_user(self.collector).action_recall_from_agency()
        risk.with_user(self.manager).action_recall_from_agency()
        self.assertFalse(risk.with_agency)
        self.assertEqual(risk.agency_recalled_on, self.today)
        self.assertIn("Recalled from the collection agency", risk.message_ids[0].body)
        self.assertNotIn(risk, self.env["arwatch.partner.risk"].search([("with_agency", "=", True)]))
        # the ladder then goes on from where the episode stands (its waits count from the steps
        # already done), as after a 'recalled' note: the core's planner tests walk that

    def test_approval__a_payment_still_settles_and_releases_the_hold(self):
        self.run_scoring()
        self.referral(self.late).with_user(self.manager).action_feedback(feedback="approved")
        self.run_scoring()
        risk = self.risk(self.late)
        self.assertTrue(risk.hold and risk.with_agency)
        self.pay(self.late_open, self.today)
        self.run_scoring()
        self.assertFalse(risk.hold, "paid in full: nothing overdue, the hold is released")
        self.assertTrue(risk.with_agency, "the placement itself is the manager's to end")

    def test_approval__a_referral_arwatch_closes_itself_is_no_approval(self):
        self.run_scoring()
        self.referral(self.late).action_feedback(feedback="Closed by arwatch: the cause is gone. " + CLOSED_MARK)
        self.assertFalse(self.risk(self.late).with_agency)
        self.run_scoring()
        self.assertTrue(self.dunning(self.late))

    def test_placement__read_into_the_ledger_as_switches(self):
        self.run_scoring()
        self.referral(self.late).with_user(self.manager).action_feedback(feedback="approved")
        risk = self.risk(self.late)
        self.env.flush_all()
        raw = ledger_sql.collections_raw(self.env.cr, self.company.id)
        self.assertEqual([(s["customer_id"], s["kind"], s["on"]) for s in raw["switches"]],
                         [(str(self.late.id), "placed", self.today)])
        risk.with_user(self.manager).action_recall_from_agency()
        self.env.flush_all()
        raw = ledger_sql.collections_raw(self.env.cr, self.company.id)
        self.assertEqual([s["kind"] for s in raw["switches"]], ["placed", "recalled"])
