"""`make lint` is strict: ruff check and ruff format --check both fail the build, and CI lints before it tests."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def lint_recipe():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^lint:.*\n((?:\t.*\n)+)", text, re.MULTILINE)
    assert match, "Makefile has no lint target"
    return match.group(1)


def test_make_lint_fails_on_unformatted_code():
    recipe = lint_recipe()
    assert "ruff check ." in recipe
    assert "ruff format --check ." in recipe
    assert "|| true" not in recipe and "-ruff" not in recipe


def test_ci_runs_make_lint_before_make_test():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    commands = [line for line in lines if line.startswith("make ")]
    assert commands[0] == "make lint"
    assert any(line.startswith("make test") for line in commands[1:])


def test_ruff_format_check_rejects_an_unformatted_file(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("x  =  1\n", encoding="utf-8")
    result = subprocess.run([str(RUFF), "format", "--check", "--no-cache", str(bad)], capture_output=True)
    assert result.returncode != 0


def test_the_tree_passes_make_lint():
    check = subprocess.run([str(RUFF), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run([str(RUFF), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert fmt.returncode == 0, fmt.stdout
