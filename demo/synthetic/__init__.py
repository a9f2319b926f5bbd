"""Synthetic receivables at scale for benchmarks: the demo's behaviours, randomised with numpy.

``build_synthetic(n_customers, n_invoices, n_payments, seed)`` returns the raw-dict shape that
``arwatch.core.load.load_ledger`` accepts (keys company, customers, invoices, payments, disputes,
contact_attempts, payment_plans, signals) with exactly the requested numbers of customers,
invoice records (about 2% of them credit notes) and payment records (most allocated to one
invoice; some to several, some partial, about 1% returned).

It runs the demo company's steps (``arwatch.demo``), under the same names, on numpy columns:
``customers`` (and ``contacts``), ``invoices`` (with credit notes), ``payments`` (pay days, then
grouped, split, returned), ``disputes``, ``attempts``, ``plans``, ``signals``; ``build`` puts
them together. Drawing a million invoices one at a time with ``random.Random`` would take
minutes, so the vectorised path stays separate from the demo's, but it reads its archetypes,
their mix (``archetypes.ARCHETYPE_SHARES``) and its parameters from the demo's modules; where
the book simplifies (one slowing range for every troubled archetype, fixed signal values), the
step says so.

Two paths:

* default (fast): the collections hold model instances built without validation (the
  ``model_construct`` route, only quicker), correct by construction. ``load_ledger`` accepts them
  as they are (pydantic does not revalidate instances) and runs only its cross-record checks.
* ``validate=True``: the collections hold plain JSON-able dicts (ISO dates, amounts as strings)
  and the result is checked with ``load_ledger``; any issue raises ``ValueError``.

``synthetic_ledger(...)`` returns a ``Ledger`` directly (built without validation by default).
Same arguments, same output: only ``numpy.random.default_rng(seed)`` is used.
"""

from .build import COMPANY, build_synthetic, synthetic_ledger

__all__ = ["COMPANY", "build_synthetic", "synthetic_ledger"]
