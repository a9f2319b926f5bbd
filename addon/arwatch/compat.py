"""Everything that differs between Odoo 18.0 and 19.0, in one place.

The add-on is one source tree for both series: its manifests carry a bare version (``1.1.0``,
which Odoo prefixes with the series it runs), its views and data use only what both accept,
and the few names 19.0 changed are chosen here, checked against each series' source:

================================  ======================  ==========================
what                              18.0                    19.0
================================  ======================  ==========================
a user's groups (res.users)       ``groups_id``           ``group_ids``
a user's groups, implied included ``groups_id``           ``all_group_ids``
a group's users (res.groups)      ``users``               ``user_ids``
a group's place in the user form  ``category_id``         ``privilege_id`` (a
                                  (ir.module.category)    res.groups.privilege, whose
                                                          ``category_id`` is the category)
groups of actions and menus       ``groups_id``           ``group_ids``
a sale order line's unit, taxes   ``product_uom``,        ``product_uom_id``,
                                  ``tax_id``              ``tax_ids``
SQL constraints                   ``_sql_constraints``    ``models.Constraint``
                                                          attributes (``_sql_constraints``
                                                          ignored with a warning)
a done activity                   deleted unless its      always archived (the field
                                  type has ``keep_done``  ``keep_done`` is gone)
the grouped read of the pivot     ``read_group`` (dicts   ``formatted_read_group``
and graph views (and of outside   ``<field>``,            (dicts ``<field>:<agg>``;
callers)                          ``<field>_count``)      ``read_group`` deprecated)
================================  ======================  ==========================

Unchanged, and used as is: ``_read_group(domain, groupby, aggregates)`` (tuples), plain SQL
through ``env.cr.execute``, ``mail.activity.action_feedback``, ``sale.order
._confirmation_error_message``, ``account.move._post``.

Data files cannot name a field that only one series has (an unknown field is a load error),
so those fields are written by :func:`setup_series`, which the data file
``data/arwatch_series_data.xml`` calls on every install and update.
"""

from odoo import models, release

SERIES = release.version_info[0]
V19 = SERIES >= 19

USER_GROUPS = "group_ids" if V19 else "groups_id"
USER_ALL_GROUPS = "all_group_ids" if V19 else "groups_id"
GROUP_USERS = "user_ids" if V19 else "users"
ACTION_GROUPS = "group_ids" if V19 else "groups_id"
SALE_LINE_UOM = "product_uom_id" if V19 else "product_uom"
SALE_LINE_TAXES = "tax_ids" if V19 else "tax_id"

MODULE = "arwatch"
CATEGORY = "arwatch.module_category_collections"
PRIVILEGE = "privilege_collections"  # the 19.0 privilege's xml id (arwatch.privilege_collections)
GROUPS = ("arwatch.group_collections_user", "arwatch.group_collections_manager")
MANAGERS = ("base.user_root", "base.user_admin")
USER_ACTIONS = ("arwatch.action_score_now", "arwatch.action_activity_log_outcome")


def sql_constraints(*specs):
    """Class decorator declaring SQL constraints for both series.

    ``specs`` are ``(name, definition, message)`` as in 18.0's ``_sql_constraints``; on 19.0
    each becomes the attribute ``_<name>`` holding a ``models.Constraint``. Both series name
    the database constraint ``<table>_<name>``, so a database moved from one to the other keeps
    its constraints.
    """

    def declare(cls):
        if not V19:
            cls._sql_constraints = [tuple(spec) for spec in specs]
            return cls
        for name, definition, message in specs:
            constraint = models.Constraint(definition, message)
            attr = f"_{name}"
            setattr(cls, attr, constraint)
            # set after the class statement, so Python did not call it: it registers the
            # constraint on the model definition (odoo/orm/table_objects.py)
            constraint.__set_name__(cls, attr)
        return cls

    return declare


def grouped_read(model, domain, groupby, aggregates):
    """What the pivot and graph views (and a caller over RPC) get from a grouped read: one dict a
    group, ``{<groupby>: value, "__count": n, "<field>:<agg>": value}`` in both series."""
    if V19:
        return model.formatted_read_group(domain, groupby, ["__count", *aggregates])
    rows = model.read_group(domain, list(aggregates), groupby, lazy=False)
    renamed = []
    for row in rows:
        out = {key: row[key] for key in groupby}
        out["__count"] = row["__count"]
        for spec in aggregates:
            out[spec] = row[spec.split(":", 1)[0]]
        renamed.append(out)
    return renamed


def add_groups(user, *xmlids):
    """Give ``user`` the groups ``xmlids`` (a write, as the caller's environment allows)."""
    env = user.env
    user.write({USER_GROUPS: [(4, env.ref(xmlid).id) for xmlid in xmlids]})


def setup_series(env):
    """Place the collections groups in the user form, make root and admin managers, limit the
    collections actions to collections users, give Customers the activity view, and keep done
    collection tasks (the written state
    reads them back). Idempotent; called by the data file on every install and update."""
    groups = env["res.groups"].browse([env.ref(xmlid).id for xmlid in GROUPS])
    category = env.ref(CATEGORY)
    if V19:
        groups.write({"privilege_id": _privilege(env, category).id})
    else:
        groups.write({"category_id": category.id})
    managers = [env.ref(xmlid, raise_if_not_found=False) for xmlid in MANAGERS]
    env.ref(GROUPS[1]).write({GROUP_USERS: [(4, user.id) for user in managers if user]})
    for xmlid in USER_ACTIONS:
        env.ref(xmlid).write({ACTION_GROUPS: [(4, env.ref(GROUPS[0]).id)]})
    customers = env.ref("account.res_partner_action_customer", raise_if_not_found=False)
    if customers and "activity" not in customers.view_mode.split(","):
        # Customers gets the activity view (18.0 and 19.0 order their views differently)
        customers.write({"view_mode": f"{customers.view_mode},activity"})
    if not V19:
        types = env["ir.model.data"].search([("module", "=", MODULE), ("model", "=", "mail.activity.type")])
        env["mail.activity.type"].browse(types.mapped("res_id")).write({"keep_done": True})


def _privilege(env, category):
    """The 19.0 privilege of the collections groups (xml id ``arwatch.privilege_collections``,
    so it goes with the module), created the first time."""
    privilege = env.ref(f"{MODULE}.{PRIVILEGE}", raise_if_not_found=False)
    vals = {"name": category.name, "description": category.description, "sequence": category.sequence,
            "category_id": category.id}
    if privilege:
        privilege.write(vals)
    else:
        privilege = env["res.groups.privilege"].create(vals)
    # every update marks the xml id loaded (else the end of an update deletes the record)
    env["ir.model.data"]._update_xmlids([{"xml_id": f"{MODULE}.{PRIVILEGE}", "record": privilege,
                                         "noupdate": False}], update=True)
    return privilege


def in_test_mode():
    """Whether Odoo is running tests (a job must not commit then); 18.0's
    ``registry.in_test_mode()`` is gone in 19.0 and is true only inside an ``HttpCase``;
    ``odoo.modules.module.current_test`` is set by both series' test loader for every test."""
    from odoo.modules import module  # noqa: PLC0415 - read at call time: the loader sets it per run
    return bool(module.current_test)
