"""Debian's headless Chromium driven over the DevTools protocol through a pipe (no port, no
websocket, standard library only): open a page at a window size, collect its console errors,
evaluate expressions in it.

    with Browser.start(exe, profile_dir) as browser:
        page = browser.open(path.as_uri(), width=1366, height=768)
        page.evaluate("document.documentElement.scrollHeight")
        page.errors  # console errors, uncaught exceptions, failed loads

``--remote-debugging-pipe`` makes Chromium read commands from fd 3 and write replies to fd 4,
each a JSON message ending in a NUL byte; a shell maps them to this process's pipes.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--mute-audio", "--remote-debugging-pipe")
WAIT = 60.0  # seconds a reply may take on a busy machine (a deadline for a hung browser, not a timing)


def chromium_or_skip() -> str:
    """The chromium executable; skips the test (fails under ARWATCH_REQUIRE_CHROMIUM=1) without it."""
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("ARWATCH_REQUIRE_CHROMIUM") == "1":
            pytest.fail("chromium is required (ARWATCH_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("chromium not installed: apt-get install -y chromium (or set ARWATCH_REQUIRE_CHROMIUM=1 to fail)")
    return exe


class Browser:
    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    @classmethod
    def start(cls, exe: str, profile: Path) -> Browser:
        command = [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
        proc = subprocess.Popen(["sh", "-c", 'exec "$@" 3<&0 4>&1 0</dev/null 1>/dev/null 2>/dev/null', "sh",
                                 *command], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        return cls(proc)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing a browser that already went away
            pass
        try:
            self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not ready:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            if not chunk:
                raise EOFError("chromium closed its DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its reply (events meanwhile are kept in ``events``)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.proc.stdin.write(json.dumps(message).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + WAIT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT
        for k, event in enumerate(self.events):
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop(k)
        while True:
            event = self._read(deadline)
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return self.events.pop()

    def open(self, url: str, width: int, height: int) -> Page:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.send(method, session)
        self.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.send("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        return Page(self, session)


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session

    def evaluate(self, expression: str) -> Any:
        result = self.browser.send("Runtime.evaluate", self.session, expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    @property
    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen on this page so far."""
        self.evaluate("0")  # let pending events arrive
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console.{params['type']}: {params.get('args')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found
