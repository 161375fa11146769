from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from security.views import LoginView
from suggestions.web import common, roster
from suggestions.web.urls import public as public_urls

admin.site.site_header = _("花溪人大代表建议办理系统 · 系统设置")
admin.site.site_title = _("花溪人大代表建议办理系统")
admin.site.index_title = _("系统设置")


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links: send them to the static file."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("", common.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/activate/<str:token>/", roster.activate, name="activate"),
    path("", include("security.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("suggestions/", include("suggestions.web.urls.common")),
    path("congress/", include("congresses.urls")),
    path("notifications/", common.notifications, name="notifications"),
    path("notifications/read/", common.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", common.notification_open, name="notification_open"),
    path("delegate/", include("suggestions.web.urls.delegates")),
    path("staff/reports/", include("suggestions.web.urls.reports")),
    path("staff/roster/", include("suggestions.web.urls.roster")),
    path("staff/", include("suggestions.web.urls.staff")),
    path("office/", include("suggestions.web.urls.offices")),
    path("reminders/", include("suggestions.web.urls.reminders")),
    path("public/", include("suggestions.web.urls.public")),
    path("stations/", include("stations.urls")),
    path("yearend/", include("yearend.urls")),
    path("", include("stations.urls_residents")),
    path("privacy/", include("security.privacy_urls")),
    path("accounts/tokens/", include("api.token_urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    # Each congress's public site (its own application namespace, so that ``{% url 'public:…' %}`` on one of
    # its pages still means the first congress's ``/public/``, never this pattern without its slug).
    path("<slug:congress_slug>/public/", include((public_urls.urlpatterns, "congress_public"))),
]
