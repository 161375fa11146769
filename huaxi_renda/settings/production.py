"""Production: refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, INTEGRITY_KEYS, PII_ENCRYPTION_KEYS, PII_LOOKUP_KEY, SECRET_KEY, env_bool

if not SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (at least 32 characters) in production.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set in production.")

for _name, _value in (
    ("HUAXI_PII_KEYS", PII_ENCRYPTION_KEYS),
    ("HUAXI_PII_LOOKUP_KEY", PII_LOOKUP_KEY),
    ("HUAXI_INTEGRITY_KEYS", INTEGRITY_KEYS),
):
    if not _value:
        raise ImproperlyConfigured(f"{_name} must be set in production (see README, 个人信息加密).")

DEBUG = False
# 三员分立: no account holds every right; create_admins makes the three administrators.
SECURITY_ALLOW_SUPERUSER = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
