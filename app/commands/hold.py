"""``arwatch hold lift|restore|list``: a manager lifts a customer's credit hold until a day, with
a reason, ends such an override early, or lists the holds in place and the overrides in force.

Only the managers the config names (``managers = [...]``, at the top level or per company, the
company's list winning) lift or restore a hold. The override is kept in the state store with an
entry in the audit log (who, when, why, until; who is the manager named and, when another
login ran the command, that login beside it: ``--by`` is typed), for any source; the next ``arwatch sync``
releases the hold through the target and places none on the customer until the override's day
has passed (``arwatch.core.holds.overridden``)."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
from pathlib import Path

from arwatch.core.actions import Hold, Override
from arwatch.core.contract import data_day, writes_back
from arwatch.core.formats import day
from arwatch.core.model import Ledger
from arwatch.sync.clock import run_clock
from arwatch.sync.config import CompanyConfig, SyncConfig
from arwatch.sync.store.audit import LIFT_OP, RESTORE_OP

from ..company_view import OpenCompany, open_company, stored_ledger
from ..exit_codes import ExitCode, UsageError
from .locale import locale_arg
from .record import find_customer
from .who import actor

DEFAULT_DAYS = 30  # a lift without --until lasts this many days after the run's day


def register(sub: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--source", metavar="NAME", help="company (default: demo)")
    common.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    common.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    common.add_argument("--as-of", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="the run's day (default: today in the company's time zone; for the demo, its data's day)")
    common.add_argument("--locale", type=locale_arg,
                        help="how days are written (default: the config's `locale`, else en_GB)")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("customer", metavar="CUSTOMER", help="the customer's id or exact name")
    who.add_argument("--reason", default="", help="why (required, recorded in the audit log)")
    who.add_argument("--by", help="the manager doing it (default: the login name); one of the config's `managers`")

    p = sub.add_parser("hold", help="lift a credit hold (managers), end a lift early, list holds and lifts",
                       description=__doc__.splitlines()[0].replace("``", "`") + " Only the config's `managers`.")
    actions = p.add_subparsers(dest="hold_action", metavar="ACTION", required=True)
    lift = actions.add_parser("lift", parents=[common, who], help="lift a customer's credit hold until a day",
                              description="Lift CUSTOMER's credit hold until a day: the next `arwatch sync` "
                                          "releases it and places no hold on the customer before that day has "
                                          "passed. Managers only; a reason is required.")
    lift.add_argument("--until", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                      help=f"the last day the hold stays lifted (default: {DEFAULT_DAYS} days after the run's day)")
    lift.set_defaults(run=run_lift)
    restore = actions.add_parser("restore", parents=[common, who], help="end a lift early: the hold rules apply again",
                                 description="End CUSTOMER's hold override early: the next `arwatch sync` places "
                                             "the hold again if a hold rule still fires. Managers only; a reason "
                                             "is required.")
    restore.set_defaults(run=run_restore)
    listing = actions.add_parser("list", parents=[common], help="the holds in place and the lifts in force",
                                 description="The credit holds in place and the managers' lifts in force "
                                             "(who, why, until) on the run's day.")
    listing.set_defaults(run=run_list)


def run_day(opened: OpenCompany, as_of: dt.date | None) -> dt.date:
    """The run's day: ``--as-of``, else the demo's data day, else today in the company's time zone."""
    company = opened.config.company(opened.name)
    return as_of or data_day(opened.adapter) or run_clock(None, opened.config.timezone_of(company)).today


def day_and_locale(opened: OpenCompany, args: argparse.Namespace) -> tuple[dt.date, str]:
    """The run's day (``run_day``) and how the company writes days (``--locale``, else its own)."""
    company = opened.config.company(opened.name)
    return run_day(opened, args.as_of), opened.config.locale_of(company, args.locale)


def manager(config: SyncConfig, company: CompanyConfig, by: str | None) -> str:
    """The manager's name as the config writes it; refuses anyone else, and everyone when the
    config names no manager."""
    managers = config.managers_of(company)
    if not managers:
        raise UsageError(f"no managers are configured for {company.name}: only a manager lifts or restores a "
                         f"credit hold; name them in the config, e.g. `managers = [\"ann\", \"bob\"]` at the top "
                         f"or under [companies.{company.name}]")
    who = (by or getpass.getuser()).strip()
    for name in managers:
        if name.casefold() == who.casefold():
            return name
    raise UsageError(f"{who!r} is not a manager of {company.name} (managers: {', '.join(managers)}): only a "
                     f"manager lifts or restores a credit hold" + ("" if by else "; give --by NAME if you are one"))


def reason_of(reason: str, action: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise UsageError(f"give the reason: `--reason \"...\"` is required to {action} a credit hold")
    return text


def _checked(opened: OpenCompany, args: argparse.Namespace, action: str) -> tuple[str, str, Ledger, str]:
    """(who, reason, ledger, customer id) after every check, before anything is written: who is
    the manager named (``Override.by``), with the login that ran the command beside it when that
    is someone else (``actor``)."""
    company = opened.config.company(opened.name)
    by = manager(opened.config, company, args.by)
    reason = reason_of(args.reason, action)
    ledger, _ = stored_ledger(opened.store, opened.name, opened.adapter)
    if not writes_back(opened.adapter):
        raise UsageError(f"{opened.name} is scored by the Odoo add-on, which places and lifts its holds itself: "
                         f"lift the hold in Odoo (Lift credit hold on the customer's risk; collections managers)")
    customer_id, _ = find_customer(ledger, args.customer)
    return by, reason, ledger, customer_id


def _label(ledger: Ledger | None, customer_id: str) -> str:
    name = next((c.name for c in ledger.customers if c.id == customer_id), None) if ledger else None
    return f"{name} ({customer_id})" if name and name != customer_id else customer_id


def run_lift(args: argparse.Namespace) -> int:
    opened = open_company(args.config, args.state, args.source, args.as_of)
    store, name = opened.store, opened.name
    try:
        by, reason, ledger, customer_id = _checked(opened, args, "lift")
        who_ran = actor(by)
        on, locale = day_and_locale(opened, args)
        until = args.until or on + dt.timedelta(days=DEFAULT_DAYS)
        if until < on:
            raise UsageError(f"--until {until.isoformat()} is before the run's day ({on.isoformat()}): "
                             f"a hold is lifted until today or a later day")
        override = Override(customer_id=customer_id, release_until=until, by=by, reason=reason)
        held = _hold_of(store.written.state(name).holds, customer_id)
        with store.begin() as conn:
            before = store.written.override(name, customer_id, conn)
            changed = before != override
            if changed:
                store.written.set_override(name, override, conn)
                store.audit.append_override(conn, name, LIFT_OP, override, before, who_ran,
                                            f"hold lifted until {until.isoformat()}: {reason}")
    finally:
        store.close()
    who = _label(ledger, customer_id)
    print(f"{'lifted' if changed else 'already lifted (nothing changed)'}: {who}, until {day(until, locale)}, "
          f"by {who_ran}: {reason}")
    after = day(until + dt.timedelta(days=1), locale)
    if held is not None:
        print(f"the next `arwatch sync --source {name}` releases its hold (since {day(held.since, locale)}) and "
              f"places none before {after}")
    else:
        print(f"{who} is not on hold: no hold is placed on it before {after}")
    return int(ExitCode.OK)


def run_restore(args: argparse.Namespace) -> int:
    opened = open_company(args.config, args.state, args.source, args.as_of)
    store, name = opened.store, opened.name
    try:
        by, reason, ledger, customer_id = _checked(opened, args, "restore")
        who_ran = actor(by)
        on, locale = day_and_locale(opened, args)
        with store.begin() as conn:
            before = store.written.override(name, customer_id, conn)
            in_force = before is not None and before.release_until >= on
            if before is not None and in_force:
                store.written.end_override(name, customer_id, conn)
                store.audit.append_override(conn, name, RESTORE_OP, before, before, who_ran,
                                            f"hold override (until {before.release_until.isoformat()}, "
                                            f"by {before.by}) ended: {reason}")
    finally:
        store.close()
    who = _label(ledger, customer_id)
    if before is None or not in_force:
        print(f"{who} has no hold override in force on {day(on, locale)}: nothing changed")
        return int(ExitCode.OK)
    print(f"restored: {who}'s hold override (until {day(before.release_until, locale)}, by {before.by}) ended by "
          f"{who_ran}: {reason}\nthe next `arwatch sync --source {name}` places a hold again if a hold rule "
          f"still fires")
    return int(ExitCode.OK)


def run_list(args: argparse.Namespace) -> int:
    opened = open_company(args.config, args.state, args.source, args.as_of)
    store, name = opened.store, opened.name
    try:
        on, locale = day_and_locale(opened, args)
        holds = store.written.state(name).holds
        overrides = store.written.overrides(name, on)
        try:
            ledger: Ledger | None = stored_ledger(store, name, opened.adapter)[0]
        except UsageError:  # nothing synced yet: ids only
            ledger = None
    finally:
        store.close()
    print(listing(name, on, holds, overrides, ledger, locale))
    return int(ExitCode.OK)


def listing(name: str, on: dt.date, holds: tuple[Hold, ...], overrides: tuple[Override, ...],
            ledger: Ledger | None, locale: str) -> str:
    """The holds in place (as last written) and the overrides in force on ``on``."""
    lines = [f"Credit holds of {name} in place ({len(holds)}):"]
    lines += [f"  {_label(ledger, h.customer_id)}: since {day(h.since, locale)}: {h.reason}" for h in holds]
    if not holds:
        lines.append("  none")
    held = {h.customer_id for h in holds}
    lines.append(f"Holds lifted by a manager, in force on {day(on, locale)} ({len(overrides)}):")
    lines += [f"  {_label(ledger, o.customer_id)}: until {day(o.release_until, locale)}, by {o.by}: {o.reason}"
              + ("  (still held: released at the next sync)" if o.customer_id in held else "")
              for o in overrides]
    if not overrides:
        lines.append("  none")
    return "\n".join(lines)


def _hold_of(holds: tuple[Hold, ...], customer_id: str) -> Hold | None:
    return next((h for h in holds if h.customer_id == customer_id), None)
