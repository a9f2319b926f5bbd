"""1.4.0: a risk row's stored time is "last written by a run" (``written_at``); "Last scored" is
computed from it and the company's last run over all its customers. The column keeps its values."""


def migrate(cr, version):
    if not version:
        return
    cr.execute("""SELECT 1 FROM information_schema.columns
                   WHERE table_name = 'arwatch_partner_risk' AND column_name = 'scored_at'""")
    if cr.fetchone():
        cr.execute("ALTER TABLE arwatch_partner_risk RENAME COLUMN scored_at TO written_at")
