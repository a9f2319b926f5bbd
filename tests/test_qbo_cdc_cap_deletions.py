"""More changes than CDC answers (1000 objects, truncated silently, deletions after the live ones):
an invoice deleted in QuickBooks among them is still seen as deleted. Before, the live changes
were read again with LastUpdatedTime queries, which cannot see a deletion, and the deleted invoice
stayed in the snapshot as open until a gap of more than 30 days forced a full read, scoring its
customer on an invoice that no longer exists. A capped CDC answer now means a full read (complete:
what QuickBooks no longer has is dropped). Tested on the stand-in only.
"""

from __future__ import annotations

import dataclasses

from qbo_adapter_fixtures import kit, qbo_standin  # noqa: F401  (fixtures)


def test_a_deletion_past_the_cdc_cap_is_seen(kit):  # noqa: F811
    kit.standin.load(customers=[{"DisplayName": "Acme"}, {"DisplayName": "Bolt"}],
                     invoices=[{"CustomerRef": {"value": "1"}, "TxnDate": "2023-11-01", "TotalAmt": 100}])
    kit.later()
    source = kit.source()
    first = source.pull(None, full=True)
    source.puller.settings = dataclasses.replace(source.puller.settings, cdc_cap=5)
    co = kit.standin.company()
    co.cdc_max_objects = 5
    for i in range(8):
        co.create("Invoice", {"CustomerRef": {"value": "2"}, "TxnDate": "2024-01-05",
                              "Line": [{"Amount": 10 + i, "DetailType": "SalesItemLineDetail",
                                        "SalesItemLineDetail": {}}]})
    co.remove("Invoice", "1")
    kit.later()
    result = source.pull(first.cursor, full=False)
    assert result.complete  # a full read: the snapshot drops what QuickBooks no longer has
    assert sorted(r["id"] for r in result.records["invoices"]) == [str(i) for i in range(2, 10)]
