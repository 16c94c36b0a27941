"""The host's access policy grants only with the bool ``True``; anything else sends nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from bigcommerce_connect.export import AccessDeniedError, B2BExporter
from bigcommerce_connect.ports import LevelPrice, LocalContact
from bigcommerce_connect.records import ErpContact

from .conftest import ExportRig


class AnswerPolicy:
    """A host policy that answers every question with the same value (or raises it)."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def may_use_store(self, employee: str, action: str) -> bool:
        self.asked.append((employee, action))
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer  # type: ignore[return-value]  # a host may break the contract


def exporter(rig: ExportRig, policy: AnswerPolicy) -> B2BExporter:
    return B2BExporter(
        rig.client,
        access=policy,
        bindings=rig.erp.bindings,
        clock=rig.clock,
        contacts=rig.erp.contacts,
        price_levels=rig.erp.price_levels,
    )


def buyer() -> LocalContact:
    contact = ErpContact(email="buyer@example.com", first_name="Pat", last_name="Lee")
    return LocalContact(local_id="K1", contact=contact)


@pytest.mark.parametrize(
    "answer",
    ["no", "yes", "False", 1, 1.0, [], ["granted"], {"ok": True}, object(), None, False],
    ids=repr,
)
def test_anything_but_true_refuses_and_sends_nothing(rig: ExportRig, answer: object) -> None:
    policy = AnswerPolicy(answer)
    b2b = exporter(rig, policy)
    before = len(rig.sb.requests)
    calls: list[Callable[[], object]] = [
        lambda: b2b.sync_contacts("pat", [buyer()]),
        lambda: b2b.sync_price_levels("pat", [], levels=["Gold"]),
        lambda: b2b.sync_customer_pricing(
            "pat", "Gold", [LevelPrice(sku="SKU-00001", price=Decimal(1))]
        ),
    ]
    for call in calls:
        with pytest.raises(AccessDeniedError) as refused:
            call()
        assert refused.value.employee == "pat"
    assert [action for _, action in policy.asked] == [
        "sync_customers",
        "price_levels",
        "customer_pricing",
    ]
    assert len(rig.sb.requests) == before
    assert rig.erp.bindings.all("contact") == []


def test_a_policy_that_raises_refuses(rig: ExportRig) -> None:
    b2b = exporter(rig, AnswerPolicy(RuntimeError("directory down")))
    before = len(rig.sb.requests)
    with pytest.raises(AccessDeniedError) as refused:
        b2b.sync_contacts("pat", [buyer()])
    assert isinstance(refused.value.__cause__, RuntimeError)
    assert len(rig.sb.requests) == before


def test_true_grants(rig: ExportRig) -> None:
    policy = AnswerPolicy(True)
    report = exporter(rig, policy).sync_contacts("pat", [buyer()])
    assert policy.asked == [("pat", "sync_customers")]
    assert report.contact("K1").customer_id is not None
    assert len(rig.sb.requests) > 0
