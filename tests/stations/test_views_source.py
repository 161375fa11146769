"""The stations pages write nothing themselves: no transaction, no save, update or delete (the actions do)."""

from pathlib import Path

from tests.suggestions.web.test_views_source import writes_in

ROOT = Path(__file__).resolve().parents[2]


def test_no_stations_page_opens_a_transaction_or_writes_a_row():
    offenders = [
        f"{path.relative_to(ROOT)}:{line} {what}"
        for path in sorted((ROOT / "stations" / "web").rglob("*.py"))
        for line, what in writes_in(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
