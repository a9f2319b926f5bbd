"""The incremental cursor never skips a record changed in the same second as the previous pull.

QuickBooks stamps ``MetaData.LastUpdatedTime`` in whole seconds, while the envelope ``time`` the
cursor came from carries milliseconds: a customer edited at 10:20:30.700, after a pull answered
at 10:20:30.400, is stamped 10:20:30 and CDC "changed since 10:20:30.400" leaves it out for ever.
The cursor is now the whole second (a record seen twice is merged once). Tested on the stand-in only.
"""

from __future__ import annotations

from qbo_adapter_fixtures import kit, qbo_standin  # noqa: F401  (fixtures)


def test_a_customer_changed_in_the_second_of_the_cursor_is_pulled(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}, {"DisplayName": "Bolt"}])
    kit.later()
    source = kit.source()
    kit.standin.clock.advance(seconds=0.4)
    first = source.pull(None, full=True)
    kit.standin.clock.advance(seconds=0.3)  # the same second, after the pull's answers
    co = kit.standin.company()
    co.update("Customer", {"Id": "2", "SyncToken": co.get("Customer", "2")["SyncToken"], "sparse": True,
                           "DisplayName": "Bolt & Sons"})
    kit.later()
    second = source.pull(first.cursor, full=False)
    assert [(c["id"], c["name"]) for c in second.records["customers"]] == [("2", "Bolt & Sons")]


def test_a_pull_in_a_later_second_does_not_bring_it_again(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}])
    kit.later()
    source = kit.source()
    first = source.pull(None, full=True)
    kit.later()
    assert source.pull(first.cursor, full=False).records["customers"] == []
