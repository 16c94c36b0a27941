"""v3 ``/hooks``: a client's webhook subscriptions (delivered by ``sandbox/webhooks.py``)."""

from __future__ import annotations

from typing import Any

from bigcommerce_connect.sandbox.body_checks import check_fields
from bigcommerce_connect.sandbox.envelopes import envelope, not_found, unprocessable
from bigcommerce_connect.sandbox.filters import apply_filters
from bigcommerce_connect.sandbox.formats import to_v3
from bigcommerce_connect.sandbox.paging import paginate
from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row

HOOK_TYPES: dict[str, Any] = {
    "scope": str,
    "destination": str,
    "is_active": bool,
    "headers": dict,
    "events_history_enabled": bool,
}
_HOOK_FILTERS = {"scope": "str", "destination": "str", "is_active": "bool"}


def register(router: Router) -> None:
    """Add the webhook routes."""
    add = router.add
    add("v3", "GET", "/hooks", list_hooks)
    add("v3", "POST", "/hooks", create_hook)
    add("v3", "GET", "/hooks/{hid:int}", get_hook)
    add("v3", "PUT", "/hooks/{hid:int}", update_hook)
    add("v3", "DELETE", "/hooks/{hid:int}", delete_hook)


def _render_hook(hook: Row) -> Row:
    out: Row = to_v3(hook)
    return out


def _hook_or_404(req: Request) -> Row:
    hook = req.store.webhooks.get(req.int_param("hid"))
    if hook is None or hook["client_id"] != req.client_id:
        raise not_found(req, "webhook")
    return hook


def list_hooks(req: Request) -> Response:
    """``GET /hooks``: the calling client's hooks only."""
    with req.store.lock:
        rows = [h for h in req.store.webhooks.values() if h["client_id"] == req.client_id]
        rows = apply_filters(req, rows, _HOOK_FILTERS)
        page, meta = paginate(req, sorted(rows, key=lambda h: h["id"]))
        return envelope([_render_hook(h) for h in page], meta)


def _check_destination(destination: str) -> str | None:
    # The real API wants https on port 443; the sandbox also accepts http so tests can run a
    # plain loopback receiver.
    if not destination.startswith(("https://", "http://")):
        return "destination must be an http(s) URL"
    return None


def create_hook(req: Request) -> Response:
    """``POST /hooks``: one hook; timestamps are Unix ints."""
    body = req.json()
    errors = check_fields(body, HOOK_TYPES, required=("scope", "destination"))
    if not errors and (problem := _check_destination(body["destination"])):
        errors["destination"] = problem
    if errors:
        raise unprocessable("Webhook is invalid", errors)
    store = req.store
    with store.lock:
        wanted = (req.client_id, body["scope"], body["destination"])
        for hook in store.webhooks.values():
            if (hook["client_id"], hook["scope"], hook["destination"]) == wanted:
                raise unprocessable(
                    "Webhook already exists", {"scope": "duplicate scope and destination"}
                )
        hid = store.next_id("webhook")
        now = int(store.now().timestamp())
        hook = {
            "id": hid,
            "client_id": req.client_id,
            "store_hash": store.store_hash,
            "scope": body["scope"],
            "destination": body["destination"],
            "is_active": body.get("is_active", True),
            "headers": body.get("headers") or {},
            "created_at": now,
            "updated_at": now,
        }
        store.webhooks[hid] = hook
        return envelope(_render_hook(hook))


def get_hook(req: Request) -> Response:
    """``GET /hooks/{id}``."""
    with req.store.lock:
        return envelope(_render_hook(_hook_or_404(req)))


def update_hook(req: Request) -> Response:
    """``PUT /hooks/{id}``: e.g. ``is_active: true`` to reactivate."""
    body = req.json()
    errors = check_fields(body, HOOK_TYPES)
    if not errors and "destination" in body:
        problem = _check_destination(body["destination"])
        if problem:
            errors["destination"] = problem
    if errors:
        raise unprocessable("Webhook is invalid", errors)
    with req.store.lock:
        hook = _hook_or_404(req)
        hook.update(body)
        hook["updated_at"] = int(req.store.now().timestamp())
        return envelope(_render_hook(hook))


def delete_hook(req: Request) -> Response:
    """``DELETE /hooks/{id}``: 200 with the deleted hook."""
    with req.store.lock:
        hook = _hook_or_404(req)
        del req.store.webhooks[hook["id"]]
        return envelope(_render_hook(hook))
