"""The backtest tells its caller how far it is (the CLI draws a tqdm bar with ETA from it): once
per replayed day, with the number of days in all; the bar stays off when stderr is no terminal."""

import datetime as dt

from ledgers import ledger_from_text

from arwatch.cli import main
from arwatch.core.backtest import BacktestSettings, replay_days, run_backtest

LEDGER = "\n".join(
    ["customer good \"Good Payer Ltd\" terms=30", "customer bad \"Slipping & Sons\" terms=30"]
    + [f"invoice good G/{m} 2024-{m:02d}-01 100.00\npayment good PG{m} 2024-{m:02d}-25 100.00 -> G/{m}"
       for m in range(1, 13)]
    + [f"invoice bad B/{m} 2024-{m:02d}-01 200.00" for m in range(1, 12)]
)


def test_backtest_progress__told_once_per_replayed_month_with_the_total():
    calls: list[tuple[int, int]] = []
    settings = BacktestSettings(learned="off", every="month", start=dt.date(2024, 1, 31), end=dt.date(2024, 12, 1))
    run_backtest(ledger_from_text(LEDGER), settings, progress=lambda done, total: calls.append((done, total)))
    months = replay_days(dt.date(2024, 1, 31), dt.date(2024, 12, 1), "month")
    assert len(months) == 11  # Jan 31 .. Nov 30
    assert calls == [(k, 11) for k in range(1, 12)]


def test_backtest_progress__once_per_week_too():
    calls: list[tuple[int, int]] = []
    run_backtest(ledger_from_text(LEDGER), BacktestSettings(learned="off", every="week"),
                 progress=lambda done, total: calls.append((done, total)))
    total = calls[-1][1]
    assert total > 40 and calls == [(k, total) for k in range(1, total + 1)]


def test_backtest_cli__no_progress_bar_when_stderr_is_not_a_terminal(tmp_path, capsys):
    out = tmp_path / "bt.html"
    assert main(["backtest", "--demo", "--no-learned", "--every", "month", "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "replaying" not in err and "\r" not in err
    assert out.exists()
