"""Step templates: sandboxed, strict, every default renders, a business folder overrides."""

import datetime as dt

import pytest
from ledgers import ledger_from_text
from planning import TEMPLATES, policy_of, run, run_after_daily_runs, stub

from arwatch.core.actions import WrittenState
from arwatch.core.credit_policy import TEMPLATE_STEPS
from arwatch.core.templating import TemplateProblem, render, task_title
from arwatch.sync.templates import default_templates, load_templates


def test_templates__a_default_for_every_step():
    assert set(default_templates()) == set(TEMPLATE_STEPS)


def test_templating__strict_undefined_names_the_step():
    with pytest.raises(TemplateProblem) as error:
        render("reminder", {"reminder": "Dear {{ custmer.name }}"}, {"customer": {"name": "x"}})
    assert error.value.step == "reminder" and "custmer" in error.value.reason


def test_templating__sandbox_refuses_unsafe_attributes():
    with pytest.raises(TemplateProblem):
        render("reminder", {"reminder": "{{ x.__class__.__mro__[1].__subclasses__() }}"}, {"x": 1})


def test_templating__missing_template_renders_empty():
    assert render("reminder", {}, {}) == ""


def test_templating__filters():
    out = render("s", {"s": "{{ 1234.5|money }} on {{ d|long_date }}"}, {"d": dt.date(2024, 3, 1)})
    assert out == "€1,234.50 on 1 Mar 2024\n"


def test_task_title__names_invoices_or_promise():
    assert task_title("phone_call", "Acme", ["INV/1", "INV/2"], "overdue") == "Call Acme about INV/1, INV/2"
    assert task_title("phone_call", "Acme", [], "promise:2024-06-25").endswith("promise to pay by 25 Jun 2024")
    assert task_title("phone_call", "Acme", [], "promise:2024-06-25", "de_DE").endswith("promise to pay by 25.06.2024")
    german = render("s", {"s": "{{ 1234.5|money }} on {{ d|day }}"}, {"d": dt.date(2024, 3, 1), "locale": "de_DE",
                                                                     "currency": "CHF"})
    assert german == "1.234,50\xa0CHF on 01.03.2024\n"


def test_load_templates__business_folder_overrides_per_file(tmp_path):
    (tmp_path / "reminder.j2").write_text("Hello {{ customer.name }}", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("ignored", encoding="utf-8")
    templates = load_templates(tmp_path)
    assert templates["reminder"] == "Hello {{ customer.name }}"
    assert templates["phone_call"] == default_templates()["phone_call"]


def test_load_templates__bad_file_names_the_step(tmp_path):
    (tmp_path / "phone_call.j2").write_text("{% if %}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="template phone_call"):
        load_templates(tmp_path)
    with pytest.raises(FileNotFoundError):
        load_templates(tmp_path / "nope")


LEDGER = """
customer d "Delta <b>&Co</b>" terms=30 salesperson=dan
invoice d D1 2024-01-01 4000.00
invoice d D2 2024-04-20 100.00
call d 2024-04-01 answered promise=2024-04-10:4000
customer n "Newco" terms=30
customer r "Rev" terms=30
invoice n N1 2024-04-03 200.00
customer e "Echo" terms=30
invoice e E1 2024-03-20 300.00
customer p "Papa" terms=30
invoice p P1 2024-02-01 500.00
call p 2024-04-15 unanswered
"""  # one rung of the ladder per customer: e at the reminder, p at the payment-plan offer, d at the agency


def test_default_templates__every_step_renders_with_real_data():
    stubs = (stub("silence", {"d"}), stub("broken_promise", {"d"}), stub("external_distress", {"r"}),
             stub("month_end_payer", {"n"}))  # d is on hold: no friendly suggestion for it
    # run daily since d's first day overdue: each ladder climbed one rung at a time to where it is
    desired, _ = run_after_daily_runs(ledger_from_text(LEDGER), dt.date(2024, 2, 1), dt.date(2024, 5, 1), policy_of(),
                                      stubs)
    rendered = {t.step for t in desired.tasks if t.body}
    assert rendered >= {"reminder", "phone_call", "payment_plan_offer", "agency_referral", "credit_hold",
                        "sales_review", "billing_cycle_change", "pre_due_courtesy"}
    fraud, _ = run(ledger_from_text(LEDGER), dt.date(2024, 5, 1), WrittenState(), policy_of(),
                   (stub("fraud_suspicion", {"d"}),))
    assert any(t.step == "fraud_investigation" and t.body for t in fraud.tasks)
    assert all("Delta <b>&Co</b>" in t.body for t in desired.tasks if t.customer_id == "d"
               and t.step not in ("agency_referral", "fraud_investigation", "sales_review"))
    assert TEMPLATES == load_templates()
