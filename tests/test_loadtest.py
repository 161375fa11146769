"""The load test is not run here (``make loadtest``), but its locustfile must not rot: it imports, its
simulated people have tasks, the URLs they ask for exist, the step shape adds up, and the runner's
figures and bars work on a small sample."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from loadtest import pages, run

LOCUSTFILE = Path(run.ROOT) / "loadtest" / "locustfile.py"
# Imported in a child process: Locust patches the standard library (gevent) when it is imported.
DESCRIBE = """
import json
from loadtest import locustfile as f
shape = f.StepShape()
ticks = []
for t in [i * f.STEP_SECONDS + 1 for i in range(len(f.STEPS) + 1)]:
    shape.get_run_time = lambda t=t: t
    ticks.append(shape.tick())
print(json.dumps({
    "classes": {c.__name__: {"tasks": len(c.tasks), "callable": all(callable(t) for t in c.tasks),
                "wait": c.wait_time is not None, "abstract": c.abstract, "fixed": c.fixed_count,
                "weight": c.weight, "person": issubclass(c, f.Person)} for c in f.user_classes()},
    "steps": f.STEPS, "fixed": f.STAFF + f.CLERKS + 1, "readers": f.READERS_PER_DELEGATE,
    "staff": f.STAFF, "clerks": f.CLERKS, "ticks": ticks,
}))
"""


@pytest.fixture(scope="module")
def described():
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", DESCRIBE],
        cwd=run.ROOT,
        env={**os.environ, "LOADTEST_STEPS": "5,10,20", "LOADTEST_STEP_SECONDS": "30", "LOADTEST_WARMUP_SECONDS": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_every_simulated_person_has_tasks_and_a_pace(described):
    classes = described["classes"]
    assert set(classes) == {"Delegate", "Staff", "Clerk", "Reader", "Probe"}
    for name, cls in classes.items():
        assert cls["tasks"] and cls["callable"] and cls["wait"] and cls["person"] and not cls["abstract"], name
    # Staff, clerks and the probe are fixed; delegates and readers share the rest by weight.
    assert classes["Staff"]["fixed"] == described["staff"] and classes["Clerk"]["fixed"] == described["clerks"]
    assert classes["Probe"]["fixed"] == 1
    assert classes["Delegate"]["weight"] > 0 and classes["Reader"]["weight"] > 0


def test_the_step_shape_steps_the_delegates_and_stops(described):
    *ticks, last = described["ticks"]
    assert described["steps"] == [5, 10, 20] and last is None
    expected = [described["fixed"] + d + round(d * described["readers"]) for d in described["steps"]]
    assert [users for users, _rate in ticks] == expected
    assert all(rate > 0 for _users, rate in ticks)


def _paths():
    source = LOCUSTFILE.read_text(encoding="utf-8")
    found = set(re.findall(r'"(/[a-z][a-z/._-]*)"', source))
    found |= set(re.findall(r'f"(/[a-z][^"?]*)"', source))
    return sorted({re.sub(r"\{[^}]+\}", "1", p) for p in found})


@pytest.mark.parametrize("path", _paths())
def test_every_url_the_load_test_asks_for_exists(path):
    try:
        resolve(path)
    except Resolver404:
        pytest.fail(f"the locustfile asks for {path}, which no URL pattern serves")


def test_totp_codes_are_the_authenticators():
    # RFC 6238's SHA-1 test vector (key "12345678901234567890", T = 59 s), six digits.
    assert pages.totp("3132333435363738393031323334353637383930", at=59) == "287082"


def test_the_forms_parser_reads_fields_options_and_links():
    page = pages.parse(
        '<a href="/staff/review/7/">x</a><form action="/x/"><input type="hidden" name="csrfmiddlewaretoken" value="t">'
        '<input name="register-number" value="12"><select name="lead_office"><option value="">-</option>'
        '<option value="3" selected>a</option><option value="4">b</option></select>'
        '<input type="radio" name="mode" value="lead" checked><textarea name="body">hi</textarea></form>'
    )
    form = pages.form_with(page, "register-number")
    assert form["fields"] == {
        "csrfmiddlewaretoken": "t",
        "register-number": "12",
        "lead_office": "3",
        "mode": "lead",
        "body": "hi",
    }
    assert form["options"]["lead_office"] == ["3", "4"] and page.links == ["/staff/review/7/"]


def test_the_report_finds_where_the_load_breaks_first():
    samples = {
        "steps": [10, 20],
        "writes": ["autosave"],
        "samples": [
            [0, "trivial", 4.0, True],
            [0, "autosave", 100.0, True],
            [1, "trivial", 8.0, True],
            [1, "autosave", 400.0, True],
            [1, "public list", 50.0, False],
        ],
    }
    steps = run.summarise(samples, 10, idle_ms=2.0)
    assert [s["ratio"] for s in steps] == [0.5, 0.25]
    lines, ok = run.report(steps, (3, [], []), staff=1, clerks=1, readers_per_delegate=0.5)
    text = "\n".join(lines)
    assert "breaks first at step 2 (20 delegates): autosave p95 400 ms, ratio 0.25 < 0.3, 1 errors" in text
    assert "highest step holding ratio ≥ 0.3 (10 delegates): every write p95 ≤ 250 ms" in text
    assert not ok  # an error is never ok
