"""An Odoo company's settings (``[companies.<name>.settings]``) and secrets.

    url = "https://acme.example.com"   # https:// (http:// only to this machine, or with
                               # allow_insecure_http = true on a trusted network)
    database = "acme"
    login = "arwatch@acme.example.com"
    company_ids = [1]          # default: the API user's current company
    # secrets: api_key = "..." (or password = "..." on 17.0-18.0)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from arwatch.core.urls import check_https


class OdooSettings(BaseModel):
    """Attributes:
      company_ids: the Odoo companies read and written; all must share one currency (amounts
        are read in company currency). Each is read with every branch below it (Odoo 17+: a
        customer owes the group); what is written is marked with the first.
      page_size: records per ``search_read`` call.
      overlap_seconds: an incremental pull starts this long before the cursor, so that rows
        committed late by a long transaction with an earlier ``write_date`` are not missed.
      task_user: login of the user collection tasks go to when the task names nobody known.
      use_addon: "auto" (detect the arwatch add-on; with it the adapter is read-only, the add-on
        being the only writer), "never" (write standard fields even with the add-on).
      allow_insecure_http: accept an ``http://`` url to another machine (the API key and the
        ledger then cross the network unencrypted); without it only https:// or a local host.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    allow_insecure_http: bool = False  # before url: its validator reads it
    url: str
    database: str
    login: str
    company_ids: tuple[int, ...] = ()
    page_size: int = Field(default=500, ge=1, le=10000)
    timeout: float = Field(default=60.0, gt=0)
    retries: int = Field(default=4, ge=1, le=10)
    retry_wait: float = Field(default=1.0, ge=0)
    overlap_seconds: int = Field(default=300, ge=0)
    task_user: str | None = None
    use_addon: str = Field(default="auto", pattern="^(auto|never)$")

    @field_validator("url")
    @classmethod
    def _https(cls, value: str, info: ValidationInfo) -> str:
        return check_https(value, bool(info.data.get("allow_insecure_http")))
