"""Cassettes of real Odoo sessions: secrets scrubbed, the host replaced, replayed with no Odoo.

Recorded with ``ARWATCH_ODOO_RECORD=1`` and the live settings (``ARWATCH_ODOO_URL``, ``_DB``,
``_LOGIN``, ``_KEY``); otherwise ``record_mode="none"``. Scrubbed: the password or API key in
JSON-RPC bodies, the ``Authorization`` and ``Cookie`` headers, ``Set-Cookie`` answers, the
server's traceback in error answers (JSON-RPC and JSON-2); the random JSON-RPC request id is set to 0 so bodies match
on replay.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
from pathlib import Path

import vcr

CASSETTES = Path(__file__).parent / "cassettes"
HOST = "http://odoo.test"
_ORIGIN = re.compile(r"^https?://[^/]+")


def _scrub_body(body: bytes | str | None) -> bytes | str | None:
    if not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return body
    if not isinstance(data, dict):
        return body
    if "id" in data and data.get("jsonrpc"):
        data["id"] = 0
    params = data.get("params") if isinstance(data.get("params"), dict) else {}
    args = params.get("args")
    if params.get("service") in ("common", "object") and isinstance(args, list) and len(args) > 2:
        args[2] = "***"
    if "password" in params:
        params["password"] = "***"
    return json.dumps(data, sort_keys=True)


def _request(request):  # noqa: ANN001 - vcrpy's Request
    request.uri = _ORIGIN.sub(HOST, request.uri)
    request.body = _scrub_body(request.body)
    return request


def _scrub_traceback(body: bytes | str) -> bytes | str:
    """An error's server traceback, with its file paths, left out: JSON-RPC's ``error.data.debug``,
    JSON-2's top-level ``debug``."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError):
        return body
    if not isinstance(data, dict):
        return body
    error = data.get("error")
    if isinstance(error, dict) and isinstance(error.get("data"), dict) and "debug" in error["data"]:
        where = error["data"]
    elif "debug" in data and "name" in data:  # JSON-2 (19.0+)
        where = data
    else:
        return body
    where["debug"] = "(server traceback left out of the cassette)"
    text = json.dumps(data)
    return text.encode() if isinstance(body, bytes) else text


def _response(response: dict) -> dict:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in ("set-cookie", "date", "server"):
            headers.pop(name)
    body = response.get("body")
    if isinstance(body, dict) and body.get("string"):
        body["string"] = _scrub_traceback(body["string"])
    return response


def recording() -> bool:
    return os.environ.get("ARWATCH_ODOO_RECORD") == "1"


def _same_body(r1, r2) -> None:  # noqa: ANN001 - vcrpy's Requests
    """Bodies compared as the canonical text ``_scrub_body`` made of both (sorted keys): vcrpy's
    own ``body`` matcher parses both JSON bodies at each of its n x n comparisons, which made a
    700-request cassette take a minute to replay."""
    def raw(r):  # noqa: ANN001, ANN202
        body = r.body or b""
        return body.encode() if isinstance(body, str) else body

    if raw(r1) != raw(r2):
        raise AssertionError("request bodies differ")


class GzipPersister:
    """Cassettes kept as ``<name>.gz`` (the YAML gzipped, no timestamp): a runner cassette is
    8-9 MB of YAML and under 1 MB compressed."""

    @staticmethod
    def load_cassette(cassette_path, serializer):  # noqa: ANN001, ANN205 - vcrpy's persister API
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(f"{cassette_path}.gz")
        if not path.is_file():
            raise CassetteNotFoundError()
        return deserialize(gzip.decompress(path.read_bytes()).decode("utf-8"), serializer)

    @staticmethod
    def save_cassette(cassette_path, cassette_dict, serializer):  # noqa: ANN001, ANN205
        from vcr.serialize import serialize

        path = Path(f"{cassette_path}.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(serialize(cassette_dict, serializer).encode("utf-8"), mtime=0))


def cassette_vcr() -> vcr.VCR:
    my_vcr = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="all" if recording() else "none",
                     match_on=["method", "uri", "same_body"], filter_headers=["authorization", "cookie", "host"],
                     before_record_request=_request, before_record_response=_response,
                     decode_compressed_response=True,
                     drop_unused_requests=recording())  # a re-recording replaces the cassette whole
    my_vcr.register_matcher("same_body", _same_body)
    my_vcr.register_persister(GzipPersister)
    return my_vcr


LIVE = ("ARWATCH_ODOO_URL", "ARWATCH_ODOO_DB", "ARWATCH_ODOO_LOGIN", "ARWATCH_ODOO_KEY")


def live_odoo() -> tuple[str, str, str, str] | None:
    """URL, database, login and key of a real Odoo from the environment, or None."""
    values = tuple(os.environ.get(k, "") for k in LIVE)
    return values if all(values) else None  # type: ignore[return-value]


def cassette_target(name: str, kind: str) -> tuple[str, str, str, str, dict]:
    """Where a cassette test talks to: the live Odoo while recording cassette ``name``
    (its metadata written to ``<name>/<kind>.json``), else the recorded host and metadata.
    Skips when another cassette is being recorded."""
    import pytest  # noqa: PLC0415 (test helper only)

    meta_path = CASSETTES / name / f"{kind}.json"
    live = live_odoo()
    if recording() and os.environ.get("ARWATCH_ODOO_CASSETTE") == name and live:
        url, db, login, key = live
        meta = {"tag": secrets.token_hex(4), "database": db, "login": login}
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta_path.write_text(json.dumps(meta, indent=1) + "\n")
        return url, db, login, key, meta
    if recording():
        pytest.skip(f"recording another cassette than {name}")
    meta = json.loads(meta_path.read_text())
    return HOST, meta["database"], meta["login"], "not-a-real-key", meta
