"""Customer import: new and changed store customers into the ERP, matched and bound once.

Match order: the binding, then (by policy) the e-mail, else create. A preview plans each
created customer once (:class:`~.context.PlannedCustomers`) and finds it again as a real run
would. The settings' code is put in front of the customer code the mapping built (*Add
Customer Code*). With B2B on, the store's customer group becomes the ERP customer's price
level.

A legacy (Basic auth, v2-only) API account reads ``/v2/customers`` instead, by id keyset
within the window, each with its addresses (one call more a customer), as the same v3
:class:`~bigcommerce_connect.models.Customer` the mapping reads.

The stream pages by a ``date_modified`` keyset (page numbers only through customers sharing
one second) and checks every page makes progress: a store that ignores ``page`` or repeats a
page stops the stream with :class:`~bigcommerce_connect.errors.PagingError`, cursor kept. A
customer that cannot be read or written (or lost a too-deep value on the wire) is quarantined
with an alert; the others go on.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Final

import attrs

from bigcommerce_connect.errors import BigCommerceError, NotFoundError, PagingError
from bigcommerce_connect.models import (
    BillingAddress,
    Customer,
    CustomerV2,
    ModelError,
    structure,
)
from bigcommerce_connect.notifications import NotificationKind
from bigcommerce_connect.ports import (
    Binding,
    BindingConflictError,
    BindingEntity,
    CustomerLookup,
    LocalCustomer,
)
from bigcommerce_connect.records import ErpCustomer
from bigcommerce_connect.resources import WirePage
from bigcommerce_connect.sync.context import SyncContext, map_record
from bigcommerce_connect.sync.quarantine import quarantine_key, record_payload
from bigcommerce_connect.sync.window import SyncWindow, is_newer, window_for
from bigcommerce_connect.sync.wire_ids import wire_id

__all__ = ["CUSTOMER_STREAM", "CustomerImportError", "CustomerImporter", "guest_source"]

CUSTOMER_STREAM: Final = "customers"
CUSTOMER: Final = BindingEntity.CUSTOMER


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


class CustomerImportError(BigCommerceError):
    """A customer cannot be imported as the store sent it; it is quarantined."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class CustomerImporter:
    """Imports store customers through the context's customer mapping."""

    def __init__(self, context: SyncContext) -> None:
        self.ctx = context
        self._group_names: dict[int, str] | None = None

    # -- the stream ------------------------------------------------------------------------

    def run(self) -> SyncWindow:
        """Import every customer changed in the window after the cursor; then move the cursor.

        A list that stops making progress raises :class:`PagingError` before the cursor moves,
        so the next run reads the same window again.
        """
        ctx = self.ctx
        window = window_for(ctx, CUSTOMER_STREAM)
        ticked = False
        pages = self._changed_v2(window) if self._legacy else self._changed(window)
        for page in pages:
            for customer in page:
                self.import_safely(customer)
            ctx.tick("customers")
            ticked = True
        if not ticked:
            ctx.tick("customers")
        if not ctx.preview:
            ctx.ports.sync_state.set_cursor(CUSTOMER_STREAM, window.end)
        return window

    def _changed(self, window: SyncWindow) -> Iterator[list[Customer]]:
        # Keyset on date_modified (>=, ascending) with ids de-duplicated: a customer edited
        # while we page moves past the window's end instead of shifting the pages under us.
        # Page numbers step through customers sharing one date_modified. Every page must
        # bring an unseen id or move the keyset, else PagingError (an ignored ``page`` or
        # filter, a repeated page); the list ends on an empty page or at ``total_pages``,
        # never because a page was short.
        seen: set[int] = set()
        since = window.start
        page_number = 1
        while True:
            page = self._page(since, window.end, page_number)
            if not page.items:
                return
            ids = [wire_id(item) for item in page.items]
            fresh_ids = {i for i in ids if i and i not in seen}
            customers = self._typed(self._set_aside_deep(page.items))
            seen.update(fresh_ids)
            yield [c for c in customers if c.id in fresh_ids]
            if page.total_pages is not None and page_number >= page.total_pages:
                return
            dates = [c.date_modified for c in customers if c.date_modified is not None]
            last = max(dates, default=None)
            if last is not None and (since is None or last > since):
                since, page_number = last, 1
                continue
            # No keyset advance: the whole page shares one second; step through by page.
            tie = page_number == 1 and bool(dates) and min(dates) == since
            if not fresh_ids and not tie:
                raise _stuck(
                    f"page {page_number} of customers modified since {since} brought no "
                    "customer not already read (the store ignored the page or the filter)"
                )
            short = bool(page.per_page) and len(page.items) < (page.per_page or 0)
            if short and page.total_pages is not None and page_number < page.total_pages:
                # Stepping by page number past a short page would skip customers.
                raise _stuck(f"page {page_number} of customers was short while more exist")
            page_number += 1

    @property
    def _legacy(self) -> bool:
        """A legacy (Basic auth) API account: customers come from v2, never v3."""
        return not self.ctx.client.endpoint.supports_v3

    def _changed_v2(self, window: SyncWindow) -> Iterator[list[Customer]]:
        # Legacy accounts read v2 only: the window's date range, pages by id keyset (the
        # client checks every page's ids go up), so a customer changed while we page moves
        # out of the window instead of shifting the pages. Both ends are inclusive: one
        # changed at the window's start again is skipped by its binding's date.
        pages = self.ctx.client.customers.v2_wire_pages(
            date_modified_min=window.start,
            date_modified_max=window.end,
            limit=self.ctx.options.page_size,
        )
        for page in pages:
            yield self._typed_v2(self._set_aside_deep(page))

    def _typed_v2(self, items: list[Any]) -> list[Customer]:
        """v2 customers with their addresses (one call each), as the v3 model the mapping reads.

        One the SDK cannot read is quarantined; one deleted since it was listed is skipped.
        """
        customers = []
        for item in items:
            try:
                customer = structure(item, CustomerV2)
            except Exception as error:  # a ModelError, or any other reading failure
                self._quarantine(item, error)
                continue
            try:
                addresses = self.ctx.client.customers.v2_addresses(customer.id)
            except NotFoundError:
                continue
            except ModelError as error:  # an address the SDK cannot read: this customer only
                self._quarantine(item, error)
                continue
            customers.append(customer.to_customer(addresses))
        return customers

    def _page(self, since: datetime | None, until: datetime, page_number: int) -> WirePage:
        """One answer of the customer list, as sent."""
        return self.ctx.client.customers.wire_page(
            date_modified_min=since,
            date_modified_max=until,
            sort="date_modified:asc",
            include=("addresses",),
            page=page_number,
            limit=self.ctx.options.page_size,
        )

    def import_by_ids(self, customer_ids: list[int]) -> None:
        """Fetch these customers (one call per 250) and import them; none stops the others.

        A legacy account reads each from ``/v2/customers/{id}`` with its addresses.
        """
        if self._legacy:
            for customer_id in customer_ids:
                item = self.ctx.client.customers.v2_get(customer_id)
                for customer in self._typed_v2(self._set_aside_deep([item] if item else [])):
                    self.import_safely(customer)
            return
        for start in range(0, len(customer_ids), 250):
            chunk = customer_ids[start : start + 250]
            for page in self.ctx.client.customers.wire_pages(id_in=chunk, include=("addresses",)):
                for customer in self._typed(self._set_aside_deep(page)):
                    self.import_safely(customer)

    def retry_quarantine(self) -> None:
        """Fetch every quarantined customer again (250 a call) and import it.

        A customer set aside by a passing fault (a garbled value on the way) would otherwise
        wait until the store changes it; one that still fails stays quarantined.
        """
        entries = self.ctx.ports.quarantine.entries(CUSTOMER)
        ids = sorted({int(e.external_id) for e in entries if e.external_id.isdigit()})
        if ids:
            self.import_by_ids(ids)

    def _set_aside_deep(self, items: list[Any]) -> list[Any]:
        """The page without customers that lost a too-deep value (those are quarantined)."""
        deep = self.ctx.repairs.take(CUSTOMER, [wire_id(item) for item in items])
        if not deep:
            return items
        kept = []
        for item in items:
            customer_id = wire_id(item)
            if str(customer_id) in deep:
                error = CustomerImportError(
                    "json_depth",
                    f"customer {customer_id}: the store sent a value nested too deep to read; "
                    "it was not imported",
                )
                self._quarantine(item, error)
            else:
                kept.append(item)
        return kept

    def _typed(self, items: list[Any]) -> list[Customer]:
        # One customer the SDK cannot read must not stop the import (or every later run):
        # it is quarantined with an alert, and read again once the store changes it.
        customers = []
        for item in items:
            try:
                customers.append(structure(item, Customer))
            except Exception as error:  # a ModelError, or any other reading failure: one customer
                self._quarantine(item, error)
        return customers

    def _quarantine(self, item: object, error: Exception) -> None:
        payload = item if isinstance(item, dict) else {"value": item}
        self.ctx.report.customers_quarantined += 1
        self.ctx.quarantine.keep(CUSTOMER, quarantine_key(payload, None), error, payload)

    # -- one customer ----------------------------------------------------------------------

    def import_safely(self, customer: Customer) -> str | None:
        """:meth:`import_customer`, quarantining the customer instead of raising."""
        try:
            return self.import_customer(customer)
        except Exception as error:
            # A record's failure of any kind (mapping, the ERP's writes, the store) stays with
            # that customer: it is quarantined and the run goes on.
            self._quarantine(record_payload(customer, customer.id), error)
            return None

    def import_customer(self, customer: Customer) -> str | None:
        """Create or update the ERP customer for a store customer; return its local id."""
        ctx = self.ctx
        binding = ctx.ports.bindings.get(CUSTOMER, str(customer.id))
        if binding is not None and not is_newer(customer.date_modified, binding.external_modified):
            ctx.report.customers_skipped += 1
            ctx.report.plan(CUSTOMER, customer.id, "skip", "not changed since the last import")
            ctx.quarantine.release(CUSTOMER, str(customer.id))  # it reads fine now
            return binding.local_id
        with ctx.transaction():
            local_id = binding.local_id if binding else self.match_by_email(customer.email or "")
            record, fields = self._map(customer, create=local_id is None)
            local_id = self._write(customer.id, local_id, record, fields)
            self._bind(customer, local_id)
        ctx.quarantine.release(CUSTOMER, str(customer.id))
        return local_id

    def customer_for_guest(
        self, billing: BillingAddress | None, order_id: int, *, store_customer_id: int = 0
    ) -> str:
        """The ERP customer for an order from its billing address: by e-mail, else a new one.

        For guest and marketplace orders, and for a registered customer whose store record
        cannot be read. Runs inside the caller's transaction. In preview, a customer it would
        create is planned (:class:`~.context.PlannedCustomers`): its placeholder id is returned.
        """
        email = billing.email if billing else ""
        local_id = self.match_by_email(email or "")
        if local_id is not None:
            return local_id
        return self.create_for_order(billing, order_id, store_customer_id=store_customer_id)

    def create_for_order(
        self, billing: BillingAddress | None, order_id: int, *, store_customer_id: int = 0
    ) -> str:
        """A new ERP customer made from an order's billing address (see customer_for_guest)."""
        source = guest_source(billing, order_id)
        # The mapping builds the code from ``id`` as for any customer: the store customer's id,
        # or ``G<order id>`` for a guest (unique per order, as a guest has no account).
        source["id"] = store_customer_id or f"G{order_id}"
        record, fields = map_record(self.ctx.customer_mapping, source, ErpCustomer, create=True)
        record = self.ctx.with_code(record, "customer_code", fields)
        record = attrs.evolve(record, external_id=store_customer_id or None)
        return self._write(None, None, record, fields)

    def _map(self, customer: Customer, *, create: bool) -> tuple[ErpCustomer, frozenset[str]]:
        mapping = self.ctx.customer_mapping
        record, fields = map_record(mapping, customer, ErpCustomer, create=create)
        record = self.ctx.with_code(record, "customer_code", fields)
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
    ) -> str:
        ctx = self.ctx
        label = store_id if store_id is not None else record.email
        if local_id is None:
            ctx.report.customers_created += 1
            ctx.report.plan(CUSTOMER, label, "create", record.customer_listing)
            if ctx.preview:
                # Found again later in the run by binding, e-mail or code, as once created.
                return ctx.planned_customers.add(record, store_id or record.external_id)
            return ctx.ports.customers.create(record)
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

    def match_by_email(self, email: str) -> str | None:
        """The ERP customer with this e-mail (when the options match by e-mail), if any.

        Several matches: the first is chosen and an election notification names the others.
        In preview, a customer the run plans to create is found too.
        """
        ctx = self.ctx
        if not (ctx.options.match_customers_by_email and email.strip()):
            return None
        matches = list(ctx.ports.customers.find_by_email(email))
        if not matches:
            return ctx.planned_customers.by_email(email) if ctx.preview else None
        return self._elect(matches, "customer.email.several", f"the e-mail {email}")

    def match_by_lookup(self, value: str) -> str | None:
        """The ERP customer an order's *Customer Lookup* value finds, if any.

        Asked only of a customer repository that has ``find_by_lookup``
        (:class:`~bigcommerce_connect.ports.CustomerLookup`). Several matches: the first is
        chosen and an election notification names the others, as for e-mails. Inside the
        caller's transaction.
        """
        ctx = self.ctx
        repository = self._lookup_repository
        if repository is None or not value.strip():
            return None
        matches = list(repository.find_by_lookup(value))
        if not matches:
            return ctx.planned_customers.by_code(value) if ctx.preview else None
        return self._elect(matches, "customer.lookup.several", f"the lookup {value!r}")

    @functools.cached_property
    def _lookup_repository(self) -> CustomerLookup | None:
        # The optional method, found once (a Protocol isinstance check is not free).
        customers = self.ctx.ports.customers
        return customers if isinstance(customers, CustomerLookup) else None

    def _elect(self, matches: Sequence[LocalCustomer], code: str, what: str) -> str:
        """The first of ``matches``; several: an election notification lists them."""
        chosen = matches[0]
        if len(matches) > 1:
            self.ctx.notify(
                NotificationKind.ELECTION,
                code,
                f"{len(matches)} ERP customers have {what}; chose {chosen.local_id}",
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


def _stuck(reason: str) -> PagingError:
    return PagingError(method="GET", path="v3/customers", status=200, title=reason)
