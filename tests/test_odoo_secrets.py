"""An Odoo server whose error answers echo the request never gets the password or the API key
printed, logged, raised or stored (audit issue: `unexpected error (OdooError: login: ...
"args": ["acme", "admin", "<password>"])`, exit 1), and its error is an Odoo error of its own
with exit code 3, not "a bug in arwatch".

A small local server plays Odoo 17 (JSON-RPC, which sends the password with every call) and
echoes each request it refuses in the three places a server puts it: the message, the ``debug``
traceback and the ``arguments``; the JSON-2 transport (Odoo 19, API key as bearer token) is fed
answers that echo its headers and body.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from arwatch.adapters.odoo.errors import RecordRefused, ServerError
from arwatch.adapters.odoo.transport_json2 import Json2Transport
from arwatch.cli import main
from arwatch.core.contract import SourceUnreachable

# quotes, a backslash and a non-ASCII letter: a JSON answer escapes them (\", \\, \u00f6)
PASSWORD = 'S3CRET-"pw"\\wört-123'
API_KEY = "0123456789abcdef0123456789abcdef01234567"


class FakeOdoo17(BaseHTTPRequestHandler):
    """Odoo 17 over JSON-RPC: answers the version, and the login unless ``refuse_login``;
    refuses every other call with an error that echoes the whole request."""

    refuse_login = True

    def log_message(self, *args):
        pass

    def do_POST(self):  # noqa: N802 - http.server's name
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        request = json.loads(raw or "{}")
        body = json.dumps({"jsonrpc": "2.0", "id": request.get("id"), **self.answer(request, raw)}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer(self, request: dict, raw: str) -> dict:
        """The JSON-RPC answer's ``result`` or ``error`` to ``request`` (``raw``: as sent)."""
        params = request.get("params", {})
        if "version_info" in self.path:
            answer = {"result": {"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""],
                                 "protocol_version": 1}}
        elif params.get("method") == "login" and not self.refuse_login:
            answer = {"result": 2}
        elif params.get("args", [None] * 5)[3:5] == ["res.users", "context_get"] and not self.refuse_login:
            answer = {"result": {"uid": 2, "lang": "en_US", "tz": "Europe/Brussels"}}
        else:
            answer = {"error": {"code": 200, "message": "Odoo Server Error", "data": {
                "name": "psycopg2.OperationalError", "message": "bad request: " + raw,
                "debug": "Traceback (most recent call last):\n  request: " + raw,
                "arguments": ["bad request", params.get("args")]}}}
        return answer


@contextlib.contextmanager
def serving(handler: type[BaseHTTPRequestHandler]):
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def write_config(tmp_path: Path, url: str) -> Path:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f"[acme-odoo]\npassword = {json.dumps(PASSWORD)}\n", encoding="utf-8")
    secrets.chmod(0o600)
    config = tmp_path / "config.toml"
    config.write_text(f"""\
state_url = "sqlite:///{tmp_path / 'state.sqlite3'}"
secrets_file = "{secrets}"
[companies.acme]
source = "odoo"
credentials = "acme-odoo"
[companies.acme.settings]
url = "{url}"
database = "acme"
login = "admin"
retries = 1
""", encoding="utf-8")
    return config


def run_sync(config: Path, *options: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*options, "sync", "--config", str(config), "--source", "acme", "--as-of", "2026-11-20"])
    return code, out.getvalue() + err.getvalue()


def stored_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("state.sqlite3*"))


def assert_no_secret(text: str) -> None:
    for spelling in (PASSWORD, json.dumps(PASSWORD)[1:-1], json.dumps(PASSWORD, ensure_ascii=False)[1:-1],
                     "S3CRET"):
        assert spelling not in text


@pytest.mark.parametrize("options", [(), ("--debug", "-v")], ids=["plain", "debug"])
def test_jsonrpc__login_error_echoing_the_password_is_an_odoo_error_without_it(tmp_path, caplog, options):
    caplog.set_level(logging.DEBUG)
    with serving(type("Refusing", (FakeOdoo17,), {"refuse_login": True})) as url:
        code, output = run_sync(write_config(tmp_path, url), *options)
    assert code == 3, output
    assert f"acme: unreachable: Odoo at {url} answered login with an error: OperationalError: bad request:" in output
    assert '"args": ["acme", "admin", "***"]' in output  # the echo is kept, the password blanked
    assert "unexpected error" not in output and "bug" not in output
    assert_no_secret(output + caplog.text)


def test_jsonrpc__error_of_a_call_after_the_login_stops_the_run_without_the_password(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with serving(type("Answering", (FakeOdoo17,), {"refuse_login": False})) as url:
        code, output = run_sync(write_config(tmp_path, url), "--debug")
    assert code == 3, output
    assert f"acme: unreachable: Odoo at {url} answered ir.module.module.search_read with an error: " \
           f"OperationalError: bad request:" in output
    assert "Traceback" not in output
    assert_no_secret(output + caplog.text)
    assert PASSWORD.encode() not in stored_bytes(tmp_path) and b"S3CRET" not in stored_bytes(tmp_path)


class Answer:
    def __init__(self, status: int, body: object):
        self.status_code, self._body = status, body
        self.text = body if isinstance(body, str) else json.dumps(body)

    def json(self):
        if isinstance(self._body, str):
            raise ValueError("not JSON")
        return self._body


class EchoingSession:
    """Answers ``context_get`` (the login check), then each call with ``answer(echo)``, where
    ``echo`` is the request as the server received it: headers and body."""

    def __init__(self, answer):
        self.answer, self.first = answer, True

    def post(self, url, json=None, headers=None, timeout=None):
        if self.first:
            self.first = False
            return Answer(200, {"uid": 2})
        import json as codec

        return self.answer(f"{url} {codec.dumps(headers)} {codec.dumps(json)}")


@pytest.mark.parametrize("answer, kind", [
    (lambda echo: Answer(400, {"name": "werkzeug.exceptions.BadRequest", "message": echo}), ServerError),
    (lambda echo: Answer(422, echo), ServerError),  # no JSON: the text itself
    (lambda echo: Answer(403, {"name": "odoo.exceptions.AccessError", "message": echo}), RecordRefused),
    (lambda echo: Answer(400, {"name": f"odoo.exceptions.{API_KEY}", "message": "x", "debug": echo}),
     ServerError),
], ids=["message", "text", "record-fault", "name"])
def test_json2__error_echoing_the_request_never_holds_the_api_key(answer, kind):
    t = Json2Transport("http://odoo.test", "acme", "bot", API_KEY, (19, 0), session=EchoingSession(answer), wait=0)
    with pytest.raises(kind) as caught:
        t.call("res.partner", "search_read", domain=[], fields=["name"])
    assert API_KEY not in str(caught.value) and API_KEY not in repr(caught.value.args)
    if kind is ServerError:
        assert isinstance(caught.value, SourceUnreachable)  # exit code 3, the run of that company stops
        assert str(caught.value).startswith("Odoo at http://odoo.test answered res.partner.search_read with an "
                                            "error: HTTP ")
