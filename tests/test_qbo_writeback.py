"""Write-back against the stand-in: notes block, holds, task notes, batches and faults."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from qbo_adapter_fixtures import (  # noqa: F401
    Kit,
    arwatch_notes,
    clear_flag,
    close_task,
    kit,
    open_task,
    place_hold,
    qbo_standin,
    release_hold,
    set_flag,
    task,
)
from qbo_standin import TimeoutWhileHeld

from arwatch.adapters.quickbooks.notes_block import BEGIN, split_notes
from arwatch.adapters.quickbooks.state import HOLD_TERM_NAME
from arwatch.core.actions import Op


def company(kit: Kit) -> None:  # noqa: F811
    kit.standin.load(
        terms=[{"Name": "Net 30", "DueDays": 30}],
        customers=[{"DisplayName": "Acme", "SalesTermRef": {"value": "1"},
                    "Notes": "Call Bob, not Alice."},
                   {"DisplayName": "Bolt"}, {"DisplayName": "Chatty", "Notes": "x" * 1000}],
        invoices=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01", "DueDate": "2023-12-01",
                   "TotalAmt": 100, "BillEmail": {"Address": "ap@acme.test"}},
                  {"CustomerRef": {"value": "2"}, "TxnDate": "2023-11-01", "TotalAmt": 10}])
    kit.later()


def ready(kit: Kit):  # noqa: F811
    company(kit)
    source = kit.source()
    first = source.pull(None, full=False)
    kit.later()
    return source, first


def notes(kit: Kit, cid: str) -> str:  # noqa: F811
    return kit.standin.get("Customer", cid).get("Notes", "")


def term(kit: Kit, cid: str) -> str | None:  # noqa: F811
    return (kit.standin.get("Customer", cid).get("SalesTermRef") or {}).get("value")


# ---------------------------------------------------------------------- flags
def test_flag__written_in_a_block_keeping_the_users_text(kit):  # noqa: F811
    source, _ = ready(kit)
    [result] = source.apply([set_flag("1")])
    assert result.ok and result.external_id == "1"
    text = notes(kit, "1")
    assert text.startswith("Call Bob, not Alice.\n\n" + BEGIN)
    assert "Risk: high | score 72 | segment slipping | as of 2024-01-05" in text
    assert source.read_written_state().flags[0].level == "high"
    [cleared] = source.apply([clear_flag("1")])
    assert cleared.ok and notes(kit, "1") == "Call Bob, not Alice."
    assert source.read_written_state().flags == ()


def test_flag__no_room_beside_the_users_text_fails_that_item_only(kit):  # noqa: F811
    source, _ = ready(kit)
    results = list(source.apply([set_flag("3"), set_flag("2")]))
    assert [r.ok for r in results] == [False, True]
    assert "no room" in results[0].error
    assert notes(kit, "3") == "x" * 1000


def test_flag__long_reasons_are_shortened_to_1024_and_read_back_as_written(kit):  # noqa: F811
    source, _ = ready(kit)
    change = set_flag("1", reasons=[f"reason {i}: " + "z" * 200 for i in range(8)])
    assert next(iter(source.apply([change]))).ok
    assert len(notes(kit, "1")) <= 1024
    kit.later()
    fresh = kit.source()  # read from QuickBooks again, with the adapter's memory on disk
    fresh.state.synced_at = None
    assert fresh.read_written_state().flags == (change.flag,)



def test_flag__a_hold_written_later_keeps_a_shortened_flag_as_written(kit):  # noqa: F811
    source, first = ready(kit)
    change = set_flag("1", reasons=[f"reason {i}: " + "z" * 200 for i in range(8)])
    assert next(iter(source.apply([change]))).ok
    assert next(iter(source.apply([place_hold("1")]))).ok  # a later batch re-renders the block
    kit.later()
    rerun = kit.source()
    rerun.pull(first.cursor, full=False)
    assert rerun.read_written_state().flags == (change.flag,)


# ---------------------------------------------------------------------- holds
def test_hold__switches_to_the_hold_term_and_release_restores_the_previous(kit):  # noqa: F811
    source, _ = ready(kit)
    [placed] = source.apply([place_hold("1")])
    hold_term = kit.standin.company().objects["Term"][term(kit, "1")]
    assert hold_term["Name"] == HOLD_TERM_NAME and hold_term["DueDays"] == 0
    assert placed.details["previous_term"] == "1"
    assert [h.customer_id for h in source.read_written_state().holds] == ["1"]
    # the store gives the previous term back to a later run
    later = kit.source(details={"hold:1": placed.details})
    [released] = later.apply([release_hold("1")])
    assert released.ok and term(kit, "1") == "1"
    assert notes(kit, "1") == "Call Bob, not Alice."
    assert later.read_written_state().holds == ()


def test_hold__release_uses_the_marker_when_the_store_has_nothing(kit):  # noqa: F811
    source, _ = ready(kit)
    source.apply([place_hold("1"), set_flag("1")])
    [released] = kit.source().apply([release_hold("1")])
    assert released.details == {"restored_term": "1"} and term(kit, "1") == "1"
    assert "Risk: high" in notes(kit, "1")  # the flag stays


def test_hold__customer_without_a_term_gets_none_back(kit):  # noqa: F811
    source, _ = ready(kit)
    [placed] = source.apply([place_hold("2")])
    assert placed.details["previous_term"] == "" and term(kit, "2") is not None
    [released] = source.apply([release_hold("2")])
    assert released.ok and term(kit, "2") is None


def test_hold__term_created_once_for_many_holds(kit):  # noqa: F811
    source, _ = ready(kit)
    source.apply([place_hold("1")])
    kit.source().apply([place_hold("2")])
    names = [t["Name"] for t in kit.standin.company().objects["Term"].values()]
    assert names.count(HOLD_TERM_NAME) == 1
    assert kit.standin.count(operation="create", entity="Term") == 1


def test_hold__held_customers_keep_their_own_terms_days_in_the_pull(kit):  # noqa: F811
    source, first = ready(kit)
    source.apply([place_hold("1")])
    kit.later()
    result = source.pull(first.cursor, full=False)
    acme = next(c for c in result.records["customers"] if c["id"] == "1")
    assert acme["terms_days"] == 30


# ---------------------------------------------------------------------- tasks
def test_task__attachable_note_never_duplicated_on_rerun(kit):  # noqa: F811
    source, first = ready(kit)
    t = task("1", invoice="1")
    [opened] = source.apply([open_task(t)])
    assert opened.ok and len(arwatch_notes(kit)) == 1
    note = arwatch_notes(kit)[0]
    assert note["AttachableRef"][0]["EntityRef"] == {"type": "Invoice", "value": "1"}
    kit.later()
    rerun = kit.source()
    rerun.pull(first.cursor, full=False)
    assert t.key in {x.key for x in rerun.read_written_state().tasks}
    [again] = rerun.apply([open_task(t)])  # even if asked again
    assert again.ok and again.external_id == opened.external_id
    assert len(arwatch_notes(kit)) == 1


def test_task__found_again_when_the_adapter_state_is_lost(kit):  # noqa: F811
    source, _ = ready(kit)
    t = task("2")
    source.apply([open_task(t)])
    source.state.memory.path.unlink()  # the adapter used on its own keeps its memory in a file
    fresh = kit.source()
    assert [x.key for x in fresh.read_written_state().tasks] == [t.key]
    assert arwatch_notes(kit)[0]["AttachableRef"][0]["EntityRef"] == {"type": "Customer",
                                                                       "value": "2"}


def test_task__close_marks_the_note_done(kit):  # noqa: F811
    source, _ = ready(kit)
    t = task("1", invoice="1")
    source.apply([open_task(t)])
    [closed] = source.apply([close_task(t)])
    assert closed.ok
    [note] = arwatch_notes(kit)
    assert note["Note"].startswith(f"arwatch task {t.key} [done 2024-01-05]")
    assert source.read_written_state().tasks == ()
    [reopened] = source.apply([open_task(t)])  # a new cause later: a new note
    assert reopened.ok and len(arwatch_notes(kit)) == 2


def test_task__invoice_email_only_when_enabled(kit):  # noqa: F811
    source, _ = ready(kit)
    source.apply([open_task(task("1", invoice="1"))])
    assert kit.standin.count(operation="send") == 0
    enabled = kit.source(send_invoice_email=["reminder_2"])
    [result] = enabled.apply([open_task(task("1", invoice="1", step="reminder_2"))])
    assert result.details == {"emailed_invoice": "1"}
    assert kit.standin.get("Invoice", "1")["EmailStatus"] == "EmailSent"


# ---------------------------------------------------------------------- batches and faults
def test_batch__one_failing_item_never_stops_the_others(kit):  # noqa: F811
    source, _ = ready(kit)
    changes = [open_task(task("1", invoice="1")), open_task(task("2", invoice="999")),
               open_task(task("2")), set_flag("1"), set_flag("404")]
    results = list(source.apply(changes))
    assert [r.key for r in results] == [c.key for c in changes]
    assert [r.ok for r in results] == [True, False, True, True, False]
    assert "2500" in results[1].error and "not found" in results[4].error
    assert len(arwatch_notes(kit)) == 2


def test_batch__at_most_30_items_per_request(kit):  # noqa: F811
    source, _ = ready(kit)
    results = list(source.apply([open_task(task("2", step=f"s{i}")) for i in range(65)]))
    assert all(r.ok for r in results)
    batches = kit.standin.calls(operation="batch")
    assert len(batches) == 3 and len({b.params["requestid"] for b in batches}) == 3


def test_batch__over_the_limit_is_resent_in_tens(kit):  # noqa: F811
    source, _ = ready(kit)
    kit.standin.batch_limit = 10
    results = list(source.apply([open_task(task("2", step=f"s{i}")) for i in range(25)]))
    assert all(r.ok for r in results) and len(arwatch_notes(kit)) == 25


def test_stale_sync_token__reread_and_retried_keeping_the_users_edit(kit):  # noqa: F811
    source, _ = ready(kit)
    co = kit.standin.company()
    real_batch = kit.standin._batch

    def edit_first(company, body):  # a person saves the customer just before our write lands
        if not getattr(edit_first, "done", False):
            edit_first.done = True
            cust = co.get("Customer", "1")
            co.update("Customer", {"Id": "1", "SyncToken": cust["SyncToken"], "sparse": True,
                                   "Notes": "Call Bob, not Alice. Bob left: call Carol."})
        return real_batch(company, body)

    kit.standin._batch = edit_first
    [result] = source.apply([set_flag("1")])
    assert result.ok
    text = notes(kit, "1")
    assert split_notes(text).user_text == "Call Bob, not Alice. Bob left: call Carol."
    assert text.count(BEGIN) == 1
    assert kit.standin.count(operation="batch") == 2


def batch_changes():
    return [open_task(task("1", invoice="1")), open_task(task("2")), set_flag("2")]


@pytest.mark.parametrize("fault", [dict(status=429, body="xml"), dict(status=429, body="json"),
                                   dict(status=502)])
def test_batch__retried_after_a_fault_with_nothing_lost_or_duplicated(kit, fault):  # noqa: F811
    source, _ = ready(kit)
    kit.standin.inject("batch", **fault)
    results = list(source.apply(batch_changes()))
    assert all(r.ok for r in results)
    assert len(arwatch_notes(kit)) == 2 and notes(kit, "2").count(BEGIN) == 1
    ids = [c.params["requestid"] for c in kit.standin.calls(operation="batch")]
    assert len(ids) == len(set(ids)) + 1  # the retry repeated its request id
    assert len(arwatch_notes(kit)) == 2 and notes(kit, "2").count(BEGIN) == 1


def test_batch__retried_after_a_timeout_and_the_late_answer_changes_nothing(kit):  # noqa: F811
    source, _ = ready(kit)
    slow = kit.standin.inject("batch", status=None, hold=True)  # unanswered until released
    timeouts = TimeoutWhileHeld(slow)  # the client times out on the held batch, at once
    source.client.http.mount(kit.standin.base_url, timeouts)
    results = list(source.apply(batch_changes()))
    assert all(r.ok for r in results)
    assert len(timeouts.timed_out) == 1 and kit.sleeps == [1.0]  # one timeout, one retry
    assert len(arwatch_notes(kit)) == 2 and notes(kit, "2").count(BEGIN) == 1
    assert kit.standin.count(operation="batch") == 2  # the held one has not landed yet

    slow.release()
    slow.wait_answered()  # the slow batch lands after its retry
    batches = kit.standin.calls(operation="batch")
    ids = [c.params["requestid"] for c in batches]
    assert len(ids) == 3 and len(set(ids)) == 2
    [held_id] = parse_qs(urlsplit(timeouts.timed_out[0].url).query)["requestid"]
    same = [c for c in batches if c.params["requestid"] == held_id]  # the retry repeated it
    assert [(c.held, c.replayed) for c in same] == [(False, False), (True, True)]
    assert same[1] is batches[-1] and same[1].status == 200  # applied once, the late one replayed
    assert len(arwatch_notes(kit)) == 2 and notes(kit, "2").count(BEGIN) == 1


def test_rerun__writes_nothing_when_everything_is_already_there(kit):  # noqa: F811
    source, first = ready(kit)
    t = task("1", invoice="1")
    source.apply([set_flag("1"), place_hold("1"), open_task(t)])
    kit.later()
    kit.standin.clear_log()
    rerun = kit.source()
    rerun.pull(first.cursor, full=False)
    written = rerun.read_written_state()
    results = list(rerun.apply([set_flag("1"), place_hold("1"), open_task(t)]))
    assert all(r.ok for r in results)
    writes = [c for c in kit.standin.requests if c.operation not in ("cdc", "query")]
    assert writes == []
    assert (len(written.flags), len(written.holds), len(written.tasks)) == (1, 1, 1)
    assert results[2].op is Op.OPEN_TASK and results[2].details == {"existing": "true"}
