"""The demo company's data and the synthetic book, pinned: a restructuring of the generators
must not change one byte.

The digests were computed from the generators as they stood before they were split into steps
(``demo/company.py`` and ``benchmarks/synthetic.py``, one file each, commit 590a443): SHA-256 of
``json.dumps(demo.data)`` (key order kept) and of the ground truth, for seeds 7 and 11 at the
default day; of ``json.dumps`` of the synthetic book's validated (plain) data for two sizes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
from pathlib import Path

import pytest

from arwatch.demo.company import DEFAULT_TODAY, build_demo_company

PINNED = {
    7: ("1b06215a00450dbd6179450a8fe4fc0843f9adb9a0bcecc4f96d7820d9d3d99b",
        "f64f8c0943a79a360e6fcfd1f52daf4673bc971b42a0dcbc363989b769478cac"),
    11: ("6ae385cbfe47ebe4e164d68ddad39045241b9f50c6ae7a127bbf5eb0c8b8984c",
         "c45f9c8d2480a104828883e8bae9a41e2a1f8a83d1c716fdcad0efe672efda31"),
}

SYNTHETIC = {
    (200, 2_000, 1_500, 3): "7472c393b4a4d98c247bfb83436718d5e4601fe1f3b4f8af4c923a1be365e92b",
    (300, 5_000, 2_000, 9): "bfe30a8c5e3e8fe26cf5c273d4ff432b9448a2edf679fc76ceac2f69e33dc2bf",  # some left unpaid
}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()


@pytest.mark.parametrize("seed", sorted(PINNED))
def test_build_demo_company__data_and_truth_equal_the_pinned_digests(seed):
    demo = build_demo_company(seed, DEFAULT_TODAY)
    data, truth = PINNED[seed]
    assert _digest(demo.data) == data
    assert _digest([dataclasses.astuple(t) for t in demo.truth]) == truth


@pytest.mark.parametrize("sizes", sorted(SYNTHETIC))
def test_build_synthetic__equals_the_pinned_digest(sizes):
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"  # what the benchmarks run
    spec = importlib.util.spec_from_file_location("pinned_benchmarks_synthetic", path)
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    *counts, seed = sizes
    assert _digest(synthetic.build_synthetic(*counts, seed=seed, validate=True)) == SYNTHETIC[sizes]
