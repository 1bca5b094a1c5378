"""Settings: embedded defaults for a laptop, real services through the environment.

Embedded (no variables set): SQLite, in-memory channel layer, console e-mail, jobs in-process.
Production: DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, DEBUG=false (see README's table).
"""

import datetime as dt
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.channel_layers import (
    DEFAULT_CAPACITY,
    DEFAULT_HEALTH_CHECK_INTERVAL,
    DEFAULT_SOCKET_TIMEOUT,
    redis_channel_layer,
)
from config.env import BASE_DIR, DEFAULT_SECRET_KEY, env, is_strong_secret_key

# "production" turns the safety checks below into hard requirements. Spelled any case; anything else is
# refused, so a typo can never quietly run production as development with DEBUG on.
ENVIRONMENTS = ("development", "test", "production")
ENVIRONMENT = env.str("ENVIRONMENT", default="development").strip().lower()
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"ENVIRONMENT={env.str('ENVIRONMENT')!r} is not known: use one of {', '.join(ENVIRONMENTS)}."
    )
PRODUCTION = ENVIRONMENT == "production"
DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str("SECRET_KEY", default=DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (ENVIRONMENT=production).")
if (PRODUCTION or not DEBUG) and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production (or whenever DEBUG is off).")
if PRODUCTION and not is_strong_secret_key(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: at least 50 characters, 5 of them different, "
        "not starting with 'django-insecure-' (python -c 'from django.core.management.utils "
        "import get_random_secret_key as k; print(k())')."
    )

INSTALLED_APPS = [
    "daphne",  # runserver speaks ASGI (HTTP and WebSocket) in development
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_fsm",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "viewflow",
    "viewflow.workflow",
    "organizations",
    "documents",
    "audit",
    "workflow",
    "signing",
    "notifications",
    "receiving",
    "exchange",
    "personal",
    "records",
    "search",
    "auditors",
    "config",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything (CSRF, sessions, forms) reads it.
    "config.limits.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.context.ClientAddressMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during authenticate() into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Which serving process answered, as a response header: for the multi-process test and bench only.
if env.bool("SERVE_PID_HEADER", default=False) and not PRODUCTION:
    MIDDLEWARE.insert(0, "config.serving.WorkerPidMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "receiving.context_processors.arrivals",
                "notifications.context_processors.live_notifications",
                "config.navigation.menu",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked": BEGIN IMMEDIATE takes the write lock
    # up front (a deferred transaction that upgrades later fails at once, whatever the timeout), the
    # busy timeout is how long a writer queues, and WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out (username, address) before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Login throttling (django-axes): a (username, address) pair is locked after AXES_FAILURE_LIMIT wrong
# passwords for AXES_COOLOFF_MINUTES; other people and other addresses are not. See docs/security.md.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # its start-up banner; lockouts are still logged as warnings

# Vietnamese first; English through Django i18n.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "media/"

# The bytes of issued PDFs, attachments and archive copies (documents.blobs: content-addressed by SHA-256, checked
# on every read). The file system by default; DOCUMENTS_STORAGE=s3 puts them in S3-compatible object storage
# (django-storages). Both overwrite an existing name: it holds the same bytes (its name is their hash).
DOCUMENTS_STORAGE = env.str("DOCUMENTS_STORAGE", default="filesystem")
if DOCUMENTS_STORAGE == "s3":
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("DOCUMENTS_S3_BUCKET"),
            "endpoint_url": env.str("DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("DOCUMENTS_S3_REGION", default="") or None,
            # Empty keys: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env.str("DOCUMENTS_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("DOCUMENTS_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("DOCUMENTS_S3_PREFIX", default=""),
            "default_acl": None,  # private: files are served only through the application's checks
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
elif DOCUMENTS_STORAGE == "filesystem":
    _documents_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env.str("DOCUMENTS_STORAGE_DIR", default=str(Path(MEDIA_ROOT) / "documents")),
            "base_url": None,
            "allow_overwrite": True,
        },
    }
else:
    raise ImproperlyConfigured(f"DOCUMENTS_STORAGE must be 'filesystem' or 's3', not {DOCUMENTS_STORAGE!r}")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": _documents_storage,
}

# Real-time: in-memory on one process, Redis when configured. The Redis socket timeout must stay above
# channels-redis's 5-second blocking read, or every idle WebSocket is closed (config/channel_layers.py).
REDIS_URL = env.str("REDIS_URL", default="")
USE_REDIS = bool(REDIS_URL)
if USE_REDIS:
    CHANNEL_LAYERS = {
        "default": redis_channel_layer(
            REDIS_URL,
            socket_timeout=env.float("REDIS_SOCKET_TIMEOUT", default=DEFAULT_SOCKET_TIMEOUT),
            health_check_interval=env.int("REDIS_HEALTH_CHECK_INTERVAL", default=DEFAULT_HEALTH_CHECK_INTERVAL),
            capacity=env.int("REDIS_CHANNEL_CAPACITY", default=DEFAULT_CAPACITY),
        )
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache: sign-page images, revocation answers and laid-out PDFs (docs/architecture.md, "Render cache").
# In-memory per process by default; several serving processes share one only in Redis: CACHE_URL, which
# defaults to REDIS_URL in production. Tests keep the in-memory one (they empty it before each test).
CACHE_URL = env.str("CACHE_URL", default="") or (REDIS_URL if PRODUCTION else "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "vanban",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background jobs: Celery on Redis when a broker is configured (config/celery.py); otherwise an in-memory
# broker with tasks run eagerly, in-process, so `make run` needs no broker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or REDIS_URL
USE_CELERY = bool(CELERY_BROKER_URL)
if not USE_CELERY:
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = not USE_CELERY
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None  # results are not read: off
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # a task whose worker died is run again: the outbox tasks are idempotent
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# The outbox (documents/outbox.py, docs/notifications.md): events stored with the change, delivered after
# commit — in-process ("inline") or by a Celery task ("celery", the default when a broker is configured).
OUTBOX_DISPATCH = env.str("OUTBOX_DISPATCH", default="") or ("celery" if USE_CELERY else "inline")
if OUTBOX_DISPATCH not in ("inline", "celery"):
    raise ImproperlyConfigured(f"OUTBOX_DISPATCH={OUTBOX_DISPATCH!r}: use 'inline' or 'celery'.")
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)  # then the delivery is given up (logged, admin)
OUTBOX_RETRY_SECONDS = env.int("OUTBOX_RETRY_SECONDS", default=30)  # first wait, doubled after each failure
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=30)  # delivered events are then deleted
# How long a dispatcher's claim on a document's events holds (renewed after each event): a claim left by a
# dead dispatcher runs out after this, and must outlast any one delivery (the tasks stop after 240 s).
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=300)
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)

# Document exchange (edXML, QCVN 102:2016; docs/exchange.md): "folder" (a folder in, a folder out, one file per
# packet) or the dotted path of a connector class with send / receive / ack (the national platform's REST service).
EXCHANGE_TRANSPORT = env.str("EXCHANGE_TRANSPORT", default="folder")
EXCHANGE_FOLDER_IN = env.path("EXCHANGE_FOLDER_IN", default=str(BASE_DIR / "var" / "exchange" / "in"))
EXCHANGE_FOLDER_OUT = env.path("EXCHANGE_FOLDER_OUT", default=str(BASE_DIR / "var" / "exchange" / "out"))
# A larger packet is refused unread; 10 MB is also what the safe XML parser takes in one element (the PDF).
EXCHANGE_MAX_PACKET_BYTES = env.int("EXCHANGE_MAX_PACKET_BYTES", default=10_000_000)
EXCHANGE_MAX_DEPTH = env.int("EXCHANGE_MAX_DEPTH", default=16)
# How much of each arriving packet is kept for inspection (refused ones especially).
EXCHANGE_KEEP_PACKET_BYTES = env.int("EXCHANGE_KEEP_PACKET_BYTES", default=1_048_576)
# Hand what an event queued to the transport at once (after commit); off, only the poll sends.
EXCHANGE_SEND_AT_ONCE = env.bool("EXCHANGE_SEND_AT_ONCE", default=True)
EXCHANGE_POLL_SECONDS = env.int("EXCHANGE_POLL_SECONDS", default=60)
# DocumentType/TypeDetail per type code ({"ke_hoach": 3}); its national list is not settled (RULES.md).
EXCHANGE_TYPE_DETAILS = env.dict("EXCHANGE_TYPE_DETAILS", cast={"value": int}, default={})

# Periodic tasks (Celery beat)
# One entry per job, named by what it does; offices without Celery run the same jobs from cron (README). Each
# is idempotent, so beat and cron both at once do no harm. CELERY_TIMEZONE is Vietnam's: crontabs read in its time.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "documents.sweep_outbox",
        "schedule": dt.timedelta(seconds=OUTBOX_SWEEP_SECONDS),
    },
    "send-reminders": {"task": "workflow.tasks.send_reminders", "schedule": dt.timedelta(minutes=15)},
    "send-digest": {
        "task": "notifications.tasks.send_digest",
        "schedule": crontab(hour=env.int("DIGEST_HOUR", default=17), minute=env.int("DIGEST_MINUTE", default=30)),
    },
    "exchange-poll": {"task": "exchange.poll", "schedule": dt.timedelta(seconds=EXCHANGE_POLL_SECONDS)},
    # Signing certificates expiring within 30, then 7 days: their owners warned once per threshold, each morning.
    "warn-expiring-credentials": {
        "task": "notifications.tasks.warn_expiring_credentials",
        "schedule": crontab(hour=7, minute=0),
    },
    # Waiting signature requests past their deadline closed as expired (reading already counts them so).
    "expire-signature-requests": {
        "task": "signing.tasks.expire_signature_requests",
        "schedule": dt.timedelta(minutes=5),
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="vanthu@example.gov.vn")

# Where private keys (PKCS#12 files) live: outside the database, never logged.
KEYSTORE_DIR = env.path("KEYSTORE_DIR", default=str(BASE_DIR / "var" / "keys"))
# Ed25519 key that signs audit checkpoints: a file the database does not hold (created 0600 on first use).
AUDIT_CHECKPOINT_KEY = env.path("AUDIT_CHECKPOINT_KEY", default=KEYSTORE_DIR("audit-checkpoint.pem"))
# One passphrase for every key file (from a secret store); empty means a .pass file beside each key.
SIGNING_KEY_PASSPHRASE = env.str("SIGNING_KEY_PASSPHRASE", default="")
# Trust roots of verification: PEM/DER files and/or folders of them (every *.pem, *.crt, *.cer, *.der inside);
# an administrator adds the Government CA or a public CA by dropping its certificate in the folder.
# Empty means KEYSTORE_DIR/ca.pem (docs/signing.md, "Trust").
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# Intermediate CA certificates, the same way (files or folders); signatures usually carry them anyway.
SIGNING_TRUST_INTERMEDIATES = env.list("SIGNING_TRUST_INTERMEDIATES", default=[])
# SHA-1 is refused unless this date (YYYY-MM-DD) is set: then signatures made (timestamp time, else the signer's
# claimed time) and certificates issued before it may use SHA-1. Empty: never.
SIGNING_ALLOW_SHA1_BEFORE = env.str("SIGNING_ALLOW_SHA1_BEFORE", default="")
# RFC 3161 timestamp authority: when set, every signature carries a timestamp and archiving adds a document
# timestamp (PAdES B-LTA). Empty: signatures as before, archive copies B-LT without a document timestamp.
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="")
SIGNING_TSA_TIMEOUT = env.float("SIGNING_TSA_TIMEOUT", default=10.0)
# Revocation at signing time (signing.revocation): OCSP from the certificate's AIA, else its CRL. When no answer
# can be had: "soft" signs and logs a warning, "hard" refuses (503 revocation_unavailable). Seconds per request;
# a "good" answer is kept in the cache this long per certificate ("revoked" never is; 0: ask every time).
SIGNING_REVOCATION_POLICY = env.str("SIGNING_REVOCATION_POLICY", default="soft")
SIGNING_REVOCATION_TIMEOUT = env.float("SIGNING_REVOCATION_TIMEOUT", default=5.0)
SIGNING_REVOCATION_CACHE_SECONDS = env.int("SIGNING_REVOCATION_CACHE_SECONDS", default=300)
# One PDF rendering (WeasyPrint, in a child process) is stopped after this many seconds (409 render_timeout).
SIGNING_RENDER_TIMEOUT = env.float("SIGNING_RENDER_TIMEOUT", default=15.0)
# On: signing and issuing refuse to go on without a digital signature (no key → a clear 409).
REQUIRE_DIGITAL_SIGNATURE = env.bool("REQUIRE_DIGITAL_SIGNATURE", default=PRODUCTION)

REST_FRAMEWORK = {
    # JSON nested deeper than JSON_MAX_DEPTH is a 400, not a RecursionError (500).
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    # Errors as {"code", "message" (Vietnamese), "details"}; DomainErrors keep their HTTP status.
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Văn bản đi — API",
    "DESCRIPTION": "Soạn thảo, duyệt, ký, cấp số, phát hành và lưu trữ văn bản hành chính.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # <id:pk> (core.converters): a database id, not the string drf-spectacular assumes for custom converters
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}},
    # Two "status" choice sets: a document's lifecycle state keeps its name, a delivery's gets its own.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "documents.models.Status",
        "DeliveryStatusEnum": "documents.models.DeliveryStatus",
        "DeliveryKindEnum": "documents.models.DeliveryKind",
        "ReplacementKindEnum": "documents.models.ReplacementKind",
        "EmailChoiceEnum": "notifications.models.EmailChoice",
    },
}

GUARDIAN_RAISE_403 = True

# Request bodies: refused by their declared size before they are read (config/limits.py), just above
# the 20 MB PDF upload of signing/forms.py; bodies without Content-Length are cut at the same size.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=25 * 1024 * 1024)
# Attachments (documents.attachments): one file, and every file of one document together.
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_DOCUMENT_MAX_BYTES = env.int("ATTACHMENT_DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
# Non-file form/JSON data read into memory; files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temp file.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
JSON_MAX_DEPTH = 32

# Postgres keeps lock waits bounded: a stuck counter lock turns into an error, not a hang.
DB_LOCK_TIMEOUT_MS = env.int("DB_LOCK_TIMEOUT_MS", default=10_000)

# Deadlines of human steps (workflow.deadlines, organizations.calendar; docs/notifications.md). Office hours count
# working time ("1 working day" = this span); the lead and the delay are in working hours.
OFFICE_HOURS = env.str("OFFICE_HOURS", default="08:00-17:00")
DEADLINE_REMINDER_LEAD_HOURS = env.float("DEADLINE_REMINDER_LEAD_HOURS", default=4.0)
DEADLINE_ESCALATE_AFTER_HOURS = env.float("DEADLINE_ESCALATE_AFTER_HOURS", default=0.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True

if PRODUCTION:
    # HTTPS only; `manage.py check --deploy` passes with no warning (tests/test_settings.py).
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_HTTPONLY = True
    X_FRAME_OPTIONS = "DENY"
    # A TLS-terminating proxy talks plain HTTP to us: trust its X-Forwarded-Proto, or every request
    # would be redirected to HTTPS forever. Only set this when the proxy strips the client's own header.
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
