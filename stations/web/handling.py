"""Pages of station staff, delegates, offices and NPC staff: stations, QR codes, triage, the office's inbox."""

from __future__ import annotations

import base64
import io
import urllib.parse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from security import events as security_events
from security.models import SecurityEventKind
from stations import actions, queries
from stations.models import OpinionPhoto, ResidentOpinion, StationDelegate
from stations.web.forms import (
    AnswerForm,
    ExtensionDecideForm,
    ExtensionRequestForm,
    ForwardForm,
    MergeForm,
    PublishForm,
    StationForm,
    SuggestForm,
)
from suggestions import pii, policy
from suggestions.actor import actor_of
from suggestions.errors import NotPermitted, WorkflowError
from suggestions.policy import Action
from suggestions.web.decorators import office_required, reports_required


def _form_errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
def station_list(request: HttpRequest) -> HttpResponse:
    """The stations the user works with."""
    actor = actor_of(request)
    context = {
        "stations": queries.stations_for(actor=actor),
        "may_manage": policy.may(actor, Action.STATION_MANAGE, None),
        "may_record": policy.may(actor, Action.DISCUSSION_RECORD, None),
    }
    return render(request, "stations/station_list.html", context)


@login_required
def station_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a station (NPC staff)."""
    actor = actor_of(request)
    station = queries.station_of_congress(actor=actor, pk=pk) if pk else None
    decision = policy.may(actor, Action.STATION_MANAGE, station)
    if not decision:
        raise PermissionDenied(decision.reason)
    form = StationForm.for_station(station, request.POST or None, congress_id=actor.congress_id)
    if request.method == "POST" and form.is_valid():
        try:
            station = actions.station_save(actor=request.user, station=station, **form.cleaned_data)
        except WorkflowError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("联络站已保存。"))
            return redirect(station.get_absolute_url())
    return render(
        request, "stations/station_form.html", {"form": form, "station": station}, status=400 if form.errors else 200
    )


@login_required
def station_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A station's opinions to handle, its QR codes and its figures."""
    actor = actor_of(request)
    station = queries.station_for(actor=actor, pk=pk)
    status = request.GET.get("status", "")
    if status not in ResidentOpinion.Status.values:
        status = ""
    opinions = queries.opinions_of_station(actor=actor, station=station, status=status)
    open_opinions = queries.opinions_of_station(actor=actor, station=station, status=ResidentOpinion.Status.RECEIVED)
    context = {
        "station": station,
        "opinions": opinions[:200],
        "status": status,
        "statuses": ResidentOpinion.Status.choices,
        "memberships": station.memberships.select_related("delegate"),
        "may_manage": policy.may(actor, Action.STATION_MANAGE, station),
        "suggest_form": SuggestForm(station=station, opinions=open_opinions),
        "figures": (queries.station_statistics(station=station)["stations"] or [None])[0],
    }
    return render(request, "stations/station_detail.html", context)


def _resident_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("residents:scan", args=[code])


def _qr_response(code: str, kind: str, filename: str) -> HttpResponse:
    import segno

    qr = segno.make(_resident_url(code), error="m")
    if kind == "svg":
        svg = urllib.parse.unquote(qr.svg_data_uri(scale=8, border=4).split(",", 1)[1])  # with its xmlns
        out = io.BytesIO(svg.encode())
        content_type = "image/svg+xml"
    else:
        out = io.BytesIO(base64.b64decode(qr.png_data_uri(scale=10, border=4).split(",", 1)[1]))
        content_type = "image/png"
    response = FileResponse(out, content_type=content_type)
    if kind in ("png", "svg") and "download" in filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    return response


def _station_code_target(request: HttpRequest, pk: int, delegate_pk: int | None):
    actor = actor_of(request)
    station = queries.station_for(actor=actor, pk=pk)
    if delegate_pk is None:
        return station, None, station.code
    membership = get_object_or_404(
        StationDelegate.objects.select_related("delegate"), station=station, delegate_id=delegate_pk
    )
    return station, membership.delegate, membership.code


@login_required
def station_qr(request: HttpRequest, pk: int, kind: str, delegate_pk: int | None = None) -> HttpResponse:
    """The QR code of a station (or of one of its delegates) as PNG or SVG."""
    if kind not in ("png", "svg"):
        raise Http404
    station, delegate, code = _station_code_target(request, pk, delegate_pk)
    name = f"station-{station.pk}" + (f"-delegate-{delegate.pk}" if delegate else "")
    return _qr_response(code, kind, name + ("-download" if request.GET.get("download") else ""))


@login_required
def station_poster(request: HttpRequest, pk: int, delegate_pk: int | None = None) -> HttpResponse:
    """A printable A4 poster with the station's (or delegate's) code, name and opening hours."""
    station, delegate, code = _station_code_target(request, pk, delegate_pk)
    qr_url = (
        reverse("stations:delegate_qr", args=[station.pk, delegate.pk, "svg"])
        if delegate
        else reverse("stations:qr", args=[station.pk, "svg"])
    )
    context = {"station": station, "delegate": delegate, "qr_url": qr_url, "resident_url": _resident_url(code)}
    return render(request, "stations/poster.html", context)


@login_required
def opinion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One opinion with the actions the user may take on it now."""
    actor = actor_of(request)
    opinion = queries.opinion_for(actor=actor, pk=pk)
    allowed = {str(a) for a, d in policy.available(actor, opinion).items() if d}
    resident = queries.resident_shown(actor=actor, opinion=opinion)
    if "opinion_personal_data" in allowed and not opinion.anonymous and opinion.resident_mobile:
        # 等保: showing a resident's full name and number is a security event (the id only, never the number).
        security_events.record(event=SecurityEventKind.REVEAL, request=request, target=opinion)
    context = {
        "opinion": opinion,
        "resident": resident,
        "allowed": allowed,
        "entries": opinion.entries.all(),
        "photos": opinion.photos.all(),
        "answer_form": AnswerForm(),
        "forward_form": ForwardForm(opinion=opinion),
        "extension_form": ExtensionRequestForm(),
        "decide_form": ExtensionDecideForm(initial={"decision": "approve"}),
        "extensions": opinion.extensions.select_related("office") if opinion.forwarded_office_id else [],
        "merge_form": MergeForm(opinion=opinion),
        "publish_form": PublishForm(
            initial={
                "public_text": opinion.public_text or pii.mask(opinion.text),
                "public_answer": opinion.public_answer or pii.mask(opinion.answer),
            }
        ),
    }
    return render(request, "stations/opinion_detail.html", context)


def _opinion_post(
    request: HttpRequest, pk: int, action: Action, form_class, write, done: str, **form_kwargs
) -> HttpResponse:
    actor = actor_of(request)
    opinion = queries.opinion_for(actor=actor, pk=pk)
    decision = policy.may(actor, action, opinion)
    if not decision and decision.kind == policy.PERMISSION:
        raise PermissionDenied(decision.reason)
    form = form_class(request.POST, **({"opinion": opinion} if form_kwargs.get("with_opinion") else {}))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(opinion.get_absolute_url())
    try:
        write(opinion, form.cleaned_data)
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect(opinion.get_absolute_url())


@login_required
@require_POST
def opinion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer an opinion directly."""
    return _opinion_post(
        request,
        pk,
        Action.OPINION_ANSWER,
        AnswerForm,
        lambda o, d: actions.opinion_answer(opinion=o, actor=request.user, text=d["text"]),
        _("已答复。"),
    )


@login_required
@require_POST
def opinion_forward(request: HttpRequest, pk: int) -> HttpResponse:
    """Forward an opinion to an office."""
    return _opinion_post(
        request,
        pk,
        Action.OPINION_FORWARD,
        ForwardForm,
        lambda o, d: actions.opinion_forward(opinion=o, actor=request.user, office=d["office"], note=d["note"]),
        _("已转承办单位办理。"),
        with_opinion=True,
    )


@login_required
@require_POST
def opinion_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge an opinion into another."""
    return _opinion_post(
        request,
        pk,
        Action.OPINION_MERGE,
        MergeForm,
        lambda o, d: actions.opinion_merge(opinion=o, actor=request.user, into=d["into"]),
        _("已合并。"),
        with_opinion=True,
    )


@login_required
@require_POST
def opinion_office_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The office answers a forwarded opinion."""
    return _opinion_post(
        request,
        pk,
        Action.OPINION_OFFICE_ANSWER,
        AnswerForm,
        lambda o, d: actions.opinion_office_answer(opinion=o, actor=request.user, text=d["text"]),
        _("已答复。"),
    )


@login_required
@require_POST
def opinion_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the reviewed text of an answered opinion on the station's page."""
    return _opinion_post(
        request,
        pk,
        Action.OPINION_PUBLISH,
        PublishForm,
        lambda o, d: actions.opinion_publish(
            opinion=o, actor=request.user, public_text=d["public_text"], public_answer=d["public_answer"]
        ),
        _("已在联络站页面公开。"),
    )


@login_required
@require_POST
def opinion_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Turn the chosen opinions of a station into a draft suggestion."""
    actor = actor_of(request)
    station = queries.station_for(actor=actor, pk=pk)
    # Who may: the rule for an opinion of this station still waiting for triage.
    probe = ResidentOpinion(station=station, status=ResidentOpinion.Status.RECEIVED)
    decision = policy.may(actor, Action.OPINION_SUGGEST, probe)
    if not decision:
        raise PermissionDenied(decision.reason)
    opinions = queries.opinions_of_station(actor=actor, station=station, status=ResidentOpinion.Status.RECEIVED)
    form = SuggestForm(request.POST, station=station, opinions=opinions)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(station.get_absolute_url())
    data = form.cleaned_data
    try:
        suggestion = actions.opinion_suggest(
            opinions=list(data["opinions"]),
            actor=request.user,
            title=data["title"],
            body=data["body"],
            category=data["category"],
            delegate=data["delegate"],
        )
    except NotPermitted as refusal:
        raise PermissionDenied(str(refusal))
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
        return redirect(station.get_absolute_url())
    messages.success(request, _("已形成建议草稿“%(title)s”，等待领衔代表确认提交。") % {"title": suggestion.title})
    return redirect(station.get_absolute_url())


@login_required
def opinion_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of an opinion, for those who may view the opinion."""
    photo = get_object_or_404(OpinionPhoto, pk=pk, opinion__station__congress_id=actor_of(request).congress_id or 0)
    queries.opinion_for(actor=actor_of(request), pk=photo.opinion_id)
    response = FileResponse(photo.image.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@office_required
def office_inbox(request: HttpRequest) -> HttpResponse:
    """Residents' opinions forwarded to the clerk's offices."""
    page = queries.office_opinion_page(actor=actor_of(request), number=request.GET.get("page"), open_only=False)
    return render(request, "stations/office_inbox.html", {"page": page, "opinions": page.object_list})


@reports_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Counts per station and per delegate, for those who read the reports (staff and leaders)."""
    return render(
        request, "stations/dashboard.html", queries.station_statistics(congress_id=actor_of(request).congress_id)
    )
