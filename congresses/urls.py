from django.urls import path

from congresses import views

app_name = "congresses"

urlpatterns = [
    path("choose/", views.choose, name="choose"),
    path("lower/", views.overview, name="overview"),
    path("lower/<int:pk>/", views.lower_list, name="lower_list"),
    path("lower/suggestion/<int:pk>/", views.lower_suggestion, name="lower_suggestion"),
    path("transfer/<int:pk>/", views.transfer, name="transfer"),
    path("transferred/<int:pk>/", views.transferred, name="transferred"),
    path("transfers/", views.transfers, name="transfers"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/staff/", views.staff_new, name="staff_new"),
]
