"""Odoo rows -> raw records in ``load_ledger``'s shape: the one mapping the Odoo add-on (rows
read with SQL) and the sync's Odoo adapter (rows read over the external API) share.

Pure: rows are plain mappings named by Odoo's field names (a many2one as ``[id, "name"]`` or a
bare id, dates as ``date`` or ISO text, amounts as ``Decimal`` or float); what each caller reads,
and how, stays with it. A row that cannot be mapped becomes an ``Issue`` (see ``mapped``) naming
the Odoo model, the record id and the field; the other rows go on.
"""

from .activities import channel_of, contact_attempt, text_of
from .collections import (
    FOLLOWUP_DATE,
    agency_switches,
    attempt,
    dispute,
    followup_id,
    followup_snooze,
    plans,
    signal,
)
from .moves import PAYMENT_STATES, allocation, entry_payment, invoice, moveless_allocations, order, payment
from .partners import contact, customer
from .values import SOURCE, Record, Row, Unmappable, day, m2o_id, m2o_name, mapped, money

__all__ = [
    "FOLLOWUP_DATE", "PAYMENT_STATES", "SOURCE", "Record", "Row", "Unmappable", "agency_switches", "allocation",
    "attempt", "channel_of", "contact", "contact_attempt", "customer", "day", "dispute", "entry_payment",
    "followup_id", "followup_snooze", "invoice", "m2o_id", "m2o_name", "mapped", "money", "moveless_allocations",
    "order", "payment", "plans", "signal", "text_of",
]
