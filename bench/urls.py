"""The project's URLs plus a trivial view: the baseline of the throughput figure (bench settings only)."""

from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("__bench__/trivial/", trivial, name="bench_trivial"),
    path("", include("huaxi_renda.urls")),
]
