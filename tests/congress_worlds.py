"""Two congresses' worlds for the isolation tests of reports, reminders, search, hints and stations.

``world(...)`` makes one congress with its own term, current session, categories and result classes, a
delegate, a staff member, two offices with a clerk each; ``carry(world, title)`` takes a suggestion of it from
draft to assigned (and, with ``reply=True``, to replied) through the services, as that congress's people.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.apps import apps
from django.utils import timezone

from congresses.models import first_congress
from suggestions import actions
from suggestions.defaults import install_congress_defaults
from suggestions.models import Category, ResultClass
from tests import factories


def world(tag: str, *, first: bool = False) -> SimpleNamespace:
    """One congress and its people (``first``: the first congress, 花溪区人大; else a new one named after ``tag``)."""
    if first:
        congress = first_congress()
        term = factories.TermFactory()
    else:
        congress = factories.CongressFactory(name=f"{tag}人大", slug=f"c-{tag.lower()}")
        term = factories.TermFactory(congress=congress, number=1, name=f"{tag}第一届人民代表大会")
    install_congress_defaults(apps.get_model, congress=congress)
    session = factories.SessionFactory(term=term)
    delegation = factories.DelegationFactory(term=term, name=f"{tag}代表团")
    delegate = factories.DelegateFactory(term=term, delegation=delegation, name=f"{tag}代表")
    office = factories.OfficeFactory(congress=congress, name=f"{tag}住建局")
    other_office = factories.OfficeFactory(congress=congress, name=f"{tag}财政局")
    return SimpleNamespace(
        tag=tag,
        congress=congress,
        term=term,
        session=session,
        delegation=delegation,
        delegate=delegate,
        staff=factories.StaffFactory(congress=congress, username=f"staff-{tag.lower()}"),
        office=office,
        other_office=other_office,
        clerk=factories.OfficeMemberFactory(office=office).user,
        other_clerk=factories.OfficeMemberFactory(office=other_office).user,
        category=Category.objects.filter(congress=congress).order_by("order").first(),
    )


def carry(w: SimpleNamespace, title: str, *, reply: bool = False, **assign):
    """A suggestion of ``w`` titled ``title``, submitted, registered and assigned to its office (and replied)."""
    suggestion = factories.SuggestionFactory(
        session=w.session, lead_delegate=w.delegate, category=w.category, title=title, body=f"{title}：具体情况说明。"
    )
    actions.suggestion_submit(suggestion=suggestion, actor=w.delegate.user)
    actions.suggestion_register(suggestion=suggestion, actor=w.staff)
    actions.suggestion_assign(suggestion=suggestion, actor=w.staff, lead_office=w.office, **assign)
    suggestion.refresh_from_db()
    if reply:
        assignment = suggestion.assignments.get(office=w.office)
        actions.assignment_sign(assignment=assignment, actor=w.clerk)
        actions.contact_record(
            assignment=assignment,
            actor=w.clerk,
            method="visit",
            date=timezone.localdate(),
            participants="代表、经办人",
            summary="上门沟通。",
            delegate_invited=True,
        )
        draft = actions.reply_save_draft(
            assignment=assignment,
            actor=w.clerk,
            text="已解决。",
            result_class=ResultClass.objects.get(congress=w.congress, code="A"),
            signed_off_by="局长",
            attachment=factories.signed_letter(assignment, w.clerk),
        )
        actions.reply_submit(reply=draft, actor=w.clerk)
        suggestion.refresh_from_db()
    return suggestion
