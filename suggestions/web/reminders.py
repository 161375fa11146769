"""Reminder logs: every delivery for staff (filterable, and per suggestion), an office's own reminders for its people."""

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from suggestions import roles
from suggestions.models import Reminder, ReminderDelivery
from suggestions.queries import selectors
from suggestions.reminders import label_deliveries
from suggestions.web.decorators import office_required, reminder_log_required

PAGE_SIZE = 50


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + list(ReminderDelivery.Status.choices)
    )
    channel = forms.ChoiceField(
        label=_("渠道"), required=False, choices=[("", _("全部"))] + list(ReminderDelivery.Channel.choices)
    )
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
        for name, lookup in (("status", "status"), ("channel", "channel"), ("kind", "reminder__kind")):
            if data.get(name):
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


def _deliveries():
    return ReminderDelivery.objects.select_related("reminder__suggestion", "reminder__office", "recipient").order_by(
        "-created_at", "-id"
    )


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _delivery_page(request, queryset):
    """A page of deliveries, each saying what "sent" really was with the configured backends."""
    page = _page(request, queryset)
    page.object_list = label_deliveries(list(page.object_list))
    return page


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@reminder_log_required
def reminder_list(request):
    form = DeliveryFilterForm(request.GET or None)
    queryset = form.filter(_deliveries()) if request.GET.keys() - {"page"} else _deliveries()
    context = {
        "form": form,
        "page": _delivery_page(request, queryset),
        "query": _query_without_page(request),
        "failed": ReminderDelivery.objects.filter(status=ReminderDelivery.Status.FAILED).count(),
    }
    return render(request, "suggestions/reminders/reminder_list.html", context)


@reminder_log_required
def suggestion_reminders(request, pk):
    suggestion = selectors.suggestion_for_user(request.user, pk)
    if suggestion is None:
        raise Http404
    page = _delivery_page(request, _deliveries().filter(reminder__suggestion=suggestion))
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
