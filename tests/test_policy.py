"""The policy file: documented defaults, validation naming the key and the reason."""

from pathlib import Path

import pytest

from arwatch.core.policy import DEFAULT_POLICY_FILE, Policy, PolicyError, load_policy
from arwatch.core.policy_toml import policy_toml


def test_policy__default_file_documents_exactly_the_defaults():
    assert DEFAULT_POLICY_FILE.read_text() == policy_toml(Policy()), (
        "core/default_policy.toml is stale: regenerate it with policy_toml(Policy())")
    assert load_policy(DEFAULT_POLICY_FILE) == Policy()


def test_policy__none_means_defaults():
    assert load_policy(None) == Policy()


def test_policy__overrides_one_key_and_keeps_the_rest(tmp_path: Path):
    path = tmp_path / "policy.toml"
    path.write_text("[indicators.aging]\nweight = 0.9\n[scoring]\nhigh = 55\n")
    policy = load_policy(path)
    assert policy.params("aging").weight == 0.9
    assert policy.params("aging").full_at_days == Policy().params("aging").full_at_days
    assert policy.scoring.high == 55


@pytest.mark.parametrize("text,key,reason", [
    ("[indicators.aging]\nweight = 2\n", "indicators.aging.weight", "less than or equal to 1"),
    ("[indicators.agin]\nweight = 0.2\n", "indicators.agin", "unknown key 'agin'; did you mean 'aging'?"),
    ("[scoring]\nmedium = 60\nhigh = 50\n", "scoring", "medium <= high <= critical"),
    ("[segments]\ndelinquent_days = 'ninety'\n", "segments.delinquent_days", "valid integer"),
])
def test_policy__invalid_file_names_key_and_reason(tmp_path: Path, text, key, reason):
    path = tmp_path / "policy.toml"
    path.write_text(text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.key == key
    assert reason in caught.value.reason
    assert str(path) in str(caught.value)


def test_policy__syntax_error_and_missing_file(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[scoring\n")
    with pytest.raises(PolicyError, match="syntax"):
        load_policy(bad)
    with pytest.raises(PolicyError, match="no such file"):
        load_policy(tmp_path / "missing.toml")
