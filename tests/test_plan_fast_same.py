"""The plan's parts made for less (session 19, ``speed-plan7``) give what the plain way gave.

Each open invoice list of a customer, oldest due first, is a slice of one sort for all customers
(``PlanView.open_by_due``); a money or amount text of a float off a half is written at once
(``formats._Layout.quick``); the template sandbox reads a plain dict's key without trying the
attribute first; the open balances are worked out once per frame (``holds.open_balance``). Each
is compared here with the way it replaced, on the values where they could part.
"""

import datetime as dt

import numpy as np
import pytest
from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from arwatch.core import formats, templating
from arwatch.core.frame import LedgerFrame
from arwatch.core.holds import open_balance
from arwatch.core.load import load_ledger
from arwatch.core.plan_view import PlanView
from arwatch.core.policy import Policy
from arwatch.core.scoring import score
from arwatch.demo.synthetic import build_synthetic

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def board():
    ledger, _ = load_ledger(build_synthetic(300, 3000, 3000, seed=5, today=TODAY), source="synthetic")
    return score(LedgerFrame.from_ledger(ledger), Policy())


def test_open_by_due__each_customers_open_invoices_oldest_due_first_as_sorted_one_by_one(board):
    view, f = PlanView(board, Policy()), board.frame
    assert view.st.is_open.sum() > 100
    for c in range(f.n_customers):
        start, end = view.i_rows[c], view.i_rows[c + 1]
        rows = start + np.flatnonzero(view.st.is_open[start:end])
        assert view.open_by_due(c).tolist() == rows[np.argsort(f.i_due[rows], kind="stable")].tolist(), c


def _values():
    """Floats at, next to and away from a half of the last decimal, of many sizes and both signs."""
    rnd = np.random.default_rng(19)
    base = [k / 1000 for k in range(-3000, 3000)] + [2.675, 1.005, 0.125, 0.005, 999999999999.995, 1e12, 5e-324]
    out = base + rnd.uniform(-1e7, 1e7, 3000).tolist() + rnd.uniform(-2, 2, 1000).tolist()
    out += [float(np.nextafter(v, np.inf)) for v in base[::5]] + [float(np.nextafter(v, -np.inf)) for v in base[::5]]
    return out + [0.0, -0.0, float("nan"), float("inf")] + [np.float64(v) for v in out[::50]]


@pytest.mark.parametrize("locale", ["en_GB", "de_DE", "fr_FR", "en_IN", "ja_JP"])
def test_quick__the_text_render_wrote_of_the_rounded_value_or_none(locale):
    for currency, layout, places in [(c, formats._money_layout(c, locale), formats._precision(c))
                                     for c in ("EUR", "JPY", "KWD")] + [(None, formats._amount_layout(locale), 2)]:
        if layout is None:
            continue
        quick = 0
        for value in _values():
            text = layout.quick(value)
            if text is not None:
                quick += 1
                assert text == layout.render(formats._rounded(value, places)), (locale, currency, value)
        assert quick > 1000 or layout.simple is None, (locale, currency)


@pytest.mark.parametrize("source", ["{{ d.name }}", "{{ d.items is callable }}", "{{ d.keys is callable }}",
                                    "{{ d.get('name') }}", "{{ d['items'] }}", "{{ d.missing }}",
                                    "{{ d.__class__ }}", "{{ o.name }}", "{{ o.items is callable }}"])
def test_sandbox__reads_what_jinjas_own_sandbox_reads(source):
    """A dict's key that names a method of dict is the method there too; a missing key is undefined."""
    class Mapping(dict):
        pass

    values = {"d": {"name": "Acme", "items": "a key", "keys": 3}, "o": Mapping(name="Acme", items="a key")}
    stock = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)

    def rendered(env):
        try:
            return env.from_string(source).render(**values)
        except (UndefinedError, SecurityError) as error:
            return f"{type(error).__name__}: {error}"
    assert rendered(templating._environment()) == rendered(stock)


def test_open_balance__worked_out_once_per_frame_and_read_only(board):
    first = open_balance(board)
    assert open_balance(board) is first and not first.flags.writeable
    st = board.frame.extra["settlement"]
    assert first.tolist() == np.bincount(board.frame.i_cust, weights=np.where(st.is_open, st.residual, 0.0),
                                         minlength=board.frame.n_customers).tolist()
