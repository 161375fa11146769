from django.urls import path

from suggestions.web import delegates, letters

app_name = "delegates"

urlpatterns = [
    path("", delegates.home, name="home"),
    path("new/", delegates.suggestion_create, name="create"),
    path("autosave/", delegates.autosave, name="autosave"),
    path("similar/", delegates.similar, name="similar"),
    path("suggestions/<int:pk>/", delegates.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/edit/", delegates.suggestion_edit, name="edit"),
    path("suggestions/<int:pk>/submit/", delegates.suggestion_submit, name="submit"),
    path("suggestions/<int:pk>/withdraw/", delegates.suggestion_withdraw, name="withdraw"),
    path("suggestions/<int:pk>/invite/", delegates.cosigner_invite, name="invite"),
    path("cosigners/<int:pk>/drop/", delegates.cosigner_drop, name="drop"),
    path("invitations/<int:pk>/respond/", delegates.cosigner_respond, name="respond"),
    path("replies/<int:pk>/rate/", delegates.reply_rate, name="rate"),
    path("record/", delegates.my_record, name="my_record"),
    path("record/<int:pk>/", delegates.record, name="record"),
    path("letters/", letters.delegate_letter, name="letter"),
]
