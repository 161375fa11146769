"""代表与单位: the staff area for rosters (imports, login accounts) and the activation page people open."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.core.mail import send_mail
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from delegates import phones
from delegates.models import Term
from suggestions.actions import WorkflowError, accounts, roster_import
from suggestions.actor import actor_of
from suggestions.queries import delegate_selectors
from suggestions.reporting import roster_sheets, xlsx
from suggestions.web.decorators import people_required, roster_import_required

LINKS_SESSION_KEY = "roster_activation_links"


def remember_links(request, issued):
    """Keep the links just issued for this staff member's session only: the database holds their hashes."""
    request.session[LINKS_SESSION_KEY] = [
        {
            "user_id": link.user_id,
            "username": link.username,
            "full_name": link.full_name,
            "token": link.token,
            "expires_at": link.expires_at.isoformat(),
        }
        for link in issued
    ]


def _links(request):
    stored = request.session.get(LINKS_SESSION_KEY) or []
    details = delegate_selectors.account_details([item["user_id"] for item in stored])
    links = []
    for item in stored:
        detail = details.get(item["user_id"], {})
        links.append(
            {
                **item,
                **detail,
                "url": request.build_absolute_uri(reverse("activate", args=[item["token"]])),
                "expires_at": timezone.localtime(datetime.fromisoformat(item["expires_at"])),
                "phone_masked": phones.mask(detail.get("phone", "")),
            }
        )
    return links


# --------------------------------------------------------------------------- imports

IMPORT_KINDS = {
    "delegates": {"title": gettext_lazy("导入代表名单"), "template": gettext_lazy("代表名单导入模板")},
    "offices": {"title": gettext_lazy("导入承办单位"), "template": gettext_lazy("承办单位导入模板")},
}


def _import_kind(kind):
    if kind not in IMPORT_KINDS:
        raise Http404
    return IMPORT_KINDS[kind]


@roster_import_required
@require_GET
def import_template(request, kind):
    meta = _import_kind(kind)
    return xlsx.workbook_response(
        lambda wb: roster_import.write_template(wb, kind), filename=f"{meta['template']}.xlsx"
    )


def _session_key(kind):
    return f"roster_import_{kind}"


@roster_import_required
@require_http_methods(["GET", "POST"])
def import_upload(request, kind):
    """Step 1: upload a file; step 2 (same page): the preview of what will change, or the errors."""
    meta = _import_kind(kind)
    terms = list(Term.objects.order_by("-number"))
    form = roster_import.ImportForm(request.POST or None, request.FILES or None, kind=kind, terms=terms)
    preview = None
    if request.method == "POST" and form.is_valid():
        preview = roster_import.preview(
            kind,
            form.cleaned_data["file"],
            term=form.cleaned_data.get("term"),
            congress_id=actor_of(request).congress_id,
        )
        if preview.ok:
            token = roster_import.stash(form.cleaned_data["file"])
            request.session[_session_key(kind)] = {
                "token": token,
                "term": form.cleaned_data["term"].pk if form.cleaned_data.get("term") else None,
                "name": form.cleaned_data["file"].name,
            }
            preview.token = token
    return render(
        request,
        "delegates/roster_import.html",
        {"kind": kind, "meta": meta, "form": form, "preview": preview},
    )


@roster_import_required
@require_http_methods(["POST"])
def import_confirm(request, kind):
    """Step 3: apply the file previewed in this browser session, all rows or none."""
    _import_kind(kind)
    stashed = request.session.get(_session_key(kind))
    if not stashed or stashed.get("token") != request.POST.get("token"):
        messages.error(request, _("导入文件已失效，请重新上传。"))
        return redirect("roster:import", kind=kind)
    term = Term.objects.filter(pk=stashed["term"]).first() if stashed.get("term") else None
    create_accounts = request.POST.get("create_accounts") == "1"
    try:
        result = roster_import.apply(
            kind, stashed["token"], term=term, actor=request.user, create_accounts=create_accounts
        )
    except roster_import.ImportFailed as error:
        messages.error(request, error.message)
        return redirect("roster:import", kind=kind)
    del request.session[_session_key(kind)]
    messages.success(
        request,
        _("导入完成：新增%(new)s条，更新%(updated)s条，未变%(unchanged)s条，新建登录账号%(accounts)s个。")
        % {
            "new": result.new,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "accounts": len(result.activations),
        },
    )
    if result.activations:
        remember_links(request, result.activations)
        return redirect("roster:links")
    return redirect(reverse("roster:import", kwargs={"kind": kind}))


@people_required
def home(request):
    return render(
        request,
        "delegates/roster_home.html",
        {"pending": delegate_selectors.accounts_pending_activation(actor_of(request).congress_id).count()},
    )


@people_required
@require_http_methods(["GET", "POST"])
def activations(request):
    """Accounts that nobody has activated yet; issue (new) links for the chosen ones."""
    pending = delegate_selectors.accounts_pending_activation(actor_of(request).congress_id)
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("user") if value.isdigit()]
        users = list(pending.filter(pk__in=ids))
        if not users:
            messages.error(request, _("请选择要生成激活链接的账号。"))
            return redirect("roster:activations")
        remember_links(request, accounts.activation_issue(actor=request.user, users=users))
        return redirect("roster:links")
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    rows = delegate_selectors.with_activation_state(list(page.object_list))
    for _user, details, _activation in rows:
        details["phone_masked"] = phones.mask(details.get("phone", ""))
    return render(request, "delegates/roster_activations.html", {"page": page, "rows": rows, "now": timezone.now()})


@never_cache
@people_required
def links(request):
    """The links just issued: a printable list, an Excel file, or sent by SMS / e-mail."""
    items = _links(request)
    if request.GET.get("format") == "xlsx":
        return roster_sheets.links_workbook(items)
    return render(request, "delegates/roster_links.html", {"links": items})


@people_required
@require_POST
def links_send(request):
    """Send each link by SMS (to a mobile) or else by e-mail; say who could not be reached."""
    from suggestions.reminders.sms import get_sms_backend  # the SMS channel lives with the reminders

    items = _links(request)
    backend = get_sms_backend()
    sent, unreachable = 0, []
    for item in items:
        params = {
            "name": item["full_name"],
            "username": item["username"],
            "expires": item["expires_at"].strftime("%Y-%m-%d"),
            "url": item["url"],
        }
        text = _("花溪人大：%(name)s，您的登录名是%(username)s，请在%(expires)s前打开链接设置密码：%(url)s") % params
        try:
            if phones.MOBILE_RE.match(item.get("phone", "")):
                # The registered activation template (suggestions.reminders.sms.templates) takes these variables.
                backend.send(
                    item["phone"],
                    text,
                    message_id=f"activation-{item['token'][:16]}",
                    kind="activation",
                    params=params,
                )
            elif item.get("email"):
                send_mail(_("花溪区人大代表建议办理系统账号激活"), text, None, [item["email"]])
            else:
                unreachable.append(item["full_name"])
                continue
        except Exception:  # noqa: BLE001 - one failed message must not stop the others; it is listed
            unreachable.append(item["full_name"])
            continue
        sent += 1
    messages.success(request, _("已发送%(n)s条激活通知。") % {"n": sent})
    if unreachable:
        messages.warning(
            request,
            _("以下人员没有手机号码或电子邮箱，或发送失败，请打印链接交给本人：%(names)s")
            % {"names": "、".join(unreachable)},
        )
    return redirect("roster:links")


@never_cache
@require_http_methods(["GET", "POST"])
def activate(request, token):
    """The page a person opens from the link: choose a password (the site's password rules apply)."""
    activation = accounts.activation_find(token)
    if activation is None:
        return render(request, "delegates/activate.html", {"invalid": True}, status=410)
    form = SetPasswordForm(activation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.activation_use(token=token, password=form.cleaned_data["new_password1"])
        except WorkflowError as error:
            return render(request, "delegates/activate.html", {"invalid": True, "message": error.message}, status=410)
        messages.success(
            request, _("密码已设置，请用登录名%(username)s和新密码登录。") % {"username": activation.user.username}
        )
        return redirect(f"{reverse('login')}?username={activation.user.username}")
    return render(
        request, "delegates/activate.html", {"form": form, "account": activation.user, "activation": activation}
    )
