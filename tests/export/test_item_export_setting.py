"""Item Export: ``settings.item_export`` names the Update Products mapping that runs.

``ProductExporter.from_settings`` takes the named mapping from the mapping store when no
mapping is passed; an unknown name or a mapping of another kind is a clear error before any
request.
"""

from __future__ import annotations

import pytest

from bigcommerce_connect import StoreSettings
from bigcommerce_connect.export import Action, ProductExporter, item_export_mapping
from bigcommerce_connect.mapping import (
    AUTOMATIC_ORDER_IMPORT,
    AUTOMATIC_UPDATE_PRODUCTS,
    InMemoryMappingStore,
    MappingError,
    MappingNotFound,
    builtin_data,
    load_definition,
)

from .conftest import ExportRig, item


def settings_for(rig: ExportRig, **fields: object) -> StoreSettings:
    return StoreSettings(
        api_path=rig.sb.api_path,
        api_token=rig.sb.access_token,
        allow_insecure_host=True,
        **fields,  # type: ignore[arg-type]
    )


def upper_case_names() -> InMemoryMappingStore:
    """A store holding "createitems": Update Products with upper-case product names."""
    data = builtin_data(AUTOMATIC_UPDATE_PRODUCTS)
    data["name"] = "createitems"
    for rule in data["rules"]:
        if rule.get("source") == "description_1" and rule.get("target") == "name":
            rule["transform"] = ["strip", "upper"]
    store = InMemoryMappingStore()
    store.save(load_definition(data))
    return store


def exporter(rig: ExportRig, settings: StoreSettings, **extra: object) -> ProductExporter:
    return ProductExporter.from_settings(
        settings,
        rig.client,
        items=rig.erp.item_source,
        bindings=rig.erp.bindings,
        clock=rig.clock,
        **extra,  # type: ignore[arg-type]
    )


def test_item_export_names_the_mapping_that_runs(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("IE-1", "Garden Hose"))
    settings = settings_for(rig, item_export="createitems")

    report = exporter(rig, settings, mappings=upper_case_names()).upload(["I1"])

    result = report.item("I1")
    assert result.action is Action.CREATED, result.error
    assert rig.store_product(result.product_id or 0)["name"] == "GARDEN HOSE"


def test_unset_item_export_is_the_builtin_mapping(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("IE-2", "Garden Hose"))

    report = exporter(rig, settings_for(rig), mappings=upper_case_names()).upload(["I1"])

    assert rig.store_product(report.item("I1").product_id or 0)["name"] == "Garden Hose"


def test_a_mapping_passed_in_wins_over_the_setting(rig: ExportRig) -> None:
    rig.erp.item_source.put("I1", item("IE-3", "Garden Hose"))
    builtin = item_export_mapping(settings_for(rig))
    settings = settings_for(rig, item_export="not-saved-anywhere")

    report = exporter(rig, settings, mapping=builtin).upload(["I1"])

    assert report.item("I1").action is Action.CREATED


def test_unknown_item_export_is_a_clear_error_before_any_request(rig: ExportRig) -> None:
    settings = settings_for(rig, item_export="MyTypo")

    with pytest.raises(MappingNotFound) as raised:
        exporter(rig, settings, mappings=upper_case_names())

    message = str(raised.value)
    assert "'MyTypo'" in message
    assert "item_export" in message
    assert "'createitems'" in message
    assert f"'{AUTOMATIC_UPDATE_PRODUCTS}'" in message
    assert rig.calls() == 0


def test_unknown_item_export_without_a_store_names_the_builtins(rig: ExportRig) -> None:
    with pytest.raises(MappingNotFound, match="MyTypo"):
        item_export_mapping(settings_for(rig, item_export="MyTypo"))


def test_item_export_of_another_kind_is_refused(rig: ExportRig) -> None:
    settings = settings_for(rig, item_export=AUTOMATIC_ORDER_IMPORT)

    with pytest.raises(MappingError, match="update_products mapping, not a order_import"):
        exporter(rig, settings)
    assert rig.calls() == 0


def test_item_export_survives_a_settings_file_round_trip(rig: ExportRig) -> None:
    settings = settings_for(rig, item_export="createitems")
    loaded = StoreSettings.from_json(settings.to_json(reveal_secrets=True))

    assert item_export_mapping(loaded, upper_case_names()).definition.name == "createitems"
