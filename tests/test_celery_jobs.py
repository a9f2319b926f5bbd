"""Two companies synced through a real Celery worker against a real Redis broker.

Redis: ``ARWATCH_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/0). Skipped when it does not
answer, unless ARWATCH_REQUIRE_REDIS=1 (CI), then it fails. The worker is a subprocess
(``celery -A arwatch.celery_tasks worker``) listening on a queue of this test's own, ended by
its PID at the end; the queue's keys, the results it read and the worker's remote-control
deadline are removed from Redis, and the test checks that no kombu key of the worker's is left.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, write_config

from arwatch.sync.store import open_store

REDIS = os.environ.get("ARWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
#: kombu's sorted set of binding tables' deadlines (exchange name -> ms), shared by all its users
DEADLINES = "_kombu.binding_deadlines"


@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001
        message = f"Redis at {REDIS} does not answer ({type(error).__name__}); set ARWATCH_TEST_REDIS_URL"
        if os.environ.get("ARWATCH_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return REDIS


@contextlib.contextmanager
def running_worker(redis_url: str, folder: Path) -> Iterator[str]:
    """A worker subprocess on a queue of its own (the queue's name is yielded), ended by its PID
    on leaving; what it left in Redis is then removed (``_forget_queue``)."""
    queue = f"arwatch-test-{uuid.uuid4().hex[:10]}"
    log = (folder / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "arwatch.celery_tasks", "worker", "--pool", "solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
         "-n", f"{queue}@localhost"],
        env={**os.environ, "ARWATCH_CELERY_BROKER": redis_url}, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield queue
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        _forget_queue(redis_url, queue)


def _forget_queue(redis_url: str, queue: str) -> None:
    """Remove what the test's queue left in the shared Redis: kombu's bindings of the queue's
    exchange (kept with no expiry, one pair per run), the queue's list, and the deadline kombu
    keeps for the worker's remote-control exchange (``celery.pidbox``) once no binding of that
    exchange is left: kombu's own sweep would drop it only an hour later, from another worker.
    A deadline whose exchange some other worker still binds is left to that worker."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}", queue)
    for exchange in client.zrange(DEADLINES, 0, -1):
        name = exchange.decode()
        if not client.exists(f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"):
            client.zrem(DEADLINES, exchange)


def _kombu_keys(redis_url: str) -> set[bytes]:
    import redis

    return set(redis.Redis.from_url(redis_url).keys("_kombu.*"))


def test_celery__two_companies_synced_by_a_real_worker(redis_url, tmp_path):
    kombu_before = _kombu_keys(redis_url)
    with running_worker(redis_url, tmp_path) as queue:
        _two_companies_synced(redis_url, queue, tmp_path)
    assert _kombu_keys(redis_url) <= kombu_before  # the worker's bindings and deadlines are gone


def _two_companies_synced(redis_url: str, worker: str, tmp_path: Path) -> None:
    from arwatch.celery_tasks import app, enqueue_all

    app.conf.broker_url = app.conf.result_backend = redis_url
    state = tmp_path / "state.sqlite3"
    config = write_config(tmp_path / "arwatch.toml", {
        "north": {"source": "file", "settings": file_settings(IBM_EXCERPT, tmp_path / "north-out")},
        "south": {"source": "file", "settings": file_settings(IBM_EXCERPT, tmp_path / "south-out")},
    }, state_url=str(state))
    results = enqueue_all(str(config), queue=worker, as_of="2013-06-01")
    done = [r.get(timeout=240) for r in results]  # raises the task's error, if any
    for r in results:
        r.forget()  # the results are read: not left in Redis for a day
    by_company = {d["summary"]["company"]: d for d in done}
    assert sorted(by_company) == ["north", "south"]
    for company, result in by_company.items():
        summary = result["summary"]
        assert summary["error"] == ""
        assert summary["status"] == "ok" and summary["as_of"] == "2013-06-01" and summary["pulled"] == 86
        assert result["line"].startswith(f"{company}: ok as of 1 Jun 2013: pulled 86, scored 6")
    store = open_store(state)
    for company in ("north", "south"):
        (run,) = store.runs.entries(company)
        assert run["status"] == "ok" and store.locks.holder(company) is None
        assert len(store.snapshot.load(company)[1]["invoices"]) == 40
        assert len(store.written.state(company).flags) == 6
        assert any((tmp_path / f"{company}-out").iterdir())  # written back through the file source's outbox
