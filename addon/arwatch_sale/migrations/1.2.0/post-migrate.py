"""1.2.0: a per-order credit hold override's fingerprint (``arwatch_override_digest``) covers the
invoice address too. An override given before keeps covering its order as approved then: where
the stored fingerprint is the order's as the earlier versions made it (without the invoice
address), it is stored again as this version makes it; one that no longer matches the order (it
changed since) is left as it is, so it still covers nothing."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["sale.order"]._arwatch_refingerprint_overrides()
