"""``/api/v1/``: the HTTP API, its OpenAPI schema and documentation page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from api.conventions import CACHE_CONTROL
from api.views import common, offices, public, residents, stations, suggestions
from huaxi_renda.middleware import DEFAULT_CSP

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema, for everyone; revalidated like every API answer."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = CACHE_CONTROL
        return response


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the vendored files; it sets a few inline styles, allowed on this page only."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Security-Policy"] = DEFAULT_CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        response["Cache-Control"] = CACHE_CONTROL
        return response


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("me/", common.Me.as_view(), name="me"),
    path("notifications/", common.NotificationList.as_view(), name="notifications"),
    path("notifications/unread-count/", common.NotificationUnread.as_view(), name="notifications_unread"),
    path("notifications/read-all/", common.NotificationReadAll.as_view(), name="notifications_read_all"),
    path("notifications/<int:pk>/read/", common.NotificationRead.as_view(), name="notification_read"),
    path("suggestions/", suggestions.SuggestionList.as_view(), name="suggestions"),
    path("suggestions/<int:pk>/", suggestions.SuggestionDetail.as_view(), name="suggestion"),
    path("suggestions/<int:pk>/submit/", suggestions.SuggestionSubmit.as_view(), name="suggestion_submit"),
    path("suggestions/<int:pk>/withdraw/", suggestions.SuggestionWithdraw.as_view(), name="suggestion_withdraw"),
    path("suggestions/<int:pk>/invitations/", suggestions.SuggestionInvite.as_view(), name="suggestion_invite"),
    path("suggestions/<int:pk>/attachments/", suggestions.SuggestionAttachments.as_view(), name="suggestion_attach"),
    path("attachments/<int:pk>/download/", suggestions.AttachmentDownload.as_view(), name="attachment_download"),
    path("invitations/", suggestions.InvitationList.as_view(), name="invitations"),
    path("invitations/<int:pk>/confirm/", suggestions.InvitationConfirm.as_view(), name="invitation_confirm"),
    path("invitations/<int:pk>/decline/", suggestions.InvitationDecline.as_view(), name="invitation_decline"),
    path("cosigners/<int:pk>/drop/", suggestions.CoSignerDrop.as_view(), name="cosigner_drop"),
    path("replies/<int:pk>/ratings/", suggestions.ReplyRate.as_view(), name="reply_rate"),
    path("office/assignments/", offices.Inbox.as_view(), name="office_inbox"),
    path("office/assignments/<int:pk>/", offices.AssignmentDetail.as_view(), name="assignment"),
    path("office/assignments/<int:pk>/sign/", offices.AssignmentSign.as_view(), name="assignment_sign"),
    path("office/assignments/<int:pk>/contacts/", offices.AssignmentContacts.as_view(), name="assignment_contacts"),
    path("office/assignments/<int:pk>/opinion/", offices.AssignmentOpinion.as_view(), name="assignment_opinion"),
    path("office/assignments/<int:pk>/reply/", offices.AssignmentReply.as_view(), name="assignment_reply"),
    path(
        "office/assignments/<int:pk>/reply/submit/",
        offices.AssignmentReplySubmit.as_view(),
        name="assignment_reply_submit",
    ),
    path(
        "office/assignments/<int:pk>/extension-request/",
        offices.AssignmentExtension.as_view(),
        name="assignment_extension",
    ),
    path(
        "office/assignments/<int:pk>/return-request/",
        offices.AssignmentReturnRequest.as_view(),
        name="assignment_return",
    ),
    path("public/outcomes/", public.OutcomeList.as_view(), name="public_outcomes"),
    path("public/outcomes/<int:pk>/", public.OutcomeDetail.as_view(), name="public_outcome"),
    path("public/statistics/", public.Statistics.as_view(), name="public_statistics"),
    path("public/menus/", public.Menus.as_view(), name="public_menus"),
    path("public/stations/", stations.StationList.as_view(), name="public_stations"),
    path("public/stations/<int:pk>/", stations.StationPublic.as_view(), name="public_station"),
    path("track/<str:code>/", stations.Track.as_view(), name="track"),
    path("track/<str:code>/add/", stations.TrackAdd.as_view(), name="track_add"),
    path("track/<str:code>/rate/", stations.TrackRate.as_view(), name="track_rate"),
    path("track/<str:code>/withdraw/", stations.TrackWithdraw.as_view(), name="track_withdraw"),
    path("opinions/", stations.OpinionList.as_view(), name="opinions"),
    path("opinions/<int:pk>/", stations.OpinionDetail.as_view(), name="opinion"),
    path("opinions/<int:pk>/answer/", stations.OpinionAnswer.as_view(), name="opinion_answer"),
    path("opinions/<int:pk>/forward/", stations.OpinionForward.as_view(), name="opinion_forward"),
    path("opinions/<int:pk>/sign/", stations.OpinionOfficeSign.as_view(), name="opinion_office_sign"),
    path("opinions/<int:pk>/office-answer/", stations.OpinionOfficeAnswer.as_view(), name="opinion_office_answer"),
    path(
        "opinions/<int:pk>/extension-request/",
        stations.OpinionExtensionRequest.as_view(),
        name="opinion_extension_request",
    ),
    path(
        "opinions/<int:pk>/extension-decision/",
        stations.OpinionExtensionDecision.as_view(),
        name="opinion_extension_decision",
    ),
    path("residents/<str:code>/", residents.ResidentTarget.as_view(), name="resident_target"),
    path(
        "residents/<str:code>/verification/",
        residents.ResidentVerification.as_view(),
        name="resident_verification",
    ),
    path("residents/<str:code>/opinions/", residents.ResidentOpinionSubmit.as_view(), name="resident_opinion"),
]
