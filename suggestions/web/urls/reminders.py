from django.urls import path

from suggestions.web import reminders

app_name = "reminders"

urlpatterns = [
    path("", reminders.reminder_list, name="list"),
    path("office/", reminders.office_reminders, name="office"),
    path("suggestions/<int:pk>/", reminders.suggestion_reminders, name="suggestion"),
    path("deliveries/<int:pk>/resend/", reminders.resend, name="resend"),
    path("mine/", reminders.my_channels, name="mine"),
]
