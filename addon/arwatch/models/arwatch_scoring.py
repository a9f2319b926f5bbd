import logging
import time
from collections import Counter, defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from arwatch.core.actions import Op
from arwatch.core.backtest.live import apply_in_use
from arwatch.core.company_record import CompanyRecord, own_record
from arwatch.core.diffing import diff
from arwatch.core.gcpause import gc_paused
from arwatch.core.scoring import score

from .. import compat
from ..lib import ledger_sql
from ..lib.planning import desired_state
from ..lib.policy import company_policy

_logger = logging.getLogger(__name__)

DEFAULT_BATCH = 5000


def _templates():
    """The step templates shipped with arwatch (call scripts, letters), when it ships them."""
    try:
        from arwatch.core.step_templates import default_templates
    except ImportError:
        return {}
    return default_templates()


class ArwatchScoring(models.AbstractModel):
    """The scoring run: read in batches with SQL, score and plan with the core, write back changes.

    Per batch: a fixed number of queries to read the ledger and what is written, then the core
    (numpy, every customer at once), then writes only for the records whose values changed.
    """

    _name = "arwatch.scoring"
    _description = "Collections scoring run"

    @api.model
    def _cron_score(self):
        for company in self._cron_companies():
            self.with_company(company)._score_company(company)
            if not compat.in_test_mode():
                # one company at a time: a failure keeps the others' work
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_companies(self):
        """The companies the daily job scores: the root companies (a root's run scores its
        branches' books with its own, ``ledger_sql.GROUP``; a branch is not scored apart) not
        written by an external arwatch sync."""
        return self.env["res.company"].search([("parent_id", "=", False)])._arwatch_scored_in_odoo()

    @api.model
    def _score_now(self, companies):
        """"Score now" (partner form, risk form, menu): the daily job's work for ``companies`` on a
        collections user's demand, only in companies the user works in and only where this add-on
        is the company's writer (``Scored by``); refused otherwise, before anything is written.
        A branch is scored with its root company, whose run reads the group's books: "score now"
        in a branch scores the root, in which the user must work."""
        if not self.env.user.has_group("arwatch.group_collections_user"):
            raise AccessError(_("Only collections users can score customers now."))
        companies = companies.sudo().root_id.with_env(self.env)
        if companies - self.env.companies:
            raise AccessError(_("Score now: %s is not one of the companies you work in.",
                                (companies - self.env.companies)[0].name))
        external = companies - companies._arwatch_scored_in_odoo()
        if external:
            raise UserError(_("%s is scored by arwatch sync, not in Odoo: run the sync, or set "
                              "'Scored by' back to this add-on in the settings.", external[0].name))
        totals = [self.sudo().with_company(company)._score_company(company) for company in companies]
        return self._run_message(companies, totals)

    @api.model
    def _model_message(self, company, counts, named):
        """Which model scored ``company`` in a run (``counts`` from ``_score_company``), and
        whether a new fit was asked for; ``named`` puts the company's name first."""
        if counts["model_fitted"]:
            text = _("Scored by the %(model)s, fitted on %(day)s.", model=counts["model_title"],
                     day=counts["model_fitted"])
        else:
            text = _("Scored by the scorecard: no model fitted yet.")
        if counts["refit_due"]:
            text = " ".join([text, _("The risk model is being fitted again; the next run uses it.")])
        return f"{company.name}: {text}" if named else text

    @api.model
    def _run_message(self, companies, totals):
        """What a run did, in one sentence ("42 customers scored, 3 holds placed, 5 tasks
        opened"), and whom tasks went to when no collections user is set."""
        sums = defaultdict(int)
        for counts in totals:
            for key, value in counts.items():
                if isinstance(value, int):
                    sums[key] += value
        text = _("%(customers)s customers scored, %(holds)s holds placed, %(tasks)s tasks opened",
                 customers=sums["customers"], holds=sums["holds_placed"], tasks=sums["tasks_opened"])
        extra = []
        if sums["holds_released"]:
            extra.append(_("%s holds released", sums["holds_released"]))
        if sums["tasks_closed"]:
            extra.append(_("%s tasks closed", sums["tasks_closed"]))
        if sums["tasks_moved"]:
            extra.append(_("%s tasks moved to their new assignee", sums["tasks_moved"]))
        text = ", ".join([text, *extra]) + "."
        models_used = [self._model_message(company, counts, len(companies) > 1)
                       for company, counts in zip(companies, totals, strict=True) if "scored_by" in counts]
        warnings = [w for w in (self.env["arwatch.assignment"]._missing_people_warning(c) for c in companies) if w]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Customers scored"), "message": " ".join([text, *models_used, *warnings]),
                       "type": "warning" if warnings else "success", "sticky": bool(warnings),
                       "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }

    @api.model
    def _batch_size(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("arwatch.batch_size", DEFAULT_BATCH))

    @api.model
    def _score_company(self, company, today=None, partner_ids=None, batch_size=None):
        """Score ``company``'s customers (all, or ``partner_ids``) as of ``today``; returns counts."""
        started = time.perf_counter()
        self.env.flush_all()
        today = today or fields.Date.context_today(self)
        # a run over all the company's customers (the nightly one) stamps the company as their
        # "last scored" time and writes a risk row only where something changed
        full_run = partner_ids is None
        ids = list(partner_ids) if not full_run else ledger_sql.customer_ids(self.env.cr, company.id)
        policy, extras = company_policy(company._arwatch_policy_values())
        orders = ledger_sql.has_orders(self.env.cr, company.id)
        extras = dict(extras, orders=orders)
        # the company's newest stored fit, whoever this run scores; fitting is the refit job's
        # (triggered here when a fit is due), so a run never waits for one
        model, refit_due = self.env["arwatch.model.fit"]._model_for(company, policy, today)
        templates = _templates()
        locale = company._arwatch_locale()
        size = batch_size or self._batch_size()
        totals = {"customers": 0, "issues": 0, "changes": 0, "holds_placed": 0, "holds_released": 0,
                  "tasks_opened": 0, "tasks_closed": 0, "tasks_moved": 0}
        batches = [ids[start:start + size] for start in range(0, len(ids), size)]
        frames, record = self._read_ahead(company, batches, today, orders, size, full_run)
        for k, batch in enumerate(batches):
            counts = self._score_batch(company, batch, policy, extras, today, templates, locale, model,
                                       full_run=full_run, built=frames[k] if frames else None, record=record)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        now = fields.Datetime.now()
        company.sudo().write({"arwatch_last_run": now, **({"arwatch_full_run_at": now} if full_run else {})})
        warning = self.env["arwatch.assignment"]._missing_people_warning(company)
        if warning:
            _logger.warning("arwatch: %s", warning)
        _logger.info("arwatch: scored %s customers of %s in %.2fs by the %s (%s changes, %s data issues)",
                     totals["customers"], company.name, time.perf_counter() - started, model.title,
                     totals["changes"], totals["issues"])
        return dict(totals, scored_by=model.predictor, model_version=model.version, model_title=model.title,
                    model_fitted=model.fitted_on if not model.version.endswith(":unfitted") else False,
                    refit_due=refit_due)

    @api.model
    def _read_ahead(self, company, batches, today, orders, size, full_run):
        """``(frames of batches, the company's payment record)``: what a run reads before scoring.

        A customer is measured against the whole company (its norms of lateness, the share of its
        invoices paid late: ``arwatch.core.company_record``), whichever customers it is scored with.
        The nightly run in one batch reads nothing ahead (the batch is the company); in several, it
        reads every batch's frame first (scored after, in turn) for their records; a run of some
        customers (``partner_ids``) reads what settles every customer's invoices, batch by batch,
        for the record only (``ledger_sql.payment_frame``).
        ``(None, None)``: nothing read ahead, each batch's frame is its company's."""
        if full_run and len(batches) <= 1:
            return None, None
        if full_run:
            frames = [self._frame(company, batch, today, orders) for batch in batches]
            return frames, CompanyRecord.merge(own_record(frame) for frame, _ in frames)
        cr, values = self.env.cr, self._company_values(company)
        everyone = ledger_sql.customer_ids(cr, company.id)
        records = (own_record(ledger_sql.payment_frame(cr, values, everyone[start:start + size], today))
                   for start in range(0, len(everyone), size))
        return None, CompanyRecord.merge(records)

    @api.model
    def _score_batch(self, company, partner_ids, policy, extras, today, templates, locale, model=None,
                     full_run=False, built=None, record=None):
        writeback = self.env["arwatch.writeback"].sudo()
        # reading and planning allocate a few hundred thousand short-lived objects and no cycles:
        # with the collector paused they go by reference counting, instead of full collections
        # over Odoo's whole heap (one takes 0.12-0.16 s in the benchmark's process)
        with gc_paused():
            board, issues = self._board(company, partner_ids, today, policy, orders=extras.get("orders", False),
                                        model=model, built=built, record=record)
            written, state = writeback._written_state(company, partner_ids, today)
            desired = desired_state(board, written, policy, today, templates, company.name, locale)
            changes = diff(written, desired)
        assignment = self.env["arwatch.assignment"]
        users = assignment._users_for(company, desired.tasks, assignment._step_kinds(policy))
        writeback._apply(company, changes, board, state, today, users, full_run=full_run)
        moved = assignment._reassign(company, state.activities, users, state.assignees)
        for issue in issues[:20]:
            _logger.warning("arwatch data issue: %s", issue)
        ops = Counter(change.op for change in changes.changes)
        return {"customers": board.frame.n_customers, "issues": len(issues), "changes": len(changes.changes),
                "holds_placed": ops[Op.PLACE_HOLD], "holds_released": ops[Op.RELEASE_HOLD],
                "tasks_opened": ops[Op.OPEN_TASK], "tasks_closed": ops[Op.CLOSE_TASK], "tasks_moved": moved}

    @api.model
    def _board(self, company, partner_ids, today, policy, orders=False, model=None, built=None, record=None):
        """The core's ``ScoreBoard`` of ``partner_ids`` as of ``today`` and the data issues;
        order volume on confirmed sale orders when ``orders``, else on invoices. With ``model``
        (``arwatch.model.fit``), score and level are its chance; the evidence stays the indicators'.
        ``built``: the ``(frame, issues)`` of ``partner_ids`` when read already; ``record``: the
        company's payment record when they are some of its customers (``_read_ahead``)."""
        frame, issues = built or self._frame(company, partner_ids, today, orders)
        if record is not None:
            frame = frame.with_company(record)
        board = score(frame, policy)
        if model is not None:
            board = apply_in_use(board, model, policy)
        return board, issues

    @api.model
    def _frame(self, company, partner_ids, today, orders=False):
        """The core's ``LedgerFrame`` of ``partner_ids`` as of ``today``, and the data issues (the rows
        the mapping could not read, then the records the core refused)."""
        return ledger_sql.load_frame(self.env.cr, self._company_values(company), partner_ids, today, orders=orders)

    @api.model
    def _company_values(self, company):
        return {"id": company.id, "name": company.name, "currency": company.currency_id.name}
