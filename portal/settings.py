"""Settings for the FoU Nordväst portal.

One file for every environment: each deployment difference is an environment
variable read with django-environ (listed in `.env.example` and the README).
Production is this same module with production variables set.
"""

import datetime
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is a convenience for development; real environment
# variables always win over it.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. "
            "Set the SECRET_KEY environment variable to a long random value."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal",
    "programme",
    "municipalities",
    "presentations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # The search document's column and index (portal/fulltext.py).
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_tasks_db",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
]

MIDDLEWARE = [
    # First: every answer, redirects and error pages included, carries the
    # request id and is logged once.
    "portal.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RejectControlCharactersMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Before the session and everything after it: an anonymous page found in
    # the cache is answered without a session, a user or a query
    # (portal/public_cache.py); the middleware above still add their headers.
    "portal.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    # After the session checks: a password-only session is anonymous to
    # everything but the second step (portal.mfa).
    "portal.mfa.SecondStepMiddleware",
    "portal.middleware.InternalNoStoreMiddleware",
    "portal.middleware.AuditDenialMiddleware",
    # Axes must come last: it turns lockouts into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions and WAL avoid "database is locked" under the
    # development server and the task worker running side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A gunicorn thread keeps its connection between requests. Opened and
    # closed per request, the last close checkpoints and deletes the WAL
    # file and the next request creates it again: 1 to 2 ms of file-system
    # work a page (`make bench`). The development server still closes its
    # connections after each request.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
    # A kept connection is checked before its first use in a request, so one
    # the server dropped (a restart) is replaced on the next request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Seconds to wait for the server before a page answers the Swedish 503
    # (2 is libpq's minimum); see portal/postgresql for the fast failure
    # that follows an unreachable server.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DB_CONNECT_TIMEOUT", default=2)
    )
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "portal.postgresql"
# A pool of PostgreSQL connections per worker process (psycopg_pool), shared
# by its threads: a request borrows a connection and gives it back instead
# of opening one (CONN_MAX_AGE must then be 0). Size it to gunicorn's
# --threads; the database sees at most workers x DB_POOL_MAX_SIZE
# connections per app server, plus the task worker's.
DB_POOL = env.bool("DB_POOL", default=False)
if DB_POOL:
    if DATABASES["default"]["ENGINE"] != "portal.postgresql":
        raise ImproperlyConfigured("DB_POOL needs PostgreSQL (DATABASE_URL).")
    if DATABASES["default"]["CONN_MAX_AGE"] != 0:
        raise ImproperlyConfigured(
            "DB_POOL and CONN_MAX_AGE exclude each other: set CONN_MAX_AGE=0."
        )
    _pool_min = env.int("DB_POOL_MIN_SIZE", default=1)
    _pool_max = env.int("DB_POOL_MAX_SIZE", default=4)
    _pool_timeout = env.float("DB_POOL_TIMEOUT", default=10.0)
    if not (0 <= _pool_min <= _pool_max and _pool_max > 0 and _pool_timeout > 0):
        raise ImproperlyConfigured(
            "DB_POOL needs 0 <= DB_POOL_MIN_SIZE <= DB_POOL_MAX_SIZE, "
            "DB_POOL_MAX_SIZE > 0 and DB_POOL_TIMEOUT > 0."
        )
    # A request that waits longer than the timeout for a connection fails
    # (django.db.OperationalError) rather than queue without end. Connections
    # are checked before they are handed out (CONN_HEALTH_CHECKS).
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": _pool_min,
        "max_size": _pool_max,
        "timeout": _pool_timeout,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://portal")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # An unreachable Redis must cost a page a second, not a hang: connecting
    # and each answer are bounded (options in CACHE_URL's query win).
    _cache_timeout = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
    _cache_options = CACHES["default"].setdefault("OPTIONS", {})
    _cache_options.setdefault("socket_connect_timeout", _cache_timeout)
    _cache_options.setdefault("socket_timeout", _cache_timeout)
# Rendered anonymous pages (portal/public_cache.py): kept in the cache above
# for at most PUBLIC_CACHE_SECONDS (0: no page is cached, none is marked
# public) and always dropped at once when what they show changes; browsers
# and proxies may reuse one for PUBLIC_CACHE_MAX_AGE seconds without asking.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=600)
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)
if PUBLIC_CACHE_SECONDS < 0 or PUBLIC_CACHE_MAX_AGE < 0:
    raise ImproperlyConfigured(
        "PUBLIC_CACHE_SECONDS and PUBLIC_CACHE_MAX_AGE must be 0 or more seconds."
    )

# --- Accounts ------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "samordning:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# --- Single sign-on (OpenID Connect, portal/sso.py) ------------------------
# Off unless a client id is set: then the backend is not installed, the login
# page has no button and the SSO URLs answer 404. SSO never creates an
# account; it signs in an invited account whose verified email matches.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
# Shown as "Logga in med <name>"; "kommunens inloggning" when empty.
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")
# Either the discovery document or every endpoint and the issuer; a set
# endpoint wins over the discovered one.
OIDC_OP_DISCOVERY_URL = env.str("OIDC_OP_DISCOVERY_URL", default="")
OIDC_OP_ISSUER = env.str("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email")
# Only for a provider that never sends email_verified but verifies every
# address it asserts (Microsoft Entra ID, for one): then the claim is not
# required.
OIDC_EMAIL_ALWAYS_VERIFIED = env.bool("OIDC_EMAIL_ALWAYS_VERIFIED", default=False)
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_CREATE_USER = False
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_ASYMMETRIC_ALGORITHMS = {
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
}  # fmt: skip
if SSO_ENABLED:
    _explicit = [
        OIDC_OP_ISSUER,
        OIDC_OP_AUTHORIZATION_ENDPOINT,
        OIDC_OP_TOKEN_ENDPOINT,
        OIDC_OP_USER_ENDPOINT,
        OIDC_OP_JWKS_ENDPOINT,
    ]
    if not OIDC_RP_CLIENT_SECRET:
        raise ImproperlyConfigured("OIDC_RP_CLIENT_SECRET must be set for SSO.")
    if OIDC_OP_DISCOVERY_URL:
        if not OIDC_OP_DISCOVERY_URL.endswith("/.well-known/openid-configuration"):
            raise ImproperlyConfigured(
                "OIDC_OP_DISCOVERY_URL must end with /.well-known/openid-configuration."
            )
    elif not all(_explicit):
        raise ImproperlyConfigured(
            "SSO needs OIDC_OP_DISCOVERY_URL, or OIDC_OP_ISSUER, "
            "OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_TOKEN_ENDPOINT, "
            "OIDC_OP_USER_ENDPOINT and OIDC_OP_JWKS_ENDPOINT."
        )
    if OIDC_RP_SIGN_ALGO not in OIDC_ASYMMETRIC_ALGORITHMS:
        raise ImproperlyConfigured(
            "OIDC_RP_SIGN_ALGO must be one of "
            + ", ".join(sorted(OIDC_ASYMMETRIC_ALGORITHMS))
        )
    if not {"openid", "email"} <= set(OIDC_RP_SCOPES.split()):
        raise ImproperlyConfigured("OIDC_RP_SCOPES must include openid and email.")
    AUTHENTICATION_BACKENDS.append("portal.sso.OIDCBackend")
# Login throttling: 5 failures for the same user from the same address lock
# that pair (only that pair) for 15 minutes. Keying on both together means
# nobody can lock someone else's account from elsewhere. On top of that,
# 20 failures from one address, whatever the accounts, lock that address
# (portal.lockout.LockoutHandler): one password tried against many accounts.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_CLIENT_FAILURE_LIMIT = env.int("LOGIN_CLIENT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15)
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "portal.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
# The login form posts the email address as "username" (Django's field name).
AXES_USERNAME_FORM_FIELD = "username"
# Failed logins are stored with the username typed: never with a personnummer.
AXES_USERNAME_CALLABLE = "portal.privacy.axes_username"
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy that appends the client address to X-Forwarded-For,
# set PROXY_COUNT to the number of proxies so the real client address is used.
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if AXES_IPWARE_PROXY_COUNT
    else ["REMOTE_ADDR"]
)
# Sessions: ended by logout, expire after 30 minutes without activity, and
# after 8 hours whatever the activity (portal.middleware.SessionLifetimeMiddleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ABSOLUTE_SECONDS = 8 * 60 * 60
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Two-factor sign-in (portal.mfa): every account takes a second step after
# its password, with an authenticator app (TOTP), a passkey or security key
# (WebAuthn), or a single-use recovery code.
OTP_TOTP_ISSUER = "FoU Nordväst"
OTP_TOTP_THROTTLE_FACTOR = 1  # a wrong code doubles the wait before the next
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys belong to the site's host name (WEBAUTHN_RP_ID) and work only on
# https origins, or on http://localhost in development: a plain-http SITE_URL
# offers them on localhost with the same port.
_site = urlsplit(SITE_URL)
_passkey_origin = (
    SITE_URL
    if _site.scheme == "https"
    else "http://localhost" + (f":{_site.port}" if _site.port else "")
)
OTP_WEBAUTHN_RP_ID = env.str(
    "WEBAUTHN_RP_ID", default=urlsplit(_passkey_origin).hostname
)
OTP_WEBAUTHN_RP_NAME = "FoU Nordväst"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "WEBAUTHN_ALLOWED_ORIGINS", default=[_passkey_origin]
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
MFA_RECOVERY_CODE_COUNT = 10
# Requests per hour (portal.ratelimit, counted in the shared cache): reset
# mail for one email address and from one client address; posts on an
# invitation's page from one client and for one invitation.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)
INVITATION_LIMIT_PER_CLIENT = env.int("INVITATION_LIMIT_PER_CLIENT", default=20)
INVITATION_LIMIT_PER_INVITATION = env.int("INVITATION_LIMIT_PER_INVITATION", default=10)
# The dashboard warns when a municipality's status is older than this.
STATUS_STALE_DAYS = env.int("STATUS_STALE_DAYS", default=90)
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]


def object_storage(*, bucket, private_bucket, endpoint_url, region, object_acls):
    """MEDIA_URL and the STORAGES entries "default" and "private" for media on
    S3-compatible object storage (portal.storage_s3)."""
    common = {
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        # Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
        # environment, else boto3's other sources (an instance role).
        "file_overwrite": False,
        # Never a signed URL: public media need none, attachments get none.
        "querystring_auth": False,
        # Larger files read through the storage spill to a temporary file.
        "max_memory_size": 5 * 1024 * 1024,
        "addressing_style": "path" if endpoint_url else None,
    }
    if endpoint_url:
        media_url = f"{endpoint_url}/{bucket}/"
    elif region:
        media_url = f"https://{bucket}.s3.{region}.amazonaws.com/"
    else:
        media_url = f"https://{bucket}.s3.amazonaws.com/"
    public = {
        "BACKEND": "portal.storage_s3.PublicMediaStorage",
        "OPTIONS": {
            **common,
            "bucket_name": bucket,
            "default_acl": "public-read" if object_acls else None,
        },
    }
    private = {
        "BACKEND": "portal.storage_s3.PrivateMediaStorage",
        "OPTIONS": {
            **common,
            "bucket_name": private_bucket,
            "default_acl": "private" if object_acls else None,
        },
    }
    return media_url, public, private


# Media: uploads (images, slides, slide previews) and the coordination area's
# attachments. On local disk by default (one app server); on S3-compatible
# object storage with MEDIA_STORAGE=s3, so that several app servers share
# them. Attachments never get a URL: they live in a bucket (or folder) of
# their own and are streamed only by the view that checks access.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="local")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
PRIVATE_MEDIA_ROOT = Path(
    env.str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private-media"))
)
if MEDIA_STORAGE == "local":
    _media_url = "/media/"
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private_storage = {"BACKEND": "portal.storage.PrivateFileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    PRIVATE_STORAGE_BUCKET_NAME = env.str("PRIVATE_STORAGE_BUCKET_NAME", default="")
    if not (AWS_STORAGE_BUCKET_NAME and PRIVATE_STORAGE_BUCKET_NAME):
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME (public media) and "
            "PRIVATE_STORAGE_BUCKET_NAME (attachments)."
        )
    if AWS_STORAGE_BUCKET_NAME == PRIVATE_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured(
            "PRIVATE_STORAGE_BUCKET_NAME must be another bucket than "
            "AWS_STORAGE_BUCKET_NAME: the media bucket is readable by anyone."
        )
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="").rstrip("/")
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="")
    # Buckets whose ACLs are disabled (AWS's "bucket owner enforced") refuse
    # uploads that name an ACL: there the buckets' policies decide alone.
    AWS_S3_OBJECT_ACLS = env.bool("AWS_S3_OBJECT_ACLS", default=True)
    _media_url, _media_storage, _private_storage = object_storage(
        bucket=AWS_STORAGE_BUCKET_NAME,
        private_bucket=PRIVATE_STORAGE_BUCKET_NAME,
        endpoint_url=AWS_S3_ENDPOINT_URL,
        region=AWS_S3_REGION_NAME,
        object_acls=AWS_S3_OBJECT_ACLS,
    )
else:
    raise ImproperlyConfigured("MEDIA_STORAGE must be local or s3.")
# Where pages link uploads: the site's /media/ (served by the web server) or
# the media bucket; a CDN or a proxy path in front of the bucket may be set.
MEDIA_URL = env.str("MEDIA_URL", default=_media_url)
if not MEDIA_URL.endswith("/"):
    raise ImproperlyConfigured("MEDIA_URL must end with a slash.")
STORAGES = {
    "default": _media_storage,
    "private": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads: slides up to 50 MB go through the admin. The per-type limits are
# enforced by portal.uploads; this only bounds what is kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640


def _positive(name, default, cast=env.int):
    value = cast(name, default=default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a positive number.")
    return value


# Images (portal.uploads): refused by their declared size before any pixel is
# decoded. 25 million pixels fit a 24-megapixel camera photo; decoded as RGBA
# that is 100 MB, and one image is decoded at a time per worker process.
IMAGE_MAX_PIXELS = _positive("IMAGE_MAX_PIXELS", 25_000_000)
IMAGE_MAX_SIDE = _positive("IMAGE_MAX_SIDE", 10_000)

# --- PDF rendering (portal.pdf) -------------------------------------------
# WeasyPrint runs in a child process that is killed after PDF_TIMEOUT_SECONDS
# (below gunicorn's --timeout 30) and may use at most PDF_MAX_MEMORY_MB.
# Documents longer than PDF_MAX_INPUT_CHARS characters of HTML, or PDFs larger
# than PDF_MAX_OUTPUT_MB, are refused with a Swedish page instead.
PDF_TIMEOUT_SECONDS = _positive("PDF_TIMEOUT_SECONDS", 20.0, env.float)
PDF_MAX_INPUT_CHARS = _positive("PDF_MAX_INPUT_CHARS", 1_000_000)
PDF_MAX_OUTPUT_BYTES = _positive("PDF_MAX_OUTPUT_MB", 20) * 1024 * 1024
PDF_MAX_MEMORY_BYTES = _positive("PDF_MAX_MEMORY_MB", 1024) * 1024 * 1024

# --- Email ----------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
_email_options = {
    key: value
    for key, value in {
        "host": _email.get("EMAIL_HOST"),
        "port": _email.get("EMAIL_PORT"),
        "username": _email.get("EMAIL_HOST_USER"),
        "password": _email.get("EMAIL_HOST_PASSWORD"),
        "use_tls": _email.get("EMAIL_USE_TLS"),
        "use_ssl": _email.get("EMAIL_USE_SSL"),
        # A mail server that accepts the connection and then says nothing
        # must not hold a worker forever.
        "timeout": env.int("EMAIL_TIMEOUT", default=10),
    }.items()
    if value not in (None, "")
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _email_options
        if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="FoU Nordväst <noreply@fou-nordvast.se>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks (django.tasks with the database backend) --------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# /readyz answers 503 when the oldest task due in the queue has waited longer
# than this (the worker is down or far behind).
READYZ_MAX_TASK_WAIT_SECONDS = env.int("READYZ_MAX_TASK_WAIT_SECONDS", default=900)

# --- Retention (manage.py maintenance, portal.retention) --------------------
# Days each kind of record is kept before the daily maintenance run deletes
# it (or, for newsletter deliveries, blanks the address kept on the row);
# 0 keeps it for good. The periods are the programme's to decide with its
# data protection officer (gallringsbeslut); the defaults keep nothing longer
# than the work needs.


def _retention_days(name, default):
    value = env.int(name, default=default)
    if value < 0:
        raise ImproperlyConfigured(f"{name} must be 0 (keep) or a number of days.")
    return value


RETENTION_AUDIT_DAYS = _retention_days("RETENTION_AUDIT_DAYS", 730)
RETENTION_LOGIN_RECORDS_DAYS = _retention_days("RETENTION_LOGIN_RECORDS_DAYS", 90)
RETENTION_TASK_RESULTS_DAYS = _retention_days("RETENTION_TASK_RESULTS_DAYS", 14)
RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS = _retention_days(
    "RETENTION_UNCONFIRMED_SUBSCRIBERS_DAYS", 30
)
RETENTION_DELIVERIES_DAYS = _retention_days("RETENTION_DELIVERIES_DAYS", 90)
RETENTION_INVITATIONS_DAYS = _retention_days("RETENTION_INVITATIONS_DAYS", 90)
# The change history of coordination rows (django-simple-history) and the
# admin's own log: versions older than this go.
RETENTION_HISTORY_DAYS = _retention_days("RETENTION_HISTORY_DAYS", 730)
# At the end of the mandate (the closing procedure): days after the closing
# when the coordination area's attachments, and then its personal data
# (participants' accounts, invitations, calendar links, sign-in records,
# audit rows, change history and admin log from the mandate), are purged;
# 0 keeps them for good. The dates are fixed at closing (`Mandate`).
MANDATE_RETENTION_DAYS_ATTACHMENTS = _retention_days(
    "MANDATE_RETENTION_DAYS_ATTACHMENTS", 90
)
MANDATE_RETENTION_DAYS_PERSONAL_DATA = _retention_days(
    "MANDATE_RETENTION_DAYS_PERSONAL_DATA", 180
)
# Sign-in records are what the lockout counts: pruning them inside the
# cool-off would lift a lock early.
if (
    RETENTION_LOGIN_RECORDS_DAYS
    and datetime.timedelta(days=RETENTION_LOGIN_RECORDS_DAYS) <= AXES_COOLOFF_TIME
):
    raise ImproperlyConfigured(
        "RETENTION_LOGIN_RECORDS_DAYS must be longer than LOGIN_COOLOFF_MINUTES."
    )

# --- Security -------------------------------------------------------------
# HTTPS is on by default outside DEBUG: secure cookies, HSTS and the redirect
# to https. Behind a TLS-terminating proxy that overwrites X-Forwarded-Proto.
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preload only marks the header as eligible; submitting the domain is manual.
SECURE_HSTS_PRELOAD = env.bool("HSTS_PRELOAD", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# The language switch's cookie: kept a year (the cookie page says so, from
# this value), sent only over HTTPS, never to scripts or other sites.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features the portal never uses are denied to every page and frame.
# Passkeys (publickey-credentials-*) stay with the browser's default (self).
UNUSED_BROWSER_FEATURES = [
    "accelerometer",
    "ambient-light-sensor",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "gamepad",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "interest-cohort",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = {feature: [] for feature in UNUSED_BROWSER_FEATURES}
X_FRAME_OPTIONS = "DENY"

# Strict policy: no inline script or style anywhere, ours or the admin's, and
# nothing from another origin (the portal makes no third-party requests).
# Images may come from the media bucket's origin when media are served from
# there (MEDIA_STORAGE=s3 without a proxy path).
_media_origin = urlsplit(MEDIA_URL)
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF]
    + (
        [f"{_media_origin.scheme}://{_media_origin.netloc}"]
        if _media_origin.netloc
        else []
    ),
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "frame-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}
if HTTPS:
    SECURE_CSP["upgrade-insecure-requests"] = True

# --- Forms ----------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Logging --------------------------------------------------------------
# One JSON object per line (portal.observability.JsonFormatter): time (UTC),
# level, logger, message and the request id, which the response returns in
# X-Request-ID and queued tasks carry to the worker. Each request logs one
# line with method, path (no query string), status and duration.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "portal.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Error reporting, only when SENTRY_DSN is set: no personal data leaves
# (no cookies, bodies, query strings, headers, local variables or user
# addresses; portal.observability.sentry_before_send). Use an EU-hosted or
# self-hosted Sentry.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    from portal.observability import sentry_before_send

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=sentry_before_send,
        # Breadcrumbs would carry log messages and SQL: none are sent.
        before_breadcrumb=lambda crumb, hint: None,
    )

# --- Programme ------------------------------------------------------------
PORTAL_NAME = "FoU Nordväst"


# --- Freshness and ownership of public pages (portal/freshness.py) ---------
def _date_setting(name, default):
    value = env.str(name, default=default)
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a date written YYYY-MM-DD, not {value!r}."
        ) from None


# A public page whose newest content is older than this says it may be out
# of date.
CONTENT_STALE_DAYS = env.int("CONTENT_STALE_DAYS", default=365)
# Where the "Ansvarig" line on every public page points; without it, the
# contact page.
CONTENT_OWNER_EMAIL = env.str("CONTENT_OWNER_EMAIL", default="")
# The accessibility statement's dates: the last review of the site's
# accessibility, and when the site was first published.
ACCESSIBILITY_REVIEWED_ON = _date_setting("ACCESSIBILITY_REVIEWED_ON", "2026-11-24")
SITE_PUBLISHED_ON = _date_setting("SITE_PUBLISHED_ON", "2026-11-24")
