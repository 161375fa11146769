"""The scoring pages, mounted at /yearend/."""

from django.urls import path

from yearend import views

app_name = "yearend"

urlpatterns = [
    path("", views.home, name="home"),
    path("office/", views.office_home, name="office_home"),
    path("rubrics/new/", views.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric"),
    path("rubrics/<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:pk>/items/new/", views.item_create, name="item_create"),
    path("rubrics/<int:pk>/publish/", views.rubric_publish, name="rubric_publish"),
    path("rubrics/<int:pk>/version/", views.rubric_new_version, name="rubric_version"),
    path("rubrics/<int:pk>/compute/", views.scores_compute, name="compute"),
    path("rubrics/<int:pk>/release/", views.scores_release, name="release_all"),
    path("rubrics/<int:pk>/lock/", views.scores_lock, name="lock_all"),
    path("rubrics/<int:pk>/scores/", views.scores, name="scores"),
    path("rubrics/<int:pk>/scores.xlsx", views.scores_export, name="scores_export"),
    path("items/<int:pk>/", views.item_edit, name="item"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/sheet.xlsx", views.sheet_export, name="sheet_export"),
    path("sheets/<int:pk>/score/", views.sheet_score, name="score"),
    path("sheets/<int:pk>/release/", views.sheet_release, name="release"),
    path("sheets/<int:pk>/lock/", views.sheet_lock, name="lock"),
    path("sheets/<int:pk>/object/", views.sheet_object, name="object"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="answer"),
]
