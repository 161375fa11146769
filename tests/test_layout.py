"""The layout holds: the apps depend one way (delegates never imports suggestions) and no module grows past ~500 lines."""

import ast
import re
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


MAX_LINES = 500
# Packages whose modules the line limit covers; migrations and the bench data generator are exempt.
SIZED_PACKAGES = ("suggestions", "delegates", "huaxi_renda", "stations", "security", "api", "yearend")
EXEMPT = {Path("suggestions/management/commands/generate_bench_data.py")}


def oversized_modules(root: Path = ROOT) -> dict[str, int]:
    """``{path: lines}`` of every covered module longer than ``MAX_LINES``."""
    found = {}
    for package in SIZED_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative in EXEMPT:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                found[str(relative)] = lines
    return found


def test_no_module_is_longer_than_500_lines():
    assert oversized_modules() == {}


def test_the_line_count_finds_a_long_module_and_skips_migrations_and_the_bench_data_generator(tmp_path):
    long = "x = 1\n" * (MAX_LINES + 1)
    for relative in (
        "suggestions/queries/long.py",
        "suggestions/migrations/0001_initial.py",
        "suggestions/management/commands/generate_bench_data.py",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(long, encoding="utf-8")
    (tmp_path / "delegates").mkdir()
    (tmp_path / "delegates" / "short.py").write_text("x = 1\n" * MAX_LINES, encoding="utf-8")
    assert oversized_modules(tmp_path) == {"suggestions/queries/long.py": MAX_LINES + 1}


# The reading side and the actions: their shared concerns each have one helper, written out nowhere else.
READ_SIDE = (
    "suggestions/queries",
    "suggestions/reporting",
    "suggestions/web",
    "suggestions/templatetags",
    "suggestions/actions",
)
COPIES = {
    "the ended assignment statuses (Assignment.ENDED)": re.compile(r"RETURNED,\s*[\w.]*WITHDRAWN"),
    "the effective due date (Assignment.deadline_of / effective_due_expression)": re.compile(
        r"extended_due\s+or\b|Coalesce\([^)]*extended_due"
    ),
    "the active assignment statuses (Assignment.ACTIVE)": re.compile(r"PENDING,\s*[\w.]*SIGNED"),
}


def test_the_read_side_writes_out_no_copy_of_a_shared_rule():
    found = []
    for folder in READ_SIDE:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            source = path.read_text(encoding="utf-8")
            for what, pattern in COPIES.items():
                if pattern.search(source):
                    found.append(f"{relative}: {what}")
    assert found == []
