"""Update Products: ERP items to store products, linked by SKU, batched, idempotent.

One :meth:`ProductExporter.export` run, in order:

1. **Plan** (no calls): map each item through the "update products" mapping; an unbound item
   without a category fails here, before any request. A bound item whose mapped payload has
   the fingerprint stored in its binding is ``unchanged`` and costs nothing.
2. **Link** unbound items by SKU: variant SKU (``/catalog/variants?sku=``) and product SKU
   (``/catalog/products?sku=``); more than one matching record is a :class:`DuplicateSkuError`
   naming the SKU, and nothing is sent for that item. With two or more unbound items, one
   call first reads the catalog's size: an empty catalog links nothing, so no SKU is looked
   up and every unbound item goes straight to create (a first export into a new store).
3. **Create** the rest, one product a request (the API's rule), custom fields included,
   ``concurrency`` requests in flight at once (default 4, ``StoreSettings.concurrency``)
   under the client's shared rate-limit governor. A create is never sent twice: one whose
   outcome is unknown fails its item, and the next run links the product if it was made.
   Bindings are written on the calling thread, in the items' order.
4. **Update** bound and linked products in batches of 10 and variants in batches of 50;
   207/422 batch errors come back per item. Updates use the mapping's update view
   (``create=False``), so create-only fields (``type``, ``inventory_tracking``) are never sent.
   Custom fields are compared by name with the product's: changed values are updated by id,
   missing ones created, none duplicated.
5. **Bind**: the product id and variant id (the base variant of a simple product) are written
   to the bindings every time, with the payload's fingerprint.

Deliberate choices: on update ``inventory_level`` is not sent (stock belongs to
:class:`~bigcommerce_connect.export.inventory.InventoryPusher`, which reads it fresh) and an
empty ``categories`` list is not sent (it would remove every category of the product). Custom
fields with a blank name or value are skipped (the API takes 1–250 characters). Items that are
variants of a product with options update their variant only; custom fields are per product
and follow the product's own item.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

import attrs

from bigcommerce_connect.batch import chunked
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.export.access import ITEM_CARD_ACTION, check_access
from bigcommerce_connect.export.batching import write_batches
from bigcommerce_connect.export.payload import fingerprint, without_none
from bigcommerce_connect.export.report import Action, ExportReport, ItemResult, admin_url
from bigcommerce_connect.mapping import (
    AUTOMATIC_UPDATE_PRODUCTS,
    CompiledMapping,
    InMemoryMappingStore,
    MappingError,
    MappingNotFound,
    MappingStore,
    builtin_definition,
    compile_mapping,
)
from bigcommerce_connect.models import CategoryTreeNode, CustomField, Product, Variant
from bigcommerce_connect.ports import (
    AccessPolicy,
    Binding,
    BindingConflictError,
    BindingEntity,
    BindingRepository,
    Clock,
    ItemIdSink,
    ItemSource,
    LocalItem,
    SyncStateRepository,
)
from bigcommerce_connect.resources import PRODUCT_BATCH_MAX, VARIANT_BATCH_MAX
from bigcommerce_connect.settings import DEFAULT_CONCURRENCY, MAX_CONCURRENCY, StoreSettings

__all__ = [
    "PRODUCT_EXPORT_STREAM",
    "CategoryRequiredError",
    "DuplicateSkuError",
    "ProductExporter",
    "item_export_mapping",
]

PRODUCT_EXPORT_STREAM: Final = "products_export"
"""The sync-state stream whose cursor marks the last fully successful product export."""

_ID_FILTER_MAX: Final = 250


class _Nobody:
    """The policy of an exporter built without one: nobody may use the Item Card action."""

    def may_use_store(self, employee: str, action: str) -> bool:
        """Never: an exporter needs a policy to let anyone act."""
        return False


_NOBODY: Final = _Nobody()
#: From this many unbound items on, one count call first asks whether the catalog is empty.
#: A single item's two lookups cost about what the count would (one call saved on an empty
#: store, one more on any other); from two on, an empty store saves at least three calls.
EMPTY_CHECK_MIN_ITEMS: Final = 2
#: From this many unbound items on, linking may read the catalog by pages instead of per item.
SKU_INDEX_MIN_ITEMS: Final = 5
SKU_IN_CHUNK: Final = 50  # SKUs per ``sku:in`` request: keeps the URL short
# Product fields a variant also has: what a variant-level item can update.
_VARIANT_FIELDS: Final = frozenset(
    {
        *("sku", "price", "cost_price", "retail_price", "sale_price", "map_price"),
        *("weight", "width", "height", "depth", "upc", "mpn", "gtin", "bin_picking_number"),
    }
)


class DuplicateSkuError(BigCommerceError):
    """More than one store record has the item's SKU: linking would be a guess."""

    code = "duplicate_sku"

    def __init__(self, sku: str, records: Sequence[str]) -> None:
        self.sku = sku
        self.records = tuple(records)
        super().__init__(
            f"SKU {sku!r} matches {len(records)} store records ({', '.join(records)}); "
            "make it unique in the store before exporting this item"
        )


class CategoryRequiredError(BigCommerceError):
    """A new product needs at least one category; the item has none."""

    code = "category_required"

    def __init__(self, local_id: str, sku: str) -> None:
        self.local_id = local_id
        self.sku = sku
        super().__init__(
            f"item {local_id} (SKU {sku!r}) has no category: choose at least one from the "
            "store's category tree before it can be created"
        )


_UPDATE_PRODUCTS_KIND: Final = "update_products"


def item_export_mapping(
    settings: StoreSettings, mappings: MappingStore | None = None
) -> CompiledMapping:
    """The "Update Products" mapping the settings' *Item Export* names, compiled.

    ``settings.item_export`` unset means the built-in ``automatic:update_products``. A name
    is loaded from ``mappings`` (the built-ins only when None).

    Raises:
        MappingNotFound: no mapping has that name; the message lists the names there are.
        MappingError: the mapping is for something else (an order import, say).
    """
    name = settings.item_export or AUTOMATIC_UPDATE_PRODUCTS
    store: MappingStore = mappings if mappings is not None else InMemoryMappingStore()
    try:
        definition = store.load(name)
    except MappingNotFound:
        known = ", ".join(repr(n) for n in store.list_names())
        raise MappingNotFound(
            f"the settings' item_export names no saved mapping; known mappings: {known} "
            "(save one with 'mappings save-as automatic:update_products NAME')",
            mapping=name,
        ) from None
    if definition.kind != _UPDATE_PRODUCTS_KIND:
        raise MappingError(
            f"the settings' item_export must name an {_UPDATE_PRODUCTS_KIND} mapping, "
            f"not a {definition.kind} one",
            mapping=name,
        )
    return compile_mapping(definition)


@attrs.frozen
class _Target:
    """Where an item lives in the store."""

    product_id: int
    variant_id: int | None
    is_variant: bool  # a variant of a product with options (updated through /variants)


@attrs.frozen
class _SkuIndex:
    """The store's variants and products by SKU, read in a few pages instead of 2 calls each."""

    variants: Mapping[str, list[Variant]]
    products: Mapping[str, list[Product]]
    covered: frozenset[str]  # SKUs whose products were fetched (``sku:in`` chunks)


@attrs.define
class _Plan:
    """One item on its way to the store."""

    entry: LocalItem
    sku: str
    create: dict[str, Any]
    update: dict[str, Any]
    custom_fields: list[tuple[str, str]]
    fingerprint: str
    target: _Target | None = None
    linked: bool = False


class ProductExporter:
    """Creates and updates store products from ERP items (the seed's "Update Products").

    ``concurrency`` (1 to 32, default 4) is how many product creates are in flight at once;
    :meth:`from_settings` takes it from ``StoreSettings.concurrency``, which also sizes the
    connection pool of ``settings.connect()``. With 1 every request is sent from the calling
    thread. The ports (bindings, items, clock) are only ever called from the calling thread.
    """

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        items: ItemSource,
        bindings: BindingRepository,
        clock: Clock,
        sync_state: SyncStateRepository | None = None,
        mapping: CompiledMapping | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        access: AccessPolicy | None = None,
    ) -> None:
        if isinstance(concurrency, bool) or not isinstance(concurrency, int):
            raise TypeError("concurrency must be a whole number")
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise ValueError(f"concurrency must be 1 to {MAX_CONCURRENCY}, got {concurrency}")
        self.client = client
        self.items = items
        self.bindings = bindings
        self.clock = clock
        self.sync_state = sync_state
        self.mapping = mapping or compile_mapping(builtin_definition(AUTOMATIC_UPDATE_PRODUCTS))
        self.concurrency = concurrency
        self.access = access

    @classmethod
    def from_settings(
        cls,
        settings: StoreSettings,
        client: BigCommerceClient,
        *,
        items: ItemSource,
        bindings: BindingRepository,
        clock: Clock,
        sync_state: SyncStateRepository | None = None,
        mapping: CompiledMapping | None = None,
        mappings: MappingStore | None = None,
        access: AccessPolicy | None = None,
    ) -> ProductExporter:
        """An exporter as the settings say (give it ``settings.connect()``).

        The mapping is ``mapping`` when given, else the one ``settings.item_export`` names in
        ``mappings`` (the built-in "Update Products" when unset; see
        :func:`item_export_mapping`); ``concurrency`` is the settings'. ``access`` decides
        who may use :meth:`item_card`.

        Raises:
            MappingNotFound: ``settings.item_export`` names no mapping in ``mappings``.
            MappingError: the named mapping is not an "Update Products" mapping.
        """
        return cls(
            client,
            items=items,
            bindings=bindings,
            clock=clock,
            sync_state=sync_state,
            mapping=mapping or item_export_mapping(settings, mappings),
            concurrency=settings.concurrency,
            access=access,
        )

    # -- what a host shows ------------------------------------------------------------------

    def category_tree(self, tree_id: int = 1) -> list[CategoryTreeNode]:
        """The store's categories, nested, for the host to show and toggle per item."""
        return self.client.categories.tree(tree_id)

    def category_choices(self, tree_id: int = 1) -> list[tuple[int, str]]:
        """Every category as ``(id, "Parent / Child")``, depth first: a flat picker list."""
        choices: list[tuple[int, str]] = []
        stack = [(node, node.name or "") for node in reversed(self.category_tree(tree_id))]
        while stack:
            node, label = stack.pop()
            choices.append((node.id, label))
            stack.extend(
                (child, f"{label} / {child.name or ''}") for child in reversed(node.children)
            )
        return choices

    def admin_url(self, product_id: int | None) -> str:
        """The control-panel URL that opens the product in a browser."""
        return admin_url(self.client.endpoint.store_hash, "product", product_id)

    # -- runs -------------------------------------------------------------------------------

    def export_changed(self, *, preview: bool = False) -> ExportReport:
        """Export the items changed since the last fully successful run.

        The cursor only moves when every item succeeded, so a failed item is tried again next
        run (items that did not change cost nothing thanks to their fingerprints). A
        ``preview`` reports what would happen and writes nothing (see :meth:`export`).
        """
        marker = (
            None if self.sync_state is None else self.sync_state.get_cursor(PRODUCT_EXPORT_STREAM)
        )
        started = self.clock.now()
        report = self.export(self.items.changed_since(marker), preview=preview)
        if self.sync_state is not None and report.ok and not preview:
            self.sync_state.set_cursor(PRODUCT_EXPORT_STREAM, started)
        return report

    def upload(
        self, local_ids: Sequence[str], *, force: bool = True, preview: bool = False
    ) -> ExportReport:
        """Export these items now (the seed's "Upload" button) and report each one.

        ``force`` sends even an unchanged item (the user asked for it); unknown ids fail.
        A ``preview`` reports what would happen and writes nothing (see :meth:`export`).
        """
        found = self.items.get(local_ids)
        report = self.export(found, force=force, preview=preview)
        known = {entry.local_id for entry in found}
        for local_id in local_ids:
            if local_id not in known:
                report.items.append(
                    ItemResult(local_id=local_id, action=Action.FAILED, error="no such ERP item")
                )
        return report

    def item_card(
        self, employee: str, local_ids: Sequence[str], *, preview: bool = False
    ) -> ExportReport:
        """The Item Card's B2B button: create or link these items' products, for ``employee``.

        Asks the exporter's ``access`` policy (action :data:`ITEM_CARD_ACTION`) first, as the
        B2B contact actions do: a refusal, a blank name or no policy at all raises
        :class:`~bigcommerce_connect.export.access.AccessDeniedError` before any request.
        Then it is :meth:`upload`: linked by SKU or created, the ids written to the
        bindings, each result with its control-panel URL to open in a browser.
        """
        policy = self.access if self.access is not None else _NOBODY
        check_access(policy, employee, ITEM_CARD_ACTION)
        return self.upload(local_ids, preview=preview)

    def export(
        self, entries: Iterable[LocalItem], *, force: bool = False, preview: bool = False
    ) -> ExportReport:
        """Create, link or update a product for each item; one result per item.

        A ``preview`` plans and links (reads only: SKU lookups) and reports what a run would
        do — ``created``, ``linked``, ``updated`` or ``unchanged`` — without a single write
        to the store or the bindings; its results carry no new product ids.
        """
        entries = list(entries)
        report = ExportReport(started_at=self.clock.now())
        calls, started = self.client.api_calls, time.monotonic()
        plans: list[_Plan] = []
        for entry in entries:
            outcome = self._plan(entry, force)
            if isinstance(outcome, _Plan):
                plans.append(outcome)
            else:
                report.items.append(outcome)
        plans = self._link(plans, report)
        if preview:
            report.items.extend(self._would(plan) for plan in plans)
            plans = []
        report.items.extend(self._create_all([p for p in plans if p.target is None]))
        bound = [p for p in plans if p.target is not None]
        report.items.extend(self._update_products([p for p in bound if not _is_variant(p)]))
        report.items.extend(self._update_variants([p for p in bound if _is_variant(p)]))
        order = {entry.local_id: n for n, entry in enumerate(entries)}
        report.items.sort(key=lambda result: order.get(result.local_id, len(order)))
        report.api_calls = self.client.api_calls - calls
        report.duration_seconds = time.monotonic() - started
        return report

    # -- 1. plan ----------------------------------------------------------------------------

    def _plan(self, entry: LocalItem, force: bool) -> _Plan | ItemResult:
        try:
            create = without_none(self.mapping.apply(entry.item, create=True))
            update = without_none(self.mapping.apply(entry.item, create=False))
        except MappingError as error:
            return self._failed(entry.local_id, "", f"mapping failed: {error}")
        sku = str(create.get("sku") or "")
        if not sku.strip():
            return self._failed(entry.local_id, "", "the item has no SKU (item code)")
        fields = _custom_fields(create.pop("custom_fields", None))
        if fields:
            create["custom_fields"] = [{"name": name, "value": value} for name, value in fields]
        update.pop("custom_fields", None)
        update.pop("inventory_level", None)  # stock is the InventoryPusher's (fresh snapshot)
        if not update.get("categories"):
            update.pop("categories", None)  # [] would remove every category of the product
        plan = _Plan(entry, sku, create, update, fields, fingerprint([update, fields]))
        binding = self._binding_of(entry.local_id)
        plan.target = None if binding is None else _target_of(binding)
        if plan.target is None and not create.get("categories"):
            problem = CategoryRequiredError(entry.local_id, sku)
            return self._failed(entry.local_id, sku, str(problem))
        unchanged = binding is not None and binding.data.get("fingerprint") == plan.fingerprint
        if plan.target is not None and unchanged and not force:
            return self._result(plan, plan.target, Action.UNCHANGED)
        return plan

    def _would(self, plan: _Plan) -> ItemResult:
        """What a real run would do with this plan (a preview sends nothing)."""
        if plan.target is None:
            return ItemResult(local_id=plan.entry.local_id, sku=plan.sku, action=Action.CREATED)
        return self._result(plan, plan.target, Action.LINKED if plan.linked else Action.UPDATED)

    def _binding_of(self, local_id: str) -> Binding | None:
        found = self.bindings.get_by_local(BindingEntity.PRODUCT, local_id)
        return found or self.bindings.get_by_local(BindingEntity.VARIANT, local_id)

    # -- 2. link by SKU ---------------------------------------------------------------------

    def _link(self, plans: list[_Plan], report: ExportReport) -> list[_Plan]:
        skus = [plan.sku for plan in plans if plan.target is None]
        total = self._catalog_size() if len(skus) >= EMPTY_CHECK_MIN_ITEMS else None
        if total == 0:
            return plans  # nothing to link with: every unbound item is created
        kept: list[_Plan] = []
        index = self._sku_index(skus, total)
        for plan in plans:
            if plan.target is None:
                try:
                    plan.target = self._find_by_sku(plan.sku, index)
                except BigCommerceError as error:
                    report.items.append(self._failed(plan.entry.local_id, plan.sku, str(error)))
                    continue
                plan.linked = plan.target is not None
            kept.append(plan)
        return kept

    def _catalog_size(self) -> int | None:
        """The store's variant count in one call; None when unknown.

        Every product has at least one variant, so none means an empty catalog. A failed
        count is only a missed shortcut: the lookups then fail (or not) per item, as ever.
        """
        try:
            return self.client.variants.count()
        except BigCommerceError:
            return None

    def _sku_index(self, skus: list[str], total: int | None) -> _SkuIndex | None:
        """Read every variant and the products of these SKUs at once, when that is cheaper.

        Linking costs two lookups per unbound item; a first sync of thousands of items would
        spend the store's quota for an hour. Reading all variants (250 a page) and products by
        ``sku:in`` (50 a request) costs far less once more than a few items are unbound.
        ``total`` is the store's variant count (None: unknown, so no index).
        """
        batchable = sorted({sku for sku in skus if "," not in sku})
        if len(batchable) < SKU_INDEX_MIN_ITEMS or total is None:
            return None
        index_cost = -(-total // 250) + -(-len(batchable) // SKU_IN_CHUNK)
        if index_cost >= 2 * len(batchable):
            return None
        variants: dict[str, list[Variant]] = {}
        for variant in self.client.variants.iter():
            variants.setdefault(variant.sku or "", []).append(variant)
        products: dict[str, list[Product]] = {}
        for chunk in chunked(batchable, SKU_IN_CHUNK):
            for product in self.client.products.iter(include=(), **{"sku:in": chunk}):
                products.setdefault(product.sku or "", []).append(product)
        return _SkuIndex(variants, products, frozenset(batchable))

    def _find_by_sku(self, sku: str, index: _SkuIndex | None = None) -> _Target | None:
        """The one store record with this SKU (variant SKU, then product SKU), or None.

        Raises:
            DuplicateSkuError: more than one record has the SKU.
        """
        if index is not None and sku in index.covered:
            variants = index.variants.get(sku, [])
            products = index.products.get(sku, [])
        else:
            variants = self.client.variants.by_sku(sku)
            products = self.client.products.by_sku(sku, include=())
        variant_ids = {variant.id for variant in variants}
        records = [f"variant {v.id} of product {v.product_id}" for v in variants] + [
            f"product {p.id}" for p in products if p.base_variant_id not in variant_ids
        ]
        if len(records) > 1:
            raise DuplicateSkuError(sku, records)
        if variants:
            variant = variants[0]
            return _Target(int(variant.product_id or 0), variant.id, bool(variant.option_values))
        if products:
            return _Target(products[0].id, products[0].base_variant_id, False)
        return None

    # -- 3. create --------------------------------------------------------------------------

    def _create_all(self, plans: list[_Plan]) -> list[ItemResult]:
        """Create these products ``concurrency`` at a time; bind each on this thread.

        The API creates one product a request, so a first export is one round trip per item:
        keeping several in flight divides its wall time (they share the client's governor).
        At most twice ``concurrency`` creates are queued or in flight, so memory does not
        grow with the items; results are taken, and bindings written, in the items' order.
        """
        workers = min(self.concurrency, len(plans))
        if workers <= 1:
            return [self._create(plan, self._poster(plan)) for plan in plans]
        results: list[ItemResult] = []
        window: deque[tuple[_Plan, Future[Product]]] = deque()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bc-create") as pool:
            try:
                for plan in plans:
                    if len(window) >= 2 * workers:
                        done, future = window.popleft()
                        results.append(self._create(done, future.result))
                    window.append((plan, pool.submit(self._poster(plan))))
                while window:
                    done, future = window.popleft()
                    results.append(self._create(done, future.result))
            except BaseException:
                # Stopping (a host's port raised, or an interrupt): queued creates are not sent.
                for _plan, future in window:
                    future.cancel()
                raise
        return results

    def _poster(self, plan: _Plan) -> Callable[[], Product]:
        """The one POST that creates the item's product (the client never sends it twice)."""
        create = self.client.products.create
        return lambda: create(plan.create)

    def _create(self, plan: _Plan, outcome: Callable[[], Product]) -> ItemResult:
        """Bind the product ``outcome`` gives, or fail the item with its error."""
        try:
            product = outcome()
        except BigCommerceError as error:
            # An unknown outcome too: the next run finds the product by SKU if it was made.
            return self._failed(plan.entry.local_id, plan.sku, str(error))
        target = _Target(product.id, product.base_variant_id, False)
        return self._bind(plan, target, Action.CREATED, plan.fingerprint)

    # -- 4. update --------------------------------------------------------------------------

    def _update_products(self, plans: list[_Plan]) -> list[ItemResult]:
        results: list[ItemResult] = []
        existing = self._custom_fields_of([_target(p).product_id for p in plans if p.custom_fields])
        batches = write_batches(
            self.client.products.update_batch,
            plans,
            body=lambda p: {"id": _target(p).product_id, **p.update},
            size=PRODUCT_BATCH_MAX,
            atomic=True,
        )
        for batch in batches:
            written = _written_by_id(batch.rows)
            for index, plan in enumerate(batch.items):
                failure = batch.failures.get(index)
                if failure is not None:
                    results.append(self._failed(plan.entry.local_id, plan.sku, failure))
                    continue
                target = _target(plan)
                base = written.get(target.product_id, {}).get("base_variant_id", target.variant_id)
                target = attrs.evolve(target, variant_id=base)
                problems = self._sync_custom_fields(
                    target.product_id, plan.custom_fields, existing.get(target.product_id, [])
                )
                results.append(self._finish(plan, target, problems))
        return results

    def _update_variants(self, plans: list[_Plan]) -> list[ItemResult]:
        results: list[ItemResult] = []
        batches = write_batches(
            self.client.variants.update_batch,
            plans,
            body=_variant_update,
            size=VARIANT_BATCH_MAX,
            atomic=True,
        )
        for batch in batches:
            for index, plan in enumerate(batch.items):
                failure = batch.failures.get(index)
                if failure is not None:
                    results.append(self._failed(plan.entry.local_id, plan.sku, failure))
                else:
                    results.append(self._finish(plan, _target(plan), []))
        return results

    def _custom_fields_of(self, product_ids: list[int]) -> dict[int, list[CustomField]]:
        """The current custom fields of these products, one request per 250 products."""
        found: dict[int, list[CustomField]] = {}
        for chunk in chunked(sorted(set(product_ids)), _ID_FILTER_MAX):
            for page in self.client.products.pages(id_in=chunk, include=["custom_fields"]):
                found.update({product.id: product.custom_fields for product in page})
        return found

    def _sync_custom_fields(
        self, product_id: int, wanted: list[tuple[str, str]], existing: list[CustomField]
    ) -> list[str]:
        """Update changed fields by id and create missing ones; never a duplicate."""
        by_name: dict[str, CustomField] = {}
        for field in existing:
            by_name.setdefault(field.name, field)  # a store-side duplicate: keep to the first
        problems: list[str] = []
        for name, value in wanted:
            current = by_name.get(name)
            try:
                if current is None:
                    by_name[name] = self.client.products.create_custom_field(
                        product_id, name, value
                    )
                elif current.value != value and current.id is not None:
                    self.client.products.update_custom_field(product_id, current.id, name, value)
            except BigCommerceError as error:
                problems.append(f"custom field {name!r}: {error}")
        return problems

    # -- 5. bind ----------------------------------------------------------------------------

    def _finish(self, plan: _Plan, target: _Target, problems: list[str]) -> ItemResult:
        action = Action.LINKED if plan.linked else Action.UPDATED
        if not problems:
            return self._bind(plan, target, action, plan.fingerprint)
        # The ids are still written back; without a fingerprint the next run retries it.
        result = self._bind(plan, target, action, "")
        if result.action is Action.FAILED:
            return result
        return attrs.evolve(result, action=Action.FAILED, error="; ".join(problems))

    def _bind(self, plan: _Plan, target: _Target, action: Action, stamp: str) -> ItemResult:
        local_id = plan.entry.local_id
        problem = self._write_bindings(plan, target, stamp)
        if not problem:
            problem = write_back_item(self.items, local_id, target.product_id, target.variant_id)
            if problem and stamp:
                # No fingerprint: the next run sends the item (and writes the id) again.
                self._write_bindings(plan, target, "")
        if problem:
            return self._failed(local_id, plan.sku, problem)
        return self._result(plan, target, action)

    def _write_bindings(self, plan: _Plan, target: _Target, stamp: str) -> str:
        """Bind the product and variant ids to the item; "" or why it cannot be bound."""
        now = self.clock.now()
        data = {
            "product_id": target.product_id,
            "variant_id": target.variant_id,
            "sku": plan.sku,
            "fingerprint": stamp,
        }
        local_id = plan.entry.local_id
        try:
            if not target.is_variant:
                self.bindings.bind(
                    Binding(
                        entity=BindingEntity.PRODUCT,
                        external_id=str(target.product_id),
                        local_id=local_id,
                        synced_at=now,
                        data=data,
                    )
                )
            if target.variant_id is not None:
                self.bindings.bind(
                    Binding(
                        entity=BindingEntity.VARIANT,
                        external_id=str(target.variant_id),
                        local_id=local_id,
                        synced_at=now,
                        data=data,
                    )
                )
        except BindingConflictError as error:
            return f"cannot bind: {error}"
        return ""

    def _result(self, plan: _Plan, target: _Target, action: Action) -> ItemResult:
        return ItemResult(
            local_id=plan.entry.local_id,
            sku=plan.sku,
            action=action,
            product_id=target.product_id,
            variant_id=target.variant_id,
            admin_url=self.admin_url(target.product_id),
        )

    @staticmethod
    def _failed(local_id: str, sku: str, error: str) -> ItemResult:
        return ItemResult(local_id=local_id, sku=sku, action=Action.FAILED, error=error)


def write_back_item(sink: object, local_id: str, product_id: int, variant_id: int | None) -> str:
    """Give the host's item its store ids when ``sink`` has the hook; "" or the problem.

    The optional :class:`~bigcommerce_connect.ports.ItemIdSink` ("fills in the ID" on the Item
    Card), called after the binding is written. A host's failure is that item's failure only.
    """
    if not isinstance(sink, ItemIdSink):
        return ""
    try:
        sink.item_linked(local_id, product_id, variant_id)
    except Exception as error:  # the host's storage: any failure stays with this item
        return f"the ERP did not take the store id: {type(error).__name__}: {error}"
    return ""


def _variant_update(plan: _Plan) -> dict[str, Any]:
    """What a variant-level item's update sends: the fields a variant has, by variant id."""
    fields = {key: value for key, value in plan.update.items() if key in _VARIANT_FIELDS}
    return {"id": _target(plan).variant_id, **fields}


def _written_by_id(rows: list[Mapping[str, Any]]) -> dict[int, Mapping[str, Any]]:
    """The records a batch answer returned, by their id."""
    return {int(row["id"]): row for row in rows if isinstance(row.get("id"), int)}


def _target(plan: _Plan) -> _Target:
    if plan.target is None:
        raise AssertionError("only bound plans are updated")  # pragma: no cover
    return plan.target


def _is_variant(plan: _Plan) -> bool:
    return _target(plan).is_variant


def _target_of(binding: Binding) -> _Target | None:
    """Where a binding says the item lives (None if it lacks the ids)."""
    data = binding.data
    if binding.entity == BindingEntity.PRODUCT:
        variant = data.get("variant_id")
        return _Target(
            int(binding.external_id), variant if isinstance(variant, int) else None, False
        )
    product = data.get("product_id")
    if not isinstance(product, int):
        return None
    return _Target(product, int(binding.external_id), True)


def _custom_fields(raw: Any) -> list[tuple[str, str]]:
    """The mapped custom fields as unique (name, value) pairs; blank ones are skipped."""
    pairs: dict[str, str] = {}
    for field in raw or []:
        if not isinstance(field, Mapping):
            continue
        name, value = str(field.get("name") or "").strip(), str(field.get("value") or "")
        if name and value.strip():
            pairs.setdefault(name, value)
    return list(pairs.items())
