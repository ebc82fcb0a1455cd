"""Settings for the LGA support-offer portal, read from the environment in one place.

Everything that differs between a laptop and production comes from an environment
variable; the defaults are safe for development only (SQLite, DEBUG on, console email).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A development key is only acceptable when DEBUG is on; production must supply its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in the environment when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]
LOCAL_APPS = [
    "lga_portal",
    "offers",
    "engagements",
    "metrics",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After, logged in one line.
    "lga_portal.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An anonymous visitor's page from the page cache, or its 304, and the health check, answered
    # without the middleware below, which they do not need.
    "lga_portal.http.SessionlessMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lga_portal.urls"
WSGI_APPLICATION = "lga_portal.wsgi.application"

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
            ],
        },
    },
]

# Database: DATABASE_URL, defaulting to an SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before a request reuses it, so one broken by a database
        # restart is replaced at once instead of failing that request.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- PostgreSQL: no JIT compilation -----------------------------------------------------------
# The coverage queries ask, per council, one cheap index probe per month or quarter; the planner
# adds those probes up to a cost that switches JIT on, and compiling then takes far longer (up to
# a second) than running the query (milliseconds). The portal's queries are all short, so JIT
# never pays for itself here. Set POSTGRES_JIT=1 to leave the server's setting alone.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("POSTGRES_JIT"):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/workspace/"
LOGOUT_REDIRECT_URL = "/"

# django-axes: lock an account and address out after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development, serve straight from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "lga_portal.storage.PortalStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Email: console in development; SMTP (or any backend) from the environment in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "support-offer@local.gov.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that does not answer must not hold a worker for long; the send is retried.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Background work (Django's tasks API, through the django-tasks backport): tasks are rows in the
# portal's own database, run by `manage.py db_worker` beside the web server, so nothing is lost
# while a worker or the mail server is down and no broker is needed. Every email goes this way.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# The cache: anonymous visitors' public pages, the API throttles and the support-request limits.
# With REDIS_URL, Redis, shared by every worker and server (lga_portal/cache.py: Django's Redis
# backend that answers as an empty cache while Redis is down, rather than breaking a page).
# Without it, CACHE_BACKEND (by default each process's own memory, which needs no server).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "lga_portal.cache.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "lga"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
            "LOCATION": os.environ.get("CACHE_LOCATION", "lga-portal"),
        }
    }

# Security headers; the HTTPS-only ones are on whenever DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # GOV.UK forms post normally; JS never reads the cookie.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health check over plain HTTP; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy (one, unless API_NUM_PROXIES says how many).
BEHIND_PROXY = env_bool("BEHIND_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- The analyst API (lga_portal/api/, each app's api module) -----------------------------
# Token and session authentication; deny by default (public viewsets say so); JSON in,
# JSON, CSV or the browsable API out; errors in one JSON shape; rates per address, per
# user and for the aggregates, from the environment, answered 429 with Retry-After.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "lga_portal.api.schema.PortalAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "lga_portal.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "lga_portal.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["lga_portal.api.parsers.BoundedJSONParser"],
    "EXCEPTION_HANDLER": "lga_portal.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "lga_portal.api.throttling.AnonThrottle",
        "lga_portal.api.throttling.UserThrottle",
        "lga_portal.api.throttling.ScopedThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
        "stats": os.environ.get("API_THROTTLE_STATS", "120/minute"),
    },
    # Proxies in front of the portal, so rates and limits count the client's address, not the
    # proxy's: API_NUM_PROXIES, else one with BEHIND_PROXY, else none. With none, X-Forwarded-For
    # (which any client can write) is ignored; left unset, DRF would count each forged value apart.
    "NUM_PROXIES": int(os.environ["API_NUM_PROXIES"]) if os.environ.get("API_NUM_PROXIES") else int(BEHIND_PROXY),
    "COERCE_DECIMAL_TO_STRING": False,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LGA support-offer portal API",
    "DESCRIPTION": (
        "The LGA's sector-led improvement catalogue, the council register, engagements, support requests, "
        "survey results and indicators, and aggregates (coverage, take-up, survey trends, unmet needs).\n\n"
        "**Authentication**: the catalogue, register, metrics and aggregates are public; engagements, "
        "support requests, unmet needs and a council's suggested offers need a token (`Authorization: Bearer "
        "<key>`, created at /api/tokens/) or a signed-in session.\n\n"
        "**Paging**: `page` and `page_size` (1 to 1,000, default 100; other values are refused with 400). "
        "The engagements feed pages by `cursor` instead.\n\n"
        "**CSV**: every list answers CSV with `?format=csv` or `Accept: text/csv`: the whole filtered list, "
        "streamed, with flat columns.\n\n"
        "An empty query parameter (`?theme=`) counts as not given.\n\n"
        "**Errors**: always JSON — `status`, `code`, `detail` and `errors` naming each parameter or field "
        "at fault.\n\n"
        "**Open data**: the catalogue as Open Referral HSDS 3.0 at /api/hsds/, described by its own OpenAPI "
        "document, /api/hsds/openapi.json."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "OfferStatusEnum": "offers.models.OfferStatus",
        "DeliveryEnum": "offers.models.Delivery",
        "CouncilKindEnum": "engagements.models.CouncilKind",
        "EngagementKindEnum": "engagements.models.EngagementKind",
        "EngagementStatusEnum": "engagements.models.EngagementStatus",
        "ChannelEnum": "engagements.models.Channel",
        "SupportRequestStatusEnum": "engagements.models.SupportRequestStatus",
        "IndicatorUnitEnum": "metrics.models.IndicatorUnit",
        "IndicatorMeasureEnum": "metrics.models.IndicatorMeasure",
        "DatePrecisionEnum": "lga_portal.dates.DatePrecision",
        "PublicationKindEnum": "offers.models.PublicationKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lga_portal.api.schema.describe_csv_answers",
        "lga_portal.api.schema.describe_common_fields",
    ],
}
# Longest an API token may last, in days (tokens always expire).
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "365"))


# The portal's own switches.
def _release() -> str:
    """An identifier of the code being served: RELEASE from the environment, else a hash of
    the templates' and static files' modification times."""
    if os.environ.get("RELEASE"):
        return os.environ["RELEASE"]
    import hashlib

    stamps = sorted(
        f"{path}:{path.stat().st_mtime_ns}"
        for folder in (BASE_DIR / "templates", BASE_DIR / "static")
        for path in folder.rglob("*")
        if path.is_file()
    )
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()[:12]


PORTAL = {
    # Identifies the deployed code; part of every ETag.
    "RELEASE": _release(),
    # The portal's public address, used in links inside emails.
    "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else ""),
    # Support requests allowed from one email address per rolling hour.
    "SUPPORT_REQUESTS_PER_HOUR": int(os.environ.get("SUPPORT_REQUESTS_PER_HOUR", "3")),
    # Support requests allowed from one client address per rolling hour, whatever the email
    # addresses; counted in the default cache (share it between workers: see CACHE_BACKEND).
    "SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR": int(os.environ.get("SUPPORT_REQUESTS_PER_ADDRESS_PER_HOUR", "5")),
    # Demo users and their printed passwords are refused when this is off.
    "ALLOW_DEMO_DATA": env_bool("ALLOW_DEMO_DATA", default=DEBUG),
    # Seconds to wait before each retry of an email the mail server did not take (1, 5 and 25
    # minutes); after the last retry fails the email is marked failed for a manager to retry.
    "EMAIL_RETRY_DELAYS": [int(s) for s in env_list("EMAIL_RETRY_DELAYS", "60,300,1500")],
    # Public pages for anonymous visitors come from the cache (lga_portal/page_cache.py), for at
    # most this many seconds; 0 turns the page cache off.
    "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "86400")),
    # What the pages show is versioned in the cache (moved on by the save signals) when every
    # worker shares it; with each process's own memory it is read from the database instead, as
    # a change made in one worker would not reach the others' caches.
    "PAGE_STATE_IN_CACHE": env_bool(
        "PAGE_STATE_IN_CACHE",
        default=CACHES["default"]["BACKEND"]
        not in ("django.core.cache.backends.locmem.LocMemCache", "django.core.cache.backends.dummy.DummyCache"),
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
