"""``statuses``, ``categories`` and ``mappings``: look at a store and at saved mappings."""

from __future__ import annotations

import argparse
import sys

from bigcommerce_connect.adapters.mapping_files import JsonFileMappingStore
from bigcommerce_connect.cli.display import json_text, terminal_text
from bigcommerce_connect.cli.store_options import add_store_flags, client_for, load_settings
from bigcommerce_connect.cli.subcommand import Subparsers
from bigcommerce_connect.cli.sync_cmd import mappings_dir
from bigcommerce_connect.mapping import dump_definition
from bigcommerce_connect.models import CategoryTreeNode

__all__ = ["add_parsers"]


def add_parsers(subparsers: Subparsers) -> None:
    """Register ``statuses``, ``categories`` and ``mappings``."""
    statuses = subparsers.add_parser("statuses", help="list the store's order statuses")
    add_store_flags(statuses)
    statuses.set_defaults(handler=run_statuses)

    categories = subparsers.add_parser("categories", help="show the store's category tree")
    add_store_flags(categories)
    categories.add_argument("--tree-id", type=int, default=1, help="category tree (default 1)")
    categories.set_defaults(handler=run_categories)

    mappings = subparsers.add_parser("mappings", help="list, show and copy named mappings")
    mappings.add_argument("--db", default="bigcommerce-connect.db", help="mappings sit beside it")
    actions = mappings.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="every mapping name").set_defaults(handler=run_mappings_list)
    show = actions.add_parser("show", help="one mapping as JSON")
    show.add_argument("name")
    show.set_defaults(handler=run_mappings_show)
    save_as = actions.add_parser("save-as", help="copy a mapping under a new name")
    save_as.add_argument("name")
    save_as.add_argument("new_name")
    save_as.set_defaults(handler=run_mappings_save_as)


def run_statuses(args: argparse.Namespace) -> int:
    """Print id, the store's label and the system label of every status."""
    with client_for(args, load_settings(args)) as client:
        for status in client.order_statuses.get_all():
            label = status.custom_label or status.name or ""
            system = status.system_label or status.name or ""
            renamed = f"  (system: {system})" if system and system != label else ""
            sys.stdout.write(f"{status.id:>3}  {terminal_text(label)}{terminal_text(renamed)}\n")
    return 0


def run_categories(args: argparse.Namespace) -> int:
    """Print the category tree, indented by depth."""
    with client_for(args, load_settings(args)) as client:
        for node in client.categories.tree(args.tree_id):
            _print_node(node, 0)
    return 0


def _print_node(node: CategoryTreeNode, depth: int) -> None:
    sys.stdout.write(f"{'  ' * depth}{node.id:>5}  {terminal_text(node.name)}\n")
    for child in node.children:
        _print_node(child, depth + 1)


def _store(args: argparse.Namespace) -> JsonFileMappingStore:
    return JsonFileMappingStore(mappings_dir(args.db))


def run_mappings_list(args: argparse.Namespace) -> int:
    """Print every mapping name, built-ins first."""
    for name in _store(args).list_names():
        sys.stdout.write(terminal_text(name) + "\n")
    return 0


def run_mappings_show(args: argparse.Namespace) -> int:
    """Print one mapping in its stored JSON format."""
    definition = _store(args).load(args.name)
    sys.stdout.write(json_text(dump_definition(definition), indent=2) + "\n")
    return 0


def run_mappings_save_as(args: argparse.Namespace) -> int:
    """Copy a mapping ("Save As") so it can be edited and chosen in the settings."""
    copied = _store(args).save_as(args.name, args.new_name)
    sys.stdout.write(f"saved {terminal_text(copied.name)} (a copy of {terminal_text(args.name)})\n")
    return 0
