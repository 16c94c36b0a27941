"""The quarantine replay brings back customers set aside by a passing fault.

A customer quarantined because its answer was garbled on the way (a value nested too deep)
is not changed in the store, so the customer stream would never read it again.
"""

from __future__ import annotations

from datetime import datetime, timezone

from bigcommerce_connect.ports import QuarantineEntry

from .conftest import MakeRig


def test_a_customer_set_aside_by_a_passing_fault_imports_on_replay(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.sb.knobs.fail_next("deep_json", path_prefix="/v3/customers")
    first = rig.importer.import_customers()
    held = [e.external_id for e in rig.erp.quarantine.entries("customer")]
    assert first.customers_quarantined == 1
    assert len(held) == 1
    assert rig.erp.bindings.get("customer", held[0]) is None

    rig.later()
    again = rig.importer.import_customers()  # the stream has moved past it
    assert again.customers_created == 0
    assert [e.external_id for e in rig.erp.quarantine.entries("customer")] == held

    replay = rig.importer.retry_quarantine()
    assert not replay.failed, replay.errors
    assert replay.customers_created == 1
    assert list(rig.erp.quarantine.entries("customer")) == []
    assert rig.erp.bindings.get("customer", held[0]) is not None


def test_a_bound_customer_that_reads_fine_again_leaves_the_quarantine(make_rig: MakeRig) -> None:
    rig = make_rig()
    rig.importer.import_customers()
    with rig.sb.store.locked() as store:
        customer_id = str(min(store.customers))
    # Bound and unchanged since, yet held back (as a passing fault on a later read leaves it).
    rig.erp.quarantine.put(held_back("customer", customer_id))
    replay = rig.importer.retry_quarantine()
    assert not replay.failed, replay.errors
    assert replay.customers_skipped == 1
    assert list(rig.erp.quarantine.entries("customer")) == []


def held_back(entity: str, key: str) -> QuarantineEntry:
    now = datetime.now(timezone.utc)
    return QuarantineEntry(
        entity=entity,
        external_id=key,
        code="json_depth",
        reason="a value nested too deep",
        payload={"id": int(key)},
        first_failed=now,
        last_failed=now,
    )
