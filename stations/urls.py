"""Pages of station staff, delegates, offices and NPC staff, mounted at /stations/."""

from django.urls import path

from stations.web import discussion, handling, office, resident

app_name = "stations"

urlpatterns = [
    path("", handling.station_list, name="list"),
    path("new/", handling.station_edit, name="create"),
    path("dashboard/", handling.dashboard, name="dashboard"),
    path("office/", handling.office_inbox, name="office_inbox"),
    path("<int:pk>/", handling.station_detail, name="detail"),
    path("<int:pk>/edit/", handling.station_edit, name="edit"),
    path("<int:pk>/qr.<str:kind>", handling.station_qr, name="qr"),
    path("<int:pk>/poster/", handling.station_poster, name="poster"),
    path("<int:pk>/delegates/<int:delegate_pk>/qr.<str:kind>", handling.station_qr, name="delegate_qr"),
    path("<int:pk>/delegates/<int:delegate_pk>/poster/", handling.station_poster, name="delegate_poster"),
    path("<int:pk>/suggest/", handling.opinion_suggest, name="suggest"),
    path("<int:pk>/public/", resident.station_public, name="public"),
    path("opinions/<int:pk>/", handling.opinion_detail, name="opinion"),
    path("opinions/<int:pk>/answer/", handling.opinion_answer, name="answer"),
    path("opinions/<int:pk>/forward/", handling.opinion_forward, name="forward"),
    path("opinions/<int:pk>/merge/", handling.opinion_merge, name="merge"),
    path("opinions/<int:pk>/sign/", office.opinion_sign, name="office_sign"),
    path("opinions/<int:pk>/office-answer/", handling.opinion_office_answer, name="office_answer"),
    path("opinions/<int:pk>/extension/", office.extension_request, name="extension_request"),
    path("opinions/<int:pk>/extension/decide/", office.extension_decide, name="extension_decide"),
    path("opinions/<int:pk>/publish/", handling.opinion_publish, name="publish"),
    path("photos/<int:pk>/", handling.opinion_photo, name="photo"),
    path("discussions/new/", discussion.discussion_new, name="discussion_new"),
    path("discussions/<int:pk>/", discussion.discussion_detail, name="discussion"),
    path("drafts/", discussion.drafts, name="drafts"),
    path("drafts/<int:pk>/edit/", discussion.draft_edit, name="draft_edit"),
    path("drafts/<int:pk>/confirm/", discussion.draft_confirm, name="draft_confirm"),
]
