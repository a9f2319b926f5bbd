"""The credit policy: indicator thresholds and weights, score levels and segment rules.

Read from a TOML file (``load_policy``); every key has a documented default (see
``default_policy.toml`` beside this module, kept equal to these models by a test). An invalid
file raises ``PolicyError`` naming the key and the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, model_validator

from .credit_policy import CreditPolicy
from .indicators import INDICATORS
from .key_errors import key_path, reason

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
DEFAULT_POLICY_FILE = Path(__file__).with_name("default_policy.toml")


class PolicyError(ValueError):
    """An invalid policy file: ``key`` is the dotted path, ``reason`` what is wrong."""

    def __init__(self, key: str, reason: str, source: str = "policy"):
        self.key, self.reason, self.source = key, reason, source
        super().__init__(f"{source}: {key}: {reason}")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


_INDICATOR_FIELDS: dict[str, Any] = {ind.id: (ind.params, Field(default_factory=ind.params)) for ind in INDICATORS}
IndicatorsPolicy = create_model(  # one field per registered indicator, typed by its Params
    "IndicatorsPolicy",
    __base__=_Section,
    **_INDICATOR_FIELDS,
)

PAYMENT_PROBLEMS: tuple[str, ...] = (
    "habit_slip", "slowing_trend", "selective_payment", "aging", "failed_payments", "broken_promise",
)


class ScoringPolicy(_Section):
    """How indicator strengths become a 0-100 score and a level.

    score = 100 * (1 - prod(1 - weight_i * strength_i)) over the fired indicators, so each
    sign adds risk, none can push past 100, and a single weak sign stays low. The score ranks
    customers; the level comes from the same sum with each indicator of ``level_weights`` weighed
    at most that (the alarm score): a habit ranks a customer fully but raises no alarm alone.
    """

    medium: float = Field(default=25, ge=0, le=100, description="score from which the level is medium")
    high: float = Field(default=50, ge=0, le=100)
    critical: float = Field(default=75, ge=0, le=100)
    top_reasons: int = Field(default=3, ge=1, le=16)
    only_with: dict[str, tuple[str, ...]] = Field(
        default_factory=lambda: {"volume_drop": PAYMENT_PROBLEMS},
        description="indicator -> it counts only when one of these fired too (seed 000: a drop "
                    "in volume alone is no reason for collection)",
    )
    level_weights: dict[str, float] = Field(
        default_factory=lambda: {"habitual_lateness": 0.35},
        description="indicator -> the most weight it has towards the level (it ranks customers with its full "
                    "weight): seed 001 treats a chronic late payer with patience, not as an alarm, so the habit "
                    "counts towards the level as it did at weight 0.35 (alone: medium at most) while it ranks "
                    "at its weight",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ScoringPolicy:
        if not self.medium <= self.high <= self.critical:
            raise ValueError("levels: medium <= high <= critical is required")
        bad = {k: v for k, v in self.level_weights.items() if not 0 <= v <= 1}
        if bad:
            raise ValueError(f"level_weights: a weight is between 0 and 1, got {bad}")
        return self


class SegmentPolicy(_Section):
    """Segment rules (the README's "Segments": under review, delinquent, new, chronic late, good)."""

    new_below_paid: int = Field(default=3, ge=1, description="fewer paid invoices than this: new")
    delinquent_days: int = Field(default=91, ge=1, description="days past due that make delinquent")
    chronic_late_days: int = Field(default=15, ge=0,
                                   description="typical lateness (habitual_lateness) beyond terms by more "
                                               "than this: chronic late")
    chronic_late_share: float = Field(default=0.75, ge=0, le=1,
                                      description="...in at least this share of recent paid invoices")
    patient_days: int = Field(default=35, ge=0,
                              description="...unless its lateness is stable and no more than this many days: "
                                          "a patient case, good (a month, as seed 001's 60-day payer on 30-day "
                                          "terms, and the week a weekly payment run adds)")
    stable_spread_days: int = Field(default=10, ge=0,
                                    description="lateness is stable when the middle half of its recent paid "
                                                "invoices' days late spans at most this many days")


class ModelPolicy(_Section):
    """Which model's probability drives the level and the ranking: the one the company's own
    backtest chose (``arwatch.core.backtest.live``), fitted on its history when it has enough."""

    use: Literal["chosen", "scorecard"] = Field(
        default="chosen", description="chosen: the model the company's backtest chose (the scorecard without "
                                      "enough history); scorecard: always the explained scorecard")
    min_settled_invoices: int = Field(default=200, ge=1, description="settled invoices known before the fit day "
                                                                     "below which the scorecard scores")
    min_history_months: int = Field(default=12, ge=1, description="whole months of history before the backtest's "
                                                                  "first time-ordered cut-off")
    late_days: int = Field(default=30, ge=0, description="the question the model answers: the customer's next "
                                                         "invoice paid more than this many days late")
    refit_days: int = Field(default=30, ge=1, description="days after which the model is chosen and fitted again")
    backtest_quarters: int = Field(default=4, ge=1, description="quarters the choice is judged on (the last ones "
                                                                "before the fit day)")


class Policy(_Section):
    indicators: IndicatorsPolicy = Field(default_factory=IndicatorsPolicy)
    scoring: ScoringPolicy = Field(default_factory=ScoringPolicy)
    segments: SegmentPolicy = Field(default_factory=SegmentPolicy)
    model: ModelPolicy = Field(default_factory=ModelPolicy)
    credit: CreditPolicy = Field(default_factory=CreditPolicy)

    def params(self, indicator_id: str) -> Any:
        return getattr(self.indicators, indicator_id)


def parse_policy(data: dict[str, Any], source: str = "policy") -> Policy:
    """Validate a policy mapping; raise ``PolicyError`` for the first bad key."""
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        err = error.errors(include_url=False)[0]
        raise PolicyError(key_path(tuple(err["loc"])), reason(err, Policy), source) from None


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy in ``path`` (TOML), or the defaults when ``path`` is None."""
    if path is None:
        return Policy()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PolicyError("(file)", "no such file", str(path)) from None
    except tomllib.TOMLDecodeError as error:
        raise PolicyError("(syntax)", str(error), str(path)) from None
    return parse_policy(data, str(path))
