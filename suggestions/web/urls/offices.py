from django.urls import path

from suggestions.web import offices

app_name = "offices"

urlpatterns = [
    path("", offices.inbox, name="inbox"),
    path("assignments/<int:pk>/", offices.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/sign/", offices.assignment_sign, name="sign"),
    path("assignments/<int:pk>/return/", offices.assignment_request_return, name="request_return"),
    path("assignments/<int:pk>/contacts/", offices.contact_record, name="contact"),
    path("assignments/<int:pk>/opinion/", offices.opinion_send, name="opinion"),
    path("assignments/<int:pk>/reply/", offices.reply_save, name="reply"),
    path("assignments/<int:pk>/letter/", offices.reply_letter, name="letter"),
    path("assignments/<int:pk>/letter/upload/", offices.reply_attach_letter, name="letter_upload"),
    path("assignments/<int:pk>/extension/", offices.extension_request, name="extension"),
    path("assignments/<int:pk>/followup/", offices.followup_post, name="followup"),
    path("assignments/<int:pk>/handler/", offices.assignment_set_handler, name="handler"),
]
