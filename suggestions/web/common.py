"""Pages every logged-in role shares: home, suggestion detail, attachments, notifications."""

from django.contrib.auth.decorators import login_required
from django.db.models import Max, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from huaxi_renda.cache import cache_get, cache_set
from suggestions import actions, policy, roles
from suggestions.models import Assignment, Attachment, AuditLog, CoSigner, Notification, Rating
from suggestions.policy import Action
from suggestions.queries import selectors, timeline
from suggestions.queries.timeline import build_timeline

ROLE_HOMES = {
    "staff": "staff:inbox",
    "office": "offices:inbox",
    "leader": "staff:leader_home",
    "delegate": "delegates:home",
    "admin": "admin:index",
}


@login_required
def home(request):
    role = roles.primary_role(request.user)
    if role is None:
        return render(request, "suggestions/home_norole.html")
    return redirect(ROLE_HOMES[role])


SHARED_SECONDS = 10 * 60  # a bound for what changes without an audit row (a renamed office or person)


def _shared_parts(suggestion):
    """Co-signers, timeline, attachments and submitted replies: the same for everyone who may open the page.

    Every change to them writes an audit row of the suggestion, so the newest audit id is their
    version: cached under it, a copy is never older than the data. The id comes with the
    suggestion (``selectors.with_audit_version``) or costs one small query. Assignments are read
    fresh: model instances with their office and handler take longer to unpickle than to query,
    and staff actions are decided on them.

    Nothing here depends on who looks: every file and every step is cached, and
    ``suggestion_detail_context`` keeps, after reading the cache, the offices' files the viewer may
    download (``selectors.may_download``) and the steps the viewer may see (``timeline.VISIBILITY``).
    """
    version = getattr(suggestion, "audit_version", None)
    if version is None:
        version = AuditLog.objects.filter(suggestion=suggestion).aggregate(v=Max("pk"))["v"]
    key = f"detail:shared:3:{suggestion.pk}:{version or 0}:{get_language()}"
    shared = cache_get(key, message="Detail page cache unavailable")  # an outage costs the queries below
    if shared is not None:
        return shared
    cosigners = list(suggestion.cosigners.select_related("delegate").exclude(status=CoSigner.Status.DROPPED))
    logs = list(
        AuditLog.objects.filter(suggestion=suggestion)
        .select_related("actor", "assignment__office")
        # What the timeline shows: not the actors' password hashes nor every assignment column.
        .only(
            "id",
            "suggestion_id",
            "assignment_id",
            "actor_id",
            "action",
            "from_status",
            "to_status",
            "note",
            "data",
            "created_at",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "assignment__office__id",
            "assignment__office__name",
        )
        .order_by("created_at", "id")
    )
    # Ratings with their delegates in one query (a nested prefetch would take two).
    ratings = Prefetch("ratings", queryset=Rating.objects.select_related("delegate"))
    files = list(suggestion.attachments.select_related("office"))
    shared = {
        "submitted_replies": list(selectors.submitted_replies(suggestion).prefetch_related(ratings, "follow_ups")),
        "cosigners": cosigners,
        "attachments": [f for f in files if f.kind == Attachment.Kind.SUGGESTION],
        # Offices' files, for every viewer alike: each page lists only those its viewer may download.
        "office_files": [f for f in files if f.kind != Attachment.Kind.SUGGESTION],
        "timeline": build_timeline(logs),
    }
    cache_set(key, shared, SHARED_SECONDS, message="Could not cache a detail page")
    return shared


def suggestion_detail_context(user, suggestion):
    """Everything the detail page shows, loaded in a fixed number of queries."""
    assignments = selectors.assignments_for_detail(suggestion)
    shared = _shared_parts(suggestion)
    replies = list(shared["submitted_replies"])
    # Only an office still handling the suggestion has a draft worth showing. A draft is in the
    # current round and has no submission time, so it comes after every submitted reply.
    my_office_ids = roles.office_ids_of(user)
    if any(a.office_id in my_office_ids and a.status in Assignment.ACTIVE for a in assignments):
        replies += list(selectors.draft_replies_visible_to(user, suggestion))
    # The viewer's offices' own parts that are not over: each links to its office page.
    my_assignments = [
        a for a in assignments if a.office_id in my_office_ids and a.status not in selectors.ENDED_ASSIGNMENT
    ]
    viewer = timeline.viewer_of(user, suggestion, assignments=assignments, cosigners=shared["cosigners"])
    return {
        "suggestion": suggestion,
        "assignments": assignments,
        **shared,
        "office_files": selectors.office_files_for(
            user, shared["office_files"], replies=replies, assignments=assignments
        ),
        "timeline": timeline.timeline_for(viewer, shared["timeline"], suggestion=suggestion),
        "replies": replies,
        "rounds": suggestion.rounds.all(),  # lazy: only the delegate page reads it
        "today": timezone.localdate(),
        "may_view_reminder_log": policy.may(user, Action.VIEW_REMINDER_LOG, suggestion),
        "my_office_ids": my_office_ids,
        "my_assignments": my_assignments,
        "me_delegate": roles.delegate_of(user),
    }


@login_required
def suggestion_detail(request, pk):
    suggestion = selectors.suggestion_for_detail(request.user, pk)
    if suggestion is None:
        raise Http404
    context = suggestion_detail_context(request.user, suggestion)
    return render(request, "suggestions/suggestion_detail.html", context)


@login_required
def attachment_download(request, pk):
    attachment = selectors.attachment_for_user(request.user, pk)
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def notifications(request):
    items = list(selectors.notifications_of(request.user).select_related("suggestion")[:100])
    return render(request, "suggestions/notification_list.html", {"items": items})


@login_required
@require_POST
def notifications_read(request):
    actions.notification_mark_read(user=request.user)
    return redirect("notifications")


@login_required
def notification_open(request, pk):
    item = get_object_or_404(Notification, pk=pk, user=request.user)
    if item.read_at is None:
        actions.notification_mark_read(user=request.user, notification=item)
    return redirect(item.url or "notifications")
