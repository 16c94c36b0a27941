"""One shared converter between BigCommerce wire data (parsed JSON) and the typed models.

Rules every model follows (see the package docstring for the full list):

* **Dates** become timezone-aware :class:`~datetime.datetime` (:func:`parse_datetime`).
* **Money** becomes :class:`~decimal.Decimal`, never float (:func:`parse_money`).
  Both follow the one codec, :mod:`bigcommerce_connect.values`.
* **Unknown wire keys are kept** in each model's ``extra`` dict and written back by
  :func:`unstructure`, so a field BigCommerce adds tomorrow is not lost on a round trip.
* **Lenient nulls**: a ``null`` (or an absent key) in a field that has a default gives the
  default; ``""`` in an optional date, money or number field gives ``None``. Only ``id`` is
  required where the API always sends it.
* **Errors** are :class:`ModelError` naming the field path (``Order.billing_address.zip``);
  no payload is ever echoed beyond a short, truncated value.
"""

from __future__ import annotations

import math
import re
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

import attrs
import cattrs

from bigcommerce_connect import values
from bigcommerce_connect.errors import ConnectError
from bigcommerce_connect.values import ValueFormatError, WireVersion, register_value_hooks

__all__ = [
    "ModelError",
    "WireVersion",
    "converter",
    "datetime_to_wire",
    "format_iso8601",
    "format_rfc2822",
    "money_to_wire",
    "parse_bool",
    "parse_datetime",
    "parse_int",
    "parse_money",
    "parse_str",
    "structure",
    "structure_fields",
    "to_wire",
    "unstructure",
    "unstructure_fields",
    "wire_model",
]

T = TypeVar("T")

_ECHO_LIMIT = 40


class ModelError(ConnectError, ValueError):
    """Wire data could not be turned into a model (or a value could not be parsed).

    ``model`` is the outermost model's class name, ``path`` the field path inside it
    (``("products", "[3]", "sku")``), ``reason`` what was wrong. ``str(error)`` reads
    ``"Order.products[3].sku: expected text, got dict"``. The message never carries more than
    a truncated value (about 40 characters), never a whole payload.
    """

    def __init__(self, reason: str, path: tuple[str, ...] = (), model: str | None = None) -> None:
        self.reason = reason
        self.path = path
        self.model = model
        where = _join(((model,) if model else ()) + path)
        super().__init__(f"{where}: {reason}" if where else reason)

    def within(self, *outer: str, model: str | None = None) -> ModelError:
        """The same error seen from an enclosing field (the inner model name is dropped)."""
        return ModelError(self.reason, (*outer, *self.path), model)


def _join(path: tuple[str, ...]) -> str:
    # "Order" + "products[3]" + "sku" -> "Order.products[3].sku"; list indices attach directly.
    text = ""
    for part in path:
        text += part if not text or part.startswith("[") else f".{part}"
    return text


def _echo(value: object) -> str:
    """A short, safe rendering of a bad value for an error message."""
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 3] + "..."


# --------------------------------------------------------------------------- dates and money
# The rules live in the one codec, bigcommerce_connect.values; these names keep raising
# ModelError, so code that catches it for bad wire data keeps working.


def parse_datetime(value: object) -> datetime:
    """Parse a BigCommerce timestamp into a timezone-aware datetime.

    Accepts v2 RFC 2822 (``"Tue, 05 Mar 2019 21:40:11 +0000"``; ``-0000`` is UTC), v3 ISO
    8601 (``"2018-09-05T20:42:07+00:00"``, ``"2019-02-19T18:34:16Z"``, fractional seconds
    allowed) and Unix seconds as an int (webhooks). An aware datetime passes through. Text
    without an offset and a naive datetime are errors, because guessing the zone silently
    shifts sync cursors. Raises :class:`ModelError` (rules:
    :func:`bigcommerce_connect.values.parse_datetime`).
    """
    try:
        return values.parse_datetime(value)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


def format_rfc2822(value: datetime) -> str:
    """Format an aware datetime as RFC 2822 for v2 query filters (``min_date_modified``).

    The time is converted to UTC first (``+0000``) so cursors compare consistently. Naive
    datetimes raise :class:`ModelError`. Percent-encoding is the transport's job.
    """
    try:
        return values.format_rfc2822(value)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


def format_iso8601(value: datetime) -> str:
    """Format an aware datetime as ISO 8601 in UTC (``2019-02-19T18:34:16+00:00``).

    Sub-second parts are dropped: BigCommerce filters work at second resolution. Naive
    datetimes raise :class:`ModelError`.
    """
    try:
        return values.format_iso8601(value)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


def parse_money(value: object) -> Decimal:
    """Parse a money (or other decimal) amount exactly.

    Accepts strings (``"62.6793"``, ``"0"``, ``"-1.50"``), ints and floats (through their
    shortest repr, so ``12.345`` gives ``Decimal("12.345")``, never the binary expansion) and
    Decimals. Booleans, NaN, infinities, ``"1_000"`` and anything else raise
    :class:`ModelError` (rules: :func:`bigcommerce_connect.values.parse_money`).
    """
    try:
        return values.parse_money(value)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


# --------------------------------------------------------------------------- scalars


def parse_str(value: object) -> str:
    """A text field: strings pass; numbers become their text (v2 sends ``zip`` as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ModelError("expected text, got a boolean")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        # A JSON number like 78108.0 is still the zip "78108".
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return str(value)
    raise ModelError(f"expected text, got {_kind(value)}")


def parse_int(value: object) -> int:
    """An integer field: ints, integral floats and digit strings (v2 is loose about these)."""
    if isinstance(value, bool):
        raise ModelError("expected an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        return int(value)
    raise ModelError(f"expected an integer, got {_echo(value)}")


_TRUE = {"true", "1"}
_FALSE = {"false", "0"}


def parse_bool(value: object) -> bool:
    """A boolean field: true/false, 1/0 and their string forms."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ModelError(f"expected true or false, got {_echo(value)}")


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


# --------------------------------------------------------------------------- the converter

converter = cattrs.Converter(detailed_validation=False)
"""The shared converter. Models register themselves with it through :func:`wire_model`."""


def _scalar(parse: Callable[[object], Any]) -> Callable[[object, object], Any]:
    return lambda value, _type: parse(value)


converter.register_structure_hook(str, _scalar(parse_str))
converter.register_structure_hook(int, _scalar(parse_int))
converter.register_structure_hook(bool, _scalar(parse_bool))
# Dates and money: the codec's rules. Unstructured forms are exact decimal text and ISO 8601
# with the offset kept (both parse back unchanged); a bad value raises ValueFormatError,
# which _structure_value turns into a ModelError naming the field.
register_value_hooks(converter)


def _is_list(type_: Any) -> bool:
    return typing.get_origin(type_) is list


def _is_dict(type_: Any) -> bool:
    return typing.get_origin(type_) is dict or type_ is dict


def _structure_list(type_: Any) -> Callable[[object, object], list[Any]]:
    (item_type,) = typing.get_args(type_) or (Any,)

    def structure_list(value: object, _type: object) -> list[Any]:
        if not isinstance(value, (list, tuple)):
            raise ModelError(f"expected a list, got {_kind(value)}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_structure_value(item, item_type))
            except ModelError as error:
                raise error.within(f"[{index}]") from None
        return items

    return structure_list


def _structure_dict(type_: Any) -> Callable[[object, object], dict[str, Any]]:
    args = typing.get_args(type_)
    value_type = args[1] if len(args) == 2 else Any

    def structure_dict(value: object, _type: object) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise ModelError(f"expected an object, got {_kind(value)}")
        result = {}
        for key, item in value.items():
            try:
                result[str(key)] = _structure_value(item, value_type)
            except ModelError as error:
                raise error.within(str(key)) from None
        return result

    return structure_dict


converter.register_structure_hook_factory(_is_list, _structure_list)
converter.register_structure_hook_factory(_is_dict, _structure_dict)


def _structure_value(value: object, type_: Any) -> Any:
    if type_ is Any:
        return value
    try:
        return converter.structure(value, type_)
    except ValueFormatError as error:  # a date or an amount (the codec's hooks)
        raise ModelError(str(error)) from None


# --------------------------------------------------------------------------- models


@attrs.frozen
class _FieldSpec:
    name: str
    type: Any
    optional: bool
    inner: Any
    has_default: bool


_NOTHING = object()


def _optional_inner(type_: Any) -> tuple[bool, Any]:
    origin = typing.get_origin(type_)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(type_) if arg is not type(None)]
        if len(args) < len(typing.get_args(type_)):
            return True, args[0] if len(args) == 1 else typing.Union[tuple(args)]  # noqa: UP007
    return False, type_


_SPECS: dict[type[Any], tuple[tuple[_FieldSpec, ...], frozenset[str]]] = {}


def _field_specs(cls: type[Any]) -> tuple[tuple[_FieldSpec, ...], frozenset[str]]:
    cached = _SPECS.get(cls)
    if cached is None:
        cached = _SPECS[cls] = _compute_field_specs(cls)
    return cached


def _compute_field_specs(cls: type[Any]) -> tuple[tuple[_FieldSpec, ...], frozenset[str]]:
    """The generic wire fields of ``cls`` and every wire key it claims (the rest is ``extra``).

    Field metadata ``{"wire": "custom"}`` claims the key but leaves it to the model's own
    hooks; ``{"wire": False}`` marks an SDK-side attribute that is never read or written.
    """
    hints = typing.get_type_hints(cls)
    specs = []
    claimed = set()
    for field in attrs.fields(cls):
        wire = field.metadata.get("wire", True)
        if field.name == "extra" or wire is False:
            continue
        claimed.add(field.name)
        if wire == "custom" or not field.init:
            continue
        optional, inner = _optional_inner(hints[field.name])
        has_default = field.default is not attrs.NOTHING
        specs.append(_FieldSpec(field.name, hints[field.name], optional, inner, has_default))
    return tuple(specs), frozenset(claimed)


def structure_fields(data: object, cls: type[Any]) -> dict[str, Any]:
    """Structure the declared wire fields of ``cls`` from ``data``; unknown keys go to ``extra``.

    Returns constructor keyword arguments, so a model's own ``from_wire`` can adjust them
    before building the instance. Raises :class:`ModelError` with the field path.
    """
    if not isinstance(data, Mapping):
        raise ModelError(f"expected an object, got {_kind(data)}", model=cls.__name__)
    specs, known = _field_specs(cls)
    kwargs: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in data:
            if not spec.has_default:
                raise ModelError("required field is missing", (spec.name,), cls.__name__)
            continue
        value = data[spec.name]
        try:
            result = _structure_field(value, spec)
        except ModelError as error:
            raise error.within(spec.name, model=cls.__name__) from None
        if result is not _NOTHING:
            kwargs[spec.name] = result
    unknown = {key: value for key, value in data.items() if key not in known}
    if "extra" in attrs.fields_dict(cls):
        kwargs["extra"] = unknown
    elif unknown:
        # A model without ``extra`` is a write model: an unknown key is a typo, not news.
        raise ModelError(f"unknown field {_echo(sorted(unknown)[0])}", model=cls.__name__)
    return kwargs


def _structure_field(value: object, spec: _FieldSpec) -> Any:
    if value is None:
        if spec.optional:
            return None
        if spec.has_default:
            # Lenient null: the store has nothing there, so the field keeps its default.
            return _NOTHING
        raise ModelError("required field is null")
    if spec.optional and value == "" and spec.inner is not str:
        # v2 sends "" for an unset date_shipped, money or id.
        return None
    return _structure_value(value, spec.inner)


def unstructure_fields(obj: Any) -> dict[str, Any]:
    """Unstructure a model's declared wire fields, then its ``extra`` keys (declared win)."""
    specs, _known = _field_specs(type(obj))
    data: dict[str, Any] = {
        spec.name: converter.unstructure(getattr(obj, spec.name), unstructure_as=spec.type)
        for spec in specs
    }
    for key, value in (getattr(obj, "extra", None) or {}).items():
        data.setdefault(key, value)
    return data


C = TypeVar("C", bound=type[Any])


def wire_model(cls: C) -> C:
    """Class decorator: register a model's structure/unstructure hooks on :data:`converter`.

    A model may define ``_from_wire_kwargs(cls, kwargs, data)`` to adjust the structured
    keyword arguments (e.g. flattening consignments) and ``_to_wire(self, data)`` to adjust
    the unstructured dict.
    """

    def structure_model(data: object, _type: object) -> Any:
        kwargs = structure_fields(data, cls)
        adjust = getattr(cls, "_from_wire_kwargs", None)
        if adjust is not None:
            kwargs = adjust(kwargs, data)
        try:
            return cls(**kwargs)
        except ModelError as error:
            raise error.within(model=cls.__name__) from None
        except (TypeError, ValueError) as error:
            raise ModelError(str(error)[:200], model=cls.__name__) from None

    def unstructure_model(obj: Any) -> dict[str, Any]:
        data = unstructure_fields(obj)
        finish = getattr(obj, "_to_wire", None)
        return finish(data) if finish is not None else data

    # Predicate registration: cattrs would resolve annotations now, and a self-referencing
    # model (CategoryTreeNode.children) is not yet bound in its module while decorated.
    converter.register_structure_hook_func(lambda type_: type_ is cls, structure_model)
    converter.register_unstructure_hook_func(lambda type_: type_ is cls, unstructure_model)
    return cls


def structure(data: object, cls: type[T]) -> T:
    """Turn parsed JSON into ``cls``; raise :class:`ModelError` naming the bad field."""
    try:
        return converter.structure(data, cls)
    except ValueFormatError as error:  # a bare date or amount (``structure(x, Decimal)``)
        raise ModelError(str(error), model=_type_name(cls)) from None
    except ModelError as error:
        if error.model is None:
            # A top-level list (``list[Order]``): name the requested type in the path.
            raise error.within(model=_type_name(cls)) from None
        raise
    except (TypeError, ValueError, AttributeError, KeyError) as error:
        # A cattrs-level failure outside our hooks: still a data error, never a crash.
        raise ModelError(
            f"{type(error).__name__}: {str(error)[:80]}", model=_type_name(cls)
        ) from None


def _type_name(type_: Any) -> str:
    args = typing.get_args(type_)
    origin = typing.get_origin(type_) or type_
    name = getattr(origin, "__name__", str(origin))
    return f"{name}[{', '.join(_type_name(arg) for arg in args)}]" if args else name


def unstructure(obj: object) -> Any:
    """Turn a model (or a list/dict of them) into plain JSON-compatible data.

    Money comes out as exact decimal strings and dates as ISO 8601 strings; ``extra`` keys
    are written back at the top level of their model.
    """
    return converter.unstructure(obj)


# --------------------------------------------------------------------------- writes


def money_to_wire(value: Decimal, version: WireVersion) -> str | Decimal:
    """One amount in the form a write expects, exactly.

    v2: a 4-decimal string (``"12.3450"``), the form v2 itself sends; more non-zero places
    raise :class:`ModelError` instead of rounding silently. v3: the Decimal itself, which the
    client's encoder writes as a JSON number digit for digit (never through float). Rules:
    :func:`bigcommerce_connect.values.format_money`.
    """
    try:
        return values.format_money(value, version)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


def datetime_to_wire(value: datetime, version: WireVersion) -> str:
    """A timestamp for a write: RFC 2822 on v2, ISO 8601 on v3 (both UTC; naive rejected)."""
    try:
        return values.format_datetime(value, version)
    except ValueFormatError as error:
        raise ModelError(str(error)) from None


def to_wire(
    obj: Any, *, version: WireVersion, fields: typing.Iterable[str] | None = None
) -> dict[str, Any]:
    """A write payload from a model: declared fields only, None values left out.

    ``fields`` limits the payload (send ``{"status_id": 11}``, never a whole order back: v2
    rejects read-only fields). ``extra`` keys are never sent. Money and dates take the
    version's form (:func:`money_to_wire`, :func:`datetime_to_wire`).
    """
    if not attrs.has(type(obj)):
        raise TypeError(f"to_wire needs a model instance, got {type(obj).__name__}")
    specs, _known = _field_specs(type(obj))
    wanted = None if fields is None else set(fields)
    payload = {}
    for spec in specs:
        if wanted is not None and spec.name not in wanted:
            continue
        value = getattr(obj, spec.name)
        if value is not None:
            payload[spec.name] = _value_to_wire(value, version)
    return payload


def _value_to_wire(value: Any, version: WireVersion) -> Any:
    if isinstance(value, Decimal):
        return money_to_wire(value, version)
    if isinstance(value, datetime):
        return datetime_to_wire(value, version)
    if isinstance(value, list):
        return [_value_to_wire(item, version) for item in value]
    if isinstance(value, dict):
        return {key: _value_to_wire(item, version) for key, item in value.items()}
    if attrs.has(type(value)):
        return to_wire(value, version=version)
    return value
