"""The synthetic book and the demo company are one generator: the same archetypes, and the
benchmarks' ``benchmarks/synthetic.py`` is ``arwatch.demo.synthetic`` under its old names."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from arwatch.demo import synthetic
from arwatch.demo.archetypes import ARCHETYPE_SHARES, ARCHETYPES, GOOD, NET_30, ON_A_PLAN


def test_archetype_shares__one_share_per_archetype_of_the_demo():
    assert set(ARCHETYPE_SHARES) == set(ARCHETYPES)
    assert all(share > 0 for share in ARCHETYPE_SHARES.values())
    assert set(GOOD) | set(NET_30) | set(ON_A_PLAN) <= set(ARCHETYPES)


def test_benchmarks_synthetic__is_the_demo_package_generator():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("shared_benchmarks_synthetic", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_synthetic is synthetic.build_synthetic
    assert module.synthetic_ledger is synthetic.synthetic_ledger
    assert set(module.ARCHETYPES) == set(ARCHETYPES)
