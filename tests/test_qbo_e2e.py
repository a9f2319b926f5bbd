"""End to end: the demo company in the QuickBooks stand-in, synced through ``arwatch sync``.

The demo company (home currency EUR) is loaded into the stand-in, arwatch is connected with
``arwatch connect quickbooks`` (tokens issued by the stand-in) and ``arwatch sync --source
quickbooks --as-of 2026-11-20`` runs three times through ``arwatch.cli.main``:

1. a full pull that writes flags (notes blocks), holds (the hold term) and tasks (Attachable
   notes), with a 429 (Intuit's XML body) and a 503 injected;
2. an incremental run that writes nothing;
3. after a payment of every open invoice of one held customer: its hold is released (its
   previous term restored), its tasks are closed and nothing else changes. Someone has also
   edited the "previous term" in its notes block meanwhile: the release restores the term the
   state store recorded, not the edited one.

The policy keeps the defaults except ``clear_days = 1``: the default hysteresis (7 days clear)
would keep the hold until 27 Nov, and a later ``--as-of`` would move every other customer too.
The API calls of each run are printed (``pytest -s``). Tested on the stand-in only.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from qbo_demo_loader import load_demo_into_standin
from qbo_standin import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URI, Clock, StandIn

from arwatch.adapters.quickbooks import factory, task_note
from arwatch.adapters.quickbooks.client import ClientOptions
from arwatch.adapters.quickbooks.limits import CompanyLimits
from arwatch.adapters.quickbooks.notes_block import parse_block, split_notes
from arwatch.adapters.quickbooks.state import HOLD_TERM_NAME
from arwatch.cli import main
from arwatch.demo.company import build_demo_company
from arwatch.sync import clock as sync_clock
from arwatch.sync.store import open_store

AS_OF = "2026-11-20"
COMPANY = "quickbooks"
READS = {"query", "cdc"}


@dataclass
class Run:
    code: int
    out: str
    requests: list  # the stand-in's LoggedRequests of this run

    def counts(self) -> dict[str, dict[str, int]]:
        line = next(x for x in self.out.splitlines() if x.startswith(f"{COMPANY}: "))
        return {kind: {verb: int(n) for n, verb in re.findall(r"(\d+) (created|updated|closed)", part)}
                for kind, part in re.findall(r"(flags|holds|tasks) ([^,]+)", line)}

    def writes(self) -> list:
        return [r for r in self.requests if r.operation not in READS]

    def calls(self) -> Counter:
        return Counter(f"{r.operation} {r.status}" for r in self.requests)


@dataclass
class E2E:
    standin: StandIn
    tmp: Path
    terms: dict[str, str]  # customer -> SalesTermRef before any run
    runs: list[Run] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    customer: str = ""  # the customer whose invoices the payment settles
    written_before: dict = field(default_factory=dict)  # store rows before the third run
    objects_before: dict = field(default_factory=dict)  # stand-in objects before the third run

    @property
    def state(self) -> Path:
        return self.tmp / "state.sqlite3"

    def sync(self) -> Run:
        self.standin.clock.advance(minutes=5)
        self.standin.clear_log()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["sync", "--config", str(self.tmp / "arwatch.toml"), "--source", COMPANY,
                         "--as-of", AS_OF, "--state", str(self.state)])
        run = Run(code, out.getvalue(), list(self.standin.requests))
        self.runs.append(run)
        return run

    def rows(self) -> dict:
        return open_store(self.state).written.rows(COMPANY)

    def objects(self, entity: str) -> dict[str, dict]:
        return self.standin.company().objects[entity]


def connect(standin: StandIn, token_path: Path) -> None:
    """``arwatch connect quickbooks`` with the redirect the stand-in's consent page would give."""
    code = standin.authorization_code()
    with contextlib.redirect_stdout(io.StringIO()):
        status = main(["connect", "quickbooks", "--tokens", str(token_path), "--client-id",
                       DEFAULT_CLIENT_ID, "--redirect-uri", DEFAULT_REDIRECT_URI, "--environment",
                       standin.discovery_url, "--redirect",
                       f"{DEFAULT_REDIRECT_URI}?code={code}&realmId={standin.realm}"])
    assert status == 0


def write_config(tmp: Path, standin: StandIn) -> None:
    secrets = tmp / "secrets.toml"
    secrets.write_text(f'[northwind-qbo]\nclient_secret = "{DEFAULT_CLIENT_SECRET}"\n')
    secrets.chmod(0o600)
    (tmp / "policy.toml").write_text("[credit.holds]\nclear_days = 1\n")
    (tmp / "arwatch.toml").write_text(f"""\
secrets_file = "{secrets}"
policy = "policy.toml"

[companies.{COMPANY}]
source = "quickbooks"
credentials = "northwind-qbo"

[companies.{COMPANY}.settings]
client_id = "{DEFAULT_CLIENT_ID}"
redirect_uri = "{DEFAULT_REDIRECT_URI}"
environment = "{standin.discovery_url}"
api_base = "{standin.api_base}"
home_currency = "EUR"
company_name = "Northwind Supplies Ltd"
token_path = "{tmp / 'northwind.qbo-tokens.json'}"
state_path = "{tmp / 'northwind.qbo-state.json'}"
""")


def pay_everything(e2e: E2E, customer: str) -> dict:
    """A payment (entered in QuickBooks) of every open invoice of ``customer``."""
    open_invoices = [i for i in e2e.objects("Invoice").values()
                     if i["CustomerRef"]["value"] == customer and float(i["Balance"]) > 0]
    assert open_invoices
    body = {"CustomerRef": {"value": customer}, "TxnDate": AS_OF,
            "CurrencyRef": open_invoices[0]["CurrencyRef"],
            "TotalAmt": round(sum(float(i["Balance"]) for i in open_invoices), 2),
            "Line": [{"Amount": float(i["Balance"]),
                      "LinkedTxn": [{"TxnId": i["Id"], "TxnType": "Invoice"}]} for i in open_invoices]}
    if "ExchangeRate" in open_invoices[0]:
        body["ExchangeRate"] = open_invoices[0]["ExchangeRate"]
    return e2e.standin.company().create("Payment", body)


def edit_previous_term_in_notes(e2e: E2E, customer: str) -> None:
    """A user edits the term named in arwatch's block (the store's record must win)."""
    obj = e2e.objects("Customer")[customer]
    original, hold = e2e.terms[customer], hold_term_id(e2e)
    other = next(t for t in sorted(e2e.objects("Term")) if t not in (original, hold))
    notes = obj["Notes"].replace(f"| previous term {original} |", f"| previous term {other} |")
    assert notes != obj["Notes"]
    e2e.standin.company().update("Customer", {"Id": customer, "SyncToken": obj["SyncToken"],
                                              "sparse": True, "Notes": notes})


def held_customer_with_most_tasks(rows: dict) -> str:
    held = {r.item.customer_id for r in rows.values() if r.key.startswith("hold:")}
    tasks = Counter(r.item.customer_id for r in rows.values() if r.key.startswith("task:"))
    return min((c for c in held if tasks[c]), key=lambda c: (-tasks[c], int(c)))


@pytest.fixture(scope="module")
def e2e(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("qbo-e2e")
    with StandIn(clock=Clock(f"{AS_OF}T17:00:00-08:00")).start() as standin, \
            pytest.MonkeyPatch.context() as mp:
        load_demo_into_standin(standin, build_demo_company().data)
        terms = {cid: c["SalesTermRef"]["value"] for cid, c in
                 standin.company().objects["Customer"].items()}
        run = E2E(standin, tmp, terms)
        mp.setenv("QBO_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
        connect(standin, tmp / "northwind.qbo-tokens.json")
        write_config(tmp, standin)
        # the stand-in's clock is the machine's for these runs; retry waits recorded instead of slept
        mp.setattr(sync_clock, "system_now", standin.clock.now)
        mp.setattr(factory, "OPTIONS", ClientOptions(sleep=run.waits.append, timeout=30.0, limits=CompanyLimits()))
        standin.inject("batch", status=429, body="xml")  # the first write request
        standin.inject("Invoice", status=503)  # the first Invoice page of the pull
        run.sync()
        run.sync()
        run.customer = held_customer_with_most_tasks(run.rows())
        pay_everything(run, run.customer)
        edit_previous_term_in_notes(run, run.customer)
        run.written_before = run.rows()
        run.objects_before = copy.deepcopy(standin.company().objects)
        run.sync()
        for n, r in enumerate(run.runs, start=1):
            print(f"\nQuickBooks API calls, run {n}: {len(r.requests)} "
                  f"({', '.join(f'{k}: {v}' for k, v in sorted(r.calls().items()))})")
        yield run


def block_of(customer: dict):
    return parse_block(split_notes(customer.get("Notes")).block, str(customer["Id"]))


def hold_term_id(e2e: E2E) -> str:
    [term] = [t for t in e2e.objects("Term").values() if t["Name"] == HOLD_TERM_NAME]
    return term["Id"]


def task_notes(e2e: E2E) -> list[task_note.TaskNote]:
    notes = [task_note.parse(a.get("Note")) for a in e2e.objects("Attachable").values()]
    return [n for n in notes if n is not None]


# ---------------------------------------------------------------------- run 1
def test_qbo_e2e__first_run_writes_flags_holds_and_tasks(e2e):
    first = e2e.runs[0]
    assert first.code == 0, first.out
    rows = e2e.written_before  # the second run wrote nothing: this is what the first wrote
    flags = {r.item.customer_id for r in rows.values() if r.key.startswith("flag:")}
    holds = {r.item.customer_id for r in rows.values() if r.key.startswith("hold:")}
    tasks = {k for k in rows if k.startswith("task:")}
    counts = first.counts()
    assert counts["flags"]["created"] == len(flags) > 0
    assert counts["holds"]["created"] == len(holds) > 0
    assert counts["tasks"]["created"] == len(tasks) > 0
    customers = e2e.objects_before["Customer"]
    assert {c for c, obj in customers.items() if block_of(obj).flag is not None} == flags
    hold_term = hold_term_id(e2e)
    held_in_qbo = {c for c, obj in e2e.objects_before["Customer"].items()
                   if obj["SalesTermRef"]["value"] == hold_term}
    assert held_in_qbo == holds
    for customer in holds:  # the store keeps the term each hold replaced
        assert rows[f"hold:{customer}"].details["previous_term"] == e2e.terms[customer]


def test_qbo_e2e__429_and_503_in_the_first_run_lose_and_duplicate_nothing(e2e):
    first = e2e.runs[0]
    injected = Counter((r.operation, r.status) for r in first.requests if r.injected)
    assert injected == {("batch", 429): 1, ("query", 503): 1}
    assert "failed 0" in first.out and 60.0 in e2e.waits  # Intuit's minute after a 429
    keys = [n.key for n in task_notes(e2e)]  # open and (third run) closed
    assert len(keys) == len(set(keys))  # never two notes for one task
    assert set(keys) == {k for k in e2e.written_before if k.startswith("task:")}
    for customer, obj in e2e.objects_before["Customer"].items():
        assert (block_of(obj).flag is not None) == (f"flag:{customer}" in e2e.written_before)
    assert len([t for t in e2e.objects("Term").values() if t["Name"] == HOLD_TERM_NAME]) == 1


# ---------------------------------------------------------------------- run 2
def test_qbo_e2e__second_run_writes_nothing(e2e):
    second = e2e.runs[1]
    assert second.code == 0, second.out
    assert all(n == 0 for verbs in second.counts().values() for n in verbs.values())
    assert second.writes() == []
    assert len(second.requests) <= 2  # one CDC request (the issue's bound: at most 2)


# ---------------------------------------------------------------------- run 3
def test_qbo_e2e__payment_releases_the_hold_and_closes_the_tasks(e2e):
    third, customer = e2e.runs[2], e2e.customer
    assert third.code == 0, third.out
    own_tasks = {k for k in e2e.written_before if k.startswith(f"task:{customer}:")}
    assert f"hold:{customer}" in e2e.written_before and own_tasks  # held, with tasks open
    obj = e2e.objects("Customer")[customer]
    assert obj["SalesTermRef"]["value"] == e2e.terms[customer]  # the previous term is back
    assert block_of(obj).hold is None
    after = e2e.rows()
    assert f"hold:{customer}" not in after and not own_tasks & set(after)
    closed = {n.key for n in task_notes(e2e) if not n.open}
    assert own_tasks <= closed
    assert third.counts()["holds"]["closed"] == 1 and third.counts()["tasks"]["closed"] == len(own_tasks)


def test_qbo_e2e__third_run_disturbs_no_other_customer(e2e):
    customer, before, now = e2e.customer, e2e.objects_before, e2e.standin.company().objects
    for entity in ("Invoice", "CreditMemo", "Payment", "Term"):
        assert now[entity] == before[entity], entity
    assert {c: o for c, o in now["Customer"].items() if c != customer} == \
        {c: o for c, o in before["Customer"].items() if c != customer}
    own_notes = {r.external_id for k, r in e2e.written_before.items() if k.startswith(f"task:{customer}:")}
    assert {a: o for a, o in now["Attachable"].items() if a not in own_notes} == \
        {a: o for a, o in before["Attachable"].items() if a not in own_notes}
    assert {k: r.item for k, r in e2e.rows().items() if f":{customer}" not in k} == \
        {k: r.item for k, r in e2e.written_before.items() if f":{customer}" not in k}


def test_qbo_e2e__third_run_writes_only_that_customer(e2e):
    customer = e2e.customer
    own_notes = {r.external_id for k, r in e2e.written_before.items() if k.startswith(f"task:{customer}:")}
    touched = set()
    for request in e2e.runs[2].writes():
        for item in json.loads(request.body)["BatchItemRequest"]:
            entity = next(k for k in item if k not in ("bId", "operation"))
            touched.add((entity, str(item[entity]["Id"])))
    assert touched == {("Customer", customer)} | {("Attachable", a) for a in own_notes}

