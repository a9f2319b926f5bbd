"""Which model scores a company on a day: the stored fit while it is current, else a new fit.

``scored(board, policy, store, company, save)`` is what every command that scores uses (sync,
plan, report, score): the company's latest stored fit (``store.models``) when it may score the
board's day (``live.due_for_fit``: same policy and question, fitted before that day and less than
``[model] refit_days`` before), otherwise ``live.fit_in_use`` on what was known before the day.
A scheduled sync saves the new fit (``save``); the read-only commands use theirs for the run only.

A fit is the same for the same data, policy and day (it is pure and deterministic), so fits are
also kept for the life of the process (``_FITS``): a command that scores one company twice, or a
test session, fits once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging

import numpy as np

from arwatch.core.backtest.live import FORMAT, ModelInUse, apply_in_use, due_for_fit, fit_in_use, policy_key
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import Policy
from arwatch.core.scoring import ScoreBoard

from .store import Store

log = logging.getLogger(__name__)

_FITS: dict[tuple[str, str, str], ModelInUse] = {}
_KEEP = 16


def frame_key(frame: LedgerFrame) -> str:
    """A hash of every column of ``frame``: equal for the same data."""
    digest = hashlib.sha256()
    for field in dataclasses.fields(frame):
        value = getattr(frame, field.name)
        if isinstance(value, np.ndarray):
            digest.update(field.name.encode())
            digest.update(np.ascontiguousarray(value).tobytes() if value.dtype != object else
                          "\x1f".join(map(str, value.tolist())).encode())
        elif isinstance(value, (str, int, float, frozenset, tuple)):
            digest.update(f"{field.name}={sorted(value) if isinstance(value, frozenset) else value!r}".encode())
    return digest.hexdigest()


def fit(frame: LedgerFrame, policy: Policy) -> ModelInUse:
    """``fit_in_use`` for the frame's day (remembered for the process)."""
    key = (frame_key(frame), policy_key(policy), frame.as_of.isoformat())
    if key not in _FITS:
        if len(_FITS) >= _KEEP:
            _FITS.pop(next(iter(_FITS)))
        _FITS[key] = fit_in_use(frame, policy, frame.as_of)
    return _FITS[key]


def model_for(board: ScoreBoard, policy: Policy, store: Store | None = None, company: str = "",
              save: bool = False) -> ModelInUse:
    """The model that scores ``board``'s day for ``company`` (module docstring)."""
    stored = store.models.latest(company) if store is not None else None
    if not due_for_fit(stored, board.frame.as_of, policy):
        assert stored is not None  # due_for_fit is True without one
        return stored
    try:
        model = fit(board.frame, policy)
    except Exception as error:  # noqa: BLE001 - a failed fit must not stop the run: the scorecard scores
        log.warning("%s: no model could be fitted (%s: %s): the scorecard scores", company, type(error).__name__,
                    error)
        return ModelInUse(predictor="scorecard", version=f"{FORMAT}:scorecard:unfitted", fitted_on=board.frame.as_of,
                          late_days=policy.model.late_days, policy=policy_key(policy), settled_invoices=0,
                          reason=f"no model could be fitted ({type(error).__name__}): the scorecard scores")
    if save and store is not None:
        store.models.save(company, model)
        log.info("%s: %s", company, model.sentence())
    return model


def scored(board: ScoreBoard, policy: Policy, store: Store | None = None, company: str = "",
           save: bool = False) -> tuple[ScoreBoard, ModelInUse]:
    """``board`` scored by the company's model in use, and that model."""
    model = model_for(board, policy, store, company, save)
    return apply_in_use(board, model, policy), model
