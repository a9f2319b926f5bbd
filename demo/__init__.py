"""The demo company generator: ``company.build_demo_company(seed, today)``, Northwind Supplies
(200 customers, one at a time with ``random.Random``), run in named steps, one module each:
``customers``, ``invoices``, ``disputes``, ``payments``, ``plans``, ``contacts``, ``signals``,
``attempts``, and ``truth`` (the ground truth). ``simulation`` holds the state the steps fill in;
``archetypes`` (the archetypes, their warning signs, segments and roster), ``names`` (the words
drawn from) and ``units`` (days and money) are what they share.

It imports nothing of arwatch but ``arwatch.core``.
"""
