"""Dependencies point one way (docs/architecture.md). Inside the package `lint-imports` checks the
layers (pyproject's [tool.importlinter]); the add-on lives outside the package, so this test reads
its syntax: an Odoo module may import ``arwatch.core`` and nothing else of arwatch."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def arwatch_imports(source: str) -> list[tuple[int, str]]:
    """``(line, module)`` of every ``arwatch...`` import in ``source`` (relative imports are the
    Odoo module's own and are left out)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "arwatch"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "arwatch":
            found.append((node.lineno, node.module))
    return found


def test_arwatch_imports__sees_plain_and_from_imports_but_not_relative_ones():
    source = "import arwatch.sync\nfrom arwatch.core import model\nfrom . import models\nfrom odoo import api\n"
    assert arwatch_imports(source) == [(1, "arwatch.sync"), (2, "arwatch.core")]


def test_addon__imports_only_the_core():
    outside = [f"{path.relative_to(ROOT)}:{line}: {module}"
               for path in sorted((ROOT / "addon").rglob("*.py"))
               for line, module in arwatch_imports(path.read_text(encoding="utf-8"))
               if module != "arwatch.core" and not module.startswith("arwatch.core.")]
    assert outside == [], "the add-on needs only arwatch.core:\n" + "\n".join(outside)
