from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, models

from .. import compat

# the ladders' assignee kinds (``arwatch.core.credit_policy.StepRule.assignee``)
SALESPERSON, MANAGER = "salesperson", "manager"


class ArwatchAssignment(models.AbstractModel):
    """Who does each collection task: always a person of the company, never OdooBot.

    A step the policy gives to the salesperson (sales review, billing cycle change) goes to the
    customer's salesperson; a manager's step (agency referral, fraud) to the collections manager;
    every other step to the collections user. Whoever is missing (not set, archived, a portal
    user or outside the company) is replaced by the collections user, then the collections
    manager, then the first collections manager of the company (the administrator by default).
    The daily run moves open tasks to whoever this names today, in one write per new assignee.
    """

    _name = "arwatch.assignment"
    _description = "Collections: who does each task"

    @api.model
    def _step_kinds(self, policy):
        """{step: assignee kind} of the policy's ladders (the first rule of a step wins)."""
        kinds = {}
        for ladder in policy.credit.ladders.values():
            for rule in ladder:
                kinds.setdefault(rule.step, rule.assignee)
        return kinds

    @api.model
    def _valid_users(self, company, user_ids):
        """The ids among ``user_ids`` that can do a task in ``company``: active internal users of
        that company (OdooBot excluded); one query."""
        ids = {uid for uid in user_ids if uid and uid != SUPERUSER_ID}
        if not ids:
            return set()
        users = self.env["res.users"].sudo().search(
            [("id", "in", list(ids)), ("share", "=", False), ("company_ids", "in", company.id)])
        return set(users.ids)

    @api.model
    def _default_user(self, company):
        """The person tasks fall back to when neither the collections user nor the manager is set:
        the first collections manager of the company (OdooBot excluded)."""
        group = self.env.ref("arwatch.group_collections_manager")
        users = self.env["res.users"].sudo().search(
            [("id", "!=", SUPERUSER_ID), ("share", "=", False), ("company_ids", "in", company.id),
             (compat.USER_ALL_GROUPS, "in", group.id)],
            order="id", limit=1)
        return users.id or False

    @api.model
    def _people(self, company):
        """``(collections user id, manager id, fallback id)`` of ``company``, each False when
        missing; the fallback is the first of them that exists."""
        setting = (company.arwatch_collections_user_id.id, company.arwatch_manager_user_id.id)
        valid = self._valid_users(company, setting)
        collections, manager = (uid if uid in valid else False for uid in setting)
        return collections, manager, collections or manager or self._default_user(company)

    @api.model
    def _users_for(self, company, tasks, kinds):
        """{task key: user id} of the core ``Task`` list ``tasks``; the salespersons are read in
        one batch, whatever the number of tasks."""
        if not tasks:
            return {}
        collections, manager, fallback = self._people(company)
        # only the customers of a salesperson's task: their salesperson, in one read
        partner_ids = sorted({int(task.customer_id) for task in tasks if kinds.get(task.step) == SALESPERSON})
        salespersons = {row["id"]: row["user_id"] and row["user_id"][0]
                        for row in self.env["res.partner"].sudo().browse(partner_ids).read(["user_id"])}
        valid = self._valid_users(company, salespersons.values())
        users = {}
        for task in tasks:
            kind = kinds.get(task.step)
            if kind == SALESPERSON:
                salesperson = salespersons.get(int(task.customer_id))
                uid = salesperson if salesperson in valid else collections
            elif kind == MANAGER:
                uid = manager or collections
            else:
                uid = collections
            users[task.key] = uid or fallback
        return users

    @api.model
    def _given_users(self, company, tasks):
        """{task key: user id} for tasks that name their assignee (an external sync: a user id),
        the fallback for those that name none or a user who cannot do it."""
        _collections, _manager, fallback = self._people(company)
        named = {task.key: int(task.assignee) for task in tasks if str(task.assignee or "").isdigit()}
        valid = self._valid_users(company, named.values())
        return {task.key: named[task.key] if named.get(task.key) in valid else fallback for task in tasks}

    @api.model
    def _reassign(self, company, activities, users, assignees=None):
        """Move the open ``activities`` (by task key) whose assignee is not ``users[key]``: one write
        per new assignee. ``assignees`` (``{key: (activity id, user id, active)}``, as the
        write-back read them) spares reading the activities. Returns the number moved."""
        if assignees is None:
            assignees = {key: (a.id, a.user_id.id, a.active) for key, a in activities.items()}
        moves = defaultdict(list)
        for key, (activity_id, user_id, active) in assignees.items():
            uid = users.get(key)
            if uid and active and (user_id or False) != uid:
                moves[uid].append(activity_id)
        quiet = self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True)
        for uid, ids in moves.items():
            quiet.browse(ids).write({"user_id": uid})
        return sum(len(ids) for ids in moves.values())

    @api.model
    def _missing_people_warning(self, company):
        """A plain sentence when ``company`` has no collections user, else False."""
        collections, _manager, fallback = self._people(company)
        if collections:
            return False
        if fallback:
            name = self.env["res.users"].sudo().browse(fallback).name
            return _("No collections user is set for %(company)s: collection tasks go to %(user)s. "
                     "Choose one in Settings > Invoicing > Collections.", company=company.name, user=name)
        return _("No collections user or manager is set for %(company)s: choose them in "
                 "Settings > Invoicing > Collections, else nobody sees the collection tasks.",
                 company=company.name)
