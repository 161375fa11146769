from django.urls import path

from suggestions.web import staff

app_name = "staff"

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("inbox/register/", staff.inbox_bulk_register, name="inbox_bulk_register"),
    path("review/<int:pk>/", staff.review, name="review"),
    path("assign/", staff.assign_list, name="assign_list"),
    path("suggestions/<int:pk>/", staff.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/assign/", staff.assign, name="assign"),
    path("requests/", staff.requests_queue, name="requests"),
    path("track/", staff.track, name="track"),
    path("publication/", staff.publication, name="publication"),
    path("publication/publish/", staff.publication_bulk, name="publication_bulk"),
    path("publication/<int:pk>/", staff.publication_edit, name="publication_edit"),
    path("leader/", staff.leader_home, name="leader_home"),
]
