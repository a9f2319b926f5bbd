"""A client-side timeout that fires when the stand-in holds a request, not when a clock says so.

``TimeoutWhileHeld(injection)``, mounted on the client's ``requests.Session`` for the stand-in's
``base_url``, sends every request for real. When the stand-in holds it (``StandIn.inject(...,
hold=True)``), ``send`` raises the ``requests.ReadTimeout`` that requests raises when a read
timeout runs out, at once, and the request stays held in the stand-in until the test releases
it; it then lands late, as a slow answer would. A request that is not held is answered as usual.

So a test of "the server was too slow" depends neither on the client's timeout value nor on how
fast the machine is, and works under a faked clock. One request at a time: the adapter tells
that its request was held by the injection's ``held`` count rising while it waits.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from .server import Injection


class TimeoutWhileHeld(HTTPAdapter):
    def __init__(self, injection: Injection) -> None:
        super().__init__()
        self.injection = injection
        self.timed_out: list[requests.PreparedRequest] = []  # the requests given up on
        self.timeouts: list[Any] = []  # the timeout the client asked for, per request sent

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        inj = self.injection
        self.timeouts.append(kwargs.get("timeout"))
        with inj.changed:
            before = inj.held
        outcome: dict[str, Any] = {}

        def run() -> None:
            try:
                outcome["response"] = HTTPAdapter.send(self, request, **kwargs)
            except BaseException as error:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = error
            finally:
                outcome["done"] = True
                inj.notify()

        threading.Thread(target=run, name="standin-request", daemon=True).start()
        inj.wait(lambda i: i.held > before or outcome.get("done", False))
        if outcome.get("done"):  # answered without being held
            if "error" in outcome:
                raise outcome["error"]
            return outcome["response"]
        self.timed_out.append(request)
        raise requests.exceptions.ReadTimeout(
            f"the stand-in holds {request.method} {request.path_url} (a client read timeout)",
            request=request)
