"""Odoo 17+ branches (``res.company.parent_id``) read by the external adapter, without the add-on
and with it (Scored by: arwatch sync).

The defect this pins: the adapter read only the companies named in ``company_ids`` (or the API
user's), so a root company synced externally missed every invoice, payment, credit note and
collector record of its branches (under-scored, holds missed), where Odoo's accounting (and the
add-on's own scoring) consolidates a root's branches. Now each company's run reads that company
and every branch below it (one ``res.company`` ``search_read`` with ``child_of``, in place of the
``read`` of the named companies); what it writes stays its own (marks ``@<first company>``).

The stand-in database (``test_odoo_shared_partner.SharedOdoo``, which evaluates the domains it is
sent) knows companies with parents: 1 (root) > 2 (branch) > 3 (branch of the branch); 4, an
unrelated company, > 5 (its branch); and one customer of each, with an invoice in its company.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_odoo_shared_partner import DAY, SharedOdoo, _many2one

from arwatch.adapters.odoo.adapter import OdooAdapter, Peer
from arwatch.adapters.odoo.settings import OdooSettings
from arwatch.core.actions import DesiredState, Flag, Hold, Op
from arwatch.core.contract import ConfigError
from arwatch.core.diffing import diff

#: company -> parent (None: a root)
TREE = {1: None, 2: 1, 3: 2, 4: None, 5: 4}
#: customer -> the company it belongs to and where its invoice is
CUSTOMER_OF = {71: 1, 72: 2, 73: 3, 74: 4, 75: 5}


def _path(cid: int) -> str:
    parent = TREE[cid]
    return (_path(parent) if parent else "") + f"{cid}/"


class BranchOdoo(SharedOdoo):
    """``SharedOdoo`` with companies that have parents, customers and posted invoices; the
    adapter's connect-time calls (modules, companies) answered, the other streams empty."""

    def __init__(self, version: tuple[int, int] = (18, 0), addon: bool = False, member_of: tuple[int, ...] = ()):
        super().__init__(version)
        self.addon, self.member_of = addon, set(member_of or TREE)
        self.moves: list[dict[str, Any]] = []
        self.log: list[tuple[str, str, dict[str, Any]]] = []
        for pid, company in CUSTOMER_OF.items():
            self.partner(pid, company)
            self.partners[pid].update(name=f"Customer {pid}", parent_id=False, customer_rank=1, active=True,
                                      create_date="2025-01-01 00:00:00", write_date="2026-11-01 00:00:00",
                                      commercial_partner_id=[pid, f"Customer {pid}"])
            self.moves.append({"id": 400 + pid, "name": f"INV/{company}/{pid}", "move_type": "out_invoice",
                               "state": "posted", "commercial_partner_id": [pid, f"Customer {pid}"],
                               "company_id": [company, f"Company {company}"], "invoice_date": "2026-06-01",
                               "date": "2026-06-01", "invoice_date_due": "2026-07-01",
                               "amount_total_signed": 1000.0, "amount_residual_signed": 1000.0,
                               "write_date": "2026-06-01 00:00:00"})

    def _term(self, row: dict[str, Any], term: list[Any]) -> bool:
        name, op, value = term
        if op == "child_of":  # res.company: parent_path LIKE
            return any(_path(row["id"]).startswith(_path(top)) for top in value)
        if op == "!=" and "." not in name:
            return _many2one(row.get(name)) != value
        if op == ">=" and "." not in name:
            return row.get(name) is not None and row[name] >= value
        if name == "user_ids" and op == "in":
            return row["id"] in self.member_of and self.uid in value
        return super()._term(row, term)

    def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
        self.log.append((model, method, kw))
        fields = kw.get("fields")
        if model == "ir.module.module":
            return [{"id": 5, "name": "sale"}] + ([{"id": 9, "name": "arwatch"}] if self.addon else [])
        if model == "res.users" and method == "read":
            return [{"id": self.uid, "company_id": [1, "Company 1"]}]
        if model == "res.company":
            rows = [{"id": c, "name": f"Company {c}", "currency_id": [2, "EUR"], "arwatch_scored_by": "sync"}
                    for c in TREE]
            if method == "read":  # Odoo before branches
                rows = [r for r in rows if r["id"] in ids]
            else:
                assert self.version >= (17, 0), "no branches to search before 17.0"
                rows = [r for r in rows if self._match(r, kw["domain"])]
            return [{k: v for k, v in r.items() if k == "id" or k in fields} for r in rows]
        if model == "account.move" and method == "search_read":
            return [dict(m) for m in self.moves if self._match(m, kw["domain"])]
        if model == "res.partner" and method == "search_read":
            allowed = set(kw.get("context", {}).get("allowed_company_ids") or TREE)
            visible = [r for r in self.partners.values()
                       if not r["company_id"] or _many2one(r["company_id"]) in allowed]  # Odoo's record rule
            rows = [dict(r) for r in visible if self._match(r, kw["domain"])]
            return [{k: v for k, v in r.items() if not fields or k in fields or k == "id"} for r in rows]
        if model in ("account.payment", "account.partial.reconcile", "sale.order") and method == "search_read":
            return []
        if model == "mail.message" and method == "search_read" and any(
                isinstance(t, list) and t[0] == "record_company_id" for t in kw["domain"]):
            return []  # the pull's messages: none in these tests
        if model == "arwatch.sync.api":
            if method == "arwatch_collections_records":
                return {"disputes": [], "contact_attempts": [], "payment_plans": [], "signals": []}
            if method == "arwatch_written_state":
                return {}
        return super().call(model, method, ids, **kw)


def _adapter(db: BranchOdoo, *company_ids: int) -> OdooAdapter:
    settings = OdooSettings(url="https://odoo", database="db", login="bot", company_ids=company_ids)
    return OdooAdapter(db, settings, today=DAY)


def _invoiced(adapter: OdooAdapter) -> list[str]:
    records = adapter.pull(None, full=True).records
    return sorted(i["customer_id"] for i in records["invoices"])


def _moves_domain(db: BranchOdoo) -> list[Any]:
    return [kw["domain"] for model, method, kw in db.log if model == "account.move" and method == "search_read"][-1]


@pytest.mark.parametrize("version", [(18, 0), (19, 0)])
def test_repro__a_root_company_reads_its_branches_invoices_and_holds_their_debtor(version):
    db = BranchOdoo(version)
    root = _adapter(db, 1)
    assert _invoiced(root) == ["71", "72", "73"], "the root, its branch and the branch's branch"
    assert ["company_id", "in", [1, 2, 3]] in _moves_domain(db)
    assert root.company == {"id": "1", "name": "Company 1", "currency": "EUR"}, "the root's name, not its branches'"

    # 73 is a customer of company 3 (two levels below the root): the root holds it, as its own
    hold = Hold(customer_id="73", rule="segment:delinquent", reason="95 days past due", since=DAY)
    desired = DesiredState(as_of=DAY, holds=(hold,))
    changes = diff(root.read_written_state(), desired).changes
    assert [c.op for c in changes] == [Op.PLACE_HOLD]
    assert all(r.ok for r in root.apply(changes)), "a branch's customer is written with the branch allowed"
    assert db.warning(73)[1] == "95 days past due [arwatch:hold@1]", "the mark names the root"
    assert [h.key for h in root.read_written_state().holds] == ["hold:73"], "read back as the root's hold"
    assert diff(root.read_written_state(), desired).changes == (), "the next run writes nothing"


def test_a_company_without_a_setting_reads_the_users_company_and_its_branches():
    db = BranchOdoo()
    assert _invoiced(_adapter(db)) == ["71", "72", "73"]


def test_an_unrelated_company_and_its_branch_are_not_read_nor_a_sibling_by_a_branch():
    db = BranchOdoo()
    assert _invoiced(_adapter(db, 4)) == ["74", "75"], "company 4's tree only"
    assert _invoiced(_adapter(BranchOdoo(), 5)) == ["75"]


def test_a_branch_named_alone_reads_its_own_subtree_only():
    db = BranchOdoo()
    branch = _adapter(db, 2)
    assert _invoiced(branch) == ["72", "73"], "not its parent (1), nor the unrelated tree"
    assert branch.company["id"] == "2"
    assert db.log[-1][2]["context"]["allowed_company_ids"] == [2, 3]


def test_a_root_and_its_branch_named_together_are_read_once():
    db = BranchOdoo()
    both = _adapter(db, 1, 2)
    assert _invoiced(both) == ["71", "72", "73"], "no duplicate row"
    assert ["company_id", "in", [1, 2, 3]] in _moves_domain(db), "each company once, the named ones first"
    assert both.company["name"] == "Company 1 + Company 2"
    assert _invoiced(_adapter(BranchOdoo(), 2, 1)) == ["71", "72", "73"]


def test_a_branch_the_api_user_cannot_work_in_is_not_read():
    """Odoo refuses any company outside the user's in ``allowed_company_ids``: such a branch
    would make every call fail, so it is left out (the user needs access to every branch)."""
    db = BranchOdoo(member_of=(1, 2, 4, 5))
    assert _invoiced(_adapter(db, 1)) == ["71", "72"]
    db = BranchOdoo(member_of=(2, 3))
    with pytest.raises(Exception, match="not readable by the API user"):
        _adapter(db, 1).company  # noqa: B018
    with pytest.raises(Exception, match=r"company_ids \[2, 1\]: company 1 not readable by the API user "
                                        r"\(no such company, or the user is not allowed in it"):
        _adapter(db, 2, 1).company  # noqa: B018


def test_with_the_addon_scored_by_sync_the_root_reads_its_branches_too():
    db = BranchOdoo(addon=True)
    root = _adapter(db, 1)
    assert root.mode == "addon"
    assert _invoiced(root) == ["71", "72", "73"]
    api = [kw for model, _, kw in db.log if model == "arwatch.sync.api"]
    assert api and all(kw["company_id"] == 1 for kw in api), "the add-on's records are the root's"


def test_before_branches_the_named_companies_are_read_as_before():
    db = BranchOdoo((16, 0))
    assert _invoiced(_adapter(db, 1)) == ["71"]
    assert ("res.company", "read") in [(m, f) for m, f, _ in db.log]
    assert db.log[-1][2]["context"]["allowed_company_ids"] == [1]



# --- a root and its branch configured as two arwatch companies ---------------------------------
#
# The defect this pins: with ``[companies.group] company_ids = [1]`` and ``[companies.north]
# company_ids = [2]`` on one database, both runs read company 2's (and 3's) invoices: customer 72
# was scored by both, could be flagged and held twice (two lines in its sales warning, two tasks),
# and a release by one run contradicted the other's hold. Now a branch another arwatch company of
# the configuration names is read under that company only: the root's run leaves it (and the
# branches below it) out, as the configuration meant before branches were read at all.

def _peered(db: BranchOdoo, company_ids: tuple[int, ...], name: str = "group", login: str = "bot",
            **peers: tuple[int, ...]) -> OdooAdapter:
    settings = OdooSettings(url="https://odoo", database="db", login=login, company_ids=company_ids)
    return OdooAdapter(db, settings, today=DAY, company=name,
                       peers=[Peer(other, ids, "bot") for other, ids in peers.items()])


def _company_calls(db: BranchOdoo) -> list[list[Any]]:
    return [kw["domain"] for model, method, kw in db.log if model == "res.company" and method == "search_read"]


@pytest.mark.parametrize("version", [(18, 0), (19, 0)])
def test_repro__a_root_and_its_branch_configured_apart_each_read_their_own_customers_once(version):
    db = BranchOdoo(version)
    root, north = _peered(db, (1,), north=(2,)), _peered(db, (2,), "north", group=(1,))
    assert _invoiced(root) == ["71"], "the branch (and the branch below it) is north's"
    assert _moves_domain(db)[-1] == ["company_id", "in", [1]]
    assert _invoiced(north) == ["72", "73"], "north reads its own tree, as when configured alone"
    assert root.reader.scope == (1,) and north.reader.scope == (2, 3)

    # north holds 72: the root's run neither sees it nor writes a hold of its own on it
    hold = Hold(customer_id="72", rule="segment:delinquent", reason="95 days past due", since=DAY)
    assert all(r.ok for r in north.apply(diff(north.read_written_state(), DesiredState(as_of=DAY, holds=(hold,)))
                                         .changes))
    assert db.warning(72)[1] == "95 days past due [arwatch:hold@2]"
    assert "72" not in {c["id"] for c in root.pull(None, full=True).records["customers"]}
    assert root.read_written_state().holds == (), "not the root's hold, not the root's customer"


def test_a_branch_below_a_branch_configured_apart_leaves_the_root_the_rest_of_its_tree():
    db = BranchOdoo()
    root = _peered(db, (1,), south=(3,))
    assert _invoiced(root) == ["71", "72"]
    assert _company_calls(db)[-1] == [["id", "child_of", [3]], ["user_ids", "in", [db.uid]]], \
        "one more call, only in such a configuration"


def test_other_companies_on_the_database_that_are_no_branch_change_nothing():
    db = BranchOdoo()
    root = _peered(db, (1,), other=(4,), leaf=(5,))
    assert _invoiced(root) == ["71", "72", "73"]
    assert len(_company_calls(db)) == 1, "the connect's one res.company call, as without peers"


def test_a_peer_without_company_ids_on_the_same_login_is_the_users_company():
    db = BranchOdoo()  # the API user's current company is 1
    north = _peered(db, (2,), "north", **{"group": ()})
    assert _invoiced(north) == ["72", "73"], "the root is above north: north reads its tree"
    root = _peered(BranchOdoo(), (), "group", north=(2,))
    assert _invoiced(root) == ["71"]
    with pytest.raises(ConfigError, match=r"companies\.north and companies\.group both name Odoo company 1"):
        _peered(BranchOdoo(), (1,), "north", **{"group": ()}).company  # noqa: B018


def test_one_odoo_company_named_by_two_arwatch_companies_is_refused_naming_both():
    with pytest.raises(ConfigError, match=r"^companies\.group and companies\.copy both name Odoo company 1 of db in "
                                          r"company_ids: its customers would be scored, flagged and held twice; "
                                          r"name each Odoo company in one arwatch company only$"):
        _peered(BranchOdoo(), (1,), copy=(2, 1)).company  # noqa: B018


def test_a_named_company_below_a_branch_another_company_reads_is_refused():
    with pytest.raises(ConfigError, match=r"^companies\.group names Odoo company 3, which is below a branch another "
                                          r"arwatch company reads \(company 2: companies\.north\): its customers "
                                          r"would be scored twice; name company 3 in one arwatch company only$"):
        _peered(BranchOdoo(), (1, 3), north=(2,)).company  # noqa: B018


def test_with_the_addon_a_branch_configured_apart_from_its_root_is_refused():
    """The add-on scores a branch with its root (its records are the group's, the root's hold
    applies in every branch): leaving the branch out of the root's standard reads would not stop
    the double scoring, so the configuration is refused before anything is read or written."""
    db = BranchOdoo(addon=True)
    with pytest.raises(ConfigError, match=r"^companies\.group \(Odoo company 1\) reads its branches, and "
                                          r"companies\.north names its branch 2: with the arwatch add-on a branch "
                                          r"is scored with its root company .*remove companies\.north "
                                          r"\(companies\.group scores the whole group\)$"):
        _peered(db, (1,), north=(2,)).company  # noqa: B018
    assert not [m for m, _, _ in db.log if m == "arwatch.sync.api"]


def test_the_configuration_passes_each_odoo_company_its_peers_on_the_same_database(tmp_path, monkeypatch):
    """Through ``arwatch.sync.sources.make_adapter``, as ``arwatch sync`` builds them."""
    import arwatch.adapters.odoo as odoo_source
    from arwatch.core.clock import fixed_clock
    from arwatch.sync.config import SyncConfig, load_config, load_secrets
    from arwatch.sync.sources import make_adapter

    db = BranchOdoo()
    monkeypatch.setattr(odoo_source, "connect", lambda *args, **kw: db)
    odoo = 'source = "odoo"\ncredentials = "odoo"\n'
    (tmp_path / "config.toml").write_text(
        f'[companies.group]\n{odoo}[companies.group.settings]\nurl = "https://odoo/"\ndatabase = "db"\n'
        f'login = "bot"\ncompany_ids = [1]\n'
        f'[companies.north]\n{odoo}[companies.north.settings]\nurl = "https://ODOO"\ndatabase = "db"\n'
        f'login = "bot"\ncompany_ids = [2]\n'
        f'[companies.elsewhere]\n{odoo}[companies.elsewhere.settings]\nurl = "https://odoo"\n'
        f'database = "other"\nlogin = "bot"\ncompany_ids = [1]\n')
    config: SyncConfig = load_config(tmp_path / "config.toml")
    secrets = load_secrets(None, {"ARWATCH_SECRET__ODOO__API_KEY": "k"})
    built = {name: make_adapter(config.company(name), config, object(), secrets, fixed_clock(DAY))  # type: ignore[arg-type]
             for name in ("group", "north", "elsewhere")}
    assert [p.name for p in built["group"].peers] == ["north"], "the same database (url as written or not)"
    assert [p.name for p in built["elsewhere"].peers] == [], "another database is no peer"
    assert _invoiced(built["group"]) == ["71"]
    assert _invoiced(built["north"]) == ["72", "73"]


# --- a branch configured alone, invoicing a customer of its root company -----------------------
#
# The defect this pins: Odoo shows a root company's partners in its branches (record rule
# ``company_id parent_of <allowed companies>``), so a branch invoices customer 71 of root 1. With
# the branch configured alone (``company_ids = [2]``) the run read customers of companies 2 and 3
# (or none) only: its invoice to 71 came without its customer and was dropped as an "unknown
# customer" issue: 71's overdue debt in the branch was in no risk, hold or task. Now the branch
# reads the customers its own invoices, credit notes and payments name, whatever their company,
# as far as Odoo lets the API user; what it writes on them stays the branch's (``@2``).

class RootCustomerOdoo(BranchOdoo):
    """``BranchOdoo`` with Odoo's partner record rule (``parent_of``: a root's partners are seen
    in its branches), a contact of 71, invoice 600 of branch 2 to 71, and ``hidden`` partners
    the API user may not read at all (a record rule of the database)."""

    def __init__(self, *args: Any, hidden: tuple[int, ...] = (), **kw: Any):
        super().__init__(*args, **kw)
        self.hidden = set(hidden)
        self.partners[171] = {"id": 171, "name": "Ann of 71", "function": "AP", "parent_id": [71, "Customer 71"],
                              "type": "contact", "commercial_partner_id": [71, "Customer 71"],
                              "company_id": [1, "Company 1"], "create_date": "2025-01-01 00:00:00",
                              "active": True, "write_date": "2026-11-01 00:00:00", "customer_rank": 0,
                              "category_id": [], "activity_ids": [], "sale_warn_msg": ""}
        self.moves.append({**self.moves[0], "id": 600, "name": "INV/2/600", "company_id": [2, "Company 2"],
                           "amount_total_signed": 700.0, "amount_residual_signed": 700.0,
                           "write_date": "2026-11-10 00:00:00"})

    def _term(self, row: dict[str, Any], term: list[Any]) -> bool:
        name, op, value = term
        if op == "not in" and "." not in name:
            return _many2one(row.get(name)) not in value
        if op == "!=" and name == "parent_id":
            return bool(row.get(name)) != bool(value)
        return super()._term(row, term)

    def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
        if model == "res.partner" and method == "search_read":
            self.log.append((model, method, kw))
            fields = kw.get("fields")
            allowed = set(kw.get("context", {}).get("allowed_company_ids") or TREE)
            visible = [r for r in self.partners.values() if r["id"] not in self.hidden and (
                not r["company_id"] or any(_path(a).startswith(_path(_many2one(r["company_id"]))) for a in allowed))]
            rows = [dict(r) for r in visible if self._match(r, kw["domain"])]
            return [{k: v for k, v in r.items() if not fields or k in fields or k == "id"} for r in rows]
        return super().call(model, method, ids, **kw)


def _partner_calls(db: BranchOdoo) -> int:
    return len([1 for model, method, _ in db.log if model == "res.partner" and method == "search_read"])


def test_repro__a_branch_alone_reads_the_root_customer_its_invoice_names_with_its_contacts():
    db = RootCustomerOdoo()
    branch = _adapter(db, 2)
    result = branch.pull(None, full=True)
    invoices = {i["id"]: i["customer_id"] for i in result.records["invoices"]}
    assert invoices == {"472": "72", "473": "73", "600": "71"}
    customers = {c["id"]: c for c in result.records["customers"]}
    assert sorted(customers) == ["71", "72", "73"], "71 (the root's) came with the branch's invoice to it"
    assert [c["name"] for c in customers["71"]["contacts"]] == ["Ann of 71"]
    assert result.issues == ()
    assert "74" not in customers and "401" not in invoices, "the root's own invoice to 71 stays the root's"


def test_today_such_an_invoice_was_left_out_as_an_unknown_customer_of_the_load():
    """What happened before the fix, as the loader sees it: the invoice without its customer is
    an issue ("unknown customer '71'") and its debt is in no customer's risk."""
    from arwatch.core.load import load_ledger

    ledger, issues = load_ledger(_adapter(RootCustomerOdoo(), 2).pull(None, full=True).records, source="odoo")
    assert not [i for i in issues if i.record_id == "600"], "was: unknown customer '71'"
    assert "600" in {i.id for i in ledger.invoices}, "the branch's debt of 71 is scored"


def test_a_branch_reads_no_more_when_its_invoices_name_only_its_own_customers():
    db, plain = RootCustomerOdoo(), RootCustomerOdoo()
    plain.moves = [mv for mv in plain.moves if mv["id"] != 600]
    _adapter(plain, 2).pull(None, full=True)
    _adapter(db, 2).pull(None, full=True)
    assert _partner_calls(plain) == 2, "customers and contacts, as before"
    assert _partner_calls(db) == 4, "one call for the named customers, one for their contacts"


def test_an_incremental_pull_reads_the_root_customer_of_a_changed_invoice_and_keeps_it():
    db = RootCustomerOdoo()
    branch = _adapter(db, 2)
    first = branch.pull(None, full=True)
    assert '"foreign": [71]' in first.cursor
    db.moves[-1].update(amount_residual_signed=300.0, write_date="2026-11-19 00:00:00")
    db.partners[71].update(credit_limit=5000.0)
    again = branch.pull(first.cursor, full=False).records
    assert [(i["id"], i["customer_id"]) for i in again["invoices"]] == [("600", "71")]
    assert [c["id"] for c in again["customers"]] == ["71"], "the root's customer, read again whole"
    assert again["customers"][0]["contacts"], "with its contacts"


def test_an_incremental_pull_with_nothing_changed_reads_known_root_customers_only():
    db = RootCustomerOdoo()
    branch = _adapter(db, 2)
    cursor = branch.pull(None, full=True).cursor
    before = _partner_calls(db)
    branch.pull(cursor, full=False)
    assert _partner_calls(db) - before == 3, "the changed partners, then 71 and its contacts"
    plain = RootCustomerOdoo()
    plain.moves = [mv for mv in plain.moves if mv["id"] != 600]
    own = _adapter(plain, 2)
    cursor = own.pull(None, full=True).cursor
    before = _partner_calls(plain)
    own.pull(cursor, full=False)
    assert _partner_calls(plain) - before == 1, "no root customer: the one partners call, as before"


def test_a_root_customer_the_api_user_cannot_read_is_an_issue_naming_it_and_the_invoice():
    db = RootCustomerOdoo(hidden=(71,))
    result = _adapter(db, 2).pull(None, full=True)
    assert sorted(i["id"] for i in result.records["invoices"]) == ["472", "473"]
    [issue] = result.issues
    assert (issue.record_type, issue.record_id, issue.field) == ("account.move", "600", "partner_id")
    assert issue.message.startswith("customer 71 of invoice INV/2/600 is not readable by the API user")


def test_an_access_error_on_the_named_customers_does_not_stop_the_run():
    from arwatch.adapters.odoo.errors import RecordRefused

    class Refusing(RootCustomerOdoo):
        def call(self, model: str, method: str, ids: Any = None, **kw: Any) -> Any:
            if model == "res.partner" and any(t[:2] == ["id", "in"] and 71 in t[2] for t in kw.get("domain", [])
                                              if isinstance(t, list)):
                raise RecordRefused("AccessError", "You are not allowed to access 'Contact' (res.partner) records.")
            return super().call(model, method, ids, **kw)

    db = Refusing()
    branch = _adapter(db, 2)
    result = branch.pull(None, full=True)
    assert sorted(i["id"] for i in result.records["invoices"]) == ["472", "473"]
    [issue] = result.issues
    assert "customer 71 of invoice INV/2/600" in issue.message and "AccessError" in issue.message

    # incremental: 72 (the branch's own, unchanged) and 71 asked for together; the refusal of 71
    # leaves 72's changed invoice in
    for move in db.moves:
        if move["id"] in (472, 600):
            move["write_date"] = "2026-11-19 00:00:00"
    again = branch.pull(result.cursor, full=False)
    assert [i["id"] for i in again.records["invoices"]] == ["472"]
    assert [i.record_id for i in again.issues] == ["600"]


# What the branch writes on its root's customer is the branch's (``@2``): read back by the branch
# (its pull read the customer), never cleared, released or dropped by the root's run, whether
# the root is configured apart (another configuration: its scope has the branch) or as a peer.

def _flag71(level: str) -> Flag:
    return Flag(customer_id="71", level=level, score=80, segment="delinquent",
                reasons=("aging: INV/2/600 95 days past due",), as_of=DAY)


def _hold71(reason: str) -> Hold:
    return Hold(customer_id="71", rule="segment:delinquent", reason=reason, since=DAY)


def _sync(adapter: OdooAdapter, *items: Flag | Hold) -> list[str]:
    """One run of ``adapter``: pull, read back, diff against ``items``, apply; "<op> <key>"."""
    adapter.pull(None, full=True)
    adapter.lookups._tags = None  # a new run reads the tags again
    desired = DesiredState(as_of=DAY, flags=tuple(i for i in items if isinstance(i, Flag)),
                           holds=tuple(i for i in items if isinstance(i, Hold)))
    changes = diff(adapter.read_written_state(), desired).changes
    assert all(r.ok for r in adapter.apply(changes)), [r.error for r in adapter.apply(changes)]
    return [f"{c.op.value} {c.key}" for c in changes]


def _root(db: BranchOdoo, how: str) -> OdooAdapter:
    return _adapter(db, 1) if how == "apart" else _peered(db, (1,), north=(2,))


def _branch(db: BranchOdoo, how: str) -> OdooAdapter:
    return _adapter(db, 2) if how == "apart" else _peered(db, (2,), "north", group=(1,))


@pytest.mark.parametrize("how", ["apart", "peers"])
def test_repro__a_branch_flags_and_holds_a_root_customer_as_its_own_and_reads_it_back(how):
    db = RootCustomerOdoo()
    branch = _branch(db, how)
    assert sorted(_sync(branch, _flag71("high"), _hold71("95 days past due"))) == ["place_hold hold:71",
                                                                                  "set_flag flag:71"]
    assert db.warning(71) == ("block", "95 days past due [arwatch:hold@2]")
    assert db.tag_names(71) == ["Risk: high"]
    assert _sync(branch, _flag71("high"), _hold71("95 days past due")) == [], "read back: the next run writes nothing"
    state = branch.read_written_state()
    assert [(f.key, f.level) for f in state.flags] == [("flag:71", "high")]
    assert [h.reason for h in state.holds] == ["95 days past due"]


@pytest.mark.parametrize("how", ["apart", "peers"])
def test_the_roots_run_leaves_the_branchs_flag_and_hold_on_its_customer(how):
    db = RootCustomerOdoo()
    branch, root = _branch(db, how), _root(db, how)
    _sync(branch, _flag71("high"), _hold71("95 days past due"))
    assert _sync(root) == [], "not the root's flag or hold: nothing to clear or release"
    assert db.warning(71) == ("block", "95 days past due [arwatch:hold@2]")
    assert db.tag_names(71) == ["Risk: high"]

    # the root holds and flags 71 (lower) too, then releases and clears: the branch's stay
    assert sorted(_sync(root, _flag71("low"), _hold71("fraud suspected"))) == ["place_hold hold:71",
                                                                              "set_flag flag:71"]
    assert db.warning(71) == ("block", "95 days past due [arwatch:hold@2]\nfraud suspected [arwatch:hold@1]")
    assert db.tag_names(71) == ["Risk: high"], "the highest level any company flags it with"
    assert sorted(_sync(root)) == ["clear_flag flag:71", "release_hold hold:71"]
    assert db.warning(71) == ("block", "95 days past due [arwatch:hold@2]")
    assert db.tag_names(71) == ["Risk: high"]
    assert _sync(branch, _flag71("high"), _hold71("95 days past due")) == [], "the branch's own, untouched"

    # the branch releases and clears while the root holds: the root's line stays
    _sync(root, _hold71("fraud suspected"))
    assert sorted(_sync(branch)) == ["clear_flag flag:71", "release_hold hold:71"]
    assert db.warning(71) == ("block", "fraud suspected [arwatch:hold@1]")
    assert db.tag_names(71) == []
    assert _sync(root, _hold71("fraud suspected")) == []


def test_a_legacy_hold_on_a_root_customer_is_not_the_branchs():
    """A hold written without company by an earlier version's run of the root: the branch, which
    never wrote on the root's customers before, neither reads it as its own nor releases it."""
    db = RootCustomerOdoo()
    db.partners[71].update(sale_warn="block", sale_warn_msg="Overdue [arwatch:hold]")
    branch = _adapter(db, 2)
    branch.pull(None, full=True)
    assert branch.read_written_state().holds == ()
    assert _sync(branch, _hold71("95 days past due")) == ["place_hold hold:71"]
    assert db.warning(71) == ("block", "Overdue [arwatch:hold]\n95 days past due [arwatch:hold@2]")
    assert _sync(branch) == ["release_hold hold:71"]
    assert db.warning(71) == ("block", "Overdue [arwatch:hold]"), "the root's legacy hold stays"
