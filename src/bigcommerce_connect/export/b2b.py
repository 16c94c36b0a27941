"""B2B export: customers from ERP contacts, price levels as customer groups, price lists.

Every public method takes the acting employee first and asks the host's
:class:`~bigcommerce_connect.ports.AccessPolicy` before anything else: a refusal raises
:class:`~bigcommerce_connect.export.access.AccessDeniedError` and sends nothing to the store.

Records are tied to the ERP through bindings: ``contact`` (store customer id ⇄ ERP contact
id), ``customer_group`` (group id ⇄ price level name) and ``price_list`` (price list id ⇄
price level name). Each binding keeps a fingerprint of what was last sent, so a re-run with
nothing changed sends nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from bigcommerce_connect.batch import chunked
from bigcommerce_connect.client import BigCommerceClient
from bigcommerce_connect.errors import BigCommerceError
from bigcommerce_connect.export.access import check_access
from bigcommerce_connect.export.batching import write_batches
from bigcommerce_connect.export.payload import fingerprint, without_none
from bigcommerce_connect.export.report import (
    Action,
    ContactResult,
    ExportReport,
    LevelResult,
    admin_url,
)
from bigcommerce_connect.mapping import (
    AUTOMATIC_B2B_CUSTOMER,
    CompiledMapping,
    MappingError,
    builtin_definition,
    compile_mapping,
)
from bigcommerce_connect.models import CustomerGroup
from bigcommerce_connect.ports import (
    AccessPolicy,
    Binding,
    BindingConflictError,
    BindingEntity,
    BindingRepository,
    Clock,
    ContactIdSink,
    ContactSource,
    LevelPrice,
    LocalContact,
    PriceLevelSource,
)
from bigcommerce_connect.resources import (
    CUSTOMER_BATCH_MAX,
    PRICE_LIST_ASSIGNMENT_BATCH_MAX,
    PRICE_LIST_RECORD_BATCH_MAX,
)

__all__ = ["B2BExporter"]

_EMAIL_FILTER_MAX: Final = 50  # e-mails per ``email:in`` lookup (keeps the URL short)
_GROUP: Final = "customer_group_id"


@attrs.define
class _ContactPlan:
    entry: LocalContact
    email: str
    payload: dict[str, Any]  # create view
    update: dict[str, Any]  # update view (create-only rules left out)
    fingerprint: str
    customer_id: int | None = None
    linked: bool = False


class B2BExporter:
    """Exports B2B customers, price levels and customer-specific prices (the seed's B2B)."""

    def __init__(
        self,
        client: BigCommerceClient,
        *,
        access: AccessPolicy,
        bindings: BindingRepository,
        clock: Clock,
        mapping: CompiledMapping | None = None,
        contacts: ContactSource | None = None,
        price_levels: PriceLevelSource | None = None,
    ) -> None:
        self.client = client
        self.contacts = contacts
        self.price_levels = price_levels
        self.access = access
        self.bindings = bindings
        self.clock = clock
        self.mapping = mapping or compile_mapping(builtin_definition(AUTOMATIC_B2B_CUSTOMER))

    def admin_url(self, customer_id: int | None) -> str:
        """The control-panel URL that opens the customer in a browser."""
        return admin_url(self.client.endpoint.store_hash, "customer", customer_id)

    # -- customers --------------------------------------------------------------------------

    def sync_contacts(
        self,
        employee: str,
        contacts: Sequence[LocalContact] | None = None,
        *,
        preview: bool = False,
    ) -> ExportReport:
        """Link each contact to the store customer with its e-mail, or create one.

        ``contacts`` defaults to every contact of the :class:`ContactSource` port. The store
        customer id is written back (``contact`` binding); each result carries the admin URL.
        A contact whose price level has a customer group joins that group. A ``preview``
        looks customers up by e-mail (reads only) and reports what would happen, writing
        nothing to the store or the bindings.
        """
        check_access(self.access, employee, "sync_customers")
        chosen = self._contacts(contacts)
        return self._timed(lambda report: self._sync_contacts(chosen, report, preview))

    def _sync_contacts(
        self, contacts: Sequence[LocalContact], report: ExportReport, preview: bool = False
    ) -> None:
        plans: list[_ContactPlan] = []
        for entry in contacts:
            outcome = self._plan_contact(entry)
            if isinstance(outcome, ContactResult):
                report.contacts.append(outcome)
            else:
                plans.append(outcome)
        lost = self._link_by_email([p for p in plans if p.customer_id is None], report)
        plans = [p for p in plans if p.entry.local_id not in lost]
        if preview:
            report.contacts.extend(self._contact_result(p, _would(p)) for p in plans)
            plans = []
        creates = [p for p in plans if p.customer_id is None]
        updates = [p for p in plans if p.customer_id is not None]
        report.contacts.extend(self._create_customers(creates))
        report.contacts.extend(self._update_customers(updates))
        order = {entry.local_id: n for n, entry in enumerate(contacts)}
        report.contacts.sort(key=lambda r: order.get(r.local_id, len(order)))

    def _plan_contact(self, entry: LocalContact) -> _ContactPlan | ContactResult:
        plan = self._map_contact(entry)
        if isinstance(plan, str):
            return _contact_failed(entry, plan)
        binding = self.bindings.get_by_local(BindingEntity.CONTACT, entry.local_id)
        if binding is not None:
            plan.customer_id = int(binding.external_id)
            if binding.data.get("fingerprint") == plan.fingerprint:
                return self._contact_result(plan, Action.UNCHANGED)
        return plan

    def _map_contact(self, entry: LocalContact) -> _ContactPlan | str:
        """The contact mapped for the store (its level's group included), or what is wrong."""
        try:
            payload = without_none(self.mapping.apply(entry.contact, create=True))
            update = without_none(self.mapping.apply(entry.contact, create=False))
        except MappingError as error:
            return f"mapping failed: {error}"
        email = str(payload.get("email") or "").strip()
        if "@" not in email:
            return "the contact has no e-mail address"
        names = (str(payload.get(key) or "").strip() for key in ("first_name", "last_name"))
        if not all(names):
            return "the store needs a first and a last name"
        group = self._group_of(entry.contact.price_level)
        if group is not None and _GROUP not in payload:
            payload[_GROUP] = update[_GROUP] = group
        return _ContactPlan(entry, email, payload, update, fingerprint(update))

    def _group_of(self, level: str) -> int | None:
        binding = self.bindings.get_by_local(BindingEntity.CUSTOMER_GROUP, level) if level else None
        return None if binding is None else int(binding.external_id)

    def _link_by_email(self, plans: list[_ContactPlan], report: ExportReport) -> set[str]:
        """Find existing store customers by e-mail, one request per 50 e-mails.

        Returns the contacts whose lookup failed (reported; nothing else is sent for them).
        """
        lost: set[str] = set()
        for chunk in chunked(plans, _EMAIL_FILTER_MAX):
            try:
                found = self.client.customers.iter(email_in=[p.email for p in chunk], include=())
                by_email = {(c.email or "").casefold(): c.id for c in found}
            except BigCommerceError as error:
                for plan in chunk:
                    report.contacts.append(_contact_failed(plan.entry, str(error)))
                    lost.add(plan.entry.local_id)
                continue
            for plan in chunk:
                plan.customer_id = by_email.get(plan.email.casefold())
                plan.linked = plan.customer_id is not None
        return lost

    def _create_customers(self, plans: list[_ContactPlan]) -> list[ContactResult]:
        results: list[ContactResult] = []
        batches = write_batches(
            self.client.customers.create,
            plans,
            body=lambda plan: plan.payload,
            size=CUSTOMER_BATCH_MAX,
            keys=("email",),
        )
        for batch in batches:
            ids = {str(row.get("email", "")).casefold(): row.get("id") for row in batch.rows}
            for index, plan in enumerate(batch.items):
                customer_id = ids.get(plan.email.casefold())
                if index in batch.failures or not isinstance(customer_id, int):
                    why = batch.failures.get(index, "not created")
                    results.append(_contact_failed(plan.entry, why))
                    continue
                plan.customer_id = customer_id
                results.append(self._bind_contact(plan, Action.CREATED))
        return results

    def _update_customers(self, plans: list[_ContactPlan]) -> list[ContactResult]:
        results: list[ContactResult] = []
        batches = write_batches(
            self.client.customers.update,
            plans,
            body=lambda plan: {"id": plan.customer_id, **plan.update},
            size=CUSTOMER_BATCH_MAX,
        )
        for batch in batches:
            for index, plan in enumerate(batch.items):
                failure = batch.failures.get(index)
                if failure is not None:
                    results.append(_contact_failed(plan.entry, failure))
                else:
                    action = Action.LINKED if plan.linked else Action.UPDATED
                    results.append(self._bind_contact(plan, action))
        return results

    def _bind_contact(self, plan: _ContactPlan, action: Action) -> ContactResult:
        group = plan.update.get(_GROUP)
        data = {"fingerprint": plan.fingerprint, _GROUP: group, "email": plan.email}
        binding = Binding(
            entity=BindingEntity.CONTACT,
            external_id=str(plan.customer_id),
            local_id=plan.entry.local_id,
            synced_at=self.clock.now(),
            data=data,
        )
        try:
            self.bindings.bind(binding)
        except BindingConflictError as error:
            return _contact_failed(plan.entry, f"cannot bind: {error}")
        problem = self._write_back(plan)
        if problem:
            # No fingerprint: the next run sends the contact (and writes the id) again.
            self.bindings.bind(attrs.evolve(binding, data={**data, "fingerprint": ""}))
            return _contact_failed(plan.entry, problem)
        return self._contact_result(plan, action)

    def _write_back(self, plan: _ContactPlan) -> str:
        """Fill in the store customer id on the host's contact (optional ContactIdSink hook)."""
        sink: object = self.contacts  # the hook is optional on any ContactSource
        if not isinstance(sink, ContactIdSink) or plan.customer_id is None:
            return ""
        try:
            sink.contact_linked(plan.entry.local_id, plan.customer_id)
        except Exception as error:  # the host's storage: any failure stays with this contact
            return f"the ERP did not take the store id: {type(error).__name__}: {error}"
        return ""

    def _contact_result(self, plan: _ContactPlan, action: Action) -> ContactResult:
        group = plan.update.get(_GROUP)
        return ContactResult(
            local_id=plan.entry.local_id,
            email=plan.email,
            action=action,
            customer_id=plan.customer_id,
            customer_group_id=group if isinstance(group, int) else None,
            admin_url=self.admin_url(plan.customer_id),
        )

    # -- price levels -----------------------------------------------------------------------

    def sync_price_levels(
        self,
        employee: str,
        contacts: Sequence[LocalContact] | None = None,
        *,
        levels: Iterable[str] = (),
        preview: bool = False,
    ) -> ExportReport:
        """One store customer group per price level; exported contacts join their group.

        Levels come from the contacts' ``price_level`` (every contact of the
        :class:`ContactSource` port by default) plus ``levels``. Groups are found by binding,
        then by name, else created. Contacts not exported yet are left for
        :meth:`sync_contacts`, which puts them in their group when it creates them. A
        ``preview`` reads the store's groups and reports what would happen, writing nothing.
        """
        check_access(self.access, employee, "price_levels")
        chosen = self._contacts(contacts)
        return self._timed(lambda report: self._sync_levels(chosen, levels, report, preview))

    def _sync_levels(
        self,
        contacts: Sequence[LocalContact],
        extra: Iterable[str],
        report: ExportReport,
        preview: bool = False,
    ) -> None:
        wanted = {c.contact.price_level for c in contacts} | set(extra)
        names = sorted(level for level in wanted if level)
        store_groups: dict[str, CustomerGroup] | None = None
        for level in names:
            group_id = self._group_of(level)
            action = Action.UNCHANGED
            if group_id is None:
                if store_groups is None:
                    store_groups = {g.name or "": g for g in self.client.customer_groups.iter()}
                if preview:
                    report.levels.append(_level_would(level, store_groups.get(level)))
                    continue
                try:
                    group_id, action = self._find_or_create_group(level, store_groups)
                except BigCommerceError as error:
                    report.levels.append(
                        LevelResult(level=level, action=Action.FAILED, error=str(error))
                    )
                    continue
            members = [c for c in contacts if c.contact.price_level == level]
            if preview:
                report.levels.append(self._moves_would(level, group_id, members))
                continue
            report.levels.append(self._assign(level, group_id, action, members))

    def _find_or_create_group(
        self, level: str, store_groups: Mapping[str, CustomerGroup]
    ) -> tuple[int, Action]:
        existing = store_groups.get(level)
        group_id, action = (
            (existing.id, Action.LINKED)
            if existing is not None
            else (self.client.customer_groups.create(level).id, Action.CREATED)
        )
        binding = Binding(
            entity=BindingEntity.CUSTOMER_GROUP,
            external_id=str(group_id),
            local_id=level,
            synced_at=self.clock.now(),
        )
        self.bindings.bind(binding)
        return group_id, action

    def _moves(
        self, group_id: int, members: Sequence[LocalContact]
    ) -> list[tuple[LocalContact, Binding]]:
        """The level's exported customers not in its group yet."""
        moves: list[tuple[LocalContact, Binding]] = []
        for member in members:
            binding = self.bindings.get_by_local(BindingEntity.CONTACT, member.local_id)
            if binding is not None and binding.data.get(_GROUP) != group_id:
                moves.append((member, binding))
        return moves

    def _moves_would(
        self, level: str, group_id: int, members: Sequence[LocalContact]
    ) -> LevelResult:
        """What :meth:`_assign` would do for a bound level (a preview moves nobody)."""
        moving = len(self._moves(group_id, members))
        return LevelResult(
            level=level,
            action=Action.UPDATED if moving else Action.UNCHANGED,
            customer_group_id=group_id,
            customers_assigned=moving,
        )

    def _assign(
        self, level: str, group_id: int, action: Action, members: Sequence[LocalContact]
    ) -> LevelResult:
        """Move the level's exported customers into its group (only those not in it yet)."""
        moves = self._moves(group_id, members)
        errors: list[str] = []
        assigned = 0
        batches = write_batches(
            self.client.customers.update,
            moves,
            body=lambda move: {"id": int(move[1].external_id), _GROUP: group_id},
            size=CUSTOMER_BATCH_MAX,
        )
        for batch in batches:
            for index, (member, binding) in enumerate(batch.items):
                failure = batch.failures.get(index)
                if failure is not None:
                    errors.append(f"customer {binding.external_id}: {failure}")
                    continue
                assigned += 1
                # What sync_contacts would now send (the group included): no resend later.
                mapped = self._map_contact(member)
                stamp = mapped.fingerprint if isinstance(mapped, _ContactPlan) else ""
                data = {**binding.data, _GROUP: group_id, "fingerprint": stamp}
                self.bindings.bind(attrs.evolve(binding, data=data, synced_at=self.clock.now()))
        if assigned and action is Action.UNCHANGED:
            action = Action.UPDATED
        return LevelResult(
            level=level,
            action=Action.FAILED if errors else action,
            customer_group_id=group_id,
            customers_assigned=assigned,
            error="; ".join(errors),
        )

    # -- customer-specific pricing ----------------------------------------------------------

    def sync_customer_pricing(
        self,
        employee: str,
        level: str,
        prices: Sequence[LevelPrice] | None = None,
        *,
        channel_ids: Sequence[int] = (),
        preview: bool = False,
    ) -> ExportReport:
        """The level's price list: records upserted (1,000 a request), assigned to its group.

        ``prices`` defaults to the level's prices from the :class:`PriceLevelSource` port.
        Records are keyed by SKU and currency. The list is assigned to the level's customer
        group (run :meth:`sync_price_levels` first), once per channel in ``channel_ids`` or
        once for all channels, 25 assignments a request. A ``preview`` reports what would
        happen (looking the price list up by name) and writes nothing.
        """
        check_access(self.access, employee, "customer_pricing")
        if prices is None:
            if self.price_levels is None:
                raise ValueError("pass prices, or give the exporter a PriceLevelSource")
            prices = self.price_levels.prices(level)
        chosen = prices
        return self._timed(
            lambda report: report.levels.append(self._pricing(level, chosen, channel_ids, preview))
        )

    def _pricing(
        self,
        level: str,
        prices: Sequence[LevelPrice],
        channel_ids: Sequence[int],
        preview: bool = False,
    ) -> LevelResult:
        group_id = self._group_of(level)
        if group_id is None:
            return LevelResult(
                level=level,
                action=Action.FAILED,
                error=f"price level {level!r} has no customer group yet: sync price levels first",
            )
        records: list[Mapping[str, Any]] = [_record(price) for price in prices]
        stamp = fingerprint([records, group_id, sorted(channel_ids)])
        if preview:
            return self._pricing_would(level, group_id, len(records), stamp)
        try:
            binding, action = self._price_list(level)
            if binding.data.get("fingerprint") == stamp:
                return LevelResult(
                    level=level,
                    action=Action.UNCHANGED,
                    customer_group_id=group_id,
                    price_list_id=int(binding.external_id),
                )
            price_list_id = int(binding.external_id)
            failed = self._upsert_records(price_list_id, records)
            self._assign_list(price_list_id, group_id, channel_ids)
        except BigCommerceError as error:
            return LevelResult(
                level=level, action=Action.FAILED, customer_group_id=group_id, error=str(error)
            )
        data = {"fingerprint": "" if failed else stamp}  # a failed record is retried next run
        self.bindings.bind(attrs.evolve(binding, data=data, synced_at=self.clock.now()))
        return LevelResult(
            level=level,
            action=Action.FAILED if failed else action,
            customer_group_id=group_id,
            price_list_id=price_list_id,
            records_upserted=len(records) - len(failed),
            failed_skus=tuple(sku for sku, _ in failed),
            error="; ".join(f"{sku}: {why}" for sku, why in failed),
        )

    def _pricing_would(self, level: str, group_id: int, records: int, stamp: str) -> LevelResult:
        """What :meth:`_pricing` would do (reads the price list by name when unbound)."""
        binding = self.bindings.get_by_local(BindingEntity.PRICE_LIST, level)
        price_list_id = None if binding is None else int(binding.external_id)
        if binding is not None and binding.data.get("fingerprint") == stamp:
            action, records = Action.UNCHANGED, 0
        elif binding is not None:
            action = Action.UPDATED
        else:
            try:
                existing = list(self.client.price_lists.iter(name=level))
            except BigCommerceError as error:
                return LevelResult(
                    level=level, action=Action.FAILED, customer_group_id=group_id, error=str(error)
                )
            action = Action.LINKED if existing else Action.CREATED
            price_list_id = existing[0].id if existing else None
        return LevelResult(
            level=level,
            action=action,
            customer_group_id=group_id,
            price_list_id=price_list_id,
            records_upserted=records,
        )

    def _price_list(self, level: str) -> tuple[Binding, Action]:
        binding = self.bindings.get_by_local(BindingEntity.PRICE_LIST, level)
        if binding is not None:
            return binding, Action.UPDATED
        existing = list(self.client.price_lists.iter(name=level))
        price_list = existing[0] if existing else self.client.price_lists.create(level)
        binding = Binding(
            entity=BindingEntity.PRICE_LIST,
            external_id=str(price_list.id),
            local_id=level,
            synced_at=self.clock.now(),
        )
        self.bindings.bind(binding)
        return binding, Action.LINKED if existing else Action.CREATED

    def _upsert_records(
        self, price_list_id: int, records: list[Mapping[str, Any]]
    ) -> list[tuple[str, str]]:
        """Upsert in batches of 1,000, one at a time (the store's concurrency rule)."""
        failed: list[tuple[str, str]] = []
        batches = write_batches(
            lambda body: self.client.price_lists.upsert_records(price_list_id, body),
            records,
            body=dict,
            size=PRICE_LIST_RECORD_BATCH_MAX,
            keys=("sku",),
        )
        for batch in batches:
            failed.extend(
                (str(batch.items[index]["sku"]), why)
                for index, why in sorted(batch.failures.items())
            )
        return failed

    def _assign_list(self, price_list_id: int, group_id: int, channel_ids: Sequence[int]) -> None:
        channels: list[int | None] = [*channel_ids] or [None]
        wanted: list[Mapping[str, Any]] = [
            without_none({"price_list_id": price_list_id, _GROUP: group_id, "channel_id": channel})
            for channel in channels
        ]
        present = {
            (a.customer_group_id, a.channel_id)
            for a in self.client.price_lists.assignments(price_list_id=price_list_id)
        }
        missing = [a for a in wanted if (a[_GROUP], a.get("channel_id")) not in present]
        for chunk in chunked(missing, PRICE_LIST_ASSIGNMENT_BATCH_MAX):
            result = self.client.price_lists.assign(chunk)
            if not result.ok:
                reasons = "; ".join(e.title or str(dict(e.errors)) for e in result.errors)
                raise BigCommerceError(f"price list {price_list_id} not assigned: {reasons}")

    # -- plumbing ---------------------------------------------------------------------------

    def _contacts(self, contacts: Sequence[LocalContact] | None) -> Sequence[LocalContact]:
        if contacts is not None:
            return contacts
        if self.contacts is None:
            raise ValueError("pass contacts, or give the exporter a ContactSource")
        return self.contacts.contacts()

    def _timed(self, work: Callable[[ExportReport], None]) -> ExportReport:
        report = ExportReport(started_at=self.clock.now())
        calls, started = self.client.api_calls, time.monotonic()
        work(report)
        report.api_calls = self.client.api_calls - calls
        report.duration_seconds = time.monotonic() - started
        return report


def _would(plan: _ContactPlan) -> Action:
    """What a real run would do with a planned contact."""
    if plan.customer_id is None:
        return Action.CREATED
    return Action.LINKED if plan.linked else Action.UPDATED


def _level_would(level: str, existing: CustomerGroup | None) -> LevelResult:
    """An unbound level in a preview: its group found by name (linked) or to be created."""
    if existing is None:
        return LevelResult(level=level, action=Action.CREATED)
    return LevelResult(level=level, action=Action.LINKED, customer_group_id=existing.id)


def _record(price: LevelPrice) -> dict[str, Any]:
    return without_none(
        {
            "sku": price.sku,
            "currency": price.currency.lower(),
            "price": price.price,
            "sale_price": price.sale_price,
        }
    )


def _contact_failed(entry: LocalContact, error: str) -> ContactResult:
    return ContactResult(
        local_id=entry.local_id, email=entry.contact.email, action=Action.FAILED, error=error
    )
