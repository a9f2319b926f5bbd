"""The small ledger the Odoo end-to-end tests push into Odoo (until the demo generator lands)."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 11, 20)

LEDGER = """
customer c1 "Acme Trading" terms=30
contact c1 k1 "Ann Acme" created=2024-01-01
invoice c1 A-1 2026-07-01 1000.00
invoice c1 A-2 2026-08-01 1200.00
invoice c1 A-3 2026-09-01 900.00
invoice c1 A-4 2026-10-25 800.00
payment c1 PA1 2026-07-28 1000.00 -> A-1
payment c1 PA2 2026-08-29 1200.00 -> A-2
payment c1 PA3 2026-09-30 900.00 -> A-3
customer c2 "Bolt Builders" terms=30
contact c2 k2 "Bob Bolt" created=2024-01-01
contact c2 k3 "Old Clerk" created=2023-01-01 archived=2026-06-01
invoice c2 B-1 2026-05-01 3000.00
invoice c2 B-2 2026-06-01 2500.00
invoice c2 B-3 2026-07-01 2800.00
credit c2 RB-1 2026-06-15 500.00 -> B-2
payment c2 PB1 2026-06-05 1000.00 -> B-1:1000.00
customer c3 "Crane Co" terms=30
invoice c3 C-1 2026-10-01 700.00
invoice c3 C-2 2026-11-01 650.00
payment c3 PC1 2026-10-30 700.00 -> C-1
"""
