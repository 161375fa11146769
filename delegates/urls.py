from django.urls import path

from . import views

app_name = "delegates"

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.suggestion_create, name="create"),
    path("autosave/", views.autosave, name="autosave"),
    path("similar/", views.similar, name="similar"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("suggestions/<int:pk>/edit/", views.suggestion_edit, name="edit"),
    path("suggestions/<int:pk>/submit/", views.suggestion_submit, name="submit"),
    path("suggestions/<int:pk>/withdraw/", views.suggestion_withdraw, name="withdraw"),
    path("suggestions/<int:pk>/invite/", views.cosigner_invite, name="invite"),
    path("cosigners/<int:pk>/drop/", views.cosigner_drop, name="drop"),
    path("invitations/<int:pk>/respond/", views.cosigner_respond, name="respond"),
    path("replies/<int:pk>/rate/", views.reply_rate, name="rate"),
    path("record/", views.my_record, name="my_record"),
    path("record/<int:pk>/", views.record, name="record"),
]
