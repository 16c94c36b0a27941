"""The mapping DSL: declarative rules from a source record to a target record.

A mapping is an ordered list of rules (copy, constant, transform, *Add*, child rules for lines and
addresses, create-only rules) stored as versioned plain data under a name, compiled once into
fast callables, and previewable with a per-rule trace. See ``docs/mapping.md`` for the guide.

Typical use::

    from bigcommerce_connect.mapping import (
        AUTOMATIC_ORDER_IMPORT, InMemoryMappingStore, compile_mapping,
    )
    from bigcommerce_connect.records import ErpSalesOrder

    store = InMemoryMappingStore()
    store.save_as(AUTOMATIC_ORDER_IMPORT, "MyBCOrders")
    mapping = compile_mapping(store.load("MyBCOrders"))
    order: ErpSalesOrder = mapping.apply_to(wire_order)
    print("\\n".join(mapping.preview(wire_order).lines()))
"""

from bigcommerce_connect.mapping.build import build_record
from bigcommerce_connect.mapping.compiler import (
    CompiledMapping,
    CompiledRule,
    compile_mapping,
    join_add,
)
from bigcommerce_connect.mapping.defaults import (
    AUTOMATIC_B2B_CUSTOMER,
    AUTOMATIC_CUSTOMER_IMPORT,
    AUTOMATIC_INVENTORY,
    AUTOMATIC_ITEM_IMPORT,
    AUTOMATIC_ORDER_IMPORT,
    AUTOMATIC_UPDATE_PRODUCTS,
    BUILTIN_NAMES,
    builtin_data,
    builtin_definition,
    builtin_definitions,
)
from bigcommerce_connect.mapping.definition import (
    FORMAT_VERSION,
    dump_definition,
    load_definition,
    validate_definition,
)
from bigcommerce_connect.mapping.errors import (
    MalformedPathError,
    MappingDefinitionError,
    MappingError,
    MappingExistsError,
    MappingNotFound,
    MappingValueError,
    ReadOnlyMappingError,
    RuleTypeError,
    UnknownTargetFieldError,
    UnknownTransformError,
)
from bigcommerce_connect.mapping.paths import MISSING, Missing, parse_path
from bigcommerce_connect.mapping.preview import MappingPreview, TraceEntry
from bigcommerce_connect.mapping.rules import (
    ChildMapping,
    MappingDefinition,
    Rule,
    TransformCall,
    add,
    child,
    constant,
    copy,
)
from bigcommerce_connect.mapping.store import InMemoryMappingStore, MappingStore
from bigcommerce_connect.mapping.targets import BUILTIN_TARGETS, FREE_TARGET, TargetSchema
from bigcommerce_connect.mapping.transforms import TRANSFORMS, truncate_text

__all__ = [
    "AUTOMATIC_B2B_CUSTOMER",
    "AUTOMATIC_CUSTOMER_IMPORT",
    "AUTOMATIC_INVENTORY",
    "AUTOMATIC_ITEM_IMPORT",
    "AUTOMATIC_ORDER_IMPORT",
    "AUTOMATIC_UPDATE_PRODUCTS",
    "BUILTIN_NAMES",
    "BUILTIN_TARGETS",
    "FORMAT_VERSION",
    "FREE_TARGET",
    "MISSING",
    "TRANSFORMS",
    "ChildMapping",
    "CompiledMapping",
    "CompiledRule",
    "InMemoryMappingStore",
    "MalformedPathError",
    "MappingDefinition",
    "MappingDefinitionError",
    "MappingError",
    "MappingExistsError",
    "MappingNotFound",
    "MappingPreview",
    "MappingStore",
    "MappingValueError",
    "Missing",
    "ReadOnlyMappingError",
    "Rule",
    "RuleTypeError",
    "TargetSchema",
    "TraceEntry",
    "TransformCall",
    "UnknownTargetFieldError",
    "UnknownTransformError",
    "add",
    "build_record",
    "builtin_data",
    "builtin_definition",
    "builtin_definitions",
    "child",
    "compile_mapping",
    "constant",
    "copy",
    "dump_definition",
    "join_add",
    "load_definition",
    "parse_path",
    "truncate_text",
    "validate_definition",
]
