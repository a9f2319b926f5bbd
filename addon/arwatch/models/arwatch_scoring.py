import logging
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from arwatch.core.diffing import diff
from arwatch.core.frame import LedgerFrame
from arwatch.core.gcpause import gc_paused
from arwatch.core.load import load_ledger
from arwatch.core.scoring import score

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
            if not self.env.registry.in_test_mode():
                # one company at a time: a failure keeps the others' work
                self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_companies(self):
        """The companies the daily job scores: those not written by an external arwatch sync."""
        return self.env["res.company"].search([])._arwatch_scored_in_odoo()  # pylint: disable=no-search-all

    @api.model
    def _score_now(self, companies):
        """"Score now" (partner form, risk form, menu): the daily job's work for ``companies`` on a
        collections user's demand, only in companies the user works in and only where this add-on
        is the company's writer (``Scored by``); refused otherwise, before anything is written."""
        if not self.env.user.has_group("arwatch.group_collections_user"):
            raise AccessError(_("Only collections users can score customers now."))
        if companies - self.env.companies:
            raise AccessError(_("Score now: %s is not one of the companies you work in.",
                                (companies - self.env.companies)[0].name))
        external = companies - companies._arwatch_scored_in_odoo()
        if external:
            raise UserError(_("%s is scored by arwatch sync, not in Odoo: run the sync, or set "
                              "'Scored by' back to this add-on in the settings.", external[0].name))
        for company in companies:
            self.sudo().with_company(company)._score_company(company)
        return True

    @api.model
    def _batch_size(self):
        return int(self.env["ir.config_parameter"].sudo().get_param("arwatch.batch_size", DEFAULT_BATCH))

    @api.model
    def _score_company(self, company, today=None, partner_ids=None, batch_size=None):
        """Score ``company``'s customers (all, or ``partner_ids``) as of ``today``; returns counts."""
        started = time.perf_counter()
        self.env.flush_all()
        today = today or fields.Date.context_today(self)
        ids = list(partner_ids) if partner_ids is not None else ledger_sql.customer_ids(self.env.cr, company.id)
        policy, extras = company_policy(company._arwatch_policy_values())
        extras = dict(extras, orders=ledger_sql.has_orders(self.env.cr, company.id))
        templates = _templates()
        size = batch_size or self._batch_size()
        totals = {"customers": 0, "issues": 0, "changes": 0}
        for start in range(0, len(ids), size):
            counts = self._score_batch(company, ids[start:start + size], policy, extras, today, templates)
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
        company.sudo().write({"arwatch_last_run": fields.Datetime.now()})
        _logger.info("arwatch: scored %s customers of %s in %.2fs (%s changes, %s data issues)",
                     totals["customers"], company.name, time.perf_counter() - started, totals["changes"],
                     totals["issues"])
        return totals

    @api.model
    def _score_batch(self, company, partner_ids, policy, extras, today, templates):
        writeback = self.env["arwatch.writeback"].sudo()
        # reading and planning allocate a few hundred thousand short-lived objects and no cycles:
        # with the collector paused they go by reference counting, instead of full collections
        # over Odoo's whole heap (one takes 0.12-0.16 s in the benchmark's process)
        with gc_paused():
            board, issues = self._board(company, partner_ids, today, policy, orders=extras.get("orders", False))
            written, state = writeback._written_state(company, partner_ids, today)
            desired = desired_state(board, written, policy, today, templates, company.name)
            changes = diff(written, desired)
        writeback._apply(company, changes, board, state, today)
        for issue in issues[:20]:
            _logger.warning("arwatch data issue: %s", issue)
        return {"customers": board.frame.n_customers, "issues": len(issues), "changes": len(changes.changes)}

    @api.model
    def _board(self, company, partner_ids, today, policy, orders=False):
        """The core's ``ScoreBoard`` of ``partner_ids`` as of ``today`` and the data issues;
        order volume on confirmed sale orders when ``orders``, else on invoices."""
        unmapped = []  # rows the mapping could not read, then the records the core refused
        raw = ledger_sql.load_raw(self.env.cr, self._company_values(company), partner_ids, orders=orders,
                                  issues=unmapped)
        ledger, issues = load_ledger(raw, source="odoo")
        frame = LedgerFrame.from_ledger(ledger, as_of=today)
        return score(frame, policy), tuple(unmapped) + tuple(issues)

    @api.model
    def _company_values(self, company):
        return {"id": company.id, "name": company.name, "currency": company.currency_id.name}
