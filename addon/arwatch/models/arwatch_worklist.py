from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .arwatch_contact_attempt import CHANNELS, OUTCOMES
from .arwatch_partner_risk import LEVELS, SEGMENTS

TASK_CHANNELS = [("email", "Email"), ("letter", "Letter"), ("call", "Call"), ("todo", "To do"),
                 ("approval", "Approval")]
SNOOZE_DAYS = 7

# one line per open collection activity, one per customer and step (the earliest due, when a step
# is open for two causes), with the customer's exposure as of the last scoring and its last contact
WORKLIST = """
    SELECT DISTINCT ON (a.arwatch_company_id, a.arwatch_partner_id, split_part(a.arwatch_key, ':', 3))
           a.id, a.id AS activity_id, a.arwatch_partner_id AS partner_id, a.arwatch_company_id AS company_id,
           a.user_id, a.activity_type_id, a.summary, a.date_deadline,
           split_part(a.arwatch_key, ':', 3) AS step,
           COALESCE(a.arwatch_channel, CASE WHEN t.category = 'phonecall' THEN 'call' ELSE 'todo' END) AS channel,
           r.id AS risk_id, r.level, r.segment, COALESCE(r.hold, FALSE) AS hold,
           COALESCE(r.amount_overdue, 0) AS amount_overdue, COALESCE(r.days_past_due, 0) AS days_past_due,
           COALESCE(r.money_at_risk, 0) AS money_at_risk, c.currency_id,
           lc.date AS last_contact_date, lc.channel AS last_contact_channel, lc.outcome AS last_contact_outcome,
           COALESCE(r.with_agency, FALSE)
           OR EXISTS (SELECT 1 FROM mail_activity x
                       WHERE x.active AND x.arwatch_company_id = a.arwatch_company_id
                         AND x.arwatch_partner_id = a.arwatch_partner_id
                         AND split_part(x.arwatch_key, ':', 1) = 'task'
                         AND split_part(x.arwatch_key, ':', 3) = 'agency_referral') AS with_agency
      FROM mail_activity a
      JOIN res_company c ON c.id = a.arwatch_company_id
      LEFT JOIN mail_activity_type t ON t.id = a.activity_type_id
      LEFT JOIN arwatch_partner_risk r
             ON r.partner_id = a.arwatch_partner_id AND r.company_id = a.arwatch_company_id
      LEFT JOIN LATERAL (
            SELECT ca.date, ca.channel, ca.outcome FROM arwatch_contact_attempt ca
             WHERE ca.partner_id = a.arwatch_partner_id AND ca.company_id = a.arwatch_company_id
             ORDER BY ca.date DESC, ca.id DESC LIMIT 1) lc ON TRUE
     WHERE a.active AND a.arwatch_key IS NOT NULL AND a.arwatch_key != ''
     ORDER BY a.arwatch_company_id, a.arwatch_partner_id, split_part(a.arwatch_key, ':', 3),
              a.date_deadline, a.id
"""


class ArwatchWorklist(models.Model):
    """The collections worklist: today's collection activities, one line per customer and step,
    the most money at risk first, with what a controller needs to act on the line.

    A read-only view over ``mail.activity`` (the line's id is its activity's) and the customer's
    risk row; "Log call outcome", "Snooze" and "Done" act on the activity.
    """

    _name = "arwatch.worklist"
    _description = "Collections worklist"
    _auto = False
    _table_query = WORKLIST
    _order = "money_at_risk desc, days_past_due desc, date_deadline, id"
    _rec_name = "partner_id"
    # flushed before the view is read (a task just done or snoozed leaves the list at once)
    _depends = {
        "mail.activity": ["active", "arwatch_key", "arwatch_company_id", "arwatch_partner_id", "arwatch_channel",
                          "user_id", "activity_type_id", "summary", "date_deadline"],
        "arwatch.partner.risk": ["partner_id", "company_id", "level", "segment", "hold", "amount_overdue",
                                 "days_past_due", "money_at_risk", "with_agency"],
        "arwatch.contact.attempt": ["partner_id", "company_id", "date", "channel", "outcome"],
        "mail.activity.type": ["category"],
        "res.company": ["currency_id"],
    }

    activity_id = fields.Many2one("mail.activity", "Activity", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", "Company", readonly=True)
    user_id = fields.Many2one("res.users", "Assigned to", readonly=True)
    activity_type_id = fields.Many2one("mail.activity.type", "Next step", readonly=True)
    summary = fields.Char("Task", readonly=True)
    date_deadline = fields.Date("Due", readonly=True)
    step = fields.Char("Step code", readonly=True)
    channel = fields.Selection(TASK_CHANNELS, "Channel", readonly=True)
    risk_id = fields.Many2one("arwatch.partner.risk", "Customer risk", readonly=True)
    level = fields.Selection(LEVELS, "Risk level", readonly=True)
    segment = fields.Selection(SEGMENTS, "Payer type", readonly=True)
    hold = fields.Boolean("On credit hold", readonly=True)
    with_agency = fields.Boolean("With agency", readonly=True,
                                 help="Placed with a collection agency (referral approved, not recalled), "
                                      "or a referral awaiting a manager's approval.")
    currency_id = fields.Many2one("res.currency", "Currency", readonly=True)
    amount_overdue = fields.Monetary("Overdue", currency_field="currency_id", readonly=True)
    days_past_due = fields.Integer("Days past due", readonly=True, aggregator="max",
                                   help="Days past due of the customer's oldest open invoice.")
    money_at_risk = fields.Monetary(
        "Money at risk", currency_field="currency_id", readonly=True,
        help="Amount overdue times the risk score read as a chance of loss: the worklist's order.")
    last_contact_date = fields.Date("Last contact", readonly=True)
    last_contact_channel = fields.Selection(CHANNELS, "Last contact by", readonly=True)
    last_contact_outcome = fields.Selection(OUTCOMES, "Outcome", readonly=True)

    @api.depends("partner_id", "activity_type_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = f"{line.partner_id.display_name}: {line.activity_type_id.name or line.summary}"

    # ------------------------------------------------------------------ actions on a line
    def _activities(self):
        """The open activities of these lines (sudo), after checking the user works them: a
        collections user of the lines' companies."""
        if not self.env.user.has_group("arwatch.group_collections_user"):
            raise AccessError(_("Only collections users work the collections worklist."))
        if self.company_id - self.env.companies:
            raise AccessError(_("%s is not one of the companies you work in.",
                                (self.company_id - self.env.companies)[0].name))
        return self.sudo().activity_id.filtered("active")

    def action_log_outcome(self):
        self.ensure_one()
        activity = self._activities()
        return activity.action_arwatch_log_outcome() if activity else False

    def action_snooze(self):
        """Snooze the lines' customers a week: their open collection tasks due by then move a week
        on (from today when late), so the customers leave today's list together."""
        today = fields.Date.context_today(self)
        self._activities()
        until = fields.Date.add(today, days=SNOOZE_DAYS)
        activities = self.env["mail.activity"].sudo().search([
            ("arwatch_partner_id", "in", self.partner_id.ids), ("arwatch_company_id", "in", self.company_id.ids),
            ("arwatch_key", "!=", False), ("date_deadline", "<", until)])
        activities = activities.filtered(lambda a: (a.arwatch_partner_id, a.arwatch_company_id)
                                         in {(line.partner_id, line.company_id) for line in self})
        activities.write({"date_deadline": until})
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_done(self):
        self._activities().action_feedback(feedback=_("Done (collections worklist)."))
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def action_open_customer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "res.partner", "res_id": self.partner_id.id,
                "view_mode": "form", "views": [(False, "form")]}
