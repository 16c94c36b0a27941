"""The ERP customer of each order: bound, else by lookup, else by e-mail, else the guest policy.

A page's registered customers not bound yet are imported in one call before its orders (keeps
a whole import near one API call per order). When they cannot be read, the orders still
import: their customers are found or made from the billing address and bound to the store
customer, so the customer stream completes them later.
"""

from __future__ import annotations

from bigcommerce_connect.errors import BigCommerceError, PermissionDeniedError
from bigcommerce_connect.models import Order
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.sync.context import SyncContext
from bigcommerce_connect.sync.customers import CUSTOMER, CustomerImporter, safe_bind

__all__ = ["OrderCustomers"]

#: Lookup values noted and not yet used kept at most (each is used by the next customer_for).


class OrderCustomers:
    """Finds (or makes) the ERP customer of each order of a run."""

    def __init__(self, context: SyncContext, customers: CustomerImporter) -> None:
        self.ctx = context
        self.customers = customers
        self._unreadable = False  # the Customers scope is missing: no call can succeed

    def prefetch(self, orders: list[Order]) -> None:
        """Import the page's registered customers not bound yet, in one call."""
        # A customer a preview already planned counts as bound, as it would be by now.
        unbound = sorted(
            {
                order.customer_id
                for order in orders
                if order.customer_id and self._bound(order.customer_id) is None
            }
        )
        if not unbound or self._unreadable:
            return
        try:
            self.customers.import_by_ids(unbound)
        except PermissionDeniedError as error:
            # Without the Customers scope the orders still import: their customers are found
            # by e-mail or made from the billing address, and bound to the store customer, so
            # a later customer import (once the scope is granted) completes them.
            self._unreadable = True
            self.ctx.notify(
                NotificationKind.WARNING,
                "customer.scope.missing",
                f"customers could not be read ({error.scope} is missing); orders use their "
                "billing addresses to find or create the ERP customer",
                request_id=error.request_id,
            )
        except BigCommerceError as error:
            # The page is listed: its orders must be imported now, because another app may
            # take them out of the "get" status before the next run. Their customers come
            # from the billing address (bound to the store customer, so the customer stream
            # completes them later) instead of the run ending here.
            self.ctx.notify(
                NotificationKind.WARNING,
                "customer.prefetch.failed",
                f"the page's {len(unbound)} customers could not be read ({error}); their "
                "orders use the billing address to find or create the ERP customer",
                request_id=getattr(error, "request_id", None),
            )

    def customer_for(self, order: Order, lookup: str = "") -> str | None:
        """The order's ERP customer id (inside the caller's transaction).

        In order: the bound store customer; the *Customer Lookup* value (``lookup``, as the order
        mapping made it), when the customer repository has
        ``find_by_lookup``; the billing e-mail (by policy); then the guest policy: a guest
        order goes to the configured guest account, otherwise a new customer is made from the
        billing address. A registered customer found or made this way is bound to its store
        customer. None in preview when a customer would be created.
        """
        ctx = self.ctx
        local_id = self._bound(order.customer_id)
        if local_id is not None:
            return None if local_id in ctx.planned_customers else local_id
        email = order.billing_address.email if order.billing_address else ""
        local_id = self.customers.match_by_lookup(lookup) or self.customers.match_by_email(
            email or ""
        )
        if local_id is None:
            if not order.customer_id and ctx.options.guest_customer_id:
                return ctx.options.guest_customer_id
            local_id = self.customers.create_for_order(
                order.billing_address, order.id, store_customer_id=order.customer_id or 0
            )
        if order.customer_id and not ctx.preview:
            safe_bind(self.customers, order.customer_id, local_id)
        return None if local_id in ctx.planned_customers else local_id

    def _bound(self, store_customer_id: int | None) -> str | None:
        """The ERP customer bound to a registered store customer (or planned in preview)."""
        if not store_customer_id:
            return None
        binding = self.ctx.ports.bindings.get(CUSTOMER, str(store_customer_id))
        if binding is not None:
            return binding.local_id
        return self.ctx.planned_customers.by_store_id(store_customer_id)
