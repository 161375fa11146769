from django.urls import path

from suggestions.web import reports

app_name = "reports"

urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("export/summary.xlsx", reports.export_summary, name="export_summary"),
    path("export/offices.xlsx", reports.export_offices, name="export_offices"),
]
