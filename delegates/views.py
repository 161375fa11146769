"""Delegates' pages."""

from django.http import Http404
from django.shortcuts import render

from suggestions import roles
from suggestions.decorators import delegate_required
from suggestions.models import Suggestion

from .models import Delegate


@delegate_required
def home(request):
    delegate = roles.delegate_of(request.user)
    led = list(Suggestion.objects.filter(lead_delegate=delegate).select_related("category").order_by("-created_at"))
    cosigned = list(
        Suggestion.objects.filter(cosigners__delegate=delegate).select_related("category", "lead_delegate")
    )
    return render(request, "delegates/home.html", {"delegate": delegate, "led": led, "cosigned": cosigned})


@delegate_required
def suggestion_create(request):
    return render(request, "delegates/suggestion_form.html", {})


@delegate_required
def my_record(request):
    return record(request, roles.delegate_of(request.user).pk)


@delegate_required
def record(request, pk):
    me = roles.delegate_of(request.user)
    if me.pk != pk:
        raise Http404
    delegate = Delegate.objects.get(pk=pk)
    return render(request, "delegates/record.html", {"delegate": delegate})
