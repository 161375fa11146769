from django.urls import path

from ..views import offices

app_name = "offices"

urlpatterns = [
    path("", offices.inbox, name="inbox"),
    path("assignments/<int:pk>/", offices.assignment_detail, name="assignment"),
]
