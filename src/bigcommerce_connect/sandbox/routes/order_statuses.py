"""v2 ``/order_statuses``: the fixed statuses with their (possibly renamed) custom labels."""

from __future__ import annotations

from bigcommerce_connect.sandbox.routing import Request, Response, Router
from bigcommerce_connect.sandbox.rows import Row
from bigcommerce_connect.sandbox.statuses import ORDER_STATUSES
from bigcommerce_connect.sandbox.store import SandboxStore


def register(router: Router) -> None:
    """Add the order-status routes."""
    router.add("v2", "GET", "/order_statuses", list_statuses)
    router.add("v2", "GET", "/order_statuses/{status_id:int}", get_status)


def _render_status(store: SandboxStore, row: tuple[int, str, str, int]) -> Row:
    sid, label, desc, sort_order = row
    return {
        "id": sid,
        "name": label,
        "system_label": label,
        "custom_label": store.status_labels[sid],
        "system_description": desc,
        "order": sort_order,
    }


def list_statuses(req: Request) -> Response:
    """``GET /order_statuses``: every status with its (possibly renamed) custom label."""
    with req.store.lock:
        return Response(200, [_render_status(req.store, row) for row in ORDER_STATUSES])


def get_status(req: Request) -> Response:
    """``GET /order_statuses/{id}``."""
    sid = req.int_param("status_id")
    for row in ORDER_STATUSES:
        if row[0] == sid:
            with req.store.lock:
                return Response(200, _render_status(req.store, row))
    raise req.fail(404, "The requested resource was not found.")
