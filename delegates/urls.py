from django.urls import path

from . import views

app_name = "delegates"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.suggestion_create, name="create"),
    path("record/", views.my_record, name="my_record"),
    path("record/<int:pk>/", views.record, name="record"),
]
