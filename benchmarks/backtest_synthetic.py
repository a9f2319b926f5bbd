"""Backtest time on the synthetic ledger (default 1M invoices, 100k customers).

    .venv/bin/python benchmarks/backtest_synthetic.py [--invoices 1000000] [--every month] [--learned]

Prints the time of each stage: building the ledger, building the frame (once), the replay
(one cut + score per replay day) and the whole backtest with its judgement (wall and CPU
seconds), then each invoice question's ROC AUC per predictor and what the learned model chose,
so that two runs can be compared on what they found as well as on time.
"""

from __future__ import annotations

import argparse
import time

from arwatch.core.backtest import BacktestSettings
from arwatch.core.backtest.run import backtest_frame
from arwatch.core.frame import LedgerFrame
from arwatch.core.policy import Policy
from arwatch.demo.synthetic import synthetic_ledger


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--invoices", type=int, default=1_000_000)
    p.add_argument("--customers", type=int, default=0, help="default: invoices / 10")
    p.add_argument("--every", choices=("week", "month"), default="month")
    p.add_argument("--learned", action="store_true", help="also fit the learned model (slow at this size)")
    a = p.parse_args()
    customers = a.customers or a.invoices // 10
    t = time.perf_counter()
    ledger = synthetic_ledger(n_customers=customers, n_invoices=a.invoices, n_payments=a.invoices)
    print(f"ledger: {customers:,} customers, {a.invoices:,} invoices built in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    frame = LedgerFrame.from_ledger(ledger)
    print(f"frame built once: {time.perf_counter() - t:.1f} s")
    settings = BacktestSettings(every=a.every, learned="auto" if a.learned else "off")
    t, cpu = time.perf_counter(), time.process_time()
    result = backtest_frame(frame, settings, Policy(), "synthetic")
    total, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(f"replay: {len(result.days)} {a.every} ends in {result.replay_seconds:.1f} s "
          f"({result.replay_seconds / max(len(result.days), 1):.2f} s per replay day)")
    print(f"backtest total (replay + judgement + report data): {total:.1f} s ({cpu:.1f} s CPU)")
    q = result.quality("scorecard")
    print(f"scorecard AP {q.snapshot_ap:.3f}, dunning AP {result.quality('dunning').snapshot_ap:.3f}, "
          f"late rate AP {result.quality('late_rate').snapshot_ap:.3f}; {len(result.delinquents)} went bad")
    for cell in result.invoice_cells:
        aucs = ", ".join(f"{k} {v.auc:.4f}" for k, v in sorted(cell.scores.items()))
        print(f"{cell.point}, paid > {cell.late_days} d late ({cell.invoices:,} invoices): AUC {aucs}")
    print(f"learned model: {result.learned_status}")


if __name__ == "__main__":
    main()
