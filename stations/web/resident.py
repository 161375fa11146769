"""The residents' pages: no account. Scan a code, confirm the number, send; follow by tracking code."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congresses.models import congress_by_id
from security.events import client_address
from stations import queries, residents
from stations.models import ResidentOpinion, Station
from stations.web.forms import AddInfoForm, MobileForm, OpinionForm, RateForm
from suggestions import pii
from suggestions.errors import WorkflowError
from suggestions.policy.rules_stations import RESIDENT_ADD, RESIDENT_RATE, RESIDENT_WITHDRAW, resident_may
from suggestions.web import public_site

SESSION_KEY = "stations_verification"


def _target(code: str) -> tuple[Station, object]:
    """The station (and delegate) a QR code opens the form for, or 404."""
    return queries.code_target(code=code)


def scan(request: HttpRequest, code: str) -> HttpResponse:
    """Step 1: the station's page for a resident; the mobile number gets a one-time code."""
    station, delegate = _target(code)
    form = MobileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification = residents.verification_send(
                mobile=form.cleaned_data["mobile"], address=client_address(request), station=station
            )
        except WorkflowError as refusal:
            form.add_error("mobile", str(refusal))
        else:
            request.session[SESSION_KEY] = {"id": verification.pk, "mobile": verification.mobile}
            messages.success(request, _("验证码已发送到您的手机，请查收短信。"))
            return redirect("residents:form", code=code)
    return render(
        request, "stations/resident_scan.html", {"station": station, "delegate": delegate, "form": form, "code": code}
    )


def opinion_form(request: HttpRequest, code: str) -> HttpResponse:
    """Step 2: the opinion itself, with the code from the SMS (or anonymous where the station allows it)."""
    station, delegate = _target(code)
    anonymous = request.GET.get("anonymous") == "1" and station.allow_anonymous
    pending = request.session.get(SESSION_KEY) or {}
    if not anonymous and not pending:
        messages.info(request, _("请先填写手机号码获取验证码。"))
        return redirect("residents:scan", code=code)
    form = OpinionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["website"]:
            form.add_error(None, _("提交未成功，请刷新页面后重新填写。"))
        else:
            try:
                opinion = residents.opinion_submit(
                    station=station,
                    delegate=delegate,
                    topic=data["topic"],
                    text=data["text"],
                    place=data["place"],
                    name=data["name"],
                    mobile=pending.get("mobile", ""),
                    anonymous=anonymous,
                    verification_id=pending.get("id"),
                    code=data["code"],
                    photos=data["photos"],
                    address=client_address(request),
                )
            except WorkflowError as refusal:
                form.add_error(None, str(refusal))
            else:
                request.session.pop(SESSION_KEY, None)
                messages.success(
                    request,
                    _("意见已提交。您的查询码是 %(code)s，请妥善保存。") % {"code": opinion.tracking_code},
                )
                return redirect("residents:track", code=opinion.tracking_code)
    context = {
        "station": station,
        "delegate": delegate,
        "form": form,
        "code": code,
        "anonymous": anonymous,
        "mobile": pending.get("mobile", ""),
    }
    return render(request, "stations/resident_form.html", context, status=400 if form.errors else 200)


def track_lookup(request: HttpRequest) -> HttpResponse:
    """The tracking page's entry: type the code."""
    code = "".join(request.GET.get("code", "").split()).upper()
    if code:
        if ResidentOpinion.objects.filter(tracking_code=code).exists():
            return redirect("residents:track", code=code)
        messages.error(request, _("没有找到查询码为“%(code)s”的意见，请核对后重新输入。") % {"code": code[:16]})
    return render(request, "stations/track_lookup.html", {})


def track(request: HttpRequest, code: str) -> HttpResponse:
    """Status and answers of one opinion; no personal data."""
    opinion = queries.opinion_by_code(code=code)
    suggestion = opinion.suggestion
    context = {
        "opinion": opinion,
        "entries": opinion.entries.all(),
        # The page is public to whoever holds the code: personal data in the text is masked.
        "text": pii.mask(opinion.text),
        "place": pii.mask(opinion.place),
        "suggestion_public": suggestion if suggestion is not None and suggestion.is_published else None,
        # On the public site of the suggestion's own congress.
        "suggestion_public_url": public_site.site_url(congress_by_id(suggestion.congress_id), "detail", suggestion.pk)
        if suggestion is not None and suggestion.is_published
        else "",
        "may_add": resident_may(action=RESIDENT_ADD, opinion=opinion),
        "may_rate": resident_may(action=RESIDENT_RATE, opinion=opinion),
        "may_withdraw": resident_may(action=RESIDENT_WITHDRAW, opinion=opinion),
        "add_form": AddInfoForm(),
        "rate_form": RateForm(),
    }
    return render(request, "stations/track.html", context)


def _resident_post(request: HttpRequest, code: str, form_class, write) -> HttpResponse:
    opinion = queries.opinion_by_code(code=code)
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("residents:track", code=opinion.tracking_code)
    try:
        write(opinion, form.cleaned_data if form is not None else {})
    except WorkflowError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("已提交。"))
    return redirect("residents:track", code=opinion.tracking_code)


@require_POST
def track_add(request: HttpRequest, code: str) -> HttpResponse:
    """The resident adds information while the opinion is open."""
    return _resident_post(
        request, code, AddInfoForm, lambda o, d: residents.opinion_add_info(opinion=o, text=d["text"])
    )


@require_POST
def track_rate(request: HttpRequest, code: str) -> HttpResponse:
    """The resident rates the answer."""
    return _resident_post(
        request, code, RateForm, lambda o, d: residents.opinion_rate(opinion=o, value=d["value"], comment=d["comment"])
    )


@require_POST
def track_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """The resident withdraws the opinion."""
    return _resident_post(request, code, None, lambda o, d: residents.opinion_withdraw(opinion=o))


def station_public(request: HttpRequest, pk: int) -> HttpResponse:
    """A station's public page: where and when, and its answered opinions (reviewed text, no personal data)."""
    station = get_object_or_404(Station.objects.select_related("congress"), pk=pk, is_active=True)
    context = {
        "station": station,
        "opinions": queries.public_opinions(station=station)[:50],
        "figures": (queries.station_statistics(station=station)["stations"] or [None])[0],
    }
    return render(request, "stations/station_public.html", context)
