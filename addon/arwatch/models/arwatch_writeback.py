import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

import numpy as np
from markupsafe import Markup, escape
from odoo import _, api, fields, models
from odoo.tools import plaintext2html

from arwatch.core.actions import (
    HOLD_ON_CALL,
    REMEMBERED,
    REMEMBERED_DAYS,
    Flag,
    Hold,
    Op,
    Override,
    Task,
    WrittenState,
)
from arwatch.core.marks import CLOSED_MARK

from ..lib import words
from ..lib.exposure import exposure
from ..lib.ledger_sql import IdArray

SLIPPING = ("habit_slip", "slowing_trend", "selective_payment")
# a task done by a person within this many days still counts as written: its cause may last
# until the next payment arrives, and reopening it the next morning would nag; a step of the
# ladder or a monthly statement (``remembered``) counts for ``REMEMBERED_DAYS``, as the state
# store keeps them: the ladder's position is read from its done steps, and a step forgotten would
# let the ladder start again at its lowest rung
DONE_COUNTS_DAYS = 14
# the first part of a remembered task's cause, as split_part(key, ':', 4) reads it
REMEMBERED_CAUSES = [prefix.rstrip(":") for prefix in REMEMBERED]
# in the feedback of a task arwatch closed: an external sync reading done activities as contact
# attempts skips these (``arwatch.core.marks``, shared with the external Odoo adapter)


RISKS = """
    SELECT r.id, r.partner_id, r.level, r.score, r.segment, r.reasons, r.indicators, r.slipping, r.hold,
           r.hold_rule, r.hold_reason, r.hold_since, r.override_until, r.override_reason, up.name,
           r.amount_overdue::text, r.days_past_due, r.money_at_risk::text
      FROM arwatch_partner_risk r
      LEFT JOIN res_users u ON u.id = r.override_user_id
      LEFT JOIN res_partner up ON up.id = u.partner_id
     WHERE r.company_id = %(company)s AND r.partner_id = ANY(%(partners)s)
     ORDER BY r.id
"""

# open ones last, so that an open activity wins over a done one of the same key
ACTIVITIES = """
    SELECT a.id, a.arwatch_key, a.summary, a.date_deadline, a.user_id, a.active
      FROM mail_activity a
     WHERE a.arwatch_company_id = %(company)s AND a.arwatch_partner_id = ANY(%(partners)s)
       AND a.arwatch_key LIKE 'task:%%'
       AND (a.active OR a.date_done >= %(since)s
            OR (a.date_done >= %(kept_since)s AND split_part(a.arwatch_key, ':', 4) = ANY(%(remembered)s)))
     ORDER BY a.active, a.id
"""

# the calls that told a credit hold (``arwatch.core.actions.told_hold``), open or done however long
# ago (done activities are kept: ``keep_done``): a hold told is not told again once the call is
# older than ``DONE_COUNTS_DAYS``; the latest due per key (a call reopened for a later hold)
TOLD_ACTIVITIES = """
    SELECT a.arwatch_key, a.summary, a.date_deadline, a.user_id
      FROM mail_activity a
     WHERE a.arwatch_company_id = %(company)s AND a.arwatch_partner_id = ANY(%(partners)s)
       AND a.arwatch_key LIKE 'task:%%:phone_call:%%' AND a.summary LIKE %(told)s
     ORDER BY a.date_deadline, a.id
"""


class WrittenMaps:
    """The Odoo records behind a ``WrittenState``: risk rows by partner, activities by key, and
    the fired indicators and slipping badge written on each risk row."""

    def __init__(self, risks, activities, indicators=None, assignees=None, exposures=None):
        self.risks = risks
        self.activities = activities
        self.indicators = indicators if indicators is not None else {}
        # by partner: the exposure written on its risk row (amount overdue and money at risk as
        # PostgreSQL's text of the numeric, days past due), so that a run whose exposure is the
        # written one sends no UPDATE for it (``_write_scored``)
        self.exposures = exposures if exposures is not None else {}
        # by task key: (activity id, user id, active), as read, so that moving tasks to their
        # assignee reads no activity record
        self.assignees = assignees if assignees is not None else {}


class ArwatchWriteback(models.AbstractModel):
    """Read what is written (``WrittenState``) and apply the core's ``Diff`` to Odoo records.

    Generic over ``arwatch.core.actions.Change``: SET/CLEAR_FLAG and PLACE/RELEASE_HOLD become
    writes on ``arwatch.partner.risk`` grouped by identical values; OPEN_TASK creates activities
    in one batch; CLOSE_TASK marks them done (``action_feedback``).
    """

    _name = "arwatch.writeback"
    _description = "Collections write-back"

    # ------------------------------------------------------------------ read
    @api.model
    def _written_state(self, company, partner_ids, today):
        """``(WrittenState, WrittenMaps)`` of ``partner_ids``: two SQL queries, records browsed lazily
        (read only for the rows a change touches)."""
        self.env["arwatch.partner.risk"].flush_model()
        params = {"company": company.id, "partners": IdArray(partner_ids)}
        self.env.cr.execute(RISKS, params)
        rows = self.env.cr.fetchall()
        records = self.env["arwatch.partner.risk"].browse([row[0] for row in rows])
        by_partner, indicators, exposures = {}, {}, {}
        flags, holds, overrides = [], [], []
        for record, row in zip(records, rows, strict=False):
            (_, pid, level, score, segment, reasons, fired, slipping, hold, hold_rule, hold_reason, hold_since,
             override_until, override_reason, override_by, overdue, days, at_risk) = row
            by_partner[pid] = record
            indicators[pid] = (fired or False, bool(slipping))
            exposures[pid] = (overdue, days, at_risk)
            cid = str(pid)
            if level:
                flags.append(Flag(customer_id=cid, level=level, score=score or 0.0, segment=segment or "good",
                                  reasons=tuple((reasons or "").splitlines()), as_of=today))
            if hold:
                holds.append(Hold(customer_id=cid, rule=hold_rule or "manual", reason=hold_reason or "",
                                  since=hold_since or today))
            if override_until:
                overrides.append(Override(customer_id=cid, release_until=override_until,
                                          by=override_by or "", reason=override_reason or ""))
        activities, tasks, done, assignees = self._task_activities(company, partner_ids, today, assignees=True)
        written = WrittenState(flags=tuple(flags), holds=tuple(holds), tasks=tuple(tasks), overrides=tuple(overrides),
                               done_tasks=tuple(done), told=self._told_calls(company, partner_ids))
        return written, WrittenMaps(by_partner, activities, indicators, assignees, exposures)

    @api.model
    def _told_calls(self, company, partner_ids):
        """The ``Task`` of each call that told a credit hold (``TOLD_ACTIVITIES``), by key."""
        self.env.cr.execute(TOLD_ACTIVITIES, {"company": company.id, "partners": IdArray(partner_ids),
                                              "told": f"%{HOLD_ON_CALL}"})
        told = {}
        for key, summary, deadline, user_id in self.env.cr.fetchall():
            _kind, customer, step, cause = key.split(":", 3)
            told[key] = Task(customer_id=customer, step=step, cause=cause, title=summary, due_date=deadline,
                             assignee=str(user_id) if user_id else None)
        return tuple(told[k] for k in sorted(told))

    @api.model
    def _task_activities(self, company, partner_ids, today, assignees=False):
        """``(activities, open tasks, done tasks)``: the collection activities by key (an open
        one wins over a done one of the same key), the ``Task`` of each open key, and of each key
        done in the last ``DONE_COUNTS_DAYS`` days, or ``REMEMBERED_DAYS`` for a remembered one
        (not reopened, not closed again); with ``assignees``, also ``{key: (activity id, user id,
        active)}``."""
        self.env["mail.activity"].flush_model()
        self.env.cr.execute(ACTIVITIES, {"company": company.id, "partners": IdArray(partner_ids),
                                         "since": today - dt.timedelta(days=DONE_COUNTS_DAYS),
                                         "kept_since": today - dt.timedelta(days=REMEMBERED_DAYS),
                                         "remembered": REMEMBERED_CAUSES})
        rows = {row[1]: row for row in self.env.cr.fetchall()}  # an open one wins (ordered last)
        records = self.env["mail.activity"].browse([row[0] for row in rows.values()])
        activities, tasks, done = {}, [], []
        for record, (_id, key, summary, deadline, user_id, active) in zip(records, rows.values(), strict=False):
            activities[key] = record
            _kind, customer, step, cause = key.split(":", 3)
            (tasks if active else done).append(Task(customer_id=customer, step=step, cause=cause,
                                                    title=summary or key, due_date=deadline,
                                                    assignee=str(user_id) if user_id else None))
        if assignees:
            return activities, tasks, done, {row[1]: (row[0], row[4], row[5]) for row in rows.values()}
        return activities, tasks, done

    # ------------------------------------------------------------------ apply
    @api.model
    def _apply(self, company, changes, board, state, today, users=None, full_run=False):
        """Apply ``changes``; new tasks go to ``users`` (task key -> user id, see
        ``arwatch.assignment``), or to the user a task names (an external sync). In a ``full_run``
        (all the company's customers, which then stamps the company) the risk rows whose values
        stay the same are not written."""
        vals_by_partner = defaultdict(dict)
        hold_events = []
        for change in changes.changes:
            pid = int(change.customer_id)
            if change.op is Op.SET_FLAG:
                vals_by_partner[pid].update(self._flag_vals(change.flag))
            elif change.op is Op.CLEAR_FLAG:
                vals_by_partner[pid].update(level=False, score=0.0, segment=False, reasons=False)
            elif change.op is Op.PLACE_HOLD:
                hold = change.hold
                vals_by_partner[pid].update(hold=True, hold_rule=hold.rule, hold_reason=hold.reason,
                                            hold_since=hold.since)
                hold_events.append((pid, _("Credit hold placed: %s", hold.reason)))
            elif change.op is Op.RELEASE_HOLD:
                vals_by_partner[pid].update(hold=False, hold_rule=False, hold_reason=False, hold_since=False)
                hold_events.append((pid, _("Credit hold released: %s", change.why)))
        self._indicator_vals(board, state, vals_by_partner)
        self._write_risks(company, vals_by_partner, state)
        self._write_scored(company, board, changed=list(vals_by_partner) if full_run else None,
                           written=state.exposures)
        self._post_hold_events([(state.risks[pid], body) for pid, body in hold_events])
        self._open_tasks(company, [c.task for c in changes.changes if c.op is Op.OPEN_TASK], users)
        closing = [state.activities[c.key] for c in changes.changes
                   if c.op is Op.CLOSE_TASK and c.key in state.activities]
        self._close_tasks(self.env["mail.activity"].union(*closing) if closing else self.env["mail.activity"])

    @api.model
    def _flag_vals(self, flag):
        return {"level": flag.level, "score": round(flag.score, 1), "segment": flag.segment,
                "reasons": "\n".join(r.replace("\n", " ") for r in flag.reasons) or False}

    @api.model
    def _indicator_vals(self, board, state, vals_by_partner):
        """Fired indicator ids and the slipping badge, written only where they changed."""
        names = [r.indicator for r in board.results]
        frame = board.frame
        if not frame.n_customers:
            return
        if not names:
            fired = [()] * frame.n_customers
        else:  # [customer] -> the indexes of its fired indicators, in the results' order
            rows, cols = np.nonzero(np.vstack([r.fired for r in board.results]).T)
            fired = np.split(cols, np.searchsorted(rows, np.arange(1, frame.n_customers)))
        for pid, found in zip(frame.c_id.tolist(), fired, strict=True):
            ids = [names[k] for k in found]
            values = {"indicators": ",".join(ids) or False, "slipping": any(i in SLIPPING for i in ids)}
            if state.indicators.get(int(pid)) != (values["indicators"], values["slipping"]):
                vals_by_partner[int(pid)].update(values)

    @api.model
    def _write_risks(self, company, vals_by_partner, state):
        """Create missing risk rows in one batch; write the others grouped by identical values."""
        new = [pid for pid in vals_by_partner if pid not in state.risks]
        if new:
            # no "created" message, follower or auto-subscription per row (Odoo's chatter features
            # on create, one call per record): a risk row is the run's own bookkeeping, and a hold
            # placed on it is logged by ``_post_hold_events`` and tracked from then on
            created = self.env["arwatch.partner.risk"].with_context(tracking_disable=True).create(
                [dict(vals_by_partner[pid], partner_id=pid, company_id=company.id) for pid in new])
            state.risks.update(zip(new, self.env["arwatch.partner.risk"].browse(created.ids), strict=True))
        created_ids = set(new)
        groups = defaultdict(list)
        for pid, vals in vals_by_partner.items():
            if pid in created_ids:
                continue
            risk = state.risks[pid]
            changed = {k: v for k, v in vals.items() if _differs(risk[k], v)}
            if changed:
                groups[tuple(sorted(changed.items()))].append(risk.id)
        for items, ids in groups.items():
            self.env["arwatch.partner.risk"].browse(ids).write(dict(items))

    @api.model
    def _write_scored(self, company, board, changed=None, written=None):
        """The time written, amount overdue, oldest days past due and money at risk (what the
        worklist ranks by) of the batch's customers, in one UPDATE, no tracking, no per-row write.
        With ``changed`` (the partners whose row this run writes anyway; a run over all the
        company's customers, whose time is the company's), only those rows and the ones whose
        exposure changed: an unchanged customer costs no new row version. ``written`` (partner ->
        exposure read with the risk rows, ``WrittenMaps.exposures``) leaves out of the statement
        the partners its WHERE would skip, and the statement itself when none is left."""
        ids, overdue, days, at_risk = exposure(board)
        if changed is not None and written is not None:
            ids, overdue, days, at_risk = _exposure_to_write(ids, overdue, days, at_risk, set(changed), written)
        if not ids:
            return
        risks = self.env["arwatch.partner.risk"]
        risks.flush_model()
        self.env.cr.execute(
            """UPDATE arwatch_partner_risk r
                  SET written_at = %s, amount_overdue = v.overdue, days_past_due = v.days, money_at_risk = v.at_risk
                 FROM unnest(%s::int[], %s::numeric[], %s::int[], %s::numeric[]) AS v(pid, overdue, days, at_risk)
                WHERE r.company_id = %s AND r.partner_id = v.pid
                  AND (%s OR r.partner_id = ANY(%s) OR r.amount_overdue IS DISTINCT FROM v.overdue
                       OR r.days_past_due IS DISTINCT FROM v.days OR r.money_at_risk IS DISTINCT FROM v.at_risk)""",
            (fields.Datetime.now(), ids, overdue, days, at_risk, company.id, changed is None, changed or []))
        risks.invalidate_model(["written_at", "amount_overdue", "days_past_due", "money_at_risk"])

    @api.model
    def _post_hold_events(self, events):
        """Log ``(risk record, body)`` notes in one batch, on the company's own risk record: a
        hold's reason is that company's business, and the partner is shared by every company
        (its chatter is readable from all of them); the risk record is walled by company."""
        if not events:
            return
        risks = self.env["arwatch.partner.risk"].union(*(risk for risk, _body in events))
        risks._message_log_batch(bodies={risk.id: escape(body) for risk, body in events})

    # ------------------------------------------------------------------ tasks
    @api.model
    def _activity_type(self, step):
        return self.env.ref(f"arwatch.mail_act_{step}", raise_if_not_found=False) or self.env.ref(
            "mail.mail_activity_data_todo")

    @api.model
    def _open_tasks(self, company, tasks, users=None):
        """Create the activities of ``tasks``, each on a person (``users``: task key -> user id;
        without it, the user each task names, else the company's fallback)."""
        if not tasks:
            return self.env["mail.activity"]
        if users is None or any(task.key not in users for task in tasks):
            users = dict(self.env["arwatch.assignment"]._given_users(company, tasks), **(users or {}))
        models_ = self.env["ir.model"]
        partner_model = models_._get_id("res.partner")
        move_model = models_._get_id("account.move")
        types = {step: self._activity_type(step).id for step in {task.step for task in tasks}}  # one lookup a step
        vals_list, notes = [], {}
        for task in tasks:
            on_invoice = bool(task.invoice_id)
            notes[task.key] = self._note(task)
            vals_list.append({
                "res_model_id": move_model if on_invoice else partner_model,
                "res_id": int(task.invoice_id) if on_invoice else int(task.customer_id),
                "activity_type_id": types[task.step],
                "summary": (task.title or task.step.replace("_", " ").capitalize())[:250],
                "date_deadline": task.due_date,
                "user_id": users[task.key],
                "automated": True,
                "arwatch_key": task.key,
                "arwatch_channel": task.channel,
                "arwatch_company_id": company.id,
                "arwatch_partner_id": int(task.customer_id),
            })
        activities = self.env["mail.activity"].with_context(mail_activity_quick_update=True)
        created = activities.browse()
        for batch in self._one_per_record(vals_list):
            created |= activities.create(batch)
        self._write_notes(created, notes)
        return created

    @api.model
    def _write_notes(self, activities, notes):
        """The notes of just created ``activities`` (``notes``: task key -> HTML), in one UPDATE.

        Each note is what Odoo stores for it (the field's own sanitizing, ``convert_to_column``),
        sanitized once: ``mail.activity.create`` sanitizes an HTML value twice (for the cache and
        for the column), about half of a first run's time with thousands of letters and scripts.
        """
        field = activities._fields["note"]
        ids, values = [], []
        for activity in activities:
            note = field.convert_to_column(notes[activity.arwatch_key], activities)
            if note is not None:  # None: the column stays NULL, as create leaves it
                ids.append(activity.id)
                values.append(str(note))
        if ids:
            self.env.cr.execute("""UPDATE mail_activity a SET note = v.note
                                     FROM unnest(%s::int[], %s::text[]) AS v(id, note) WHERE a.id = v.id""",
                                (ids, values))
            activities.invalidate_recordset(["note"])

    @api.model
    def _one_per_record(self, vals_list):
        """Split activity values into batches holding at most one activity per record.

        mail.activity.create subscribes the assignee with the batch's res_ids as given; two
        activities on one record in one batch make it insert the same follower twice (unique
        constraint error in Odoo 18.0). A few batches (as many as the most tasks on one record)
        keep the creation batched.
        """
        batches, keys = [], []
        for vals in vals_list:
            key = (vals["res_model_id"], vals["res_id"])
            for batch, seen in zip(batches, keys, strict=False):
                if key not in seen:
                    batch.append(vals)
                    seen.add(key)
                    break
            else:
                batches.append([vals])
                keys.append({key})
        return batches

    @api.model
    def _note(self, task):
        """The activity's note: the rendered text, then why in words (``lib.words``: no rule path)."""
        parts = [plaintext2html(task.body)] if task.body else []
        lines = words.why_lines(task)
        if lines:
            items = Markup("").join(Markup("<li>%s</li>") % line for line in lines)
            parts.append(Markup("<p><b>%s</b></p><ul>%s</ul>") % (_("Why"), items))
        return Markup("").join(Markup(p) for p in parts)

    @api.model
    def _close_tasks(self, activities):
        open_ones = activities.filtered("active")
        if open_ones:
            open_ones.action_feedback(feedback=_("Closed by arwatch: the cause is gone.") + " " + CLOSED_MARK)


def _exposure_to_write(ids, overdue, days, at_risk, changed, written):
    """The entries of ``exposure`` lists that ``_write_scored``'s UPDATE may write: a partner in
    ``changed`` (its row may be new), or with a risk row whose exposure differs from the one
    ``written`` (``IS DISTINCT FROM`` on numerics: exact decimal equality of the stored text and
    of the float's ``repr``, which is what psycopg2 sends). A partner with no row read and not in
    ``changed`` has no row for the statement to update."""
    keep = [k for k, pid in enumerate(ids)
            if pid in changed or (pid in written and _distinct(written[pid], overdue[k], days[k], at_risk[k]))]
    return ([ids[k] for k in keep], [overdue[k] for k in keep], [days[k] for k in keep],
            [at_risk[k] for k in keep])


def _distinct(stored, overdue, days, at_risk):
    stored_overdue, stored_days, stored_at_risk = stored
    return (stored_days is None or stored_days != days
            or _numeric_distinct(stored_overdue, overdue) or _numeric_distinct(stored_at_risk, at_risk))


def _numeric_distinct(stored_text, value):
    if stored_text is None:
        return True
    try:
        return Decimal(stored_text) != Decimal(repr(value))
    except InvalidOperation:  # NaN or anything unusual: let PostgreSQL decide
        return True


def _differs(current, new):
    if isinstance(current, models.BaseModel):
        current = current.id
    if isinstance(current, float) or isinstance(new, float):
        return round(float(current or 0), 1) != round(float(new or 0), 1)
    return (current or False) != (new or False)
