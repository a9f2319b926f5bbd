"""Marks arwatch leaves in the systems it writes to, shared by every writer (the Odoo add-on and
the external Odoo adapter), so that each reads back what the other wrote."""

#: in the feedback of a task arwatch closed itself: its done message is not a contact attempt
CLOSED_MARK = "[arwatch:closed]"
