import datetime as dt

from odoo.tests import tagged

from arwatch.core.actions import HOLD_ON_CALL

from ..models.arwatch_writeback import DONE_COUNTS_DAYS
from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestHoldTold(ArwatchCommon):
    """A call that told a customer of its credit hold is read back as told (``WrittenState.told``)
    however long ago it was done: the core then tells the hold neither by a hold letter nor on
    a later call; a done task of the fortnight is read as done, an older one is not."""

    def call(self, partner, cause, summary, done_days_ago=None):
        """A follow-up call as the scoring writes it, done ``done_days_ago`` days before today."""
        task = self.open_tasks(partner)[0]
        call = task.copy({"arwatch_key": f"task:{partner.id}:phone_call:{cause}", "summary": summary,
                          "arwatch_company_id": self.company.id, "arwatch_partner_id": partner.id})
        if done_days_ago is not None:
            call.action_feedback(feedback="called")
            self.env["mail.activity"].flush_model()
            self.env.cr.execute("UPDATE mail_activity SET date_done = %s WHERE id = %s",
                                (self.today - dt.timedelta(days=done_days_ago), call.id))
            self.env["mail.activity"].invalidate_model()
        return call

    def test_written_state__a_call_that_told_the_hold_is_told_however_long_ago_it_was_done(self):
        self.run_scoring()
        told = self.call(self.late, "plan:2026-01-01", "Call Late" + HOLD_ON_CALL, done_days_ago=DONE_COUNTS_DAYS + 30)
        self.call(self.late, "promise:2026-01-02", "Call Late about the promise", done_days_ago=DONE_COUNTS_DAYS + 30)
        recent = self.call(self.late, "promise:2026-01-03", "Call Late" + HOLD_ON_CALL, done_days_ago=1)
        written, _maps = self.env["arwatch.writeback"]._written_state(self.company, [self.late.id], self.today)
        keys = {t.key for t in written.told}
        self.assertEqual(keys & {told.arwatch_key, recent.arwatch_key}, {told.arwatch_key, recent.arwatch_key})
        self.assertNotIn(f"task:{self.late.id}:phone_call:promise:2026-01-02", keys, "it told no hold")
        done = {t.key for t in written.done_tasks}
        self.assertIn(recent.arwatch_key, done)
        self.assertNotIn(told.arwatch_key, done, "done over a fortnight ago: told, no longer done")
