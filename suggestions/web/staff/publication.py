"""Publication: staff review the public versions of a suggestion and its reply, publish and withdraw them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from suggestions import actions, pii, policy
from suggestions import publication as publication_rules
from suggestions.models import Reply
from suggestions.policy import Action
from suggestions.queries import staff_selectors
from suggestions.web import staff_forms as forms
from suggestions.web.decorators import staff_required
from suggestions.web.staff.base import (
    congress_of,
    posted_ids,
    run_each,
    run_form,
)


@staff_required
def publication(request):
    published = request.GET.get("tab") == "published"
    qs = staff_selectors.replies_for_publication(congress_of(request), published=published)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {"page": page, "published": published, "query": "tab=published" if published else "tab=pending"}
    return render(request, "suggestions/staff/publication.html", context)


@staff_required
@require_POST
def publication_bulk(request):
    ids = posted_ids(request, "replies")
    replies = list(staff_selectors.replies_for_publication(congress_of(request), published=False).filter(pk__in=ids))
    if not replies:
        messages.error(request, _("请勾选要公开的答复。"))
        return redirect("staff:publication")
    done = run_each(
        request,
        replies,
        lambda reply: actions.reply_publish(reply=reply, actor=request.user),
        refusal=lambda reply, error: (
            _("“%(title)s”未能公开：%(error)s") % {"title": reply.suggestion.title, "error": error.message}
        ),
    )
    if done:
        messages.success(request, _("已公开%(n)s份答复。") % {"n": done})
    return redirect("staff:publication")


@staff_required
def publication_edit(request, pk):
    """Review every text the publication makes public: the suggestion's title and body and the reply, each
    with its personal data marked and a public version (masked until staff save their own) to edit."""
    reply = get_object_or_404(
        Reply.objects.filter(
            status=Reply.Status.SUBMITTED, suggestion__congress_id=congress_of(request)
        ).select_related("suggestion__lead_delegate", "assignment__office", "round", "result_class"),
        pk=pk,
    )
    suggestion = reply.suggestion
    action = request.POST.get("action") if request.method == "POST" else None
    texts = publication_rules.public_texts(suggestion, reply)
    form = forms.PublicTextForm(
        initial={"public_title": texts[0].public, "public_body": texts[1].public, "public_text": texts[2].public}
    )
    if action == "unpublish":
        try:
            actions.reply_unpublish(reply=reply, actor=request.user, note=request.POST.get("note", "")[:2000])
        except actions.WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("已撤回公开。"))
        return redirect("staff:publication_edit", pk=pk)
    if action in ("save", "publish"):
        form = forms.PublicTextForm(request.POST)
        not_personal = [v[:200] for v in request.POST.getlist("not_personal")[:50]]

        def versions(d):
            return {
                "public_title": d["public_title"],
                "public_body": d["public_body"],
                "public_text": d["public_text"],
                "not_personal": not_personal,
                "note": d["note"],
            }

        if action == "save":
            done = run_form(
                request,
                form,
                lambda d: actions.reply_save_public_text(reply=reply, actor=request.user, **versions(d)),
                _("公开版本已保存（尚未公开）。"),
            )
        else:
            done = run_form(
                request,
                form,
                lambda d: actions.reply_publish(
                    reply=reply, actor=request.user, early_reason=d["early_reason"], **versions(d)
                ),
                _("答复已公开。"),
            )
        if done:
            return redirect(
                "staff:publication" if action == "publish" else "staff:publication_edit",
                **({} if action == "publish" else {"pk": pk}),
            )
        suggestion.refresh_from_db()
        texts = publication_rules.public_texts(
            suggestion,
            reply,
            title=form.data.get("public_title", ""),
            body=form.data.get("public_body", ""),
            text=form.data.get("public_text", ""),
        )
    follow_ups = [
        {"follow_up": f, "pieces": pii.highlight(f.text)} for f in reply.follow_ups.order_by("posted_at", "pk")
    ]
    context = {
        "reply": reply,
        "suggestion": suggestion,
        "form": form,
        "texts": texts,
        "open_spans": [(t, span) for t in texts for span in t.open_spans],
        "follow_ups": follow_ups,
        "rated": publication_rules.is_rated(reply, suggestion),
        "needs_early_reason": publication_rules.needs_early_reason(reply, suggestion),
        "publish": policy.may(request.user, Action.PUBLISH, reply),
        "can_unpublish": policy.may(request.user, Action.UNPUBLISH, reply).allowed,
    }
    return render(request, "suggestions/staff/publication_edit.html", context, status=400 if form.errors else 200)
