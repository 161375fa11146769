from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "security"
    verbose_name = _("安全审计")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from security import checks, privacy, privacy_checks, signals  # noqa: F401  (checks register themselves)

        signals.connect()
        user_logged_in.connect(privacy.on_login, dispatch_uid="security.privacy.on_login")
