from django.urls import path

from security import privacy_views as views

app_name = "privacy"

urlpatterns = [
    path("", views.notice, name="notice"),
    path("my-data/", views.my_data, name="my_data"),
    path("reveal/<int:pk>/", views.reveal_contact, name="reveal_contact"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/export/", views.person_export, name="person_export"),
    path("people/<int:pk>/anonymise/", views.person_anonymise, name="person_anonymise"),
]
