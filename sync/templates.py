"""Load the step templates: the defaults shipped with arwatch, overridden by a business's folder.

A business copies ``core/templates/<step>.j2`` (installed: ``arwatch/core/templates``) into its
own folder and edits it; any file there named after a step replaces the default for that step,
the others keep the defaults.
"""

from __future__ import annotations

from pathlib import Path

from arwatch.core.credit_policy import TEMPLATE_STEPS
from arwatch.core.step_templates import SUFFIX, default_templates
from arwatch.core.templating import check

__all__ = ["default_templates", "load_templates"]


def load_templates(folder: str | Path | None = None) -> dict[str, str]:
    """The defaults, with every ``<step>.j2`` of ``folder`` replacing its step's default.

    Raises ``TemplateProblem`` when a file does not compile, ``FileNotFoundError`` when the
    folder does not exist. Files not named after a step are ignored.
    """
    templates = default_templates()
    if folder is None:
        return templates
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no such template folder")
    for step in TEMPLATE_STEPS:
        path = folder / f"{step}{SUFFIX}"
        if path.is_file():
            templates[step] = path.read_text(encoding="utf-8")
    for step, text in templates.items():
        check(step, text)
    return templates
