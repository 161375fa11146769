from django.urls import path

from congresses import views

app_name = "congresses"

urlpatterns = [
    path("choose/", views.choose, name="choose"),
]
