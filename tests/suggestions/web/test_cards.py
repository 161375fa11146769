"""The suggestion text and reply cards shared by the detail page, the delegate page and the office page
(templates/suggestions/includes/, filter ``confirmed_delegates``)."""

import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from suggestions import actions
from suggestions.templatetags.cards import overdue
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PAGES = (
    "templates/suggestions/suggestion_detail.html",
    "templates/delegates/suggestion_detail.html",
    "templates/suggestions/offices/assignment_detail.html",
)


def _body_card(html):
    start = html.index('id="h-body"')
    return html[start : html.index("</section>", start)]


@pytest.fixture
def cosigned(draft, delegate, other_delegate, staff, office, clerk):
    """Submitted, registered and assigned; other_delegate confirmed, a third delegate declined."""
    third = factories.DelegateFactory(name="谢绝者")
    actions.cosigner_invite(suggestion=draft, actor=delegate.user, delegates=[other_delegate, third])
    actions.cosigner_respond(
        cosigner=draft.cosigners.get(delegate=other_delegate), actor=other_delegate.user, accept=True
    )
    actions.cosigner_respond(cosigner=draft.cosigners.get(delegate=third), actor=third.user, accept=False)
    actions.suggestion_submit(suggestion=draft, actor=delegate.user)
    actions.suggestion_register(suggestion=draft, actor=staff, number=3)
    actions.suggestion_assign(suggestion=draft, actor=staff, lead_office=office, co_offices=[])
    draft.refresh_from_db()
    return draft


def test_every_page_includes_the_shared_cards_and_writes_none_itself():
    for page in PAGES:
        source = (ROOT / page).read_text(encoding="utf-8")
        for partial in ("suggestion_body.html", "reply_text.html", "reply_feedback.html"):
            assert f'"suggestions/includes/{partial}"' in source, (page, partial)
        assert "{{ suggestion.body }}" not in source and "{{ reply.text }}" not in source, page
        assert not re.search(r"reply\.ratings\.all %\}<h3>", source), page


def test_the_text_card_names_only_the_confirmed_cosigners_on_every_page(
    client, cosigned, staff, delegate, other_delegate, clerk
):
    assignment = cosigned.assignments.get()
    for user, url in (
        (staff, reverse("suggestions:detail", args=[cosigned.pk])),
        (delegate.user, reverse("delegates:suggestion", args=[cosigned.pk])),
        (clerk, reverse("offices:assignment", args=[assignment.pk])),
    ):
        client.force_login(user)
        card = _body_card(client.get(url).content.decode())
        assert other_delegate.name in card, url
        assert "谢绝者" not in card and "已谢绝" not in card, url


def test_the_office_page_shows_the_lead_delegates_phone_masked_and_not_the_submission_date(
    client, cosigned, clerk, staff
):
    from delegates.models import DelegateContact

    DelegateContact.objects.update_or_create(delegate=cosigned.lead_delegate, defaults={"phone": "13900000009"})
    client.force_login(clerk)
    card = _body_card(client.get(reverse("offices:assignment", args=[cosigned.assignments.get().pk])).content.decode())
    # Issue 20: masked, with an audited reveal (tests/security/test_masking.py).
    assert "139****0009" in card and "13900000009" not in card and "提交时间" not in card
    client.force_login(staff)
    card = _body_card(client.get(reverse("suggestions:detail", args=[cosigned.pk])).content.decode())
    assert "139****0009" not in card and "13900000009" not in card and "提交时间" in card


def test_the_offices_table_is_one_partial_and_no_template_writes_out_the_active_statuses():
    for page in PAGES[:2]:
        source = (ROOT / page).read_text(encoding="utf-8")
        assert '"suggestions/includes/assignments.html"' in source, page
    for template in (ROOT / "templates").rglob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert "pending signed" not in source and 'status != "withdrawn"' not in source, template


def test_an_assignment_is_overdue_only_while_active_and_past_its_deadline(cosigned):
    assignment = cosigned.assignments.get()
    due = assignment.effective_due
    assert overdue(assignment, due + datetime.timedelta(days=1))
    assert not overdue(assignment, due)
    assignment.status = assignment.Status.REPLIED
    assert not overdue(assignment, due + datetime.timedelta(days=1))


def test_both_detail_pages_mark_an_overdue_office(client, cosigned, staff, delegate):
    cosigned.assignments.update(due_date=timezone.localdate() - datetime.timedelta(days=3))
    for user, url in (
        (staff, reverse("suggestions:detail", args=[cosigned.pk])),
        (delegate.user, reverse("delegates:suggestion", args=[cosigned.pk])),
    ):
        client.force_login(user)
        html = client.get(url).content.decode()
        table = html[html.index('id="h-asg"') : html.index("</section>", html.index('id="h-asg"'))]
        assert "urgency-overdue" in table, url
