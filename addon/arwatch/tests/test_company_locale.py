"""Hold reasons, flag reasons and task notes in the company's language (issue 19.3): the locale
comes from the company partner's language in Odoo, the currency from the company's."""

from odoo.tests import tagged

from .common import ArwatchCommon

NBSP, NNBSP = "\xa0", "\u202f"  # CLDR's spaces: before the currency sign (de, fr), between thousands (fr)


@tagged("post_install", "-at_install")
class TestCompanyLocale(ArwatchCommon):

    def _speak(self, lang):
        self.env["res.lang"]._activate_lang(lang)
        self.company.partner_id.lang = lang

    def _symbol(self, lang):
        return {("USD", "de_DE"): "$", ("USD", "fr_FR"): "$US", ("EUR", "de_DE"): "€",
                ("EUR", "fr_FR"): "€"}[self.company.currency_id.name, lang]

    def test_locale__the_company_partners_language_else_en_us(self):
        self._speak("fr_FR")
        self.assertEqual(self.company._arwatch_locale(), "fr_FR")
        self._speak("de_CH")
        self.assertEqual(self.company._arwatch_locale(), "de_CH")
        self.company.partner_id.lang = False
        self.assertEqual(self.company._arwatch_locale(), "en_US")

    def test_scoring__a_german_company_reads_german_days_and_amounts(self):
        self._speak("de_DE")
        self.run_scoring()
        late, invoice = self.risk(self.late), self.late_open
        money, due = f"1.000,00{NBSP}{self._symbol('de_DE')}", invoice.invoice_date_due.strftime("%d.%m.%Y")
        self.assertEqual(late.hold_reason,
                         f"In arrears: oldest invoice 120 days past due ({invoice.name}, {money} open, due {due})")
        self.assertIn(f"Overdue: {invoice.name} ({money} open) due {due}, 120 days past due", late.reasons)
        notes = [str(t.note).replace("&nbsp;", NBSP) for t in self.open_tasks(self.late)]  # HTML keeps it as an entity
        self.assertTrue(notes)
        self.assertTrue(any(money in note and due in note for note in notes), notes)
        for text in [late.hold_reason, late.reasons, *notes]:
            self.assertNotIn("1,000.00", text)  # not the English style
            self.assertNotIn(invoice.invoice_date_due.isoformat(), text)

    def test_scoring__a_french_company_reads_french_days_and_amounts(self):
        self._speak("fr_FR")
        self.run_scoring()
        late, invoice = self.risk(self.late), self.late_open
        money = f"1{NNBSP}000,00{NBSP}{self._symbol('fr_FR')}"
        self.assertIn(f"({invoice.name}, {money} open, due ", late.hold_reason)
        self.assertEqual(late.hold_reason.count("120 days past due"), 1)
        self.assertIn(f"{invoice.name} ({money} open)", late.reasons)
