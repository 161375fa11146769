"""Settings shared by every environment; values come from the environment.

With nothing set, the project runs locally on SQLite with kombu's filesystem
transport as the Celery broker, so it needs no servers at all.
"""

import json
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("HUAXI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")

INSTALLED_APPS = [
    # First, so its createsuperuser (refused under production settings) replaces Django's.
    "security",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "congresses",
    "delegates",
    "suggestions",
    "stations",
    "yearend",
    "api",
]

MIDDLEWARE = [
    "huaxi_renda.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "huaxi_renda.middleware.ControlCharacterMiddleware",
    "huaxi_renda.dbrouter.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # PostgreSQL: each request in a transaction with its congress scope (row-level security, README).
    "huaxi_renda.rowscope.RowScopeMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "huaxi_renda.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "security.privacy_middleware.PrivacyNoticeMiddleware",
    "security.middleware.SessionPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "huaxi_renda.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huaxi_renda.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "suggestions.web.context_processors.navigation",
                "congresses.context_processors.congress",
                "stations.web.context.navigation",
                "security.context_processors.session_timing",
            ],
        },
    },
]

WSGI_APPLICATION = "huaxi_renda.wsgi.application"


def database_from_env(name="DATABASE_URL"):
    url = os.environ.get(name, "")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    config = dj_database_url.parse(url, conn_max_age=0)
    if config["ENGINE"] == "django.db.backends.postgresql":
        # JIT compilation costs more than the short report queries it would speed up. A bitmap of
        # every suggestion containing a common term (a search at a million suggestions) needs more
        # than PostgreSQL's default 4 MB to stay exact; a lossy one rechecks each row's bigrams.
        work_mem = os.environ.get("DB_WORK_MEM", "32MB")
        if not re.fullmatch(r"\d+(kB|MB|GB)", work_mem):
            raise ImproperlyConfigured("DB_WORK_MEM must look like 32MB")
        config.setdefault("OPTIONS", {})["options"] = f"-c jit=off -c work_mem={work_mem}"
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", True):
        # Django's psycopg 3 connection pool; conn_max_age must stay 0 with it.
        config.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": int(os.environ.get("DB_POOL_MAX", "10")),
            "timeout": 10,
        }
        # With the pool, Django checks each connection before handing it out, so one the server
        # dropped (restart, failover) is replaced instead of failing a request.
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": database_from_env()}
# A PostgreSQL streaming replica of the primary: the anonymous public pages read from it through
# huaxi_renda.dbrouter; a browser that just wrote reads from the primary for this many seconds.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {**database_from_env("DATABASE_REPLICA_URL"), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["huaxi_renda.dbrouter.ReplicaRouter"]
# PostgreSQL row-level security between congresses: each transaction sets its scope (huaxi_renda.rowscope).
# Off only to compare timings; the policies stay and then show a non-superuser role nothing.
DB_ROW_SCOPE = env_bool("DB_ROW_SCOPE", True)
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", 15))
# After the replica failed a request, the public pages read from the primary this long before trying it again.
REPLICA_RETRY_SECONDS = int(os.environ.get("REPLICA_RETRY_SECONDS", 30))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (等保 level 3): 8 characters of three classes, not the login name, not one of the last 5,
# not a common one. Every new password is checked, under every settings module.
PASSWORD_HISTORY_COUNT = int(os.environ.get("PASSWORD_HISTORY_COUNT", 5))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "security.passwords.ComplexityValidator", "OPTIONS": {"min_length": 8, "min_classes": 3}},
    {"NAME": "security.passwords.NotLoginNameValidator"},
    {"NAME": "security.passwords.HistoryValidator", "OPTIONS": {"count": PASSWORD_HISTORY_COUNT}},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Passwords expire after this many days (0: never); a password someone else set is changed at the next login.
PASSWORD_EXPIRY_DAYS = int(os.environ.get("PASSWORD_EXPIRY_DAYS", 90))
SECURITY_ENFORCE_PASSWORD_CHANGE = env_bool("SECURITY_ENFORCE_PASSWORD_CHANGE", True)
# Minutes a forgotten-password code stays usable, and how many wrong tries it takes.
PASSWORD_RESET_CODE_MINUTES = int(os.environ.get("PASSWORD_RESET_CODE_MINUTES", 10))
PASSWORD_RESET_CODE_ATTEMPTS = 5

# Sessions: end after 30 idle minutes (the page warns at 25) and after 12 hours whatever happens.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_IDLE_WARNING_SECONDS = int(os.environ.get("SESSION_IDLE_WARNING_SECONDS", 25 * 60))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 3600))
# Activity is written to the session at most this often (not on every request).
SESSION_ACTIVITY_WRITE_SECONDS = 60
# One active session per staff account (a new login ends the older one).
SESSION_SINGLE_FOR_STAFF = env_bool("SESSION_SINGLE_FOR_STAFF", False)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Second factor (TOTP, django-otp) for these roles; "delegate" and "clerk" (office members who are not
# heads) may be added. "admin" is every administrator (the three roles, and a superuser).
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", "staff,leader,office_head,admin")
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "花溪人大建议系统")
SECURITY_RECOVERY_CODES = 10
# Administrators may log in only from these networks (empty: from anywhere).
ADMIN_ALLOWED_NETWORKS = env_list(
    "ADMIN_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128,10.0.0.0/8,192.168.0.0/16,172.16.0.0/12"
)

# Security audit records are kept at least this many days (never less than 180; the database refuses
# UPDATE and DELETE on them, see security/migrations). Exports are signed with this key (HMAC-SM3).
SECURITY_AUDIT_RETENTION_DAYS = int(os.environ.get("SECURITY_AUDIT_RETENTION_DAYS", 180))
SECURITY_AUDIT_SIGNING_KEY = os.environ.get("SECURITY_AUDIT_SIGNING_KEY", "")
# createsuperuser works locally; production refuses it (三员分立, see create_admins).
SECURITY_ALLOW_SUPERUSER = True

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "suggestions.roles.RoleAwareModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploads live outside the web root and are served only through views that
# check permission; MEDIA_URL is never mapped by the web server.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))

CACHES = {
    "default": (
        {
            "BACKEND": "huaxi_renda.cache.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
        }
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "huaxi"}
    )
}

# Celery: Redis when configured, otherwise kombu's filesystem transport, which
# needs no server (the worker and beat still really run).
_redis_url = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
CELERY_BROKER_URL = _redis_url or "filesystem://"
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {}
    if _redis_url
    else {
        "data_folder_in": str(VAR_DIR / "broker" / "queue"),
        "data_folder_out": str(VAR_DIR / "broker" / "queue"),
        "processed_folder": str(VAR_DIR / "broker" / "processed"),
        "store_processed": False,
        # The broadcast (pidbox) exchange files; kombu's default is ./control in the working directory.
        "control_folder": str(VAR_DIR / "broker" / "control"),
    }
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "scan-reminders": {
        "task": "suggestions.tasks.scan_reminders",
        "schedule": float(os.environ.get("REMINDER_SCAN_SECONDS", 300)),
    },
    "catch-up-statistics": {"task": "suggestions.tasks.catch_up_statistics", "schedule": 60.0},
    "scan-opinions": {
        "task": "stations.tasks.scan_opinions",
        "schedule": float(os.environ.get("REMINDER_SCAN_SECONDS", 300)),
    },
    "pull-sms-receipts": {
        "task": "suggestions.tasks.pull_receipts",
        "schedule": float(os.environ.get("SMS_RECEIPT_PULL_SECONDS", 600)),
    },
}
# Sending a task must never make a request fail: the database is the source of
# truth and the next scan picks up whatever could not be queued.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_MAX_RETRIES = 0

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "花溪区人大常委会 <noreply@huaxi-renda.local>")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "suggestions.reminders.sms.LoggingSMSBackend")
# Absolute address of the site, used for links in reminder e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# Liaison stations: residents' names and numbers are erased this many days after an opinion closes.
STATIONS_RETENTION_DAYS = int(os.environ.get("STATIONS_RETENTION_DAYS", 365))
# Days an account activation link (sent to people whose accounts an import created) stays usable.
ACCOUNT_ACTIVATION_DAYS = int(os.environ.get("ACCOUNT_ACTIVATION_DAYS", "14"))
REMINDER_SEND_LEASE_SECONDS = int(os.environ.get("REMINDER_SEND_LEASE_SECONDS", 300))
# Transient failures (a gateway outage) are retried with a doubling backoff for this long, then
# reported failed to staff; REMINDER_MAX_ATTEMPTS (0: none) bounds the tries as well.
REMINDER_RETRY_WINDOW_HOURS = float(os.environ.get("REMINDER_RETRY_WINDOW_HOURS", 24))
REMINDER_RETRY_BACKOFF_SECONDS = float(os.environ.get("REMINDER_RETRY_BACKOFF_SECONDS", 60))
REMINDER_RETRY_BACKOFF_MAX_SECONDS = float(os.environ.get("REMINDER_RETRY_BACKOFF_MAX_SECONDS", 3600))
REMINDER_MAX_ATTEMPTS = int(os.environ.get("REMINDER_MAX_ATTEMPTS", 0))
REMINDER_RECEIPT_DAYS = float(os.environ.get("REMINDER_RECEIPT_DAYS", 3))
# No text message in these hours (local time) except manual 催办; empty: none. They wait, never dropped.
REMINDER_QUIET_HOURS = os.environ.get("REMINDER_QUIET_HOURS", "22:00-07:00")
# Non-urgent text messages per person and day (0: no cap); the rest wait for the next morning.
REMINDER_DAILY_CAP = int(os.environ.get("REMINDER_DAILY_CAP", 10))

# SMS gateways (README "Text messages"): SMS_BACKEND picks one, these configure it.
#   suggestions.reminders.sms.aliyun.AliyunSMSBackend     Alibaba Cloud SMS
#   suggestions.reminders.sms.tencent.TencentSMSBackend   Tencent Cloud SMS
#   suggestions.reminders.sms.http.HTTPGatewaySMSBackend  a provincial platform's HTTP API
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "花溪人大")
# {"reminder": "SMS_1", "manual": "SMS_2", "code": "SMS_3", "activation": "SMS_4", "overdue": {"id": …, "params": […]}}
SMS_TEMPLATES = json.loads(os.environ.get("SMS_TEMPLATES") or "{}")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_APP_ID = os.environ.get("SMS_APP_ID", "")
SMS_REGION = os.environ.get("SMS_REGION", "")
SMS_ENDPOINT = os.environ.get("SMS_ENDPOINT", "")
SMS_PROTOCOL = os.environ.get("SMS_PROTOCOL", "https")
SMS_TIMEOUT_SECONDS = float(os.environ.get("SMS_TIMEOUT_SECONDS", 10))
SMS_HTTP = json.loads(os.environ.get("SMS_HTTP") or "{}")
SMS_FLAG_AFTER_FAILURES = int(os.environ.get("SMS_FLAG_AFTER_FAILURES", 3))
# 企业微信 / 政务微信: per office a group robot and/or the application's department (README "Text messages").
WECOM_API_BASE = os.environ.get("WECOM_API_BASE", "https://qyapi.weixin.qq.com")
WECOM_CORP_ID = os.environ.get("WECOM_CORP_ID", "")
WECOM_AGENT_ID = os.environ.get("WECOM_AGENT_ID", "0")
WECOM_SECRET = os.environ.get("WECOM_SECRET", "")
WECOM_OFFICES = json.loads(os.environ.get("WECOM_OFFICES") or "{}")

# Login throttling (django-axes): lock a username+IP after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The address TrustedProxyMiddleware resolved (nginx's X-Real-IP from a trusted proxy, else the peer).
AXES_CLIENT_IP_CALLABLE = "security.events.client_address"
# The documented nginx (deploy/nginx.conf) sets X-Real-IP; only requests from these addresses may
# name the client (huaxi_renda.middleware.TrustedProxyMiddleware), so axes and the logs see the real one.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1")

# Sessions from the cache, kept in the database (see huaxi_renda/sessions.py).
SESSION_ENGINE = "huaxi_renda.sessions"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Personal data (issue 20): SM4 encryption at rest, lookup hashes, record seals. ---
# Keys come from the environment as "id:64 hex digits" entries, comma-separated; the first is the
# current key, the others only decrypt (or check) what older keys wrote until ``manage.py rotate_keys``
# has re-encrypted it. Three separate keys: encryption, phone lookup hashes, record seals.
# local/test settings fall back to fixed development keys; production refuses to start without them.
PII_ENCRYPTION_KEYS = os.environ.get("HUAXI_PII_KEYS", "")
PII_LOOKUP_KEY = os.environ.get("HUAXI_PII_LOOKUP_KEY", "")
INTEGRITY_KEYS = os.environ.get("HUAXI_INTEGRITY_KEYS", "")
# Delegates accept the current privacy notice once (again when its version changes) before they go on.
PRIVACY_NOTICE_REQUIRED = env_bool("HUAXI_PRIVACY_NOTICE_REQUIRED", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The HTTP API (api/): device tokens made on the token page, or the session with CSRF for the site's own
# JavaScript; never a password. Throttled per user and per address; errors in one shape (api.errors).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.AddressThrottle", "api.throttles.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_USER_RATE", "600/min"),
        "address": os.environ.get("API_ADDRESS_RATE", "1200/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "花溪人大代表建议办理系统 API",
    "DESCRIPTION": "代表、承办单位和公众使用的接口：与网页同一套规则和办理流程。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SuggestionStatusEnum": "suggestions.models.Suggestion.Status",
        "AssignmentStatusEnum": "suggestions.models.Assignment.Status",
        "CoSignerStatusEnum": "suggestions.models.CoSigner.Status",
        "ReplyStatusEnum": "suggestions.models.Reply.Status",
        "ResidentOpinionStatusEnum": "stations.models.ResidentOpinion.Status",
        "ResidentOpinionRatingEnum": "stations.models.ResidentOpinion.Rating",
        "OpinionEntryKindEnum": "stations.models.OpinionEntry.Kind",
    },
}
# Device tokens last this many days unless the person chooses fewer.
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", 365))
