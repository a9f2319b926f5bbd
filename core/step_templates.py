"""The step templates shipped with arwatch (``core/templates/<step>.j2``), read as package data
like the default policy. A business's own folder of templates is loaded by
``arwatch.sync.templates``."""

from __future__ import annotations

from importlib import resources

from .credit_policy import TEMPLATE_STEPS

SUFFIX = ".j2"


def default_templates() -> dict[str, str]:
    """The texts shipped with arwatch, step -> template."""
    folder = resources.files("arwatch.core") / "templates"
    return {step: (folder / f"{step}{SUFFIX}").read_text(encoding="utf-8") for step in TEMPLATE_STEPS
            if (folder / f"{step}{SUFFIX}").is_file()}
