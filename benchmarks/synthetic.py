"""Synthetic receivables at scale for benchmarks: ``arwatch.demo.synthetic``, under the names
this file always had (tests/test_synthetic.py and older scripts load it by path).

The generator itself is one package with the demo company's (``demo/synthetic/``): the same
archetypes, mix and parameters, in steps of the same names, on numpy columns.
"""

from __future__ import annotations

from arwatch.demo.archetypes import ARCHETYPE_SHARES
from arwatch.demo.company import DEFAULT_TODAY
from arwatch.demo.synthetic import COMPANY, build_synthetic, synthetic_ledger
from arwatch.demo.synthetic.customers import ARCHETYPE_ORDER as ARCHETYPES
from arwatch.demo.synthetic.invoices import CREDIT_NOTE_SHARE
from arwatch.demo.synthetic.payments import MULTI_INVOICE_SHARE, RETURNED_SHARE

__all__ = ["ARCHETYPES", "ARCHETYPE_SHARES", "COMPANY", "CREDIT_NOTE_SHARE", "DEFAULT_TODAY", "MULTI_INVOICE_SHARE",
           "RETURNED_SHARE", "build_synthetic", "synthetic_ledger"]
