"""The adapter contract catches adapters that would fail in production.

Each broken adapter here is a natural mistake a host makes: a lock that refuses its own
holder, an ERP object without a required attribute, an optional port forgotten without a
word. The contract's tests are called on them directly and must fail, naming the problem.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from bigcommerce_connect.adapters.memory import MemoryErp
from bigcommerce_connect.ports import ItemRef
from bigcommerce_connect.testing.contract import OPTIONAL_PORTS, REQUIRED_PORTS, AdapterContract

Failed = pytest.fail.Exception
Skipped = pytest.skip.Exception


class NonReentrantLock:
    """Takes a free name only: the owner asking again is refused like anyone else."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}
        self._guard = threading.Lock()  # exclusive among threads: only renewal is wrong

    def try_acquire(self, name: str, owner: str) -> bool:
        with self._guard:
            if name in self.owners:
                return False
            self.owners[name] = owner
            return True

    def release(self, name: str, owner: str) -> None:
        with self._guard:
            if self.owners.get(name) == owner:
                del self.owners[name]


class ErpWithoutQuarantine:
    """Every port of a MemoryErp except ``quarantine`` (a host that named it ``quarantines``)."""

    def __init__(self, items: Sequence[ItemRef]) -> None:
        erp = MemoryErp(items=items)
        for name in (*REQUIRED_PORTS, *OPTIONAL_PORTS):
            if name != "quarantine":
                setattr(self, name, getattr(erp, name, None))
        self.quarantines = erp.quarantine


class ErpWithoutShipments(MemoryErp):
    """A MemoryErp whose shipment source was left out."""

    shipment_source = None  # type: ignore[assignment]

    def __init__(self, items: Sequence[ItemRef] = ()) -> None:
        super().__init__(items)
        del self.shipment_source


class MemoryContract(AdapterContract):
    """The contract as the memory adapters' own tests configure it."""

    absent_ports = frozenset({"credit_limits"})

    def make_erp(self, items: Sequence[ItemRef]) -> MemoryErp:
        return MemoryErp(items=items)


def test_a_non_reentrant_lock_fails_the_renewal_test() -> None:
    contract = MemoryContract()
    erp = contract.make_erp(())
    erp.lock = NonReentrantLock()  # type: ignore[assignment]
    # The older lock tests cannot tell: it is exclusive and has one winner.
    contract.test_lock_is_exclusive_and_released_by_its_owner(erp)
    contract.test_lock_has_one_winner_among_threads(erp)
    with pytest.raises(AssertionError, match="must return True again for the owner"):
        contract.test_lock_is_renewed_by_its_owner(erp)


def test_a_lock_that_lets_another_owner_in_fails_the_renewal_test() -> None:
    class EveryoneWins(NonReentrantLock):
        def try_acquire(self, name: str, owner: str) -> bool:
            self.owners[name] = owner
            return True

    contract = MemoryContract()
    erp = contract.make_erp(())
    erp.lock = EveryoneWins()  # type: ignore[assignment]
    with pytest.raises(AssertionError, match="let another owner in"):
        contract.test_lock_is_renewed_by_its_owner(erp)


def test_a_missing_required_attribute_is_named() -> None:
    class Contract(AdapterContract):
        absent_ports = frozenset({"credit_limits"})

        def make_erp(self, items: Sequence[ItemRef]) -> ErpWithoutQuarantine:
            return ErpWithoutQuarantine(items)

    contract = Contract()
    with pytest.raises(AssertionError, match=r"lacks the required port attribute\(s\) quarantine"):
        contract.test_erp_has_every_required_port(contract.make_erp(()))  # type: ignore[arg-type]


def test_a_missing_optional_port_fails_unless_declared_absent() -> None:
    class Undeclared(AdapterContract):
        absent_ports = frozenset({"credit_limits"})

        def make_erp(self, items: Sequence[ItemRef]) -> MemoryErp:
            return ErpWithoutShipments(items)

    contract = Undeclared()
    erp = contract.make_erp(())
    with pytest.raises(AssertionError, match=r"no optional port attribute.* shipment_source"):
        contract.test_optional_ports_are_present_or_declared_absent(erp)
    # The port's own tests fail too, naming it, instead of being skipped in silence.
    with pytest.raises(Failed, match=r"shipment_source.*absent_ports"):
        contract.test_shipment_source_keeps_records_and_their_order(erp)


def test_a_declared_absent_port_skips_its_tests() -> None:
    class Declared(AdapterContract):
        absent_ports = frozenset({"credit_limits", "shipment_source"})

        def make_erp(self, items: Sequence[ItemRef]) -> MemoryErp:
            return ErpWithoutShipments(items)

    contract = Declared()
    erp = contract.make_erp(())
    contract.test_optional_ports_are_present_or_declared_absent(erp)
    with pytest.raises(Skipped, match="shipment_source"):
        contract.test_shipment_source_keeps_records_and_their_order(erp)


@pytest.mark.parametrize(
    ("absent", "message"),
    [
        (frozenset({"credit_limits", "shipment_sources"}), "names shipment_sources, not optional"),
        (frozenset({"credit_limits", "lock"}), "names lock, not optional"),
        (frozenset({"credit_limits", "stock"}), "declares stock absent, but MemoryErp has it"),
    ],
)
def test_absent_ports_must_name_missing_optional_ports(
    absent: frozenset[str], message: str
) -> None:
    contract = MemoryContract()
    contract.absent_ports = absent
    with pytest.raises(AssertionError, match=message):
        contract.test_optional_ports_are_present_or_declared_absent(contract.make_erp(()))


def test_the_memory_erp_passes_the_shape_and_renewal_tests() -> None:
    contract = MemoryContract()
    contract.test_erp_has_every_required_port(contract.make_erp(()))
    contract.test_optional_ports_are_present_or_declared_absent(contract.make_erp(()))
    contract.test_lock_is_renewed_by_its_owner(contract.make_erp(()))
