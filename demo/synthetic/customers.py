"""Synthetic step 1, customers: archetypes drawn from the book's mix, terms, sizes, trouble
dates as columns; then the customer records with their contacts.

Same definitions as the demo's step (``arwatch.demo.customers``): the archetypes and their
groups, the terms mix, the invoice size, the countries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from arwatch.core.model import Customer

from ..archetypes import ARCHETYPE_SHARES, GOOD, NET_30
from ..customers import INVOICE_SIZE, TERMS, TERMS_WEIGHTS
from ..names import COUNTRY_CODES
from .columns import NEVER, Days
from .contacts import contact_records
from .records import Records

#: the archetypes in the order the book draws them (``ARCHETYPE_SHARES``); columns hold indexes
ARCHETYPE_ORDER: tuple[str, ...] = tuple(ARCHETYPE_SHARES)
INDEX = {name: i for i, name in enumerate(ARCHETYPE_ORDER)}
GOOD_INDEXES = [INDEX[a] for a in GOOD]
TROUBLED_INDEXES = [i for a, i in INDEX.items() if i not in GOOD_INDEXES]
_COUNTRIES = np.array(COUNTRY_CODES)


@dataclass
class Customers:
    """The book's customers as columns, one row each; days are day numbers (``Days``)."""

    n: int
    arche: np.ndarray  # index into ARCHETYPE_ORDER
    is_a: dict[str, np.ndarray]  # archetype -> mask
    troubled: np.ndarray
    terms: np.ndarray
    weight: np.ndarray  # relative share of the invoices
    start: np.ndarray  # first day it is invoiced
    t0: np.ndarray  # the day its trouble starts (NEVER: none)
    stop: np.ndarray  # the day it stops paying (NEVER: never)
    size: np.ndarray  # a typical invoice, cents
    country: np.ndarray

    def any_of(self, archetypes: tuple[str, ...]) -> np.ndarray:
        mask = np.zeros(self.n, dtype=bool)
        for name in archetypes:
            mask |= self.is_a[name]
        return mask


def customer_columns(rng: np.random.Generator, n: int, days: Days) -> Customers:
    T, S = days.T, days.S
    shares = np.array(list(ARCHETYPE_SHARES.values()))
    arche = rng.choice(len(ARCHETYPE_ORDER), n, p=shares / shares.sum())
    is_a = {name: arche == i for name, i in INDEX.items()}
    troubled = np.isin(arche, TROUBLED_INDEXES)
    weights = np.array(TERMS_WEIGHTS)
    terms = rng.choice(np.array(TERMS), n, p=weights / weights.sum())
    terms[np.isin(arche, [INDEX[a] for a in NET_30])] = 30
    weight = rng.lognormal(0.0, 0.8, n)
    weight[troubled] = np.maximum(weight[troubled], 1.0)
    start = np.full(n, S, dtype=np.int64)
    late = (rng.random(n) < 0.1) & ~troubled
    start[late] += rng.integers(0, 700, late.sum())
    start[is_a["new"]] = T - rng.integers(20, 120, is_a["new"].sum())
    t0 = np.full(n, NEVER, dtype=np.int64)
    t0[troubled] = T - rng.integers(30, 420, troubled.sum())
    stop = np.full(n, NEVER, dtype=np.int64)
    stops = troubled & (rng.random(n) < 0.6) & ~is_a["disputer"] | is_a["silent"] | is_a["broken_promise"]
    stop[stops] = t0[stops] + rng.integers(0, 150, stops.sum())
    size = (rng.lognormal(*INVOICE_SIZE, n) * 100).astype(np.int64)
    country = _COUNTRIES[rng.integers(0, len(_COUNTRIES), n)]
    return Customers(n, arche, is_a, troubled, terms, weight, start, t0, stop, size, country)


def customer_ids(book: Customers) -> list[str]:
    return [f"C{i:07d}" for i in range(book.n)]


def customer_records(rng: np.random.Generator, out: Records, book: Customers, cids: list[str],
                     days: Days) -> list[Any]:
    """One record per customer, with one to three contacts (two more, leaving, for staff exodus)."""
    n_contacts = rng.integers(1, 4, book.n)
    created = (book.start - rng.integers(0, 1500, book.n)).tolist()
    people = contact_records(out, book, cids, n_contacts, created, days)
    day = days.day
    terms_l, country_l, arche_l = book.terms.tolist(), book.country.tolist(), book.arche.tolist()
    customers = []
    for i in range(book.n):
        customers.append(out(Customer, {
            "id": cids[i], "name": f"Customer {i:07d} ({ARCHETYPE_ORDER[arche_l[i]]})", "currency": "EUR",
            "terms_days": terms_l[i], "salesperson": f"Sales {i % 5 + 1}", "country": country_l[i],
            "created_on": day(created[i]), "contacts": out.many(people[i])}))
    return customers
