"""The planners a sync runs: ``arwatch.core.planner.plan`` with a set of templates and a locale.

A ``TemplatePlanner`` also names what it plans with (``inputs``: a hash of its templates and its
locale), so that a rerun can tell that the plan would be the same (``arwatch.sync.unchanged``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from arwatch.core.actions import DesiredState, WrittenState
from arwatch.core.formats import DEFAULT_LOCALE
from arwatch.core.planner import plan
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard

from .templates import load_templates


class TemplatePlanner:
    """``plan`` with the templates of ``folder`` (None: the built-in ones, read when first
    needed) writing days and money in ``locale``. A sync writes only the diff, so what is written
    already and stays is not rendered again (``render_written=False``): the same changes, with
    the same texts, as a plan rendering everything (tests/test_plan_on_demand.py)."""

    def __init__(self, folder: str | Path | None = None, locale: str = DEFAULT_LOCALE, lazy: bool = False):
        self.folder, self.locale = folder, locale
        self._templates: dict[str, str] | None = None if lazy else load_templates(folder)

    @property
    def templates(self) -> dict[str, str]:
        if self._templates is None:
            self._templates = load_templates(self.folder)
        return self._templates

    @property
    def inputs(self) -> str:
        """What this planner plans with besides the board, the written state, the policy and the day."""
        text = json.dumps({"templates": self.templates, "locale": self.locale}, sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()

    def __call__(self, board: ScoreBoard, written: WrittenState, policy: Policy, today: dt.date) -> DesiredState:
        return plan(board, written, policy, today, self.templates, render_written=False, locale=self.locale)


default_planner = TemplatePlanner(lazy=True)  # the built-in templates, in en_GB


def planner_with_templates(folder: str | Path | None, locale: str = DEFAULT_LOCALE) -> TemplatePlanner:
    """A planner using a business's own template folder (each file overrides one step; None: the
    built-in templates), writing days and money in ``locale``: what ``arwatch plan`` shows is
    what ``arwatch sync`` writes. A folder that does not load raises here, before any run."""
    return TemplatePlanner(folder, locale)
