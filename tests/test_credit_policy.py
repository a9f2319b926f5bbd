"""The credit policy section: defaults, merging of ladders, and errors naming key and reason."""

import pytest

from arwatch.core import policy as policy_module
from arwatch.core import segments
from arwatch.core.credit_policy import INDICATOR_IDS, LEVEL_NAMES, SEGMENT_NAMES, STEPS, CreditPolicy
from arwatch.core.indicators import INDICATORS
from arwatch.core.policy import Policy, PolicyError, load_policy, parse_policy


def test_credit_policy__names_match_core_levels_and_segments():
    assert LEVEL_NAMES == policy_module.LEVELS
    assert SEGMENT_NAMES == segments.SEGMENTS


def test_credit_policy__a_ladder_step_may_require_any_indicator_of_the_registry():
    assert INDICATOR_IDS == tuple(i.id for i in INDICATORS)
    policy = parse_policy({"credit": {"ladders": {"chronic_late": [
        {"step": "phone_call", "from_days": 45, "requires": ["habitual_lateness"]}]}}})
    assert policy.credit.ladders["chronic_late"][0].requires == ("habitual_lateness",)


def test_credit_policy__defaults_cover_every_segment_and_step():
    credit = Policy().credit
    assert set(credit.ladders) == set(SEGMENT_NAMES) | {"all"}
    used = {rule.step for ladder in credit.ladders.values() for rule in ladder}
    assert used == set(STEPS)
    (agency,) = [r for r in credit.ladders["good"] if r.step == "agency_referral"]
    assert agency.from_days == 91 and agency.needs_approval and set(agency.requires) == {"silence", "broken_promise"}


def test_credit_policy__a_file_changes_one_ladder_and_keeps_the_others(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[credit]\nlarge_invoice = 10000\n[[credit.ladders.good]]\nstep = "reminder"\n'
                    'scope = "invoice"\nfrom_days = 10\n', encoding="utf-8")
    credit = load_policy(path).credit
    assert credit.large_invoice == 10000
    assert [r.step for r in credit.ladders["good"]] == ["reminder"]
    assert credit.ladders["new"] == CreditPolicy().ladders["new"]


@pytest.mark.parametrize("data,key,reason", [
    ({"ladders": {"good": [{"step": "phone_cal", "scope": "overdue", "from_days": 40}]}},
     "credit.ladders.good.0.step", "unknown step 'phone_cal'"),
    ({"ladders": {"good": [{"step": "phone_call", "scope": "overdue", "from_days": 10}]}},
     "credit.ladders", "good.0.from_days: phone_call at 10 days past due is before patience_days (30)"),
    ({"ladders": {"good": [{"step": "reminder", "scope": "invoice"}]}},
     "credit.ladders.good.0", "from_days: required for scope 'invoice'"),
    ({"ladders": {"good": [{"step": "agency_referral", "scope": "overdue", "from_days": 91}]}},
     "credit.ladders.good.0", "needs_approval: an agency referral is a task a manager approves"),
    ({"ladders": {"vip": []}}, "credit.ladders", "unknown segment(s) ['vip']"),
    ({"ladders": {"good": [{"step": "reminder", "from_days": 5, "until_days": 1}]}},
     "credit.ladders.good.0", "until_days: 1 is before from_days 5"),
    ({"ladders": {"all": [{"step": "sales_review", "scope": "account"}]}},
     "credit.ladders.all.0", "requires: scope 'account' fires on indicators"),
    ({"ladders": {"good": [{"step": "reminder", "from_days": 1, "requires": ["gossip"]}]}},
     "credit.ladders.good.0.requires", "unknown indicator(s) ['gossip']"),
    ({"ladders": {"good": [{"step": "reminder", "from_days": 1, "channel": "fax"}]}},
     "credit.ladders.good.0.channel", "unknown channel 'fax'"),
    ({"holds": {"levels": ["severe"]}}, "credit.holds.levels", "unknown level(s) ['severe']"),
    ({"holds": {"clear_days": 0}}, "credit.holds.clear_days", "greater than or equal to 1"),
    ({"flag_min_level": "meh"}, "credit.flag_min_level", "unknown level 'meh'"),
])
def test_credit_policy__invalid_step_config_names_key_and_reason(data, key, reason):
    with pytest.raises(PolicyError) as error:
        parse_policy({"credit": data})
    assert error.value.key == key
    assert reason in error.value.reason


def test_credit_policy__early_allows_a_call_before_patience():
    credit = parse_policy({"credit": {"ladders": {"new": [
        {"step": "phone_call", "scope": "overdue", "from_days": 10, "early": True}]}}}).credit
    assert credit.ladders["new"][0].from_days == 10


def test_credit_policy__ladder_lists_segment_rules_then_all():
    ladder = CreditPolicy().ladder("good")
    assert ladder[0][:2] == ("good", 0) and ladder[-1][0] == "all"
