"""Synthetic contacts: one to three per customer; a staff-exodus customer has two more, who
leave 30 days apart from the day its trouble starts.

The roles are the demo's (``arwatch.demo.names.ROLES``), four of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from arwatch.core.model import Contact

from ..names import ROLES
from .columns import Days
from .records import Records

if TYPE_CHECKING:
    from .customers import Customers

_ROLES = (ROLES[0], ROLES[1], ROLES[2], ROLES[4])  # accounts payable, purchasing, owner, finance


def contact_records(out: Records, book: Customers, cids: list[str], n_contacts: np.ndarray,
                    created: list[int], days: Days) -> list[list[Any]]:
    """Each customer's contact records (``created``: the customers' creation days)."""
    T, day = days.T, days.day
    staff_l, t0_l = book.is_a["staff_exodus"].tolist(), book.t0.tolist()
    people = []
    for i in range(book.n):
        contacts = []
        for j in range(int(n_contacts[i]) + (2 if staff_l[i] else 0)):
            archived = None
            if staff_l[i] and j < 2 and t0_l[i] + 30 * j <= T:
                archived = day(t0_l[i] + 30 * j)
            contacts.append(out(Contact, {"id": f"{cids[i]}-{j}", "name": f"Contact {j + 1} of {cids[i]}",
                                          "role": _ROLES[j % 4], "created_on": day(created[i]),
                                          "archived_on": archived}))
        people.append(contacts)
    return people
