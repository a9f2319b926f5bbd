"""``arwatch record KIND CUSTOMER ...``: record what a collector learned (a call, a promise, a
dispute, a snooze, ...) in the state store, for any source; ``arwatch record --list CUSTOMER``
shows what is on file. The syntax is the notes' (docs/collector-notes.md)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from arwatch.core.balances import balances, open_amounts
from arwatch.core.contract import data_day
from arwatch.core.formats import DEFAULT_LOCALE, day, money
from arwatch.core.frame import LedgerFrame
from arwatch.core.model import CollectorNote, Ledger
from arwatch.core.note_records import notes_to_records
from arwatch.core.notes import EXPECTED, NoteEntry, NoteProblem, parse_line
from arwatch.core.switches import standing
from arwatch.sync.clock import run_clock

from ..company_view import open_company, stored_ledger
from ..exit_codes import ExitCode, UsageError
from .locale import locale_arg
from .who import actor, login

# the command's words for the syntax's kinds
KINDS = {"call": "call", "promise": "promise", "dispute": "dispute", "complaint": "complaint",
         "resolve": "resolved", "resolved": "resolved", "snooze": "snooze", "exclude": "exclude",
         "include": "include", "signal": "signal", "plan": "plan", "placed": "placed", "recalled": "recalled"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("record", help="record a call, promise, dispute, snooze, signal, plan or agency placement",
                       description=__doc__.splitlines()[0] + " See docs/collector-notes.md for every form.")
    p.add_argument("kind", nargs="?", choices=sorted(KINDS), metavar="KIND",
                   help="one of: " + ", ".join(sorted(KINDS)))
    p.add_argument("customer", nargs="?", metavar="CUSTOMER", help="the customer's id or exact name")
    p.add_argument("words", nargs=argparse.REMAINDER, metavar="DETAILS",
                   help="the line's details, e.g. 'no answer' or 'INV-1042 wrong goods' (options may follow)")
    _options(p)
    p.set_defaults(run=run)


def _options(p: argparse.ArgumentParser) -> None:
    """The options, read before KIND or after the details (``options_after``)."""
    p.add_argument("--list", dest="list_customer", metavar="CUSTOMER", help="show what is on file for a customer")
    p.add_argument("--source", metavar="NAME", help="company (default: demo)")
    p.add_argument("--config", type=Path, help="config file (default: the embedded demo)")
    p.add_argument("--state", metavar="URL", help="state store URL or SQLite path")
    p.add_argument("--as-of", type=dt.date.fromisoformat,
                   help="the day it happened (default: today; for the demo, its data's day)")
    p.add_argument("--locale", type=locale_arg,
                   help="how days are written (default: the config's `locale`, else en_GB)")
    p.add_argument("--by", help="who records it (default: the login name; the audit log names the login "
                                "that ran the command beside it when that is someone else)")


def options_after(args: argparse.Namespace) -> argparse.Namespace:
    """``args`` with the options written after the details (``record call ACME no answer --source
    books``) read as options, not as words of the line: the details are read to their end, so
    without this they would go into the line, and the line to the default company and day. An
    option given before and after with two values is refused."""
    later = argparse.ArgumentParser(prog="arwatch record", add_help=False, allow_abbrev=False)
    _options(later)
    later.set_defaults(**{a.dest: None for a in later._actions})
    found, words = later.parse_known_args(args.words)
    for action in later._actions:
        value, before = getattr(found, action.dest), getattr(args, action.dest)
        if value is None:
            continue
        if before is not None and before != value:
            raise UsageError(f"{action.option_strings[0]} is given twice, as {before} and as {value}: give it once")
        setattr(args, action.dest, value)
    args.words = words
    return args


def find_customer(ledger: Ledger, wanted: str) -> tuple[str, str]:
    """(id, name) of the customer whose id or name (any case) is ``wanted``."""
    for c in ledger.customers:
        if c.id == wanted:
            return c.id, c.name
    named = [c for c in ledger.customers if c.name.casefold() == wanted.strip().casefold()]
    if len(named) == 1:
        return named[0].id, named[0].name
    if named:
        raise UsageError(f"customer {wanted!r}: {len(named)} customers have this name; give the id "
                         f"({', '.join(c.id for c in named)})")
    close = [c.name for c in ledger.customers if wanted.strip().casefold() in c.name.casefold()][:5]
    hint = f"; did you mean: {', '.join(close)}?" if close else ""
    raise UsageError(f"customer {wanted!r}: no customer has this id or name{hint}")


def line_of(kind: str, words: list[str]) -> str:
    details = " ".join(words).strip()
    return f"{kind}: {details}" if details else kind


def check_line(ledger: Ledger, customer_id: str, text: str, on: dt.date, locale: str = DEFAULT_LOCALE) -> None:
    """Refuse a line the notes would not read (saying which value and why), one naming an invoice
    or dispute not there, and a promise or plan of more than the customer owes."""
    kind = text.partition(":")[0]
    read = parse_line(text, on)
    if read is None or isinstance(read, NoteProblem):
        why = f": {read.why}" if isinstance(read, NoteProblem) and read.why else ""
        raise UsageError(f"arwatch could not read this: expected {EXPECTED[kind]} ({text!r}){why}")
    _within_balance(ledger, customer_id, read, on, locale)
    _something_to_dispute(ledger, customer_id, read, on, locale)
    note = CollectorNote(id="new", customer_id=customer_id, on=on, text=text, source="arwatch record")
    numbers = {i.id: i.number for i in ledger.invoices if i.customer_id == customer_id}
    earlier = [n for n in ledger.notes if n.customer_id == customer_id and n.on <= on]
    _, issues = notes_to_records([*earlier, note], numbers)
    mine = [i for i in issues if i.record_id.split("#")[0] == "new"]
    if mine:
        raise UsageError(f"arwatch could not record this: {mine[0].message}")


def _within_balance(ledger: Ledger, customer_id: str, entry: NoteEntry, on: dt.date, locale: str) -> None:
    """Refuse a promise or payment plan of more than the customer's open balance on ``on``: one
    that could never be kept (a slip such as 7066 for 70.66) would break and escalate the customer."""
    if entry.amount is None or entry.kind not in ("call", "promise", "plan"):
        return
    owed = balances(ledger, on).get(customer_id)
    if owed is None or entry.amount <= owed.open:
        return
    what = (f"{len(entry.instalments)} x {entry.instalments[0].amount} = {entry.amount}" if entry.kind == "plan"
            else f"{entry.amount}")
    field = "plan" if entry.kind == "plan" else "promise"
    raise UsageError(f"arwatch could not record this: {field}: amount {what} is more than the customer's open "
                     f"balance ({money(owed.open, owed.currency, locale)} on {day(on, locale)}) ({entry.text!r})")


def _something_to_dispute(ledger: Ledger, customer_id: str, entry: NoteEntry, on: dt.date, locale: str) -> None:
    """Refuse a dispute of an invoice paid or credited in full by ``on``: nothing is owed on it to
    hold back, and a dispute counts as a warning sign and pauses collection."""
    if entry.kind != "dispute" or entry.invoice is None:
        return
    ids = [i.id for i in ledger.invoices if i.customer_id == customer_id and i.number == entry.invoice]
    left = open_amounts(ledger, on)
    if ids and all(left.get(i) == 0 for i in ids):
        raise UsageError(f"arwatch could not record this: dispute: invoice {entry.invoice} has nothing open on "
                         f"{day(on, locale)} (paid or credited in full): nothing to dispute ({entry.text!r})")


def run(args: argparse.Namespace) -> int:
    args = options_after(args)
    wanted = args.list_customer or args.customer
    if not wanted or (not args.list_customer and not args.kind):
        raise UsageError("give KIND and CUSTOMER (e.g. `arwatch record call ACME no answer`), "
                         "or --list CUSTOMER")
    config, store, adapter, _, name, clock = open_company(args.config, args.state, args.source, args.as_of)
    try:
        ledger, _ = stored_ledger(store, name, adapter)
        customer_id, customer_name = find_customer(ledger, wanted)
        locale = config.locale_of(config.company(name), args.locale)
        if args.list_customer:
            print(listing(ledger, customer_id, customer_name, args.as_of or clock.today, locale))
            return int(ExitCode.OK)
        on = args.as_of or data_day(adapter) or run_clock(None, config.timezone_of(config.company(name))).today
        text = line_of(KINDS[args.kind], args.words)
        check_line(ledger, customer_id, text, on, locale)
        by = args.by or login()
        stored = store.notes.add(name, customer_id, on, text, by, actor(by))
    finally:
        store.close()
    print(f"recorded for {customer_name} ({customer_id}) on {day(on, locale)}: {stored.text}\n"
          f"it counts from the next `arwatch plan`, `report` and `sync` of {name}")
    return int(ExitCode.OK)


def listing(ledger: Ledger, customer_id: str, name: str, today: dt.date, locale: str = DEFAULT_LOCALE) -> str:
    """The customer's notes (recorded and from the source), and what they amount to today, days
    written as ``locale`` writes them."""
    notes = sorted((n for n in ledger.notes if n.customer_id == customer_id), key=lambda n: (n.on, n.id))
    lines = [f"On file for {name} ({customer_id}):"]
    lines += [f"  {day(n.on, locale):<11}  {n.source:<15} {n.text.splitlines()[0] if n.text else ''}" for n in notes]
    if not notes:
        lines.append("  nothing recorded")
    frame = LedgerFrame.from_ledger(ledger, today)
    c = next(k for k, cid in enumerate(frame.c_id) if cid == customer_id)
    open_disputes = [d for d in ledger.disputes if d.customer_id == customer_id and d.kind == "dispute"
                     and d.opened_on <= today and (d.resolved_on is None or d.resolved_on > today)]
    state = [*standing(frame).words(c, locale)] + [
        f"open dispute since {day(d.opened_on, locale)}"
        + (f" on {_number(ledger, d.invoice_id)}" if d.invoice_id else "") + (f": {d.reason}" if d.reason else "")
        for d in open_disputes]
    if state:
        lines.append(f"As of {day(today, locale)}:")
        lines += [f"  {s}" for s in state]
    return "\n".join(lines)


def _number(ledger: Ledger, invoice_id: str) -> str:
    return next((i.number for i in ledger.invoices if i.id == invoice_id), invoice_id)
