"""Manual signals: external distress, fraud suspicion, hearsay, complaints and staff leaving,
as a person would record them, and the signal records.

The synthetic book's step of the same name (``synthetic.signals``) takes the parameters they share from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .names import DISTRESS
from .simulation import CustomerSim, Simulation
from .units import days

#: (severity, confidence) of the signals recorded with fixed values
FRAUD_SUSPICION = (0.9, 0.6)
STAFF_LEFT = (0.5, 0.9)
#: hearsay: its severity, and the days it counts for
HEARSAY_SEVERITY = 0.4
HEARSAY_EXPIRES_DAYS = 90


def add_signal(sim: Simulation, c: CustomerSim, kind: str, on: dt.date, source: str, note: str,
               severity: float, confidence: float, expires: dt.date | None = None) -> None:
    """Record a signal, unless it is dated after ``today``."""
    if on <= sim.today:
        sim.signals.append({"customer": c, "kind": kind, "on": on, "source": source,
                            "note": note, "severity": severity, "confidence": confidence,
                            "expires_on": expires})


def make_signals(sim: Simulation, c: CustomerSim) -> None:
    """The signals of the archetypes that have one (staff leaving is recorded with contacts)."""
    r, a = c.rng, c.arche
    if a == "external_distress":
        assert c.t0 is not None
        kind, note, source = r.choice(DISTRESS)
        add_signal(sim, c, kind, c.t0, source, note, round(r.uniform(0.6, 0.8), 2),
                   round(r.uniform(0.8, 1.0), 2), c.t0 + days(365))
    elif a == "fraud_suspicion":
        assert c.t0 is not None
        on = min(sim.today, c.t0 + days(r.randint(35, 50)))
        add_signal(sim, c, "fraud_suspicion", on, "collections",
                   "Registered office says nobody placed these orders; delivery address was "
                   "changed by phone. Suspected identity theft.", *FRAUD_SUSPICION)
    elif a == "hearsay":
        assert c.t0 is not None
        add_signal(sim, c, "hearsay", c.t0, "another customer",
                   "A customer in the same street says they are behind on rent",
                   HEARSAY_SEVERITY, round(r.uniform(0.2, 0.35), 2), c.t0 + days(HEARSAY_EXPIRES_DAYS))
    elif a == "sudden_complainer" and r.random() < 0.5:
        assert c.t0 is not None
        add_signal(sim, c, "complaint", c.t0 + days(2), "service desk",
                   "Unhappy about recent deliveries, threatens to change supplier", 0.3, 0.9)


def signal_rows(sim: Simulation) -> list[dict[str, Any]]:
    items = sorted(sim.signals, key=lambda s: (s["on"], s["customer"].index))
    return [{"id": f"sig-{n:03d}", "customer_id": s["customer"].id, "kind": s["kind"],
             "on": s["on"].isoformat(), "source": s["source"], "note": s["note"],
             "severity": s["severity"], "confidence": s["confidence"],
             "expires_on": s["expires_on"].isoformat() if s["expires_on"] else None}
            for n, s in enumerate(items, 1)]
