"""A small, strict parser and evaluator for the QuickBooks Online query language.

Grammar accepted (keywords are case-insensitive)::

    SELECT ( * | COUNT(*) ) FROM <Entity>
        [ WHERE <cond> { AND <cond> } ]
        [ ORDERBY | ORDER BY <field> [ASC|DESC] { , <field> [ASC|DESC] } ]
        [ STARTPOSITION <n> ] [ MAXRESULTS <n> ]      (either order, each at most once)

    <cond>  := <field> ( = | < | > | <= | >= | != ) <literal>
             | <field> IN ( <literal> { , <literal> } )
             | <field> LIKE '<pattern with %>'
    <field> := Name { . Name }       (resolved case-insensitively, e.g. Metadata.LastUpdatedTime)
    <literal> := 'string with \\' escapes' | number | true | false

Anything else (OR, JOIN, GROUP BY, projections, parentheses around conditions, trailing
garbage) is a QueryParserError, reported as Fault code 4000 like the real service does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import QBOFault


class QueryParseError(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@dataclass
class Condition:
    field: str
    op: str  # '=', '!=', '<', '>', '<=', '>=', 'IN', 'LIKE'
    value: Any  # literal, or list of literals for IN


@dataclass
class Query:
    entity: str
    count: bool = False
    conditions: list[Condition] = field(default_factory=list)
    order_by: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    start_position: int | None = None
    max_results: int | None = None


_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>'(?:\\.|[^'\\])*')
  | (?P<number>-?\d+(?:\.\d+)?(?![A-Za-z_]))
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[*(),])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    """,
    re.VERBOSE,
)


@dataclass
class _Tok:
    kind: str
    text: str
    col: int  # 1-based column, as the real parser reports

    @property
    def upper(self) -> str:
        return self.text.upper()


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            raise QueryParseError(
                f'QueryParserError: Lexical error at line 1, column {pos + 1}.  '
                f'Encountered: "{text[pos]}"'
            )
        kind = m.lastgroup
        if kind != "ws":
            toks.append(_Tok(kind, m.group(), pos + 1))
        pos = m.end()
    return toks


_UNSUPPORTED_WORDS = {"OR", "JOIN", "GROUP", "HAVING", "UNION", "NOT", "LIMIT", "OFFSET", "INNER", "LEFT"}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    # -- helpers -------------------------------------------------------------------------
    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _error(self, tok: _Tok | None, expecting: str) -> QueryParseError:
        if tok is None:
            return QueryParseError(
                f'QueryParserError: Encountered "<EOF>" at line 1, column {len(self.text) + 1}.\n'
                f"Was expecting: {expecting}"
            )
        return QueryParseError(
            f'QueryParserError: Encountered " "{tok.text}" "{tok.text} "" at line 1, '
            f"column {tok.col}.\nWas expecting: {expecting}"
        )

    def _next(self, expecting: str) -> _Tok:
        tok = self._peek()
        if tok is None:
            raise self._error(None, expecting)
        self.i += 1
        return tok

    def _keyword(self, word: str) -> None:
        tok = self._next(word)
        if tok.kind != "ident" or tok.upper != word:
            raise self._error(tok, word)

    def _at_keyword(self, *words: str) -> bool:
        tok = self._peek()
        return tok is not None and tok.kind == "ident" and tok.upper in words

    def _punct(self, ch: str) -> None:
        tok = self._next(f'"{ch}"')
        if tok.kind != "punct" or tok.text != ch:
            raise self._error(tok, f'"{ch}"')

    def _check_unsupported(self) -> None:
        tok = self._peek()
        if tok is not None and tok.kind == "ident" and tok.upper in _UNSUPPORTED_WORDS:
            raise self._error(tok, "one of AND, ORDERBY, STARTPOSITION, MAXRESULTS, <EOF>")

    # -- grammar -------------------------------------------------------------------------
    def parse(self) -> Query:
        self._keyword("SELECT")
        tok = self._next('"*" or "count(*)"')
        count = False
        if tok.kind == "punct" and tok.text == "*":
            pass
        elif tok.kind == "ident" and tok.upper == "COUNT":
            self._punct("(")
            self._punct("*")
            self._punct(")")
            count = True
        else:
            # Projections (SELECT Id, DisplayName ...) are not supported by this stand-in.
            raise self._error(tok, '"*" or "count(*)"')
        self._keyword("FROM")
        ent = self._next("<entity name>")
        if ent.kind != "ident" or "." in ent.text:
            raise self._error(ent, "<entity name>")
        q = Query(entity=ent.text, count=count)
        self._check_unsupported()
        if self._at_keyword("WHERE"):
            self.i += 1
            q.conditions.append(self._condition())
            while True:
                self._check_unsupported()
                if self._at_keyword("AND"):
                    self.i += 1
                    q.conditions.append(self._condition())
                else:
                    break
        if self._at_keyword("ORDERBY", "ORDER"):
            tok = self._next("ORDERBY")
            if tok.upper == "ORDER":
                self._keyword("BY")
            q.order_by.append(self._order_item())
            while (t := self._peek()) is not None and t.kind == "punct" and t.text == ",":
                self.i += 1
                q.order_by.append(self._order_item())
        self._check_unsupported()
        while self._at_keyword("STARTPOSITION", "MAXRESULTS"):
            tok = self._next("STARTPOSITION")
            num = self._next("<integer>")
            if num.kind != "number" or "." in num.text or num.text.startswith("-"):
                raise self._error(num, "<integer>")
            if tok.upper == "STARTPOSITION":
                if q.start_position is not None:
                    raise self._error(tok, "MAXRESULTS or <EOF>")
                q.start_position = int(num.text)
            else:
                if q.max_results is not None:
                    raise self._error(tok, "STARTPOSITION or <EOF>")
                q.max_results = int(num.text)
        tok = self._peek()
        if tok is not None:
            raise self._error(tok, "<EOF>")
        return q

    def _field(self) -> str:
        tok = self._next("<property name>")
        if tok.kind != "ident" or tok.upper in {"AND", "OR", "WHERE", "IN", "LIKE"}:
            raise self._error(tok, "<property name>")
        return tok.text

    def _literal(self) -> Any:
        tok = self._next("<literal>")
        if tok.kind == "string":
            return _unquote(tok.text)
        if tok.kind == "number":
            return Decimal(tok.text)
        if tok.kind == "ident" and tok.upper in ("TRUE", "FALSE"):
            return tok.upper == "TRUE"
        raise self._error(tok, "<literal>")

    def _condition(self) -> Condition:
        tok = self._peek()
        if tok is not None and tok.kind == "punct" and tok.text == "(":
            raise self._error(tok, "<property name>")
        name = self._field()
        tok = self._next("<operator>")
        if tok.kind == "op":
            op = "!=" if tok.text == "<>" else tok.text
            return Condition(name, op, self._literal())
        if tok.kind == "ident" and tok.upper == "IN":
            self._punct("(")
            values = [self._literal()]
            while (t := self._peek()) is not None and t.kind == "punct" and t.text == ",":
                self.i += 1
                values.append(self._literal())
            self._punct(")")
            return Condition(name, "IN", values)
        if tok.kind == "ident" and tok.upper == "LIKE":
            pat = self._next("<string>")
            if pat.kind != "string":
                raise self._error(pat, "<string>")
            return Condition(name, "LIKE", _unquote(pat.text))
        raise self._error(tok, "one of =, <, >, <=, >=, IN, LIKE")

    def _order_item(self) -> tuple[str, bool]:
        name = self._field()
        desc = False
        if self._at_keyword("ASC", "DESC"):
            desc = self._next("ASC").upper == "DESC"
        return name, desc


def _unquote(s: str) -> str:
    body = s[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def parse_query(text: str) -> Query:
    """Parse a query; raise QBOFault(4000) on syntax errors."""
    try:
        return _Parser(text.strip()).parse()
    except QueryParseError as e:
        raise QBOFault("4000", "Error parsing query", e.detail) from None


# ---------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------

_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_qb_datetime(value: str, tz) -> datetime:
    """Parse the date-time forms QuickBooks accepts; naive values are in the company zone."""
    v = value.strip()
    if _DATE_RE.match(v):
        return datetime.combine(datetime.strptime(v, "%Y-%m-%d").date(), time(0), tzinfo=tz)
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    m = re.search(r"([+-]\d{2})(\d{2})$", v)
    if m and "T" in v:  # -0800 -> -08:00 (Python 3.10's fromisoformat needs the colon)
        v = v[: m.start()] + f"{m.group(1)}:{m.group(2)}"
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt


def resolve(obj: dict, path: str) -> tuple[bool, Any]:
    """Resolve a dotted, case-insensitive path. References compare by their value."""
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return False, None
        key = next((k for k in cur if k.lower() == part.lower()), None)
        if key is None:
            return False, None
        cur = cur[key]
    if isinstance(cur, dict) and "value" in cur:
        cur = cur["value"]
    return True, cur


def path_exists(schema_fields: frozenset[str], path: str) -> bool:
    head = path.split(".")[0].lower()
    return any(f.lower() == head for f in schema_fields)


def _coerce_pair(field_value: Any, literal: Any, tz) -> tuple[Any, Any]:
    """Bring a stored value and a query literal to comparable Python values."""
    if isinstance(field_value, bool) or isinstance(literal, bool):
        lit = literal
        if isinstance(literal, str):
            lit = literal.lower() == "true"
        return bool(field_value), bool(lit)
    if isinstance(field_value, (int, float, Decimal)):
        try:
            return Decimal(str(field_value)), Decimal(str(literal))
        except InvalidOperation:
            return str(field_value), str(literal)
    if isinstance(field_value, str):
        lit = str(literal)
        if _DATETIME_RE.match(field_value) and (_DATETIME_RE.match(lit) or _DATE_RE.match(lit)):
            return parse_qb_datetime(field_value, tz), parse_qb_datetime(lit, tz)
        if field_value.isdigit() and lit.isdigit():
            return int(field_value), int(lit)  # Ids and numeric strings compare as numbers
        return field_value.lower(), lit.lower()
    return field_value, literal


def matches(obj: dict, cond: Condition, tz) -> bool:
    try:
        return _matches(obj, cond, tz)
    except ValueError as exc:  # e.g. a literal that looks like, but is not, a date-time
        raise QBOFault("4001", "Invalid query",
                       f"QueryValidationError: value {cond.value!r} for {cond.field}: {exc}") from None


def _matches(obj: dict, cond: Condition, tz) -> bool:
    found, value = resolve(obj, cond.field)
    if not found or value is None:
        return False
    if cond.op == "IN":
        for lit in cond.value:
            a, b = _coerce_pair(value, lit, tz)
            if a == b:
                return True
        return False
    if cond.op == "LIKE":
        regex = "^" + ".*".join(re.escape(p) for p in str(cond.value).split("%")) + "$"
        return re.match(regex, str(value), re.IGNORECASE | re.DOTALL) is not None
    a, b = _coerce_pair(value, cond.value, tz)
    try:
        return {
            "=": a == b,
            "!=": a != b,
            "<": a < b,
            ">": a > b,
            "<=": a <= b,
            ">=": a >= b,
        }[cond.op]
    except TypeError:
        return False


def sort_key(obj: dict, path: str, tz):
    found, value = resolve(obj, path)
    if not found or value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float, Decimal)):
        return (1, Decimal(str(value)))
    if isinstance(value, str):
        if _DATETIME_RE.match(value):
            return (1, parse_qb_datetime(value, tz).timestamp())
        if value.isdigit():
            return (1, int(value))
        return (2, value.lower())
    return (3, str(value))
