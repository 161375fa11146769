"""Views write nothing themselves: no transaction, no save, update or delete of rows (services do that)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VIEW_MODULES = sorted((ROOT / "suggestions" / "web").rglob("*.py"))
QUERYSET_STEPS = {"objects", "filter", "exclude", "all", "select_for_update", "select_related", "only"}


def _chain_names(node):
    """The attribute and call names a receiver is built from: ``A.objects.filter(...)`` → {objects, filter}."""
    names = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            return names


def writes_in(source):
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "atomic":
            found.append((node.lineno, "transaction.atomic"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, receiver = node.func.attr, node.func.value
            if method in ("save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"):
                found.append((node.lineno, f".{method}("))
            elif method in ("update", "create") and _chain_names(receiver) & QUERYSET_STEPS:
                found.append((node.lineno, f".{method}("))
    return sorted(found)


def test_the_scan_finds_a_write_and_ignores_a_dict_update():
    source = (
        "from django.db import transaction\n"
        "def view(request, item):\n"
        "    context = {}\n"
        "    context.update(a=1)\n"
        "    with transaction.atomic():\n"
        "        item.save(update_fields=['read_at'])\n"
        "    Notification.objects.filter(user=request.user).update(read_at=None)\n"
        "    item.delete()\n"
    )
    assert [what for _line, what in writes_in(source)] == ["transaction.atomic", ".save(", ".update(", ".delete("]


def test_no_view_module_opens_a_transaction_or_writes_a_row():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in VIEW_MODULES
        for line, what in writes_in(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
