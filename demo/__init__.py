"""The data generator: the demo company, and the synthetic book the benchmarks score.

One set of definitions, two ways of drawing from them:

- ``company``: ``build_demo_company(seed, today)``, Northwind Supplies (200 customers, one at a
  time with ``random.Random``), run in named steps, one module each: ``customers``,
  ``invoices``, ``disputes``, ``payments``, ``plans``, ``contacts``, ``signals``, ``attempts``,
  and ``truth`` (the ground truth). ``simulation`` holds the state the steps fill in.
- ``synthetic``: ``build_synthetic`` / ``synthetic_ledger``, a book of any size (numpy columns,
  for the benchmarks), in steps of the same names that take their parameters from the modules
  above.
- Shared by both: ``archetypes`` (the archetypes, their warning signs, segments and mix),
  ``names`` (the words drawn from) and ``units`` (days and money).

It imports nothing of arwatch but ``arwatch.core``.
"""
