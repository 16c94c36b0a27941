"""The Item Card's B2B button: creating or linking a product needs an employee the policy allows.

As for B2B contacts, the access policy is asked first: a refusal, a blank name, a policy that
answers anything but ``True`` or raises, or no policy at all sends nothing to the store and
writes no binding.
"""

from __future__ import annotations

import pytest

from bigcommerce_connect.adapters.memory import AllowListAccessPolicy
from bigcommerce_connect.export import (
    ITEM_CARD_ACTION,
    AccessDeniedError,
    Action,
    EmployeeListPolicy,
    ProductExporter,
)
from bigcommerce_connect.ports import AccessPolicy, BindingEntity

from .conftest import ExportRig, item


class Asked:
    """A policy that records what it was asked and answers a fixed value."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.asked: list[tuple[str, str]] = []

    def may_use_store(self, employee: str, action: str) -> bool:
        self.asked.append((employee, action))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer  # type: ignore[return-value]


def card(rig: ExportRig, access: AccessPolicy | None) -> ProductExporter:
    return ProductExporter(
        rig.client,
        items=rig.erp.item_source,
        bindings=rig.erp.bindings,
        clock=rig.clock,
        access=access,
    )


def store_product(rig: ExportRig) -> tuple[int, str]:
    """A product the sandbox store already has: its id and SKU."""
    with rig.sb.store.locked() as store:
        pid, product = min(store.products.items())
        return pid, str(product["sku"])


def product_binding(rig: ExportRig, local_id: str) -> str | None:
    binding = rig.erp.bindings.get_by_local(BindingEntity.PRODUCT, local_id)
    return None if binding is None else binding.external_id


def test_allowed_employee_creates_the_product_and_gets_its_url(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("CARD-1", "Garden Hose"))
    policy = Asked(True)

    report = card(rig, policy).item_card("pat", ["I1"])

    result = report.item("I1")
    assert result.action is Action.CREATED, result.error
    assert policy.asked == [("pat", ITEM_CARD_ACTION)]
    assert product_binding(rig, "I1") == str(result.product_id)
    assert result.admin_url.endswith(f"/manage/products/{result.product_id}/edit")


def test_allowed_employee_links_an_existing_product_by_sku(rig: ExportRig) -> None:
    existing, sku = store_product(rig)
    rig.erp.item_source.put("I2", item(sku, "Garden Hose"))

    report = card(rig, EmployeeListPolicy(["pat"])).item_card("pat", ["I2"])

    assert report.item("I2").action is Action.LINKED
    assert product_binding(rig, "I2") == str(existing)


@pytest.mark.parametrize(
    ("policy", "employee"),
    [
        (AllowListAccessPolicy(["pat"]), "bob"),  # not granted
        (AllowListAccessPolicy(["pat"]), "  "),  # nobody accountable
        (Asked("yes"), "pat"),  # only the bool True grants
        (Asked(1), "pat"),
        (Asked(RuntimeError("directory down")), "pat"),
        (None, "pat"),  # an exporter without a policy lets nobody use the card
    ],
    ids=["not-granted", "blank", "truthy-text", "truthy-int", "policy-raises", "no-policy"],
)
def test_refused_create_sends_nothing_and_binds_nothing(
    rig: ExportRig, policy: AccessPolicy | None, employee: str
) -> None:
    rig.erp.item_source.put("I1", item("CARD-3", "Garden Hose"))

    with pytest.raises(AccessDeniedError, match="upload products"):
        card(rig, policy).item_card(employee, ["I1"])

    assert rig.calls() == 0
    assert product_binding(rig, "I1") is None


def test_refused_link_binds_nothing(rig: ExportRig) -> None:
    _existing, sku = store_product(rig)
    rig.erp.item_source.put("I4", item(sku, "Garden Hose"))

    with pytest.raises(AccessDeniedError):
        card(rig, EmployeeListPolicy(["pat"])).item_card("bob", ["I4"])

    assert rig.calls() == 0
    assert product_binding(rig, "I4") is None


def test_preview_checks_access_and_writes_nothing(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("CARD-5", "Garden Hose"))
    exporter = card(rig, EmployeeListPolicy(["pat"]))

    with pytest.raises(AccessDeniedError):
        exporter.item_card("bob", ["I1"], preview=True)
    report = exporter.item_card("pat", ["I1"], preview=True)

    assert report.item("I1").action is Action.CREATED
    assert rig.writes() == 0
    assert product_binding(rig, "I1") is None


def test_employee_list_policy_grants_listed_names_only() -> None:
    policy = EmployeeListPolicy(["pat", " sam ", ""])

    assert policy.may_use_store("pat", ITEM_CARD_ACTION) is True
    assert policy.may_use_store("sam", "sync_customers") is True
    assert policy.may_use_store("", ITEM_CARD_ACTION) is False
    assert policy.may_use_store("bob", ITEM_CARD_ACTION) is False
