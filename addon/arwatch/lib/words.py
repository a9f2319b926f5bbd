"""The add-on's user-facing words, from the core's one table (``arwatch.core.wording``): the
warning signs of a risk row, the lines under "Why" in an activity, the indicators behind a flag's
reasons. Pure (no ORM), so it is tested without Odoo."""

from arwatch.core import wording


def indicator_names(ids):
    """"Pays later than usual, Overdue" for the comma-separated ids "habit_slip,aging"."""
    return ", ".join(wording.indicator_name(i.strip()) for i in (ids or "").split(",") if i.strip())


def indicator_ids(reasons):
    """The indicator ids behind a flag's reason lines ("Overdue: INV/1 ..."; lines written before
    the words were start with the id), in order, each once."""
    found = (wording.indicator_of(line) for line in reasons)
    return list(dict.fromkeys(i for i in found if i))


def why_lines(task):
    """The lines an activity shows under "Why": the task's evidence. The policy rule that fired
    (``task.rule``, e.g. ``credit.ladders.good[3]: phone_call ...``) is a machine reference: it
    stays in the task, not in the text a person reads."""
    return [line for line in task.evidence if line]


def standing(level, segment):
    """Level and segment as one phrase ("good payer, sudden change: high"), "" when unscored."""
    return wording.standing(level, segment) if level and segment else ""


def hold_cause(rule):
    """A hold's rule ("segment:delinquent", "indicator:aging") in words ("in arrears", "Overdue")."""
    return wording.hold_cause(rule) if rule else ""


def hold_reason(text):
    """A hold's reason as a salesperson reads it: a reason written before the words were
    ("segment delinquent: ... bucket 91+") with its ids in words; "" for none."""
    return wording.plain(text) if text else ""
