"""axe-core over every main page of every role: no serious or critical violation, no sideways scroll on a phone."""

import pytest
from django.urls import reverse

from tests.browser.conftest import DESKTOP, PHONE, assert_no_horizontal_scroll, axe_violations, screenshot
from tests.test_permission_matrix import world  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = {
    "anonymous": [
        ("login", {}),
        ("public:list", {}),
        ("public:detail", {"pk": "S"}),
        ("public:stats", {}),
        ("public:office", {"pk": "OFFICE"}),
    ],
    "delegate": [
        ("delegates:home", {}),
        ("delegates:create", {}),
        ("delegates:suggestion", {"pk": "S"}),
        ("delegates:edit", {"pk": "D"}),
        ("delegates:my_record", {}),
        ("notifications", {}),
    ],
    "staff": [
        ("staff:inbox", {}),
        ("staff:review", {"pk": "SUB"}),
        ("staff:assign", {"pk": "REG"}),
        ("staff:assign_list", {}),
        ("staff:suggestion", {"pk": "S"}),
        ("staff:requests", {}),
        ("staff:track", {}),
        ("staff:publication", {}),
        ("reports:dashboard", {}),
        ("roster:home", {}),
        ("roster:import", {"kind": "delegates"}),
        ("roster:activations", {}),
        ("reminders:list", {}),
    ],
    "clerk": [
        ("offices:inbox", {}),
        ("offices:assignment", {"pk": "A"}),
        ("offices:letter", {"pk": "A"}),
        ("reminders:office", {}),
    ],
    "leader": [("staff:leader_home", {}), ("reports:dashboard", {}), ("suggestions:detail", {"pk": "S"})],
}


@pytest.mark.parametrize("role", sorted(PAGES))
def test_main_pages_have_no_serious_accessibility_violations(open_page, world, role):  # noqa: F811
    users, objects = world
    problems = []
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = open_page(user=users[role], viewport=viewport)
        for name, kwargs in PAGES[role]:
            url = reverse(name, kwargs={k: objects.get(v, v) for k, v in kwargs.items()})
            response = page.goto(url)
            assert response.status < 400, f"{role} {url} answered {response.status}"
            page.wait_for_load_state("networkidle")
            if label == "phone":
                try:
                    assert_no_horizontal_scroll(page)
                except AssertionError as error:
                    problems.append(f"{url} (phone): {error}")
                continue
            screenshot(page, f"a11y-{role}-{name.replace(':', '-')}")
            for violation in axe_violations(page):
                nodes = "; ".join(n["target"][0] if n["target"] else "?" for n in violation["nodes"][:3])
                problems.append(f"{url}: {violation['id']} ({violation['impact']}) at {nodes}")
    assert not problems, "\n".join(problems)
