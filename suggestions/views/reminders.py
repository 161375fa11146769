"""Reminder logs: all of them for staff, an office's own for its clerks."""

from django.shortcuts import render

from .. import roles
from ..decorators import office_required, staff_required
from ..models import ReminderDelivery


@staff_required
def reminder_list(request):
    deliveries = list(
        ReminderDelivery.objects.select_related("reminder__suggestion", "recipient").order_by("-created_at")[:200]
    )
    return render(request, "suggestions/reminders/reminder_list.html", {"deliveries": deliveries})


@office_required
def office_reminders(request):
    deliveries = list(
        ReminderDelivery.objects.filter(reminder__office_id__in=roles.office_ids_of(request.user), recipient=request.user)
        .select_related("reminder__suggestion")
        .order_by("-created_at")[:200]
    )
    return render(request, "suggestions/reminders/office_reminders.html", {"deliveries": deliveries})
