from django.urls import path

from ..views import staff

app_name = "staff"

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("leader/", staff.leader_home, name="leader_home"),
]
