"""Pages of the privacy notice, a person's own data, revealing a full number, and staff's person page."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delegates.models import Delegate, DelegateContact
from security import privacy
from security.models_privacy import PrivacyConsent, PrivacyNotice


def _safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
def notice(request):
    """The privacy notice in force; a delegate who has not accepted it yet is asked to."""
    current = PrivacyNotice.current()
    if current is None:
        return render(request, "security/privacy_notice.html", {"notice": None})
    if request.method == "POST":
        privacy.notice_accept(user=request.user, notice=current, request=request)
        messages.success(request, _("您已同意个人信息处理告知（第%(version)s版）。") % {"version": current.version})
        return redirect(_safe_next(request, "home"))
    accepted = PrivacyConsent.objects.filter(user=request.user, notice=current).first()
    delegate = Delegate.objects.filter(user=request.user).first()
    return render(
        request,
        "security/privacy_notice.html",
        {
            "notice": current,
            "accepted": accepted,
            "is_delegate": delegate is not None,
            "next": _safe_next(request, ""),
        },
    )


def _download(request, *, delegate, filename):
    from suggestions.errors import WorkflowError

    try:
        data = privacy.person_export(actor=request.user, delegate=delegate, request=request)
    except WorkflowError as error:
        raise PermissionDenied(error.message) from error
    stamp = timezone.localdate().strftime("%Y%m%d")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            privacy.person_workbook(data),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
        response.audit_recorded = True  # person_export wrote its own record, naming the person
        return response
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.json"'
    response.audit_recorded = True  # person_export wrote its own record, naming the person
    return response


@login_required
def my_data(request):
    """A delegate downloads a copy of their own personal data (JSON, or Excel with ?format=xlsx)."""
    delegate = Delegate.objects.filter(user=request.user).select_related("delegation", "constituency", "term").first()
    if delegate is None:
        raise Http404
    return _download(request, delegate=delegate, filename="my-data")


@login_required
@require_POST
def reveal_contact(request, pk):
    """The full mobile number of an assignment's lead delegate, for those who need it; every reveal is audited."""
    from suggestions.errors import WorkflowError
    from suggestions.models import Assignment

    assignment = get_object_or_404(Assignment.objects.select_related("office", "suggestion__lead_delegate"), pk=pk)
    try:
        phone = privacy.contact_reveal(actor=request.user, assignment=assignment, request=request)
    except WorkflowError as error:
        raise PermissionDenied(error.message) from error
    return render(
        request,
        "security/contact_reveal.html",
        {
            "assignment": assignment,
            "delegate": assignment.suggestion.lead_delegate,
            "phone": phone,
            "back": _safe_next(request, ""),
        },
    )


@login_required
def people(request):
    """Staff's list of delegates (by name), each with a link to their personal data page; contacts masked."""
    from django.core.paginator import Paginator
    from django.utils.http import urlencode

    from suggestions import roles

    if not roles.is_staff_member(request.user):
        raise PermissionDenied(_("只有人大工作人员可以进行此操作。"))
    name = (request.GET.get("q") or "").strip()[:50]
    found = Delegate.objects.select_related("delegation", "term", "contact").order_by("-term__number", "name", "pk")
    if name:
        found = found.filter(name__contains=name)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [(d, privacy.mask_phone(getattr(getattr(d, "contact", None), "phone", ""))) for d in page.object_list]
    return render(
        request,
        "security/people.html",
        {"page": page, "rows": rows, "q": name, "query": urlencode({"q": name}) if name else ""},
    )


def _staff_delegate(request, pk):
    from suggestions.policy import Action, may

    delegate = get_object_or_404(Delegate.objects.select_related("delegation", "constituency", "term", "user"), pk=pk)
    if not may(request.user, Action.EXPORT_PERSON, delegate) or delegate.user_id == request.user.pk:
        raise PermissionDenied(_("只有人大工作人员可以进行此操作。"))
    return delegate


@login_required
def person(request, pk):
    """Staff's page about one person's data: masked contacts, export for them, anonymise where allowed."""
    from suggestions.policy import Action, may
    from suggestions.reminders.receipts import flag_of

    delegate = _staff_delegate(request, pk)
    contact = DelegateContact.objects.filter(delegate=delegate).first()
    # A number whose text messages keep failing is flagged on the person's record (issue 23).
    phone_flag = flag_of(contact.phone) if contact else None
    return render(
        request,
        "security/person.html",
        {
            "delegate": delegate,
            "phone": privacy.mask_phone(contact.phone) if contact else "",
            "phone_flag": phone_flag,
            "landline": privacy.mask_phone(contact.landline) if contact else "",
            "email": privacy.mask_email(contact.email) if contact else "",
            "address": privacy.mask_address(contact.address) if contact else "",
            "anonymise": may(request.user, Action.ANONYMISE_PERSON, delegate),
        },
    )


@login_required
def person_export(request, pk):
    """Staff download a person's data for them (a written request); recorded as an EXPORT event."""
    return _download(request, delegate=_staff_delegate(request, pk), filename=f"person-{pk}")


@login_required
@require_POST
def person_anonymise(request, pk):
    """Staff replace a former delegate's name and contacts with placeholders; workflow rows stay."""
    from suggestions.errors import NotPermitted, WorkflowError

    delegate = _staff_delegate(request, pk)
    try:
        privacy.person_anonymise(actor=request.user, delegate=delegate, request=request)
    except NotPermitted as error:
        raise PermissionDenied(error.message) from error
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已匿名化：姓名和联系方式已替换，建议办理记录保留。"))
    return redirect("privacy:person", pk=pk)
