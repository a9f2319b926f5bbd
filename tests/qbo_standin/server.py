"""The stand-in HTTP server: QuickBooks Online Accounting API v3 plus Intuit's OAuth 2.0 endpoints.

Everything runs in-process: ``StandIn().start()`` serves a werkzeug WSGI app on 127.0.0.1 with an
ephemeral port from a background thread.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from . import errors as E
from .clock import Clock, qb_response_time
from .query import parse_query
from .store import ENTITY_NAMES, URL_SEGMENTS, Company

DEFAULT_REALM = "9130350000000001"
DEFAULT_CLIENT_ID = "standin-client-id"
DEFAULT_CLIENT_SECRET = "standin-client-secret"
DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"

ACCESS_TOKEN_SECONDS = 3600
REFRESH_TOKEN_SECONDS = 8726400  # the x_refresh_token_expires_in Intuit answers with (101 days)

TOKEN_PATH = "/oauth2/v1/tokens/bearer"
REVOKE_PATH = "/oauth2/v1/tokens/revoke"
DISCOVERY_PATH = "/.well-known/openid_configuration"


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # the stand-in keeps its own log
        pass


@dataclass
class LoggedRequest:
    method: str
    path: str
    params: dict[str, str]
    status: int
    realm: str | None = None
    operation: str | None = None  # query, batch, cdc, create, update, delete, void, read, send, token...
    entity: str | None = None
    body: str = ""
    replayed: bool = False
    injected: bool = False
    held: bool = False  # an injection held it until the test released it


@dataclass
class Injection:
    """A programmed answer (``StandIn.inject``), with the counts and signals of a hold.

    With ``hold=True`` every matched request waits in the stand-in, unanswered, until
    ``release()`` (or ``StandIn.stop()``). Nothing here waits for a time: ``wait_held`` and
    ``wait_answered`` block until the stand-in reports the event, however slow the machine.
    """

    match: str | None
    status: int | None
    times: int
    body: Any
    method: str | None
    headers: dict[str, str] = field(default_factory=dict)
    hold: bool = False
    hits: int = 0
    held: int = 0  # matched requests that reached the hold
    answered: int = 0  # matched requests answered and logged
    released: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition, repr=False,
                                         compare=False)

    def release(self) -> None:
        """Let the held requests (and any later match) go on."""
        with self.changed:
            self.released = True
            self.changed.notify_all()

    def wait(self, predicate: Callable[[Injection], bool]) -> None:
        """Block until ``predicate(self)`` holds, re-checked whenever the counts change (or
        someone calls ``notify``); there is no timeout."""
        with self.changed:
            self.changed.wait_for(lambda: predicate(self))

    def wait_held(self, n: int = 1) -> None:
        self.wait(lambda inj: inj.held >= n)

    def wait_answered(self, n: int = 1) -> None:
        self.wait(lambda inj: inj.answered >= n)

    def notify(self) -> None:
        """Wake the waiters to re-check their predicate (for a predicate on outside state)."""
        with self.changed:
            self.changed.notify_all()

    def _hold(self) -> None:
        with self.changed:
            self.held += 1
            self.changed.notify_all()
            self.changed.wait_for(lambda: self.released)

    def _answered(self) -> None:
        with self.changed:
            self.answered += 1
            self.changed.notify_all()


@dataclass
class _Grant:
    realm: str
    client_id: str
    expires_at: datetime
    active: bool = True


class StandIn:
    """A local QuickBooks Online stand-in.

    >>> s = StandIn().start()
    >>> tokens = s.issue_tokens()            # or the OAuth flow against s.token_url
    >>> s.load(s.realm, customers=[{"DisplayName": "Acme"}])
    >>> s.stop()
    """

    def __init__(self, *, realm: str = DEFAULT_REALM, clock: Clock | None = None,
                 require_auth: bool = True, client_id: str = DEFAULT_CLIENT_ID,
                 client_secret: str = DEFAULT_CLIENT_SECRET,
                 redirect_uri: str = DEFAULT_REDIRECT_URI,
                 rate_limit_per_minute: int | None = None, batch_limit: int = 30,
                 cdc_max_days: int = 30, cdc_max_objects: int = 1000,
                 query_max_results: int = 1000):
        self.realm = realm
        self.clock = clock or Clock()
        self.require_auth = require_auth
        self.batch_limit = batch_limit
        self.rate_limit_per_minute = rate_limit_per_minute
        self._company_opts = dict(cdc_max_days=cdc_max_days, cdc_max_objects=cdc_max_objects,
                                  query_max_results=query_max_results)
        self.companies: dict[str, Company] = {}
        self.clients: dict[str, tuple[str, str]] = {client_id: (client_secret, redirect_uri)}
        self.default_client_id = client_id
        self.lock = threading.RLock()
        self.requests: list[LoggedRequest] = []
        self._injections: deque[Injection] = deque()
        self._holds: list[Injection] = []
        self._idempotent: dict[tuple[str, str], tuple[int, str, dict[str, str]]] = {}
        self._rate_window: dict[str, deque[datetime]] = {}
        self._codes: dict[str, tuple[str, str, bool]] = {}
        self._access: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        self._server = None
        self._thread: threading.Thread | None = None
        self.add_realm(realm)

    # ================================================================== lifecycle
    def start(self) -> StandIn:
        self._server = make_server("127.0.0.1", 0, self.wsgi_app, threaded=True,
                                   request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02},
                                        name="qbo-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self.lock:
            holds = list(self._holds)
        for inj in holds:  # held requests are answered, so that the server can shut down
            inj.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("StandIn is not started")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def api_base(self) -> str:
        """What replaces https://quickbooks.api.intuit.com/v3."""
        return self.base_url + "/v3"

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def discovery_url(self) -> str:
        return self.base_url + DISCOVERY_PATH

    def company_url(self, realm: str | None = None) -> str:
        return f"{self.api_base}/company/{realm or self.realm}"

    # ================================================================== data
    def add_realm(self, realm: str) -> Company:
        with self.lock:
            if realm not in self.companies:
                self.companies[realm] = Company(realm, self.clock, **self._company_opts)
            return self.companies[realm]

    def company(self, realm: str | None = None) -> Company:
        return self.companies[realm or self.realm]

    def load(self, realm: str | None = None, *, customers: Iterable[dict] = (),
             terms: Iterable[dict] = (), invoices: Iterable[dict] = (),
             credit_memos: Iterable[dict] = (), payments: Iterable[dict] = (),
             attachables: Iterable[dict] = ()) -> dict[str, list[str]]:
        """Load plain dicts in QuickBooks JSON shape; returns the Ids per entity.

        Missing Id/SyncToken/MetaData are filled (MetaData from the stand-in clock). A Balance
        given on an invoice, credit memo or customer is kept as is.
        """
        with self.lock:
            company = self.add_realm(realm or self.realm)
            given = {"Term": list(terms), "Customer": list(customers),
                     "Invoice": list(invoices), "CreditMemo": list(credit_memos),
                     "Payment": list(payments), "Attachable": list(attachables)}
            ids: dict[str, list[str]] = {}
            explicit: set[tuple[str, str]] = set()
            for entity, rows in given.items():
                ids[entity] = company.load(entity, rows)
                for row, obj_id in zip(rows, ids[entity], strict=False):
                    if "Balance" in row:
                        explicit.add((entity, obj_id))
            company.settle_after_load(explicit)
            return ids

    def get(self, entity: str, obj_id: str, realm: str | None = None) -> dict:
        with self.lock:
            return self.company(realm).read(entity, obj_id)

    # ================================================================== oauth
    def register_client(self, client_id: str, client_secret: str,
                        redirect_uri: str = DEFAULT_REDIRECT_URI) -> None:
        with self.lock:
            self.clients[client_id] = (client_secret, redirect_uri)

    def authorization_code(self, realm: str | None = None, client_id: str | None = None) -> str:
        """A one-time code, as Intuit's consent page would redirect with."""
        with self.lock:
            code = "AB" + secrets.token_urlsafe(24)
            self.add_realm(realm or self.realm)
            self._codes[code] = (realm or self.realm, client_id or self.default_client_id, True)
            return code

    def _mint(self, realm: str, client_id: str) -> dict[str, Any]:
        now = self.clock.now()
        access = "eyJ-standin-" + secrets.token_urlsafe(32)
        refresh = "RT1-standin-" + secrets.token_urlsafe(24)
        self._access[access] = _Grant(realm, client_id, now + timedelta(seconds=ACCESS_TOKEN_SECONDS))
        self._refresh[refresh] = _Grant(realm, client_id,
                                        now + timedelta(seconds=REFRESH_TOKEN_SECONDS))
        return {"token_type": "bearer", "access_token": access, "refresh_token": refresh,
                "expires_in": ACCESS_TOKEN_SECONDS,
                "x_refresh_token_expires_in": REFRESH_TOKEN_SECONDS}

    def issue_tokens(self, realm: str | None = None, client_id: str | None = None) -> dict[str, Any]:
        """Tokens without the HTTP flow (test set-up)."""
        with self.lock:
            self.add_realm(realm or self.realm)
            return self._mint(realm or self.realm, client_id or self.default_client_id)

    def expire_access_tokens(self, token: str | None = None) -> None:
        """Force-expire one access token, or all of them."""
        with self.lock:
            past = self.clock.now() - timedelta(seconds=1)
            for tok, grant in self._access.items():
                if token is None or tok == token:
                    grant.expires_at = past

    def revoke_refresh_token(self, token: str) -> None:
        with self.lock:
            if token in self._refresh:
                self._refresh[token].active = False

    def current_refresh_tokens(self) -> list[str]:
        with self.lock:
            return [t for t, g in self._refresh.items() if g.active]

    # ================================================================== faults & limits
    def inject(self, match: str | None = None, *, status: int | None = 429, times: int = 1,
               body: Any = None, hold: bool = False, method: str | None = None,
               headers: dict[str, str] | None = None) -> Injection:
        """Queue a programmed response for the next ``times`` matching requests.

        ``match``: None (any request), a path prefix starting with "/", or a name compared
        case-insensitively with the request's entity (``Invoice`` also matches
        ``SELECT ... FROM Invoice``) or operation (``query``, ``batch``, ``cdc``, ``token``,
        ``send``, ``create``, ``update``...).
        ``status``: the HTTP status to answer with; None lets the request through (with
        ``hold``: once released).
        ``hold``: each matched request waits, unanswered, until ``Injection.release()`` (or
        ``stop()``), then gets ``status`` or goes through. This is how a slow server is
        simulated without racing real time: a client timeout fires while the request is held,
        and the test decides when the late request lands (``wait_held``, ``wait_answered``).
        ``body``: "xml" (Intuit's 3001 ThrottleExceeded IntuitResponse), "json" (the same
        fault as JSON), a dict (sent as JSON), a str (sent as text/plain) or None (a default
        per status: XML for 429, a JSON SystemFault for 5xx).
        """
        inj = Injection(match, status, times, body, method.upper() if method else None,
                        dict(headers or {}), hold=hold)
        with self.lock:
            self._injections.append(inj)
            if hold:
                self._holds.append(inj)
        return inj

    def clear_injections(self) -> None:
        with self.lock:
            self._injections.clear()

    def set_rate_limit(self, per_minute: int | None) -> None:
        """N requests per (stand-in clock) minute per realm, or None for unlimited."""
        with self.lock:
            self.rate_limit_per_minute = per_minute
            self._rate_window.clear()

    # ================================================================== request log
    def calls(self, *, method: str | None = None, operation: str | None = None,
              entity: str | None = None, path_prefix: str | None = None,
              status: int | None = None, realm: str | None = None) -> list[LoggedRequest]:
        with self.lock:
            out = list(self.requests)
        def keep(r: LoggedRequest) -> bool:
            return ((method is None or r.method == method.upper())
                    and (operation is None or r.operation == operation)
                    and (entity is None or (r.entity or "").lower() == entity.lower())
                    and (path_prefix is None or r.path.startswith(path_prefix))
                    and (status is None or r.status == status)
                    and (realm is None or r.realm == realm))
        return [r for r in out if keep(r)]

    def count(self, **filters) -> int:
        return len(self.calls(**filters))

    def clear_log(self) -> None:
        with self.lock:
            self.requests.clear()

    # ================================================================== WSGI
    def wsgi_app(self, environ, start_response):
        request = Request(environ)
        entry = LoggedRequest(method=request.method, path=request.path,
                              params={k: v for k, v in request.args.items()}, status=0)
        try:
            entry.body = request.get_data(as_text=True)
        except Exception:  # pragma: no cover
            entry.body = ""
        self._classify(request, entry)
        inj = self._match_injection(request, entry)
        try:
            response = self._dispatch(request, entry, inj)
        except E.QBOFault as fault:
            response = self._fault_response(fault)
        except Exception as exc:  # a bug in the stand-in: answer like a SystemFault
            response = self._json(500, {"Fault": {"Error": [{
                "Message": "An application error has occurred while processing your request",
                "Detail": f"System Failure Error: stand-in bug: {exc!r}", "code": "10000",
                "element": ""}], "type": "SystemFault"}, "time": self._time()})
        entry.status = response.status_code
        with self.lock:
            self.requests.append(entry)
        if inj is not None:
            inj._answered()
        return response(environ, start_response)

    # ------------------------------------------------------------------ plumbing
    def _time(self) -> str:
        return qb_response_time(self.clock.now(), self.clock.tz)

    def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        resp = Response(json.dumps(payload), status=status,
                        content_type="application/json;charset=UTF-8")
        resp.headers["intuit_tid"] = str(uuid.uuid4())
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    def _fault_response(self, fault: E.QBOFault) -> Response:
        return self._json(fault.http_status, {"Fault": fault.fault(), "time": self._time()})

    def _classify(self, request: Request, entry: LoggedRequest) -> None:
        parts = [p for p in request.path.split("/") if p]
        if request.path == TOKEN_PATH:
            entry.operation = "token"
            return
        if request.path.rstrip("/") in (DISCOVERY_PATH, REVOKE_PATH):
            entry.operation = "discovery" if "well-known" in request.path else "revoke"
            return
        if len(parts) < 4 or parts[0] != "v3" or parts[1] != "company":
            return
        entry.realm = parts[2]
        seg = parts[3].lower()
        if seg in ("query", "batch", "cdc"):
            entry.operation = seg
            if seg == "query":
                text = request.args.get("query") or entry.body
                word = text.split()
                lowered = [w.lower() for w in word]
                if "from" in lowered and lowered.index("from") + 1 < len(word):
                    ent = word[lowered.index("from") + 1]
                    entry.entity = URL_SEGMENTS.get(ent.lower(), ent)
            return
        entry.entity = URL_SEGMENTS.get(seg, parts[3])
        if len(parts) >= 6 and parts[5] == "send":
            entry.operation = "send"
        elif len(parts) == 5 and request.method == "GET":
            entry.operation = "read"
        elif request.method == "POST":
            op = (request.args.get("operation") or "").lower()
            if op == "update" and request.args.get("include") == "void":
                entry.operation = "void"
            elif op in ("delete", "void"):
                entry.operation = op
            else:
                try:
                    body = json.loads(entry.body or "{}")
                except ValueError:
                    body = {}
                entry.operation = "update" if isinstance(body, dict) and body.get("Id") else "create"

    def _match_injection(self, request: Request, entry: LoggedRequest) -> Injection | None:
        with self.lock:
            for inj in list(self._injections):
                if inj.method and inj.method != request.method:
                    continue
                m = inj.match
                ok = (m is None
                      or (m.startswith("/") and request.path.startswith(m))
                      or (not m.startswith("/") and m.lower() in
                          {(entry.entity or "").lower(), (entry.operation or "").lower()}))
                if not ok:
                    continue
                inj.hits += 1
                inj.times -= 1
                if inj.times <= 0:
                    self._injections.remove(inj)
                return inj
        return None

    def _injected_response(self, inj: Injection) -> Response:
        body = inj.body
        status = inj.status or 500
        if body is None:
            body = "xml" if status == 429 else None
        if body == "xml":
            resp = Response(E.throttle_xml(self._time()), status=status,
                            content_type="application/xml;charset=UTF-8")
        elif body == "json":
            resp = self._json(status, E.throttle_json(self._time()))
        elif isinstance(body, (dict, list)):
            resp = self._json(status, body)
        elif isinstance(body, str):
            resp = Response(body, status=status, content_type="text/plain;charset=UTF-8")
        else:
            resp = self._json(status, {"Fault": {"Error": [{
                "Message": "An application error has occurred while processing your request",
                "Detail": f"System Failure Error: injected HTTP {status}", "code": "10000",
                "element": ""}], "type": "SystemFault"}, "time": self._time()})
        for k, v in inj.headers.items():
            resp.headers[k] = v
        return resp

    def _auth_failure(self, status: int, code: str, message: str, detail: str,
                      fault_type: str) -> Response:
        epoch_ms = int(self.clock.now().timestamp() * 1000)
        return self._json(status, E.auth_fault_body(code, message, detail, fault_type, epoch_ms),
                          headers={"WWW-Authenticate": 'Bearer realm="Intuit", error="invalid_token"'})

    def _check_auth(self, request: Request, realm: str) -> Response | None:
        if not self.require_auth:
            return None
        header = request.headers.get("Authorization", "")
        token = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self.lock:
            grant = self._access.get(token)
            now = self.clock.now()
        if grant is None:
            return self._auth_failure(401, "3200",
                                      "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                      "Token invalid or missing", "AUTHENTICATION")
        if grant.expires_at <= now or not grant.active:
            return self._auth_failure(401, "3200",
                                      "message=AuthenticationFailed; errorCode=003200; statusCode=401",
                                      f"Token expired: {token[:30]}", "AUTHENTICATION")
        if grant.realm != realm:
            return self._auth_failure(
                403, "3100", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                f"The token is not authorized for company {realm}", "AUTHORIZATION")
        return None

    def _rate_limited(self, realm: str) -> bool:
        if not self.rate_limit_per_minute:
            return False
        with self.lock:
            now = self.clock.now()
            window = self._rate_window.setdefault(realm, deque())
            while window and window[0] <= now - timedelta(minutes=1):
                window.popleft()
            if len(window) >= self.rate_limit_per_minute:
                return True
            window.append(now)
            return False

    # ------------------------------------------------------------------ dispatch
    def _dispatch(self, request: Request, entry: LoggedRequest,
                  inj: Injection | None = None) -> Response:
        if inj is not None:
            if inj.hold:
                entry.held = True
                inj._hold()
            if inj.status is not None:
                entry.injected = True
                return self._injected_response(inj)

        if entry.operation == "discovery":
            return self._json(200, self._discovery())
        if entry.operation == "token":
            return self._token(request)
        if entry.operation == "revoke":
            return self._revoke(request)
        if entry.realm is None:
            return Response("Not Found", status=404, content_type="text/plain")

        realm = entry.realm
        denied = self._check_auth(request, realm)
        if denied is not None:
            return denied
        with self.lock:
            company = self.companies.get(realm)
        if company is None:
            return self._auth_failure(
                403, "3100", "message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403",
                f"Unknown company {realm}", "AUTHORIZATION")
        if self._rate_limited(realm):
            return Response(E.throttle_xml(self._time()), status=429,
                            content_type="application/xml;charset=UTF-8")

        request_id = request.args.get("requestid")
        if request_id and request.method == "POST":
            with self.lock:
                cached = self._idempotent.get((realm, request_id))
            if cached is not None:
                entry.replayed = True
                status, text, headers = cached
                resp = Response(text, status=status, content_type=headers["Content-Type"])
                resp.headers["intuit_tid"] = str(uuid.uuid4())
                return resp

        with self.lock:
            try:
                response = self._api(request, entry, company)
            except E.QBOFault as fault:
                response = self._fault_response(fault)
            if request_id and request.method == "POST":
                self._idempotent[(realm, request_id)] = (
                    response.status_code, response.get_data(as_text=True),
                    {"Content-Type": response.headers["Content-Type"]})
        return response

    def _body_json(self, text: str) -> Any:
        try:
            return json.loads(text or "null")
        except ValueError:
            raise E.QBOFault("1000", "Request has invalid format",
                             "The request body is not valid JSON.") from None

    def _api(self, request: Request, entry: LoggedRequest, company: Company) -> Response:
        parts = [p for p in request.path.split("/") if p]
        op = entry.operation
        time = self._time
        if op == "query":
            text = request.args.get("query")
            if text is None:
                text = entry.body
            q = parse_query(text or "")
            return self._json(200, {"QueryResponse": company.query(q), "time": time()})
        if op == "cdc":
            if request.method != "GET":
                raise E.unsupported_operation("Operation cdc supports GET only.")
            result = company.cdc(request.args.get("entities"), request.args.get("changedSince"))
            return self._json(200, {"CDCResponse": result, "time": time()})
        if op == "batch":
            return self._json(200, self._batch(company, self._body_json(entry.body)))

        if parts[3].lower() == "companyinfo" and op == "read":
            if company.company_info is None or parts[4] != company.realm_id:
                raise E.object_not_found("CompanyInfo", parts[4])
            info = {"Id": "1", "SyncToken": "0", **company.company_info}
            return self._json(200, {"CompanyInfo": info, "time": time()})
        entity = URL_SEGMENTS.get(parts[3].lower())
        if entity is None:
            raise E.unsupported_operation(f"Operation on {parts[3]} is not supported by the stand-in.")
        if op == "read":
            obj_id = parts[4]
            if obj_id in company.deleted[entity]:
                raise E.object_not_found(entity, obj_id)
            return self._json(200, {entity: company.read(entity, obj_id), "time": time()})
        if op == "send":
            if entity != "Invoice":
                raise E.unsupported_operation(f"Operation send is not supported for {entity}.")
            obj = company.send_invoice(parts[4], request.args.get("sendTo"))
            return self._json(200, {entity: obj, "time": time()})
        if request.method != "POST" or len(parts) != 4:
            return Response("Not Found", status=404, content_type="text/plain")
        body = self._body_json(entry.body)
        if not isinstance(body, dict):
            raise E.QBOFault("1000", "Request has invalid format", "Expected a JSON object.")
        if op == "delete":
            return self._json(200, {entity: company.delete(entity, body), "time": time()})
        if op == "void":
            return self._json(200, {entity: company.void(entity, body), "time": time()})
        if op == "update":
            return self._json(200, {entity: company.update(entity, body), "time": time()})
        return self._json(200, {entity: company.create(entity, body), "time": time()})

    def _batch(self, company: Company, body: Any) -> dict:
        items = body.get("BatchItemRequest") if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise E.required_param("BatchItemRequest")
        if len(items) > self.batch_limit:
            raise E.QBOFault("1040", "Batch size exceeds allowed limit",
                             f"The batch size for the batch request is too big. The batch limit "
                             f"size is {self.batch_limit}. Supplied: {len(items)}")
        responses = []
        for item in items:
            bid = str(item.get("bId", ""))
            try:
                responses.append({"bId": bid, **self._batch_item(company, item)})
            except E.QBOFault as fault:
                responses.append({"bId": bid, "Fault": fault.fault()})
        return {"BatchItemResponse": responses, "time": self._time()}

    def _batch_item(self, company: Company, item: dict) -> dict:
        if "Query" in item:
            return {"QueryResponse": company.query(parse_query(item["Query"]))}
        names = [k for k in item if k in ENTITY_NAMES]
        if len(names) != 1:
            raise E.unsupported_operation(
                "A batch item needs exactly one supported entity or a Query "
                f"(found {sorted(k for k in item if k not in ('bId', 'operation'))}).")
        entity = names[0]
        obj = item[entity]
        op = (item.get("operation") or "").lower()
        if op == "create":
            return {entity: company.create(entity, obj)}
        if op == "update":
            return {entity: company.update(entity, obj)}
        if op == "delete":
            return {entity: company.delete(entity, obj)}
        if op == "void":
            return {entity: company.void(entity, obj)}
        raise E.unsupported_operation(f"Operation {op or '<missing>'} is not supported in batch.")

    # ------------------------------------------------------------------ oauth endpoints
    def _discovery(self) -> dict:
        base = self.base_url
        return {
            "issuer": "https://oauth.platform.intuit.com/op/v1",
            "authorization_endpoint": base + "/connect/oauth2",
            "token_endpoint": base + TOKEN_PATH,
            "userinfo_endpoint": base + "/v1/openid_connect/userinfo",
            "revocation_endpoint": base + REVOKE_PATH,
            "jwks_uri": base + "/op/v1/jwks",
        }

    def _client_from_basic(self, request: Request) -> str | None:
        header = request.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(header[6:].strip()).decode("utf-8")
        except Exception:
            return None
        cid, _, secret = raw.partition(":")
        known = self.clients.get(cid)
        if known is None or known[0] != secret:
            return None
        return cid

    def _token(self, request: Request) -> Response:
        if request.method != "POST":
            return self._json(405, {"error": "invalid_request"})
        client_id = self._client_from_basic(request)
        if client_id is None:
            return self._json(401, {"error": "invalid_client"})
        form = request.form
        grant = form.get("grant_type")
        with self.lock:
            if grant == "authorization_code":
                code = self._codes.get(form.get("code", ""))
                if code is None or not code[2] or code[1] != client_id:
                    return self._json(400, {"error": "invalid_grant"})
                if form.get("redirect_uri") != self.clients[client_id][1]:
                    return self._json(400, {"error": "invalid_grant"})
                self._codes[form["code"]] = (code[0], code[1], False)
                return self._json(200, self._mint(code[0], client_id))
            if grant == "refresh_token":
                token = form.get("refresh_token", "")
                old = self._refresh.get(token)
                if (old is None or not old.active or old.client_id != client_id
                        or old.expires_at <= self.clock.now()):
                    return self._json(400, {"error": "invalid_grant"})
                old.active = False  # rotation: the previous refresh token is spent
                return self._json(200, self._mint(old.realm, client_id))
        return self._json(400, {"error": "unsupported_grant_type"})

    def _revoke(self, request: Request) -> Response:
        if self._client_from_basic(request) is None:
            return self._json(401, {"error": "invalid_client"})
        try:
            token = json.loads(request.get_data(as_text=True) or "{}").get("token", "")
        except ValueError:
            return self._json(400, {"error": "invalid_request"})
        with self.lock:
            for table in (self._refresh, self._access):
                if token in table:
                    table[token].active = False
        return Response("", status=200)

    # ================================================================== python-quickbooks
    def quickbooks_client(self, realm: str | None = None, *, refresh_token: str | None = None,
                          access_token: str | None = None, minorversion: int = 75):
        """A python-quickbooks ``QuickBooks`` client wired to this stand-in.

        intuit-oauth's ``AuthClient`` accepts a discovery-document URL as ``environment``, so it
        reads the stand-in's discovery document (no network). The client's API base URL is then
        pointed at the stand-in. Without ``access_token`` the library refreshes at construction
        (and the rotated refresh token is on ``client.auth_client.refresh_token``).
        Note: requests-oauthlib refuses plain http unless OAUTHLIB_INSECURE_TRANSPORT is set;
        the test fixtures set it with monkeypatch.
        """
        from intuitlib.client import AuthClient
        from quickbooks import QuickBooks

        realm = realm or self.realm
        secret, redirect = self.clients[self.default_client_id]
        if refresh_token is None and access_token is None:
            tokens = self.issue_tokens(realm)
            refresh_token, access_token = tokens["refresh_token"], tokens["access_token"]
        auth = AuthClient(client_id=self.default_client_id, client_secret=secret,
                          redirect_uri=redirect, environment=self.discovery_url,
                          access_token=access_token, refresh_token=refresh_token, realm_id=realm)
        qb = QuickBooks(auth_client=auth, refresh_token=refresh_token, company_id=realm,
                        minorversion=minorversion)
        qb.api_url_v3 = self.api_base
        qb.sandbox_api_url_v3 = self.api_base
        return qb
