"""mypy is strict on the core and checks sync and the adapters (issue 16 point 2), as pyproject's
[tool.mypy] says, module by module: `strict = true` in an override would switch every strict flag
on for every module (mypy issue 11401), so the override lists the flags and this test reads the
options mypy itself derives from the file."""

from __future__ import annotations

from pathlib import Path

import pytest

mypy_main = pytest.importorskip("mypy.main")

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
STRICT_FLAGS = ("disallow_any_generics", "disallow_subclassing_any", "disallow_untyped_calls",
                "disallow_untyped_defs", "disallow_incomplete_defs", "check_untyped_defs",
                "disallow_untyped_decorators", "warn_unused_ignores", "warn_return_any", "strict_equality",
                "extra_checks")


def _options():
    _, options = mypy_main.process_options(["--config-file", str(PYPROJECT)])
    return options


def _strict(options) -> dict[str, bool]:
    flags = {flag: bool(getattr(options, flag)) for flag in STRICT_FLAGS}
    flags["no_implicit_reexport"] = not options.implicit_reexport
    return flags


def test_mypy__the_strict_flags_are_those_of_this_mypy():
    """What --strict stands for in the installed mypy is what the core's override lists."""
    _, strict = mypy_main.process_options(["--strict", "--config-file", str(PYPROJECT)])
    assert all(_strict(strict.clone_for_module("arwatch.sync.runner")).values())
    assert strict.warn_redundant_casts and _options().warn_redundant_casts  # global only: set globally


@pytest.mark.parametrize("module", ["arwatch.core", "arwatch.core.load", "arwatch.core.odoo_rows.moves"])
def test_mypy__strict_on_the_core(module):
    assert _strict(_options().clone_for_module(module)) == dict.fromkeys(_strict(_options()), True)


@pytest.mark.parametrize("module", ["arwatch.sync.runner", "arwatch.adapters.odoo.pull",
                                    "arwatch.adapters.quickbooks.client"])
def test_mypy__sync_and_adapters_checked_not_strict(module):
    flags = _strict(_options().clone_for_module(module))
    assert flags["check_untyped_defs"] and not flags["disallow_untyped_defs"] and not flags["warn_return_any"]
