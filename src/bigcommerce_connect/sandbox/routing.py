"""Request and response types and a small precompiled router shared by the route modules."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Protocol

import attrs

from bigcommerce_connect.sandbox.error_bodies import error_v2, error_v3
from bigcommerce_connect.sandbox.knobs import Knobs
from bigcommerce_connect.sandbox.store import SandboxStore


class HeaderLookup(Protocol):
    """Case-insensitive request headers (the handler's ``email.message.Message``)."""

    def get(self, name: str, /) -> Any:
        """The header's value or ``None``."""


class ApiError(Exception):
    """An API error answer: raised by handlers, turned into a response by the server."""

    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


@attrs.define
class Request:
    """One parsed API request, as handed to a route handler."""

    method: str
    api: str  # "v2" or "v3"
    path: str  # path below the version prefix, e.g. "/orders/1"
    params: dict[str, str]
    query: dict[str, str]
    body: bytes
    headers: HeaderLookup
    store: SandboxStore
    knobs: Knobs
    base_url: str  # e.g. "http://127.0.0.1:PORT/stores/HASH/v2"
    client_id: str = ""

    def fail(self, status: int, message: str, errors: dict[str, str] | None = None) -> ApiError:
        """An error in this API version's shape (v2 array or v3 object)."""
        if self.api == "v2":
            return ApiError(status, error_v2(status, message))
        return ApiError(status, error_v3(status, message, errors if errors is not None else {}))

    def json(self) -> Any:
        """The JSON body; a 400 in the API's shape when it is missing or malformed."""
        if not self.body:
            raise self.fail(400, "The request body is empty; a JSON document is required.")
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            if self.api == "v2":
                raise self.fail(400, "The request body does not contain valid JSON.") from exc
            raise ApiError(
                400,
                error_v3(400, "Input is invalid", {"body": f"Syntax error: {exc}"}),
            ) from exc

    def int_param(self, name: str) -> int:
        """A path parameter as an int (the route pattern already checked the digits)."""
        return int(self.params[name])

    def query_int(self, name: str, default: int | None = None) -> int | None:
        """A query value as an int; a 400 when it is not one."""
        raw = self.query.get(name)
        if raw is None or raw == "":
            return default
        try:
            return int(raw)
        except ValueError as exc:
            raise self.fail(
                400 if self.api == "v2" else 422,
                f"The filter '{name}' must be an integer.",
                {name: "must be an integer"},
            ) from exc


@attrs.define
class Response:
    """What a handler returns: a status, an optional JSON body and extra headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = attrs.field(factory=dict)
    raw: bytes | None = None  # pre-encoded body (used by the hot path)


Handler = Callable[[Request], Response]
_PARAM_RE = re.compile(r"\{(\w+)(?::(int|str))?\}")


class Router:
    """Maps ``(api, method, path)`` to a handler; static paths use a dict lookup."""

    def __init__(self) -> None:
        self._static: dict[tuple[str, str, str], Handler] = {}
        self._dynamic: dict[tuple[str, str], list[tuple[re.Pattern[str], Handler]]] = {}
        self._known_paths: list[tuple[str, re.Pattern[str]]] = []

    def add(self, api: str, method: str, pattern: str, handler: Handler) -> None:
        """Register a handler; ``{name}`` or ``{name:int}`` in the pattern capture segments."""
        if "{" not in pattern:
            self._static[(api, method, pattern)] = handler
            self._known_paths.append((api, re.compile(re.escape(pattern) + "$")))
            return

        def repl(match: re.Match[str]) -> str:
            kind = match.group(2) or "str"
            body = r"\d+" if kind == "int" else r"[^/]+"
            return f"(?P<{match.group(1)}>{body})"

        regex = re.compile("^" + _PARAM_RE.sub(repl, pattern) + "$")
        self._dynamic.setdefault((api, method), []).append((regex, handler))
        self._known_paths.append((api, regex))

    def resolve(self, api: str, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        """The handler and path parameters, or ``None`` if nothing matches."""
        handler = self._static.get((api, method, path))
        if handler is not None:
            return handler, {}
        for regex, candidate in self._dynamic.get((api, method), ()):
            match = regex.match(path)
            if match is not None:
                return candidate, match.groupdict()
        return None

    def path_exists(self, api: str, path: str) -> bool:
        """Whether some method serves this path (to tell 405 from 404)."""
        return any(a == api and regex.match(path) for a, regex in self._known_paths)
