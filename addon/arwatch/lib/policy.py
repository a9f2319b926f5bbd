"""The core ``Policy`` of one company, built from its Accounting settings.

The settings hold the few numbers a business changes (levels, delinquency, hold rules, ladder
days); everything else keeps the core's documented defaults; the hold rules and ladder days go
into the core's credit section (``Policy.credit``, ``arwatch.core.credit_policy``).
"""

from arwatch.core.policy import parse_policy

LEVEL_ORDER = ("low", "medium", "high", "critical")


def hold_levels(hold_level):
    """Levels held: from ``hold_level`` upward ("none": never by level)."""
    if hold_level not in LEVEL_ORDER:
        return ()
    return LEVEL_ORDER[LEVEL_ORDER.index(hold_level):]


#: the settings of the model in use (``[model]``), by their key in the company's values
MODEL_KEYS = {"model_use": "use", "model_min_settled": "min_settled_invoices"}


def policy_data(values):
    """The policy mapping of a company's settings (``res.company._arwatch_policy_values``); the
    model's settings the values leave out keep the core's defaults."""
    return {
        "model": {key: values[name] for name, key in MODEL_KEYS.items() if name in values},
        "scoring": {"medium": values["medium"], "high": values["high"], "critical": values["critical"]},
        "segments": {"delinquent_days": values["delinquent_days"]},
        "credit": {
            "patience_days": values["patience_days"],
            "large_invoice": values["large_invoice"],
            "collections_user": values["collections_user"],
            "manager_user": values["manager_user"],
            "holds": {
                "enabled": values["hold_enabled"],
                "segments": ["delinquent"] if values["hold_delinquent"] else [],
                "levels": list(hold_levels(values["hold_level"])),
                "clear_days": max(1, values["hold_clear_days"]),
            },
        },
    }


def company_policy(values):
    """``(Policy, extras)``: the core policy and the settings as read (``extras``, for the job)."""
    return parse_policy(policy_data(values), "Accounting settings"), dict(values)
