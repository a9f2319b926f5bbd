"""Ids the write-back needs, looked up once per adapter (tags, activity types, users, model)."""

from __future__ import annotations

import logging
from typing import Any

from arwatch.core.odoo_rows import FOLLOWUP_DATE

from .errors import RecordRefused
from .markers import RISK_TAG_PREFIX, level_of_tag
from .shared import SharedWrites
from .transport import Transport

log = logging.getLogger(__name__)
ACTIVITY_TYPES = {"call": "mail_activity_data_call", "email": "mail_activity_data_email",
                  "todo": "mail_activity_data_todo"}


class Lookups:
    """``shared``: what the adapters of the database share in this process (default: its own)."""

    def __init__(self, transport: Transport, task_user: str | None = None, sale_installed: bool | None = None,
                 shared: SharedWrites | None = None):
        self.t, self.task_user, self.sale_installed = transport, task_user, sale_installed
        self.shared = shared or SharedWrites()
        self._tags: dict[str, int] | None = None
        self._duplicates: dict[int, int] = {}  # a duplicate risk tag's id -> the oldest of its name
        self._types: dict[str, int] | None = None
        self._users: dict[str, int | None] = {}
        self._partner_model: int | None = None
        self._warning: frozenset[str] | None = None
        self._followup: str | None = None

    def risk_tags(self) -> dict[str, int]:
        """Tag name -> id for the "Risk: ..." partner tags: of tags of one name (created twice by
        earlier versions), the oldest (lowest id), always the same one."""
        if self._tags is None:
            self._tags = self._read_risk_tags()
        return self._tags

    def risk_tag_names(self) -> dict[int, str]:
        """Tag id -> name of every "Risk: ..." tag, duplicates too: a partner tagged with a
        duplicate reads as flagged at its level, and a flag write replaces it by the oldest."""
        tags = self.risk_tags()
        return {**{tid: name for name, tid in tags.items()},
                **{dup: name for dup, keep in self._duplicates.items()
                   for name, tid in tags.items() if tid == keep}}

    def _read_risk_tags(self) -> dict[str, int]:
        rows = self.t.call("res.partner.category", "search_read", domain=[["name", "=like", RISK_TAG_PREFIX + "%"]],
                           fields=["name"], context={"active_test": False})
        oldest: dict[str, int] = {}
        for r in sorted(rows, key=lambda r: r["id"]):
            if level_of_tag(r["name"]):
                keep = oldest.setdefault(r["name"], r["id"])
                if keep != r["id"]:
                    self._duplicates[r["id"]] = keep
        return oldest

    def merge_duplicate_risk_tags(self) -> dict[int, int]:
        """Move the partners tagged with a duplicate risk tag (one name, several tags: created
        twice by earlier versions) to the oldest tag of that name, then delete each duplicate
        that nothing uses any more: no partner of any company the API user is allowed in
        (archived ones too) and no child tag. A duplicate still used (by a partner the user
        cannot see or write, or as a parent tag) is kept: a person may have put it there; it
        no longer names any flag the adapter writes. Only the tags read so far (no call when
        there is no duplicate); one company at a time (``SharedWrites.creating_tag``).
        Returns the duplicates deleted (id -> the tag kept)."""
        if not self._duplicates:
            return {}
        with self.shared.creating_tag():
            dups, self._duplicates = dict(self._duplicates), {}
            tagged = self.t.call("res.partner", "search_read", domain=[["category_id", "in", sorted(dups)]],
                                 fields=["category_id"], context={"active_test": False})
            for row in tagged:
                on = set(row["category_id"])
                commands = [[3, d] for d in sorted(on & set(dups))]
                commands += [[4, keep] for keep in sorted({dups[d] for d in on & set(dups)} - on)]
                try:
                    self.t.call("res.partner", "write", ids=[row["id"]], vals={"category_id": commands})
                except RecordRefused as error:  # that partner keeps its tag (so does the database)
                    log.warning("res.partner %s: duplicate risk tag not moved: %s", row["id"], error)
            everywhere = {"active_test": False, "allowed_company_ids": self._user_companies()}
            used = {t for r in self.t.call("res.partner", "search_read", domain=[["category_id", "in", sorted(dups)]],
                                           fields=["category_id"], context=everywhere) for t in r["category_id"]}
            used |= {r["parent_id"][0] for r in self.t.call("res.partner.category", "search_read",
                                                            domain=[["parent_id", "in", sorted(dups)]],
                                                            fields=["parent_id"], context=everywhere)}
            unused = sorted(set(dups) - used)
            if unused:
                self.t.call("res.partner.category", "unlink", ids=unused)
            return {d: dups[d] for d in unused}

    def _user_companies(self) -> list[int]:
        rows = self.t.call("res.users", "read", ids=[self.t.uid], fields=["company_ids"])
        return list(rows[0]["company_ids"]) if rows else []

    def risk_tag_id(self, name: str) -> int:
        """The id of risk tag ``name``, created when Odoo has none. A tag another adapter of
        this database in this process created since these tags were read (another company's
        run at the same time) is read again instead of being created a second time."""
        tags = self.risk_tags()
        if name not in tags:
            with self.shared.creating_tag() as created:
                if name in created:
                    tags.update(self._read_risk_tags())
                if name not in tags:
                    tags[name] = self.t.call("res.partner.category", "create", vals_list=[{"name": name}])[0]
                    created.add(name)
        return tags[name]

    def activity_type(self, channel: str) -> int | None:
        if self._types is None:
            rows = self.t.call("ir.model.data", "search_read",
                               domain=[["module", "=", "mail"], ["name", "in", sorted(ACTIVITY_TYPES.values())]],
                               fields=["name", "res_id"])
            self._types = {r["name"]: r["res_id"] for r in rows}
        return self._types.get(ACTIVITY_TYPES.get(channel, ACTIVITY_TYPES["todo"])) or \
            self._types.get(ACTIVITY_TYPES["todo"])

    def partner_model(self) -> int:
        if self._partner_model is None:
            rows = self.t.call("ir.model", "search_read", domain=[["model", "=", "res.partner"]], fields=["id"])
            self._partner_model = rows[0]["id"]
        return self._partner_model

    def user(self, assignee: str | None) -> int:
        """The user a task goes to: the assignee (login or name) if known, else ``task_user``,
        else the API user."""
        for who in (assignee, self.task_user):
            if not who:
                continue
            if who not in self._users:
                rows = self.t.call("res.users", "search_read", domain=["|", ["login", "=", who], ["name", "=", who]],
                                   fields=["id"], limit=1)
                self._users[who] = rows[0]["id"] if rows else None
            if self._users[who]:
                return self._users[who]  # type: ignore[return-value]
        return self.t.uid

    def warning_fields(self) -> frozenset[str]:
        """The partner's sales warning fields: ``sale_warn`` (no-message/warning/block) and
        ``sale_warn_msg`` up to 18.0; only ``sale_warn_msg`` (a warning, never a block) in 19.0;
        none without the Sales app. Known from the installed modules when the adapter read them
        (``sale_installed``), else asked with ``fields_get``."""
        if self._warning is None and self.sale_installed is not None:
            fields = {"sale_warn", "sale_warn_msg"} if self.t.version < (19, 0) else {"sale_warn_msg"}
            self._warning = frozenset(fields) if self.sale_installed else frozenset()
        if self._warning is None:
            described: dict[str, Any] = self.t.call("res.partner", "fields_get",
                                                    allfields=["sale_warn", "sale_warn_msg"], attributes=["type"])
            self._warning = frozenset(described) & {"sale_warn", "sale_warn_msg"}
        return self._warning

    def followup_date(self, installed: bool) -> str | None:
        """The Enterprise follow-up's "next reminder" field of res.partner, when its module is
        ``installed`` and ``fields_get`` says the field is there (one call, once); else None:
        Community has no such field."""
        if not installed:
            return None
        if self._followup is None:
            described: dict[str, Any] = self.t.call("res.partner", "fields_get", allfields=[FOLLOWUP_DATE],
                                                    attributes=["type"])
            self._followup = FOLLOWUP_DATE if described.get(FOLLOWUP_DATE, {}).get("type") == "date" else ""
        return self._followup or None

    def can_block(self) -> bool:
        return "sale_warn" in self.warning_fields()

    def has_sale_warning(self) -> bool:
        return "sale_warn_msg" in self.warning_fields()
