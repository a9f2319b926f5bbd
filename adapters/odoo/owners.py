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

    def current_flags(self, company_ids: tuple[int, ...], shared: bool) -> dict[Owner, dict[str, Any]]:
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
            if owner is not None and not shared and owner not in company_ids:
                continue
            found[owner] = data
        return found

    def my_flag(self, company_ids: tuple[int, ...], shared: bool) -> dict[str, Any] | None:
        """The flag of ``company_ids``: their latest current one, else a current legacy one."""
        current = self.current_flags(company_ids, shared)
        mine = [(self.flags[o][0], data) for o, data in current.items() if o is None or o in company_ids]
        return max(mine, key=lambda found: found[0])[1] if mine else None

    def tag_level(self, company_ids: tuple[int, ...], shared: bool) -> str | None:
        """The level the shared tag shows by these notes: the highest current flag's."""
        return highest(str(data.get("level")) for data in self.current_flags(company_ids, shared).values())

    def my_hold(self, company_ids: tuple[int, ...]) -> dict[str, Any] | None:
        """The latest hold note's payload of ``company_ids`` (or a legacy one)."""
        mine = [found for owner, found in self.holds.items() if owner is None or owner in company_ids]
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


def live_holders(owners: Iterable[Owner], company_ids: tuple[int, ...], partner_company: int | None) -> set[Owner]:
    """The companies whose holds of a sales warning count: all on a shared customer; on one of a
    company, only that company's and ``company_ids``' (and legacy ones)."""
    return {o for o in owners
            if partner_company is None or o is None or o == partner_company or o in company_ids}


def mine(owner: Owner, company_ids: tuple[int, ...]) -> bool:
    """Whether a mark of ``owner`` is one of ``company_ids``' (a legacy mark is everyone's)."""
    return owner is None or owner in company_ids
