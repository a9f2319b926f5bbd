"""Whose flag and whose hold: a customer's flag and hold notes sorted by the company that wrote
them (pure).

A customer without company (``res.partner.company_id`` False, Odoo's default for contacts) is
shared by the companies of the database, and so are its one "Risk: <level>" tag and its one sales
warning. Two arwatch companies of one database (``company_ids = [5]`` and ``[6]``) each write their
flag and hold with their own company in the mark (``markers``), so that:

- a company reads as its flag only its own latest flag note, if that is not a cleared one;
- the shared tag shows the **highest** level any company currently flags the customer with
  (``tag_level``): a company clearing its flag, or lowering it, leaves the tag at the level of
  the others' flags; when none flags it any more the tag goes;
- the sales warning keeps a line for each company holding the customer; a company releasing its
  hold removes its own line only, and the customer's previous warning is restored when the last
  one releases (``writeback``).

A customer that belongs to one company (``company_id`` set) is that company's alone: the flags
and holds other companies wrote while it was shared count no more (those companies no longer see
it, so they could never clear or release them).

A customer of a company above the reading one (a branch configured as its own arwatch company
reads the customers of its root company that its invoices name: Odoo shows a root's partners in
its branches) is shared too: the root and any of its branches may flag or hold it, each with its
own mark, so every company's marks count there (``counted``), and a company reading the tree
below a customer's company (a root: ``family``, its branches) counts its branches' marks on it,
so that a root's run never clears or drops a hold or flag one of its branches wrote. On such a
customer of a company above, legacy marks (no company) are not the reading branch's
(``legacy=False``): they were written by the root's runs of earlier versions.

Legacy notes (no company, written by earlier versions) are read as the reading company's own, as
before; once a company writes a marked flag note on the customer, the older legacy flag notes
count no more (they are history).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from arwatch.core.policy import LEVELS

from .markers import flag_cleared_by, payloads

Owner = int | None  # an Odoo company id; None: a legacy mark
#: whose marks count on a customer besides the reading companies': True every company's (shared),
#: False none, a set those companies'
Counted = bool | frozenset[int]
_RANK = {level: rank for rank, level in enumerate(LEVELS)}


def highest(levels: Iterable[str]) -> str | None:
    """The highest of ``levels`` (unknown ones lowest); None for none."""
    return max(levels, key=lambda level: _RANK.get(level, -1), default=None)


@dataclass
class PartnerNotes:
    """One customer's latest flag note (set or cleared) and hold note of each company."""

    flags: dict[Owner, tuple[int, dict[str, Any] | None]] = field(default_factory=dict)  # None: cleared
    holds: dict[Owner, tuple[int, dict[str, Any]]] = field(default_factory=dict)

    def add(self, message_id: int, body: str | None) -> None:
        for owner, data in payloads("flag", body):
            self._keep(self.flags, owner, message_id, data)
        for cleared in flag_cleared_by(body):
            if cleared is not None:
                self._keep(self.flags, cleared, message_id, None)
        for owner, data in payloads("hold", body):
            self._keep(self.holds, owner, message_id, data)

    @staticmethod
    def _keep(latest: dict[Owner, Any], owner: Owner, message_id: int, data: Any) -> None:
        if owner not in latest or message_id >= latest[owner][0]:
            latest[owner] = (message_id, data)

    def current_flags(self, company_ids: tuple[int, ...], shared: Counted) -> dict[Owner, dict[str, Any]]:
        """The flags that count, by company: each company's latest flag note unless it cleared it
        (only ``company_ids``' when the customer is not ``shared``), and the latest legacy one
        unless a marked note came after it."""
        marked = [mid for owner, (mid, _) in self.flags.items() if owner is not None]
        found: dict[Owner, dict[str, Any]] = {}
        for owner, (mid, data) in self.flags.items():
            if data is None:
                continue
            if owner is None and any(m > mid for m in marked):
                continue  # superseded by this version's notes
            if owner is not None and owner not in company_ids and not counts(shared, owner):
                continue
            found[owner] = data
        return found

    def my_flag(self, company_ids: tuple[int, ...], shared: Counted, legacy: bool = True) -> dict[str, Any] | None:
        """The flag of ``company_ids``: their latest current one, else a current legacy one."""
        current = self.current_flags(company_ids, shared)
        mine = [(self.flags[o][0], data) for o, data in current.items() if (o is None and legacy) or o in company_ids]
        return max(mine, key=lambda found: found[0])[1] if mine else None

    def tag_level(self, company_ids: tuple[int, ...], shared: Counted) -> str | None:
        """The level the shared tag shows by these notes: the highest current flag's."""
        return highest(str(data.get("level")) for data in self.current_flags(company_ids, shared).values())

    def my_hold(self, company_ids: tuple[int, ...], legacy: bool = True) -> dict[str, Any] | None:
        """The latest hold note's payload of ``company_ids`` (or a legacy one, unless not ``legacy``)."""
        mine = [found for owner, found in self.holds.items() if (owner is None and legacy) or owner in company_ids]
        return max(mine, key=lambda found: found[0])[1] if mine else None

    def previous_of(self, owners: Iterable[Owner]) -> dict[str, str] | None:
        """The warning the holds of ``owners`` replaced: the ``previous`` of their newest hold
        note that has one."""
        wanted = set(owners)
        found = sorted((found for owner, found in self.holds.items() if owner in wanted), key=lambda f: -f[0])
        for _, data in found:
            previous = data.get("previous")
            if isinstance(previous, dict) and previous.get("sale_warn"):
                return {"sale_warn": str(previous["sale_warn"]),
                        "sale_warn_msg": str(previous.get("sale_warn_msg") or "")}
        return None


def scan(rows: Iterable[dict[str, Any]]) -> dict[int, PartnerNotes]:
    """Chatter notes (``id``, ``res_id``, ``body``) as each partner's ``PartnerNotes``."""
    found: dict[int, PartnerNotes] = {}
    for row in rows:
        found.setdefault(int(row["res_id"]), PartnerNotes()).add(int(row["id"]), row.get("body"))
    return found


def counts(shared: Counted, owner: int) -> bool:
    return shared is True or (isinstance(shared, frozenset) and owner in shared)


def counted(partner_company: int | None, company_ids: tuple[int, ...], family: Iterable[int] = ()) -> Counted:
    """Whose marks count on a customer of ``partner_company`` besides ``company_ids``', for a run
    reading the companies ``family`` (its companies and the branches below them): every
    company's on a shared customer (no company) and on one of a company above the run's (a
    branch's run on its root's customer); else its company's and the family's (a root's run
    counts its branches' marks on its customers); none besides theirs when that is all."""
    family = frozenset(family)
    if partner_company is None or (family and partner_company not in family):
        return True
    return (frozenset({partner_company}) | family) - frozenset(company_ids) or False


def above(partner_company: int | None, family: Iterable[int]) -> bool:
    """Whether the customer belongs to a company above the run's (not shared, not in ``family``)."""
    family = frozenset(family)
    return partner_company is not None and bool(family) and partner_company not in family


def live_holders(owners: Iterable[Owner], company_ids: tuple[int, ...], partner_company: int | None,
                 family: Iterable[int] = ()) -> set[Owner]:
    """The companies whose holds of a sales warning count: all on a shared customer and on one of
    a company above the run's; on one of a company, only that company's, ``company_ids``' and
    ``family``'s (and legacy ones)."""
    others = counted(partner_company, company_ids, family) if family else (
        True if partner_company is None else frozenset({partner_company}))
    return {o for o in owners if o is None or o in company_ids or counts(others, o)}


def mine(owner: Owner, company_ids: tuple[int, ...], legacy: bool = True) -> bool:
    """Whether a mark of ``owner`` is one of ``company_ids``' (a legacy mark is everyone's, unless
    not ``legacy``: on a customer of a company above the run's)."""
    return (owner is None and legacy) or owner in company_ids
