"""``OdooAdapter``: the ``SourceAdapter`` for Odoo 17.0 and later: standard fields, or the arwatch
add-on's own records where it is installed (see ``addon``)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from arwatch.core.actions import ApplyResult, Change, WrittenState
from arwatch.core.contract import ConfigError, Cursor, NoteAnswer, PullResult

from .addon import ADDON, READ_ONLY, SCORED_BY, AddonTarget, scored_by
from .answers import answer
from .lookups import Lookups
from .modules import installed_modules
from .pull import Unreadable, parse_foreign, pull
from .reader import Reader
from .settings import OdooSettings
from .shared import SharedWrites
from .transport import CompanyScoped, Transport
from .writeback import DetailsOf, WriteBack
from .written import Mirror, read_written_state

log = logging.getLogger(__name__)

#: Odoo 17.0 brought branches: ``res.company.parent_id`` / ``parent_path`` (``child_of``).
BRANCHES = (17, 0)


@dataclass(frozen=True)
class Peer:
    """Another arwatch company of the configuration on the same Odoo database (``peers``): its
    name (``[companies.<name>]``), its ``company_ids`` and its login (a peer without
    ``company_ids`` reads its login's current company)."""

    name: str
    company_ids: tuple[int, ...]
    login: str


@dataclass(frozen=True)
class Setup:
    """What the adapter learns from Odoo at its first use, and the parts built on it."""

    modules: frozenset[str]
    company: dict[str, Any]
    mode: str
    reader: Reader
    lookups: Lookups
    writeback: WriteBack
    addon: AddonTarget | None
    unavailable: frozenset[str]


class OdooAdapter:
    """Pull from and write back to one Odoo company (or several sharing one currency).

    ``mode`` says where flags, holds and tasks go:
      "standard": no add-on (or ``use_addon = "never"``): tags, notes, sales warning, activities;
      "addon": the add-on is installed and the company is scored by arwatch sync: its records,
        through its API;
      "read-only": the add-on's own job scores the company; ``writes_back`` is False, the
        written state is the add-on's and ``apply`` refuses.

    ``today`` is the run's as-of day (``arwatch.core.clock.RunClock.today``): the add-on's API
    and the written state's "recently done" window are computed for it, never for the wall clock.
    ``details_of(key)`` gives what an earlier apply returned in ``ApplyResult.details`` (the
    store's copy), used to restore a replaced sales warning; without it the hold note's copy is
    used. ``mirror()`` gives the store's mirror of what was written (see ``written``), so that
    only new notes are read back.

    ``peers`` are the configuration's other arwatch companies on the same Odoo database
    (``company`` is this one's name in the configuration): a branch one of them names is read
    under that company only, not also by this one (``_companies``).

    Constructing it reads nothing: the installed modules and the companies are read at the first
    use (any of ``pull``, ``read_written_state``, ``apply`` or the attributes built on them),
    once, so a configuration error (companies of two currencies or two writers, a company
    configured twice) is raised there.
    """

    name = "odoo"

    def __init__(self, transport: Transport, settings: OdooSettings, today: dt.date,
                 details_of: DetailsOf | None = None, mirror: Callable[[], Mirror] | None = None,
                 company: str = "", peers: Sequence[Peer] = ()):
        """Keeps what it is given: nothing is read from Odoo before the first use (``Setup``)."""
        self.transport, self.settings, self.mirror = transport, settings, mirror
        self.today, self.details_of = today, details_of
        self.company_name, self.peers = company, tuple(peers)
        self._unreadable: list[Unreadable] = []  # notes of the last pull to answer at ``finish``
        self._left_out: tuple[int, ...] = ()
        self._foreign: frozenset[int] = frozenset()  # customers of a company above its pull read

    @cached_property
    def _setup(self) -> Setup:
        """At first use, in one place and once: the installed modules, then the companies."""
        modules = installed_modules(self.transport)
        with_addon = self.settings.use_addon == "auto" and ADDON in modules
        rows, scope = self._companies(with_addon)
        company = self._company(rows)
        company_ids = tuple(self.settings.company_ids) or (int(company["id"]),)
        mode = "standard" if not with_addon else ("addon" if scored_by(rows) == "sync" else "read-only")
        if with_addon and len(company_ids) > 1:
            raise ConfigError(f"company_ids {list(company_ids)}: with the arwatch add-on each Odoo company has its "
                              f"own risk records; configure one arwatch company per Odoo company")
        scoped = CompanyScoped(self.transport, scope)
        lookups = Lookups(scoped, self.settings.task_user, sale_installed="sale" in modules,
                          shared=SharedWrites.of(self.settings.url, self.settings.database))
        addon = AddonTarget(scoped, company_ids[0], self.today) if with_addon else None
        return Setup(modules=modules, company=company, mode=mode,
                     reader=Reader(scoped, company_ids, self.settings.page_size, scope, self._left_out),
                     lookups=lookups, writeback=WriteBack(scoped, lookups, self.details_of, company_ids,
                                                          family=scope + self._left_out), addon=addon,
                     # disputes: Community has none, the add-on has; orders: only with the Sales app
                     unavailable=frozenset(({"disputes"} if addon is None else set())
                                           | ({"orders"} if "sale" not in modules else set())))

    @property
    def modules(self) -> frozenset[str]:
        return self._setup.modules

    @property
    def company(self) -> dict[str, Any]:
        return self._setup.company

    @property
    def mode(self) -> str:
        return self._setup.mode

    @property
    def reader(self) -> Reader:
        return self._setup.reader

    @property
    def lookups(self) -> Lookups:
        return self._setup.lookups

    @property
    def writeback(self) -> WriteBack:
        return self._setup.writeback

    @property
    def addon(self) -> AddonTarget | None:
        return self._setup.addon

    @property
    def unavailable(self) -> frozenset[str]:
        return self._setup.unavailable

    @property
    def writes_back(self) -> bool:
        return self.mode != "read-only"

    def _companies(self, with_addon: bool) -> tuple[list[dict[str, Any]], tuple[int, ...]]:
        """The configured companies' rows (or the API user's current company's) and the companies
        read: those and, from Odoo 17.0 (``res.company.parent_id``: branches), every branch below
        them the API user may work in, in one call. Odoo's accounting consolidates a company's
        branches (a customer owes the group), so a company's run reads its branches' invoices,
        payments and messages; what it writes stays its own (its marks name the first company).
        A branch configured alone reads itself and the branches below it, not its parent or
        siblings. Companies named together whose trees overlap are read once."""
        ids = list(dict.fromkeys(self.settings.company_ids))
        if not ids:
            user = self.transport.call("res.users", "read", ids=[self.transport.uid], fields=["company_id"])
            ids = [user[0]["company_id"][0]]
        fields = ["name", "currency_id"] + ([SCORED_BY] if with_addon else [])
        if self.transport.version >= BRANCHES:
            # child_of on res.company (a parent_store model) is parent_path LIKE: one query. Only
            # the companies the user belongs to: Odoo refuses any other in allowed_company_ids.
            subtree = [["id", "child_of", ids], ["user_ids", "in", [self.transport.uid]]]
            found: list[dict[str, Any]] = self.transport.call("res.company", "search_read", domain=subtree,
                                                              fields=fields, order="id")
        else:
            found = self.transport.call("res.company", "read", ids=ids, fields=fields)
        by_id = {int(r["id"]): r for r in found}
        rows = [by_id[i] for i in ids if i in by_id]
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise ConfigError(f"company_ids {ids}: {'company' if len(missing) == 1 else 'companies'} "
                              f"{', '.join(map(str, missing))} not readable by the API user (no such company, "
                              f"or the user is not allowed in it: Settings > Users > Allowed Companies)")
        left_out = self._peers_branches(ids, set(by_id), with_addon)
        self._left_out = tuple(sorted(left_out))  # read by peers; their marks count on this run's customers
        return rows, tuple(ids) + tuple(i for i in sorted(by_id) if i not in ids and i not in left_out)

    def _peer_companies(self) -> dict[int, str]:
        """Odoo company id -> the name of the other arwatch company (``peers``) that names it (a
        peer without ``company_ids`` and with this adapter's login: the login's current company)."""
        named: dict[int, str] = {}
        for peer in self.peers:
            ids = peer.company_ids
            if not ids and peer.login == self.settings.login:
                user = self.transport.call("res.users", "read", ids=[self.transport.uid], fields=["company_id"])
                ids = (int(user[0]["company_id"][0]),)
            for cid in ids:
                named.setdefault(cid, peer.name)
        return named

    def _peers_branches(self, ids: list[int], read: set[int], with_addon: bool) -> set[int]:
        """The companies of this run's tree (``read``) that another arwatch company of the
        configuration reads: a branch it names, with the branches below that one. Read under that
        company only, they are left out here, so no customer is scored (flagged, held, tasked) by
        two arwatch companies for one debt; refused where that cannot hold: a company named by
        both, one of ``ids`` below another's branch, or a branch apart with the add-on (which
        scores a branch with its root and applies the root's holds in its branches)."""
        if not self.peers:
            return set()
        named = self._peer_companies()
        me = f"companies.{self.company_name}" if self.company_name else "this company"
        twice = [i for i in ids if i in named]
        if twice:
            raise ConfigError(f"{me} and companies.{named[twice[0]]} both name Odoo company {twice[0]} of "
                              f"{self.settings.database} in company_ids: its customers would be scored, flagged "
                              f"and held twice; name each Odoo company in one arwatch company only")
        below = sorted(i for i in read if i in named and i not in ids)
        if not below:
            return set()
        branch, other = below[0], named[below[0]]
        if with_addon:
            raise ConfigError(f"{me} (Odoo company {ids[0]}) reads its branches, and companies.{other} names its "
                              f"branch {branch}: with the arwatch add-on a branch is scored with its root company "
                              f"(the root's holds apply in its branches), so company {branch}'s customers would "
                              f"be scored twice; remove companies.{other} ({me} scores the whole group)")
        subtree = [["id", "child_of", below], ["user_ids", "in", [self.transport.uid]]]
        left_out = {int(r["id"]) for r in self.transport.call("res.company", "search_read", domain=subtree,
                                                               fields=["id"], order="id")}
        inside = [i for i in ids if i in left_out]
        if inside:
            read_by = ", ".join(f"company {b}: companies.{named[b]}" for b in below)
            raise ConfigError(f"{me} names Odoo company {inside[0]}, which is below a branch another arwatch "
                              f"company reads ({read_by}): its customers would be scored twice; name company "
                              f"{inside[0]} in one arwatch company only")
        log.info("%s: Odoo companies %s are read by %s (branches configured apart), not here", me,
                 ", ".join(map(str, sorted(left_out))), ", ".join(f"companies.{named[i]}" for i in below))
        return left_out

    @staticmethod
    def _company(rows: list[dict[str, Any]]) -> dict[str, Any]:
        currencies = {r["currency_id"][1] for r in rows}
        if len(currencies) > 1:
            ids = [r["id"] for r in rows]
            raise ConfigError(f"company_ids {ids}: the companies use different currencies "
                              f"({', '.join(sorted(currencies))}); configure one arwatch company per currency")
        first = rows[0]
        return {"id": str(first["id"]), "name": " + ".join(r["name"] for r in rows), "currency": currencies.pop()}

    def pull(self, since: Cursor | None, full: bool) -> PullResult:
        self._unreadable = []
        result = pull(self.reader, self.transport.version, self.company, since, full, self.settings.overlap_seconds,
                      done_activities=self.addon is None, orders="sale" in self.modules, unreadable=self._unreadable,
                      followup=self.lookups.followup_date(self.addon is None and "account_followup" in self.modules))
        self._foreign = frozenset(parse_foreign(result.cursor))
        if self.addon is None:
            return result
        own = self.addon.collections_records()
        return result.model_copy(update={"records": {**result.records, **own},
                                         "complete_collections": frozenset(own)})

    def read_written_state(self) -> WrittenState:
        if self.addon is not None:
            return self.addon.read_written_state()
        return read_written_state(self.reader, self.lookups, self.today, self.mirror() if self.mirror else None,
                                  self._foreign)

    def finish(self, written: WrittenState) -> list[NoteAnswer]:
        """After the run's writes: reply once to each note pulled with lines that do not read
        (``answers``); the replies are returned for the audit log. Nothing in read-only mode."""
        pending, self._unreadable = self._unreadable, []
        if not pending or self.mode == "read-only":
            return []
        return answer(CompanyScoped(self.transport, self.reader.scope), pending)

    def apply(self, changes: Sequence[Change]) -> Iterable[ApplyResult]:
        if self.mode == "read-only":
            return [ApplyResult(key=c.key, op=c.op, ok=False, error=READ_ONLY) for c in changes]
        if self.addon is not None:
            return list(self.addon.apply(changes))
        return list(self.writeback.apply(changes))
