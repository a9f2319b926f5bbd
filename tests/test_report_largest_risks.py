"""The report's "Largest risks" table: high and critical first by exposure, then medium ones that
owe something. On IBM's sample as of 31 Oct 2013 the table was padded with medium-risk customers
owing US$0, each "first signs of change": no large risk, and rows a controller reads first."""

from __future__ import annotations

from arwatch.report.figures import RiskRow, largest_risks


def _row(cid: str, level: str, owed: float) -> RiskRow:
    return RiskRow(index=0, customer_id=cid, name=cid, score=50.0, level=level, segment="good", open=owed,
                   overdue=0.0, oldest_days_past_due=0, next_step="", on_hold=False)


def test_medium_customers_who_owe_nothing_do_not_pad_the_largest_risks():
    rows = [_row("m0", "medium", 0.0), _row("h", "high", 0.0), _row("m1", "medium", 10.0),
            _row("c", "critical", 500.0), _row("m2", "medium", 900.0), _row("low", "low", 5000.0)]
    assert [r.customer_id for r in largest_risks(rows, 10)] == ["c", "h", "m2", "m1"]
    assert [r.customer_id for r in largest_risks(rows, 3)] == ["c", "h", "m2"]
