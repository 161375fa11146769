from django.urls import path

from ..views import reports

app_name = "reports"

urlpatterns = [
    path("", reports.dashboard, name="dashboard"),
    path("export/summary.xlsx", reports.export_summary, name="export_summary"),
    path("export/offices.xlsx", reports.export_offices, name="export_offices"),
    path("import/<slug:kind>/", reports.import_upload, name="import"),
    path("import/<slug:kind>/confirm/", reports.import_confirm, name="import_confirm"),
    path("import/<slug:kind>/template.xlsx", reports.import_template, name="import_template"),
]
