import datetime as dt

from odoo.tests import tagged

from arwatch.core.actions import REMEMBERED_DAYS

from ..models.arwatch_writeback import DONE_COUNTS_DAYS
from .common import ArwatchCommon


@tagged("post_install", "-at_install")
class TestLadderMemory(ArwatchCommon):
    """A step of the ladder (cause ``episode:``) or a monthly statement done by a person is read
    back as done for ``REMEMBERED_DAYS``, as the state store keeps them: the planner reads the
    customer's position on the ladder from it, and a step forgotten after a fortnight would let
    the ladder start again at its lowest rung (a reminder after the phone call). Other tasks
    count as done for ``DONE_COUNTS_DAYS``."""

    def done_task(self, partner, step, cause, days_ago):
        task = self.open_tasks(partner)[0]
        copy = task.copy({"arwatch_key": f"task:{partner.id}:{step}:{cause}", "summary": f"{step} {cause}",
                          "arwatch_company_id": self.company.id, "arwatch_partner_id": partner.id})
        copy.action_feedback(feedback="done")
        self.env["mail.activity"].flush_model()
        self.env.cr.execute("UPDATE mail_activity SET date_done = %s WHERE id = %s",
                            (self.today - dt.timedelta(days=days_ago), copy.id))
        self.env["mail.activity"].invalidate_model()
        return f"task:{partner.id}:{step}:{cause}"

    def test_written_state__the_ladders_done_steps_are_remembered_past_a_fortnight(self):
        self.run_scoring()
        old = DONE_COUNTS_DAYS + 30
        rung = self.done_task(self.late, "phone_call", "episode:2026-01-01", old)
        statement = self.done_task(self.late, "statement_of_account", "month:2026-01", old)
        follow_up = self.done_task(self.late, "phone_call", "promise:2026-01-02", old)
        recent = self.done_task(self.late, "phone_call", "promise:2026-01-03", 1)
        aged_out = self.done_task(self.late, "reminder", "episode:2025-01-01", REMEMBERED_DAYS + 1)
        written, _maps = self.env["arwatch.writeback"]._written_state(self.company, [self.late.id], self.today)
        done = {t.key for t in written.done_tasks}
        self.assertIn(rung, done, "a rung of the ladder done a month ago is still its position")
        self.assertIn(statement, done, "a statement of the month is not sent again")
        self.assertIn(recent, done)
        self.assertNotIn(follow_up, done, "a follow-up call counts as done for a fortnight only")
        self.assertNotIn(aged_out, done, "kept as long as the state store keeps it, no longer")
