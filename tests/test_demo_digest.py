"""The demo company's data, pinned: a restructuring of the generator must not change one byte.

The digests were computed from the generator as it stood before it was split into steps
(``demo/company.py`` in one file, commit 590a443): SHA-256 of ``json.dumps(demo.data)`` (key
order kept) and of the ground truth, for seeds 7 and 11 at the default day.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from arwatch.demo.company import DEFAULT_TODAY, build_demo_company

PINNED = {
    7: ("1b06215a00450dbd6179450a8fe4fc0843f9adb9a0bcecc4f96d7820d9d3d99b",
        "f64f8c0943a79a360e6fcfd1f52daf4673bc971b42a0dcbc363989b769478cac"),
    11: ("6ae385cbfe47ebe4e164d68ddad39045241b9f50c6ae7a127bbf5eb0c8b8984c",
         "c45f9c8d2480a104828883e8bae9a41e2a1f8a83d1c716fdcad0efe672efda31"),
}


def _digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()


@pytest.mark.parametrize("seed", sorted(PINNED))
def test_build_demo_company__data_and_truth_equal_the_pinned_digests(seed):
    demo = build_demo_company(seed, DEFAULT_TODAY)
    data, truth = PINNED[seed]
    assert _digest(demo.data) == data
    assert _digest([dataclasses.astuple(t) for t in demo.truth]) == truth
