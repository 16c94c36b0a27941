"""Store settings: one record per connected store, loadable from and dumpable to plain JSON.

The API token is a :class:`~bigcommerce_connect.secret.Secret`: it never shows in a repr, a
string, a log line or an exception, and :meth:`StoreSettings.to_dict` leaves it out unless asked.
"""

from __future__ import annotations

import difflib
import importlib
import json
import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, Final

import attrs
import cattrs
from cattrs.errors import ClassValidationError

from bigcommerce_connect.api_path import ApiPath, ApiPathError, AuthMode, parse_api_path
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import ConnectError, safe_text
from bigcommerce_connect.secret import CredentialError, Secret, header_secret
from bigcommerce_connect.values import register_value_hooks

__all__ = [
    "SettingsError",
    "StoreSettings",
    "parse_settings_text",
    "setting_names",
    "toml_reader",
    "unknown_settings",
]


class SettingsError(ConnectError, ValueError):
    """Settings could not be loaded; the message names every bad field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid store settings: " + "; ".join(problems))
        self.problems = problems


def _credential(value: Secret | str, field: str) -> Secret:
    # Surrounding whitespace (a token file's newline) dropped; a character no HTTP header can
    # carry refused, naming the field and never the value.
    try:
        return header_secret(value, field)
    except CredentialError as error:
        raise SettingsError([str(error)]) from None


def _api_token(value: Secret | str) -> Secret:
    return _credential(value, "api_token")


def _username(value: Secret | str) -> Secret:
    return _credential(value, "username")


def _aware_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise SettingsError(["last_update: must carry a time zone (naive times are ambiguous)"])
    return value.astimezone(timezone.utc)


#: The most requests a store's runs keep in flight at once (``StoreSettings.concurrency``).
MAX_CONCURRENCY: Final = 32
#: How many requests a store's runs keep in flight when the settings do not say.
DEFAULT_CONCURRENCY: Final = 4


def _concurrency(_instance: object, _attribute: object, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError([f"concurrency: expected a whole number, got {type(value).__name__}"])
    if not 1 <= value <= MAX_CONCURRENCY:
        raise SettingsError([f"concurrency: must be 1 to {MAX_CONCURRENCY}, got {value}"])


def _status(value: int | str) -> int | str:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError("an order status is an id (int) or a label (str)")
    return value


@attrs.define(kw_only=True)
class StoreSettings:
    """Everything needed to connect one store, as the seed product's settings screen holds it.

    ``api_path`` is pasted exactly as the control panel shows it; the store hash and the v2/v3
    bases are derived (see :attr:`endpoint`). ``allow_insecure_host`` is for a local sandbox
    only: it permits plain http on loopback and hosts that are not BigCommerce's.
    ``last_update`` is an initial value only: where a stream with no cursor yet in the ERP's
    sync state starts reading. Runs keep their cursors in the sync state and never write it.
    ``api_token`` and ``username`` are :class:`~bigcommerce_connect.secret.Secret` values (a
    string is accepted): surrounding whitespace is dropped, and a character an HTTP header
    cannot carry raises :class:`SettingsError` without showing the value.
    ``concurrency`` (1 to 32, default 4) is how many requests a run keeps in flight at once
    (status moves): the default ``ImportOptions`` of a runner built with these settings, and
    the size of the connection pool of a client from :meth:`connect`.
    ``item_export`` names the "Update Products" mapping (the built-in one when unset).
    ``b2b_employees`` are the employees granted B2B access (the original's Employee Card ›
    Secure Web › Access): who may run the B2B and Item Card actions from the command line
    (``bigcommerce_connect.export.EmployeeListPolicy``).
    """

    api_path: str
    api_token: Secret = attrs.field(converter=_api_token)
    description: str = ""
    code: str = ""
    b2b: bool = False
    username: Secret = attrs.field(default=Secret(""), converter=_username)
    get_order_status: int | str = attrs.field(default="Awaiting Fulfillment", converter=_status)
    set_order_status: int | str = attrs.field(default="Awaiting Shipment", converter=_status)
    customer_import: str | None = None
    order_import: str | None = None
    item_export: str | None = None
    notify_to: str = ""
    b2b_employees: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    last_update: datetime | None = attrs.field(default=None, converter=_aware_utc)
    auto_import: bool = False
    allow_insecure_host: bool = False
    concurrency: int = attrs.field(default=DEFAULT_CONCURRENCY, validator=_concurrency)
    endpoint: ApiPath = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        try:
            self.endpoint = parse_api_path(
                self.api_path, allow_insecure_host=self.allow_insecure_host
            )
        except ApiPathError as error:
            raise SettingsError([f"api_path: {error}"]) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoreSettings:
        """Load settings from plain data; raise :class:`SettingsError` naming each bad field."""
        if not isinstance(data, dict):
            raise SettingsError([f"settings must be an object, not {type(data).__name__}"])
        unknown = unknown_settings(data)
        if unknown:
            raise SettingsError([f"{_key_text(key)}: {problem}" for key, problem in unknown])
        missing = [name for name in ("api_path", "api_token") if name not in data]
        if missing:
            raise SettingsError([f"{name}: required" for name in missing])
        try:
            return _CONVERTER.structure(data, cls)
        except SettingsError:
            raise
        except ClassValidationError as error:
            raise SettingsError(_describe(error)) from None

    @classmethod
    def from_json(cls, text: str) -> StoreSettings:
        """Load settings from a JSON document."""
        return cls.from_dict(parse_settings_text(text))

    @classmethod
    def from_toml(cls, text: str) -> StoreSettings:
        """Load settings from a TOML document (Python 3.11+, or the ``toml`` extra on 3.10)."""
        return cls.from_dict(parse_settings_text(text, toml=True))

    def to_dict(self, *, reveal_secrets: bool = False) -> dict[str, Any]:
        """Dump to plain JSON-compatible data; credentials are left out unless ``reveal_secrets``.

        The credentials are ``api_token`` and ``username`` (the Basic-auth user of a legacy
        API path, the client id of an OAuth one).
        """
        data: dict[str, Any] = _CONVERTER.unstructure(self)
        for name in ("api_token", "username"):
            if reveal_secrets:
                data[name] = getattr(self, name).reveal()
            else:
                del data[name]
        return data

    def to_json(self, *, reveal_secrets: bool = False) -> str:
        """Dump to a JSON document (see :meth:`to_dict`)."""
        return json.dumps(self.to_dict(reveal_secrets=reveal_secrets), indent=2, sort_keys=True)

    def connect(self, **kwargs: Any) -> BigCommerceClient:
        """A client for this store: its API path, token and user name.

        ``kwargs`` are the client's keyword options (``transport``, ``timeout``, ``ca_file``
        ...). With an OAuth API path the user name is sent as the client id; with a legacy
        path it is the Basic-auth user. The default transport keeps at least ``concurrency``
        connections (plus room for the listing alongside), so none is opened and thrown away.
        """
        oauth = self.endpoint.auth_mode is AuthMode.OAUTH
        kwargs.setdefault("max_connections", _pool_size(self.concurrency))
        return BigCommerceClient(
            self.endpoint,
            self.api_token,
            client_id=self.username if oauth else "",
            username=self.username,
            **kwargs,
        )


def parse_settings_text(text: str, *, toml: bool = False) -> Any:
    """The plain data of a JSON (or, with ``toml``, TOML) settings document, unchecked.

    Raises :class:`SettingsError` when the text does not parse, saying where but never
    quoting it (a settings file may hold the token). A JSON document that is not an object
    is returned as it is (a TOML document always is one): :meth:`StoreSettings.from_dict`
    refuses it.
    """
    if not toml:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise SettingsError([f"not valid JSON (line {error.lineno})"]) from None
    tomllib = toml_reader()
    if tomllib is None:
        raise SettingsError(
            [
                "reading TOML on Python 3.10 needs the 'toml' extra "
                "(pip install 'bigcommerce-connect[toml]'), or use JSON"
            ]
        )
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError([f"not valid TOML ({_toml_position(error)})"]) from None


def setting_names() -> tuple[str, ...]:
    """The keys a settings file or dict may hold: every field of :class:`StoreSettings`.

    ``endpoint`` is derived from ``api_path`` and is not one of them.
    """
    return tuple(field.name for field in attrs.fields(StoreSettings) if field.init)


def unknown_settings(keys: Iterable[object]) -> list[tuple[str, str]]:
    """Each key of ``keys`` that is no setting, with the problem to report for it.

    The problem names the key and suggests the nearest valid one (``difflib``), e.g.
    ``unknown setting 'api_pth' (did you mean 'api_path'?)``: a typo is refused where it
    is, instead of surfacing later as a missing setting. Keys come back as text, sorted.
    """
    names = setting_names()
    unknown = sorted({str(key) for key in keys} - set(names))
    return [(key, _unknown_problem(key, names)) for key in unknown]


def _unknown_problem(key: str, names: tuple[str, ...]) -> str:
    nearest = difflib.get_close_matches(key, names, n=1)
    hint = f"did you mean {nearest[0]!r}?" if nearest else "docs/settings.md lists every setting"
    return f"unknown setting '{_key_text(key)}' ({hint})"


def _key_text(key: str) -> str:
    # A key comes from a file: shown short, with control characters escaped.
    return safe_text(key, _KEY_LIMIT)


_KEY_LIMIT: Final = 40


def _toml_position(error: Exception) -> str:
    # Only where: the parser's wording may quote a character of the text (of a token, say).
    found = _TOML_POSITION.search(str(error))
    return found.group(1) if found else "position unknown"


_TOML_POSITION: Final = re.compile(r"\((at (?:line \d+, column \d+|end of document))\)")


def toml_reader() -> Any:
    """The TOML parser module: ``tomllib`` (Python 3.11+), else ``tomli``, else ``None``."""
    for name in ("tomllib", "tomli"):
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return None


def _pool_size(concurrency: int) -> int:
    """Connections to keep for ``concurrency`` requests in flight, and the listing beside them."""
    return max(8, concurrency + 2)


def _describe(error: ClassValidationError) -> list[str]:
    # A check inside the class itself (api_path, naive last_update) reports its own field.
    for inner in error.exceptions:
        if isinstance(inner, SettingsError):
            return inner.problems
    problems = []
    for message in cattrs.transform_error(error, format_exception=_format_exception):
        # cattrs says "... @ $.field"; name the field first, the way a person reads it.
        text, _, where = message.rpartition(" @ $.")
        problems.append(f"{where}: {text}" if where else message)
    return problems


def _format_exception(exc: BaseException, type_: object) -> str:
    if isinstance(exc, (TypeError, ValueError)) and str(exc):
        return str(exc)
    return cattrs.v.format_exception(exc, type_)  # type: ignore[arg-type]


def _strict(kind: type[Any], label: str) -> Any:
    def structure(value: object, _: object) -> Any:
        # cattrs would call bool("maybe") or str(3); settings must say what was wrong instead.
        if type(value) is not kind:
            raise TypeError(f"expected {label}, got {type(value).__name__}")
        return value

    return structure


def _strict_secret(value: object, _: object) -> Secret | str:
    if not isinstance(value, (str, Secret)):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _structure_names(value: object, _: object) -> tuple[str, ...]:
    # A bare string would be read as a list of one-letter names: say what is wrong instead.
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"expected a list of names, got {type(value).__name__}")
    for name in value:
        if not isinstance(name, str):
            raise TypeError(f"expected a list of names, got a {type(name).__name__} in it")
    return tuple(value)


def _structure_status(value: object, _: object) -> int | str:
    return _status(value)  # type: ignore[arg-type]


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(forbid_extra_keys=True)
    converter.register_structure_hook(bool, _strict(bool, "true or false"))
    converter.register_structure_hook(str, _strict(str, "a string"))
    converter.register_structure_hook(int, _strict(int, "a whole number"))
    # A Secret field is converted (stripped and checked) by its own attrs converter.
    converter.register_structure_hook(Secret, _strict_secret)
    converter.register_unstructure_hook(Secret, lambda _: "********")
    converter.register_structure_hook(int | str, _structure_status)
    converter.register_structure_hook_func(lambda t: t == tuple[str, ...], _structure_names)
    # last_update: any wire timestamp in, exact ISO 8601 out (the one codec's rules).
    register_value_hooks(converter)
    converter.register_unstructure_hook(ApiPath, lambda _: None)
    # ``endpoint`` is derived from api_path: never dumped, never loaded.
    hook = cattrs.gen.make_dict_unstructure_fn(
        StoreSettings, converter, endpoint=cattrs.gen.override(omit=True)
    )
    converter.register_unstructure_hook(StoreSettings, hook)
    return converter


_CONVERTER = _make_converter()
