"""Reminder logs: every delivery for staff (filterable, and per suggestion), an office's own reminders for its people."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from delegates.phones import mask
from suggestions import policy, roles
from suggestions.actor import actor_of
from suggestions.errors import WorkflowError
from suggestions.models import Reminder, ReminderDelivery
from suggestions.policy import Action
from suggestions.queries import selectors
from suggestions.reminders import label_deliveries, preferences
from suggestions.reminders.channels import registry
from suggestions.reminders.log import deliveries_for, delivery_for, flagged_for
from suggestions.reminders.receipts import flagged_numbers
from suggestions.reminders.resend import delivery_resend, undelivered_q
from suggestions.web.decorators import office_required, reminder_log_required

PAGE_SIZE = 50


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("undelivered", _("未送达（含回执失败）"))] + list(ReminderDelivery.Status.choices),
    )
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=lambda: [("", _("全部")), *registry.choices()])
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + list(Reminder.Kind.choices))
    q = forms.CharField(label=_("接收人或建议标题"), required=False, max_length=50)
    date_from = forms.DateField(label=_("生成日期从"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("至"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def filter(self, queryset):
        if not self.is_valid():
            return queryset.none()
        data = self.cleaned_data
        if data.get("status") == "undelivered":
            queryset = queryset.filter(undelivered_q())
        for name, lookup in (("status", "status"), ("channel", "channel"), ("kind", "reminder__kind")):
            if data.get(name) and data[name] != "undelivered":
                queryset = queryset.filter(**{lookup: data[name]})
        if data.get("q"):
            term = data["q"].strip()
            queryset = queryset.filter(
                Q(recipient__username__icontains=term)
                | Q(recipient__first_name__icontains=term)
                | Q(recipient__last_name__icontains=term)
                | Q(reminder__suggestion__title__icontains=term)
                | Q(reminder__office__name__icontains=term)
            )
        if data.get("date_from"):
            queryset = queryset.filter(created_at__date__gte=data["date_from"])
        if data.get("date_to"):
            queryset = queryset.filter(created_at__date__lte=data["date_to"])
        return queryset


def _deliveries(request):
    """The deliveries of reminders about the suggestions of the congress the user acts in."""
    return deliveries_for(actor_of(request).congress_id)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _delivery_page(request, queryset):
    """A page of deliveries, each saying what "sent" really was, and whether this user may send it again."""
    page = _page(request, queryset)
    rows = label_deliveries(list(page.object_list))
    undelivered = set(
        ReminderDelivery.objects.filter(undelivered_q(), pk__in=[d.pk for d in rows]).values_list("pk", flat=True)
    )
    for delivery in rows:
        delivery.can_resend = delivery.pk in undelivered and bool(
            policy.may(request.user, Action.RESEND_REMINDER, delivery)
        )
    page.object_list = rows
    return page


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@reminder_log_required
def reminder_list(request):
    form = DeliveryFilterForm(request.GET or None)
    deliveries = _deliveries(request)
    queryset = form.filter(deliveries) if request.GET.keys() - {"page"} else deliveries
    context = {
        "form": form,
        "page": _delivery_page(request, queryset),
        "query": _query_without_page(request),
        "failed": deliveries.filter(undelivered_q()).count(),
        "flagged": [(mask(h.phone), h) for h in flagged_for(actor_of(request).congress_id)[:50]],
        "next": request.get_full_path(),
    }
    return render(request, "suggestions/reminders/reminder_list.html", context)


@reminder_log_required
def suggestion_reminders(request, pk):
    suggestion = selectors.suggestion_for_user(request.user, pk)
    if suggestion is None or not actor_of(request).acts_in(suggestion.congress_id):
        raise Http404
    page = _delivery_page(request, _deliveries(request).filter(reminder__suggestion=suggestion))
    return render(
        request,
        "suggestions/reminders/suggestion_reminders.html",
        {"suggestion": suggestion, "page": page, "query": _query_without_page(request)},
    )


@office_required
def office_reminders(request):
    """The reminders this user's offices got, newest first, with how each reached this user."""
    office_ids = roles.office_ids_of(request.user)
    reminders = (
        Reminder.objects.filter(office_id__in=office_ids)
        .select_related("suggestion", "office", "assignment")
        .order_by("-created_at", "-id")
    )
    page = _page(request, reminders)
    mine = {}
    deliveries = ReminderDelivery.objects.filter(reminder__in=[r.pk for r in page.object_list], recipient=request.user)
    for delivery in label_deliveries(list(deliveries.order_by("channel"))):
        mine.setdefault(delivery.reminder_id, []).append(delivery)
    rows = [(r, mine.get(r.pk, [])) for r in page.object_list]
    return render(
        request,
        "suggestions/reminders/office_reminders.html",
        {"page": page, "rows": rows, "query": _query_without_page(request)},
    )


@reminder_log_required
@require_POST
def resend(request, pk):
    """Send an undelivered reminder again (staff)."""
    delivery = delivery_for(actor_of(request).congress_id, pk)
    if delivery is None:  # none such, or another congress's: not found, as every page answers
        raise Http404(_("该发送记录不存在。"))
    try:
        delivery_resend(delivery=delivery, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新发送。"))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "reminders:list")


class ChannelsForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("非紧急提醒的接收方式"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=lambda: [(code, label) for code, label in registry.choices() if code in preferences.personal_codes()],
    )


@login_required
def my_channels(request):
    """How this person gets reminders: the channels they chose, and the rules no choice changes."""
    chosen = preferences.chosen([request.user.pk]).get(request.user.pk) or set(preferences.personal_codes())
    form = ChannelsForm(request.POST if request.method == "POST" else None, initial={"channels": sorted(chosen)})
    if request.method == "POST" and form.is_valid():
        try:
            preferences.preferences_set(user=request.user, channels=form.cleaned_data["channels"])
        except ValidationError as exc:
            form.add_error("channels", exc)
        else:
            messages.success(request, _("提醒方式已保存。"))
            return redirect("reminders:mine")
    phones = sorted(
        set(ReminderDelivery.objects.filter(recipient=request.user, channel="sms").values_list("address", flat=True))
    )
    flagged = {h.phone: h for h in flagged_numbers().filter(phone__in=phones)}
    quiet = preferences.quiet_hours() if getattr(settings, "REMINDER_QUIET_HOURS", "") else None
    context = {
        "form": form,
        "quiet": quiet,
        "cap": preferences.daily_cap(),
        "phones": [(mask(p), flagged.get(p)) for p in phones],
    }
    return render(request, "suggestions/reminders/my_channels.html", context)
