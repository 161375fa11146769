from django.urls import path

from suggestions.web import common

app_name = "suggestions"

urlpatterns = [
    path("<int:pk>/", common.suggestion_detail, name="detail"),
    path("attachments/<int:pk>/", common.attachment_download, name="attachment"),
]
