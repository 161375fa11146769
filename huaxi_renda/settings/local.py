"""Local run: debug on, a fixed development key, SQLite unless DATABASE_URL says otherwise."""

from .base import *  # noqa: F403
from .base import INTEGRITY_KEYS, PII_ENCRYPTION_KEYS, PII_LOOKUP_KEY, SECRET_KEY, VAR_DIR, env_bool, env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
# Development keys for personal data (not secret: never use them with real data).
PII_ENCRYPTION_KEYS = PII_ENCRYPTION_KEYS or "dev1:" + "11" * 32
PII_LOOKUP_KEY = PII_LOOKUP_KEY or "22" * 32
INTEGRITY_KEYS = INTEGRITY_KEYS or "dev1:" + "33" * 32

# The local run keeps its SQLite database and the filesystem broker's queue under var/.
for _folder in ("broker/queue", "broker/processed", "media"):
    (VAR_DIR / _folder).mkdir(parents=True, exist_ok=True)

# The demo keeps its documented logins (README): no forced change or expiry, no second factor.
# New passwords still follow every rule.
SECURITY_ENFORCE_PASSWORD_CHANGE = env_bool("SECURITY_ENFORCE_PASSWORD_CHANGE", False)
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "")
ADMIN_ALLOWED_NETWORKS = env_list("ADMIN_ALLOWED_NETWORKS", "")
