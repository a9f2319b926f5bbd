"""Answers to collectors' notes arwatch could not read (Odoo without the add-on).

A done activity's feedback or a chatter note with a line in the syntax that does not read
(``promise: soon``) gets one reply in the chatter of the record it is on, an internal note:
``arwatch could not read this: expected ... (under 'promise: soon') [arwatch:answer:<message>]``.
The mark names the message answered (Odoo's flat threads re-parent a reply to the thread's
first message, so ``parent_id`` cannot say it). Once: before posting, the replies already there
are looked up by their marks (one call, only when there is something to answer), so a message
read again (the pull's overlap, a full pull, a crash between the reply and the next run) is
never answered twice. The reply starts with "arwatch", so it is never read back as a note
(``notes.own_post``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from arwatch.core.contract import NoteAnswer

from . import notes
from .errors import RecordRefused
from .markers import ANSWER_MARK_START, answered_ids
from .pull import Unreadable
from .transport import Transport

log = logging.getLogger(__name__)


def already_answered(transport: Transport, pending: Sequence[Unreadable]) -> set[int]:
    """The messages of ``pending`` that have arwatch's reply already (by the replies' marks)."""
    rows = transport.call("mail.message", "search_read",
                          domain=[["model", "in", sorted({u.model for u in pending})],
                                  ["res_id", "in", sorted({u.res_id for u in pending})],
                                  ["body", "ilike", ANSWER_MARK_START]],
                          fields=["body"])
    return {i for r in rows for i in answered_ids(r.get("body"))}


def answer(transport: Transport, pending: Sequence[Unreadable]) -> list[NoteAnswer]:
    """Reply once to each message of ``pending``; returns the replies posted (for the audit log).
    A reply Odoo refuses (the record was deleted, a rule) is logged and left for a later read."""
    wanted = {u.message_id: u for u in pending}
    if not wanted:
        return []
    done = already_answered(transport, list(wanted.values()))
    posted: list[NoteAnswer] = []
    for message_id, u in sorted(wanted.items()):
        if message_id in done:
            continue
        try:
            reply = transport.call(u.model, "message_post", ids=[u.res_id],
                                   body=notes.answer_body(list(u.problems), message_id),
                                   body_is_html=True, message_type="comment", subtype_xmlid="mail.mt_note",
                                   parent_id=message_id)
        except RecordRefused as error:
            log.warning("message %s not answered: %s", message_id, error)
            continue
        reply_id = reply[0] if isinstance(reply, list) else reply  # JSON-2 answers a recordset as its ids
        posted.append(NoteAnswer(key=f"answer:msg:{message_id}", customer_id=u.customer_id, note_id=f"msg:{message_id}",
                                 text="\n".join(notes.answer_lines(list(u.problems))), external_id=str(reply_id)))
    return posted
