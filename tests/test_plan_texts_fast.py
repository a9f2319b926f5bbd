"""The plan's texts made for less (session 17, ``speed-plan3``) are the texts made the plain way.

An amount that is a float is written by ``format`` from its binary value unless it is within a
rounding error of a half cent (``formats._Layout._float``); a statement of account is kept by
what it is made of (``templating.statement_text``); ``wording.plain`` returns a text with none
of its ids at once; templates keep their globals in a dict. Each is compared here with the way
it replaced, on the values where they could part.
"""

import datetime as dt
import random
from decimal import Decimal

import numpy as np
from babel.numbers import format_currency, format_decimal, get_currency_precision

from arwatch.core import formats, templating, wording

LOCALES = ["en_GB", "de_DE", "fr_FR", "en_US", "nl_NL", "ja_JP", "ar_EG", "es_ES"]
CURRENCIES = ["EUR", "USD", "JPY", "KWD", "CLF"]


def _halves_and_neighbours(seed=17):
    """Floats at and next to a half of the last decimal written, over many sizes."""
    rnd = random.Random(seed)
    out = [k / 1000 for k in range(-3000, 3000)] + [k / 10000 for k in range(-3000, 3000)]
    for _ in range(3000):
        whole = rnd.choice([0, 1, 12, 999, 1234, 99999, 123456, 9999999, 123456789012, 999999999999])
        cents = rnd.randint(0, 999)
        value = float(f"{whole}.{cents:03d}5") if rnd.random() < 0.5 else float(f"{whole}.{cents:03d}")
        out += [value, -value, np.nextafter(value, np.inf), np.nextafter(value, -np.inf)]
    out += [0.0, -0.0, 5e-324, -5e-324, 1e-7, 0.005, 0.015, 2.675, 1.005, 999999999999.995, 1e12, -1e12,
            1e12 - 0.005, 7.5e11 + 0.125]
    return [float(v) for v in out] + [np.float64(v) for v in out[:500]]


def test_money_and_amount__floats_at_and_next_to_halves_are_babels_text():
    """Babel's text of the value rounded a half away from zero (``formats.half_away``, what every
    money text does since trust-letters), whichever way ``money`` and ``amount`` take."""
    values = _halves_and_neighbours()
    for locale in LOCALES:
        for currency in CURRENCIES:
            places = get_currency_precision(currency)
            for value in values[::7]:
                expected = format_currency(formats.half_away(value, places), currency, locale=locale)
                assert formats.money(value, currency, locale) == expected, (locale, currency, value)
        for value in values:
            expected = format_decimal(formats.half_away(value, 2), format="#,##0.00", locale=locale)
            assert formats.amount(value, locale) == expected, (locale, value)


def test_money__a_float_off_the_halves_is_written_without_a_decimal():
    """``money`` hands the layout a float that no rule for halves rounds otherwise (its fast
    way), and a Decimal rounded a half away from zero otherwise."""
    assert formats._rounded(1234.5678, 2) == 1234.5678 and isinstance(formats._rounded(1234.5678, 2), float)
    for value, places in ((2.675, 2), (-0.125, 2), (0.004, 2), (-0.001, 2), (2.5, 0)):
        assert isinstance(formats._rounded(value, places), Decimal), value
    assert formats._rounded(-0.001, 2) == 0 and not formats._rounded(-0.001, 2).is_signed()


def test_layout__a_float_written_from_its_binary_value_is_the_decimal_way():
    rnd = random.Random(3)
    values = _halves_and_neighbours(5) + [rnd.uniform(-1e9, 1e9) for _ in range(20000)]
    for locale in ("en_GB", "de_DE", "ar_EG"):
        for currency in ("EUR", "KWD", "CLF"):
            layout = formats._money_layout(currency, locale)
            if layout is None or layout.simple is None:
                continue
            for value in values:
                fast = layout._float(value) if abs(value) < formats._FAST_BELOW else None
                if fast is None:
                    continue
                d = Decimal(str(value))
                negative = int(d.is_signed())
                slow = (layout.prefix[negative] + format(abs(d).normalize().quantize(layout.quantum), ",f")
                        .translate(layout.simple) + layout.suffix[negative])
                assert fast == slow, (locale, currency, value)


def _statement_the_plain_way(invoices, currency, locale):
    return templating._statement_text(invoices, currency, locale)


def test_statement__kept_texts_are_the_plain_ones_whatever_came_before():
    day = dt.date(2026, 10, 1)

    def inv(number, open_, dpd):
        return {"number": number, "issue_date": day, "due_date": day, "open": open_, "days_past_due": dpd}

    cases = [[inv("INV/1", 10.0, 5)], [inv("INV/1", 10, 5)], [inv("INV/1", 10.0, True)],
             [inv("INV/1", 0.0, 5)], [inv("INV/1", -0.0, 5)], [inv("INV/1", 0.0, 5)],
             [inv(1, 10.0, 5)], [inv("1", 10.0, 5)], [inv("INV/1", Decimal("10.00"), 5)],
             [inv("INV/1", 10.0, 5), inv("INV/2", 2.5, -3)], [inv("INV/1", float("nan"), 5)],
             [{**inv("INV/1", 10.0, 5), "due_date": dt.datetime(2026, 10, 1)}], [inv("INV/1", 10.0, 5)]]
    for locale in ("en_GB", "de_DE"):
        for invoices in cases + cases[::-1]:
            for currency in ("EUR", "CHF"):
                assert templating.statement_text(invoices, currency, locale) == _statement_the_plain_way(
                    invoices, currency, locale), invoices


def test_statement__a_template_changing_its_invoices_gets_the_changed_statement():
    templates = {"reminder": "{{ statement|statement }}{% set _ = statement[0].update({'open': 99.5}) %}"
                             "\n{{ statement|statement }}"}
    day = dt.date(2026, 10, 1)
    statement = [{"number": "INV/1", "issue_date": day, "due_date": day, "open": 10.0, "days_past_due": 5}]
    text = templating.render("reminder", templates, {"statement": statement, "currency": "EUR", "locale": "en_GB"})
    first, second = text.split("\n\n", 1)[0], text
    assert "10.00" in first and "99.50" in second


def _plain_the_long_way(text):
    text = wording._POLICY_PATH.sub("", text)
    text = wording._SEGMENT_ID.sub(lambda m: wording.segment_words(m.group(1)), text)
    text = wording._LEVEL_RULE.sub(lambda m: wording.hold_cause("level:" + m.group(1)), text)
    text = wording._BUCKET.sub(lambda m: f"{m.group(1)} days past due", text)
    text = wording._STEP_ID.sub(lambda m: wording.step_words(m.group(1)), text)
    return wording._INDICATOR_ID.sub(lambda m: wording.indicator_name(m.group(1)), text)


def test_plain__the_same_as_each_replacement_in_turn():
    ids = ["credit.ladders.good[3]: ", "segment delinquent", "segment:slow_payer", "level:high/critical",
           "in bucket 31-60", "in bucket 90+", "phone_call", "payment_plan_offer", "aging:", "habit_slip fires",
           "volume_drop or ", "aging,", "Overdue", "INV/2026/0001", "€1,234.50 open", "due 1 Oct 2026",
           "reminder", "xphone_call", "aging_x", " ", "; ", "paid"]
    rnd = random.Random(11)
    texts = ["".join(rnd.choice(ids) for _ in range(rnd.randint(0, 6))) for _ in range(3000)]
    for text in texts:
        assert wording.plain.__wrapped__(text) == _plain_the_long_way(text), text


def test_templates__see_jinjas_globals_and_their_own_names_first():
    templates = {"reminder": "{% for k in range(3) %}{{ k }}{% endfor %} {{ dict(a=1).a }} {{ name }}"
                             "{% set ns = namespace(n=2) %} {{ ns.n }}",
                 "phone_call": "{{ range }}"}
    assert templating.render("reminder", templates, {"name": "Acme"}) == "012 1 Acme 2\n"
    assert templating.render("phone_call", templates, {"range": "its own"}) == "its own\n"
