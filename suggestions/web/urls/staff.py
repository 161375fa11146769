from django.urls import path

from suggestions.web.staff import assignment, detail, followup, leaders, publication, requests, review, track

app_name = "staff"

urlpatterns = [
    path("", review.inbox, name="inbox"),
    path("inbox/register/", review.inbox_bulk_register, name="inbox_bulk_register"),
    path("review/<int:pk>/", review.review, name="review"),
    path("assign/", assignment.assign_list, name="assign_list"),
    path("suggestions/<int:pk>/", detail.suggestion, name="suggestion"),
    path("suggestions/<int:pk>/assign/", assignment.assign, name="assign"),
    path("requests/", requests.requests_queue, name="requests"),
    path("track/", track.track, name="track"),
    path("publication/", publication.publication, name="publication"),
    path("publication/publish/", publication.publication_bulk, name="publication_bulk"),
    path("publication/<int:pk>/", publication.publication_edit, name="publication_edit"),
    path("leader/", leaders.leader_home, name="leader_home"),
    path("resurveys/", followup.resurveys, name="resurveys"),
    path("resurveys/<int:pk>/", followup.resurvey, name="resurvey"),
    path("lookback/", followup.lookback, name="lookback"),
    path("letters/", followup.letter_list, name="letters"),
    path("letters/<int:pk>/", followup.letter, name="letter"),
]
