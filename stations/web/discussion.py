"""Group discussion pages: record many suggestions at once; delegates confirm theirs; recorders correct theirs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stations import discussions, queries
from stations.models import GroupDiscussion, RecordedDraft
from stations.web.forms import DiscussionForm, DraftEditForm
from suggestions import policy
from suggestions.actor import actor_of
from suggestions.errors import WorkflowError
from suggestions.policy import Action


@login_required
def discussion_new(request: HttpRequest) -> HttpResponse:
    """Record a group discussion: up to ten suggestions in the form, or many from an Excel sheet."""
    actor = actor_of(request)
    decision = policy.may(actor, Action.DISCUSSION_RECORD, None)
    if not decision:
        raise PermissionDenied(decision.reason)
    # NPC staff choose any delegation; a secretary only theirs (the action asks again on the chosen one).
    delegations = None if actor.is_staff else queries.delegations_for_secretary(actor=actor)
    form = DiscussionForm(
        request.POST or None, request.FILES or None, delegations=delegations, congress_id=actor.congress_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        term = data["session"].term
        try:
            if data["excel"]:
                rows = discussions.rows_from_excel(upload=data["excel"], term=term)
            else:
                rows = []
                for i in range(form.ROWS):
                    title, body, names = data[f"title_{i}"], data[f"body_{i}"], data[f"delegates_{i}"]
                    if not (title or body or names):
                        continue
                    try:
                        found = discussions.delegates_by_names(names=names, term=term)
                    except WorkflowError as refusal:
                        raise WorkflowError(_("第%(n)s件：%(error)s") % {"n": i + 1, "error": refusal})
                    rows.append(discussions.RecordedRow(title, body, found, i + 1))
            discussion = discussions.discussion_record(
                actor=request.user,
                session=data["session"],
                delegation=data["delegation"],
                date=data["date"],
                place=data["place"],
                rows=rows,
                category=data["category"],
            )
        except WorkflowError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("已录入%(n)s件建议，等待代表确认。") % {"n": len(rows)})
            return redirect("stations:discussion", pk=discussion.pk)
    return render(request, "stations/discussion_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def discussion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The record of one discussion and its drafts (NPC staff)."""
    actor = actor_of(request)
    if not policy.may(actor, Action.DISCUSSION_RECORD, None):
        raise PermissionDenied
    discussion = get_object_or_404(
        GroupDiscussion.objects.select_related("delegation", "session", "recorder"),
        pk=pk,
        session__congress_id=actor.congress_id or 0,
    )
    decision = policy.may(actor, Action.DISCUSSION_RECORD, discussion.delegation)
    if not decision:  # a secretary sees their own delegation's discussions only
        raise PermissionDenied(decision.reason)
    drafts = discussion.drafts.select_related("suggestion__lead_delegate").prefetch_related("cosigners")
    return render(request, "stations/discussion_detail.html", {"discussion": discussion, "drafts": drafts})


@login_required
def drafts(request: HttpRequest) -> HttpResponse:
    """Drafts waiting for the delegate's confirmation, and those the user recorded for others."""
    actor = actor_of(request)
    context = {
        "waiting": queries.drafts_waiting(actor=actor),
        "recorded": queries.drafts_recorded_by(actor=actor)[:200],
    }
    return render(request, "stations/drafts.html", context)


def _draft(request: HttpRequest, pk: int, action: Action) -> RecordedDraft:
    actor = actor_of(request)
    draft = get_object_or_404(
        RecordedDraft.objects.select_related("suggestion", "recorder", "discussion"),
        pk=pk,
        suggestion__congress_id=actor.congress_id or 0,
    )
    decision = policy.may(actor, action, draft)
    if not decision and decision.kind == policy.PERMISSION:
        raise PermissionDenied(decision.reason)
    return draft


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The recorder corrects a draft until its delegate confirms it."""
    draft = _draft(request, pk, Action.RECORDED_DRAFT_EDIT)
    form = DraftEditForm(request.POST or None, initial={"title": draft.suggestion.title, "body": draft.suggestion.body})
    if request.method == "POST" and form.is_valid():
        try:
            discussions.recorded_draft_edit(draft=draft, actor=request.user, **form.cleaned_data)
        except WorkflowError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("已保存。"))
            return redirect("stations:drafts")
    return render(
        request, "stations/draft_form.html", {"form": form, "draft": draft}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def draft_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead delegate confirms a recorded draft."""
    draft = _draft(request, pk, Action.RECORDED_DRAFT_CONFIRM)
    try:
        discussions.recorded_draft_confirm(draft=draft, actor=request.user)
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("已确认“%(title)s”。") % {"title": draft.suggestion.title})
    return redirect("stations:drafts")
