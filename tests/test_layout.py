"""The layout holds: the apps depend one way (delegates never imports suggestions)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module name an ``import`` or ``from … import`` in the file names (relative imports skipped)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_no_delegates_module_imports_suggestions():
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] == "suggestions"
        )
        for path in sorted((ROOT / "delegates").rglob("*.py"))
    }
    offenders = {path: names for path, names in offenders.items() if names}
    assert offenders == {}


def test_the_import_scan_sees_an_import_of_suggestions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from suggestions.actions import WorkflowError\n", encoding="utf-8")
    assert "suggestions.actions" in imported_modules(module)
