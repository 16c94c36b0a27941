"""Customer import: new and changed store customers into the ERP, matched and bound once.

Match order: the binding, then (by policy) the e-mail, else create. The settings' code is
put in front of the customer id of a created account. With B2B on, the store's customer
group becomes the ERP customer's price level.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, Final

import attrs

from bigcommerce_connect.models import BillingAddress, Customer, ModelError, structure
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import Binding, BindingConflictError
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.sync.context import SyncContext, map_record, quarantine_key
from bigcommerce_connect.sync.window import SyncWindow, is_newer, window_for

__all__ = ["CUSTOMER_STREAM", "CustomerImporter", "guest_source"]

CUSTOMER_STREAM: Final = "customers"
CUSTOMER: Final = "customer"


def guest_source(billing: BillingAddress | None, order_id: int) -> dict[str, Any]:
    """A v3-customer-shaped record from an order's billing address (guests and marketplaces)."""
    b = billing or BillingAddress()
    address = {
        "first_name": b.first_name,
        "last_name": b.last_name,
        "company": b.company,
        "address1": b.street_1,
        "address2": b.street_2,
        "city": b.city,
        "state_or_province": b.state,
        "postal_code": b.zip,
        "country": b.country,
        "country_code": b.country_iso2,
        "phone": b.phone,
    }
    return {
        "id": 0,
        "guest_order_id": order_id,
        "email": b.email,
        "first_name": b.first_name,
        "last_name": b.last_name,
        "company": b.company,
        "phone": b.phone,
        "addresses": [address],
    }


class CustomerImporter:
    """Imports store customers through the context's customer mapping."""

    def __init__(self, context: SyncContext) -> None:
        self.ctx = context
        self._group_names: dict[int, str] | None = None

    # -- the stream ------------------------------------------------------------------------

    def run(self) -> SyncWindow:
        """Import every customer changed in the window after the cursor; then move the cursor."""
        ctx = self.ctx
        window = window_for(ctx, CUSTOMER_STREAM)
        for customer in self._changed(window):
            self.import_customer(customer)
        ctx.tick("customers")
        if not ctx.preview:
            ctx.ports.sync_state.set_cursor(CUSTOMER_STREAM, window.end)
        return window

    def _changed(self, window: SyncWindow) -> Iterator[Customer]:
        # Keyset on date_modified (>=, ascending) with ids de-duplicated: a customer edited
        # while we page moves past the window's end instead of shifting the pages under us.
        seen: set[int] = set()
        since = window.start
        page_number = 1
        limit = self.ctx.options.page_size
        while True:
            page, full = self._page(since, window.end, page_number, limit)
            fresh = [c for c in page if c.id not in seen]
            seen.update(c.id for c in fresh)
            yield from fresh
            if not full:
                return
            last = page[-1].date_modified if page else None
            if last is None or (since is not None and last <= since):
                page_number += 1  # a whole page inside one second: step through it by page
            else:
                since, page_number = last, 1

    def _page(
        self, since: datetime | None, until: datetime, page_number: int, limit: int
    ) -> tuple[list[Customer], bool]:
        """One page of readable customers, and whether the store sent a full page."""
        params: dict[str, Any] = {
            "date_modified:max": until,
            "sort": "date_modified:asc",
            "include": "addresses",
            "page": page_number,
            "limit": limit,
        }
        if since is not None:
            params["date_modified:min"] = since
        body = self.ctx.client.request("GET", "v3", "customers", params=params).data
        items = body.get("data", []) if isinstance(body, Mapping) else []
        items = items if isinstance(items, list) else []
        return self._typed(items), len(items) >= limit

    def import_by_ids(self, customer_ids: list[int]) -> None:
        """Fetch these customers (one call per 250) and import them."""
        for start in range(0, len(customer_ids), 250):
            chunk = customer_ids[start : start + 250]
            params = {"id:in": ",".join(str(i) for i in chunk), "include": "addresses"}
            for page in self.ctx.client.pages_v3("customers", params):
                for customer in self._typed(page):
                    self.import_customer(customer)

    def _typed(self, items: list[Any]) -> list[Customer]:
        # One customer the SDK cannot read must not stop the import (or every later run):
        # it is quarantined with an alert, and read again once the store changes it.
        customers = []
        for item in items:
            try:
                customers.append(structure(item, Customer))
            except ModelError as error:
                self._quarantine(item, error)
        return customers

    def _quarantine(self, item: object, error: ModelError) -> None:
        payload = item if isinstance(item, dict) else {"value": item}
        self.ctx.report.customers_quarantined += 1
        self.ctx.quarantine(CUSTOMER, quarantine_key(payload, None), error, payload)

    # -- one customer ----------------------------------------------------------------------

    def import_customer(self, customer: Customer) -> str | None:
        """Create or update the ERP customer for a store customer; return its local id."""
        ctx = self.ctx
        binding = ctx.ports.bindings.get(CUSTOMER, str(customer.id))
        if binding is not None and not is_newer(customer.date_modified, binding.external_modified):
            ctx.report.customers_skipped += 1
            ctx.report.plan(CUSTOMER, customer.id, "skip", "not changed since the last import")
            return binding.local_id
        with ctx.transaction():
            local_id = binding.local_id if binding else self._match_by_email(customer.email or "")
            record, fields = self._map(customer, create=local_id is None)
            local_id = self._write(customer.id, local_id, record, fields)
            self._bind(customer, local_id)
        return local_id

    def customer_for_guest(
        self, billing: BillingAddress | None, order_id: int, *, store_customer_id: int = 0
    ) -> str | None:
        """The ERP customer for an order from its billing address: by e-mail, else a new one.

        For guest and marketplace orders, and for a registered customer whose store record
        cannot be read. Runs inside the caller's transaction. Returns None in preview when it
        would create.
        """
        email = billing.email if billing else ""
        local_id = self._match_by_email(email or "")
        if local_id is not None:
            return local_id
        source = guest_source(billing, order_id)
        record, fields = map_record(self.ctx.customer_mapping, source, ErpCustomer, create=True)
        code = self.ctx.settings.code
        customer_code = f"{code}{store_customer_id}" if store_customer_id else f"{code}G{order_id}"
        external_id = store_customer_id or None
        record = attrs.evolve(record, customer_code=customer_code, external_id=external_id)
        return self._write(None, None, record, fields)

    def _map(self, customer: Customer, *, create: bool) -> tuple[ErpCustomer, frozenset[str]]:
        mapping = self.ctx.customer_mapping
        record, fields = map_record(mapping, customer, ErpCustomer, create=create)
        code = self.ctx.settings.code
        if create and code:
            record = attrs.evolve(record, customer_code=f"{code}{customer.id}")
        if self.ctx.settings.b2b and customer.customer_group_id:
            record = attrs.evolve(record, price_level=self._group_name(customer.customer_group_id))
            fields |= {"price_level"}
        return record, fields

    def _write(
        self,
        store_id: int | None,
        local_id: str | None,
        record: ErpCustomer,
        fields: frozenset[str],
    ) -> str | None:
        ctx = self.ctx
        label = store_id if store_id is not None else record.email
        if local_id is None:
            ctx.report.customers_created += 1
            ctx.report.plan(CUSTOMER, label, "create", record.customer_listing)
            return None if ctx.preview else ctx.ports.customers.create(record)
        ctx.report.customers_updated += 1
        ctx.report.plan(CUSTOMER, label, "update", local_id)
        if not ctx.preview:
            ctx.ports.customers.update(local_id, record, fields=fields)
        return local_id

    def _bind(self, customer: Customer, local_id: str | None) -> None:
        if self.ctx.preview or local_id is None:
            return
        self.bind_store_customer(customer.id, local_id, customer.date_modified)

    def bind_store_customer(self, store_id: int, local_id: str, modified: datetime | None) -> None:
        """Bind a store customer id to an ERP customer (inside the caller's transaction)."""
        self.ctx.ports.bindings.bind(
            Binding(
                entity=CUSTOMER,
                external_id=str(store_id),
                local_id=local_id,
                external_modified=modified,
                synced_at=self.ctx.now(),
            )
        )

    def _match_by_email(self, email: str) -> str | None:
        ctx = self.ctx
        if not (ctx.options.match_customers_by_email and email.strip()):
            return None
        matches = list(ctx.ports.customers.find_by_email(email))
        if not matches:
            return None
        chosen = matches[0]
        if len(matches) > 1:
            ctx.notify(
                NotificationKind.ELECTION,
                "customer.email.several",
                f"{len(matches)} ERP customers have the e-mail {email}; chose {chosen.local_id}",
                entity=CUSTOMER,
                details={"candidates": [m.local_id for m in matches]},
            )
        return chosen.local_id

    def _group_name(self, group_id: int) -> str:
        if self._group_names is None:
            groups = self.ctx.client.customer_groups.iter()
            self._group_names = {group.id: group.name or "" for group in groups}
        return self._group_names.get(group_id, str(group_id))


def safe_bind(importer: CustomerImporter, store_id: int, local_id: str) -> None:
    """Bind a store customer found by e-mail, unless that ERP customer is bound elsewhere."""
    try:
        importer.bind_store_customer(store_id, local_id, None)
    except BindingConflictError:
        # Two store accounts share an ERP customer (one e-mail): the first binding stands.
        return
