"""Settings for civicportal, driven entirely by environment variables.

Every variable is read and checked in `civicportal.config.load_config`; see
docs/configuration.md for the list. With nothing set, the portal runs on its embedded
defaults: a SpatiaLite file, a filesystem Celery broker and a real worker process.
"""

import os
from datetime import timedelta
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from civicportal.config import BASE_DIR, load_config

CONFIG = load_config(os.environ)

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
ALLOWED_HOSTS = CONFIG.allowed_hosts
SITE_URL = CONFIG.site_url
DATA_DIR = CONFIG.data_dir
DATA_DIR.mkdir(parents=True, exist_ok=True)

# The order of local apps follows the floors in DESIGN.md, lowest first.
LOCAL_APPS = [
    "apps.geo",
    "apps.accounts",
    "apps.notifications",
    "apps.neighbourhood",
    "apps.disastermap",
    "apps.childwatch",
    "apps.counter",
    "apps.alerts",
    "apps.opendata",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    *(["allauth.socialaccount.providers.line"] if CONFIG.line_login_enabled else []),
    *LOCAL_APPS,
    "civicportal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "civicportal.security.ContentSecurityPolicyMiddleware",
    "civicportal.security.OutOfRangeIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication and allauth: role holders set up a second factor before anything else.
    "apps.accounts.middleware.RequireSecondFactorMiddleware",
    # Axes must come last so it sees every failed login, wherever it came from.
    "axes.middleware.AxesMiddleware",
    "civicportal.errors.ApiErrorMiddleware",
]

ROOT_URLCONF = "civicportal.urls"
WSGI_APPLICATION = "civicportal.wsgi.application"
ASGI_APPLICATION = "civicportal.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "civicportal.context_processors.portal",
                "apps.notifications.context_processors.notifications",
                "apps.alerts.context_processors.alert_banner",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------

DATABASES = {"default": CONFIG.database}
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    SPATIALITE_LIBRARY_PATH = "mod_spatialite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if CONFIG.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "civicportal.cache.RedisCache",
            "LOCATION": CONFIG.redis_url,
            "KEY_PREFIX": "civicportal",
        }
    }
else:
    # A file cache is shared by the web server and the worker, unlike local memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Celery -----------------------------------------------------------------------------

if CONFIG.redis_url:
    CELERY_BROKER_URL = CONFIG.redis_url
    CELERY_RESULT_BACKEND = CONFIG.redis_url
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    # The embedded broker: kombu's filesystem transport, so a real worker process picks
    # tasks up without Redis or RabbitMQ. Results go to files next to it.
    _queue_dir = DATA_DIR / "celery" / "queue"
    _processed_dir = DATA_DIR / "celery" / "processed"
    _results_dir = DATA_DIR / "celery" / "results"
    _control_dir = DATA_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _results_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),
        "store_processed": False,
        # The transport polls its folder; a short interval keeps sending snappy.
        "polling_interval": 0.1,
    }
    CELERY_RESULT_BACKEND = f"file://{_results_dir}"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tokyo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "celery"
# The naive baseline of `manage.py bench_broadcast` (see apps/notifications/bench_tasks.py).
CELERY_IMPORTS = ["apps.notifications.bench_tasks"]
CELERY_BEAT_SCHEDULE = {
    "notifications-send-due": {"task": "notifications.send_due", "schedule": 30.0},
    "notifications-release-deferred": {"task": "notifications.release_deferred", "schedule": 60.0},
    "notifications-recover-stalled": {"task": "notifications.recover_stalled", "schedule": 120.0},
    # Child watch: gate passages older than each school's retention (default 90 days), once a day.
    "childwatch-purge-old-passages": {"task": "childwatch.purge_old_passages", "schedule": 24 * 60 * 60.0},
    # Alerts: read the CAP feeds of outside sources (JMA relays, the prefecture) every minute.
    "alerts-poll-feeds": {"task": "alerts.poll_feeds", "schedule": 60.0},
    # Counter: remind residents of procedures left on their life-event lists (each list weekly at most).
    "counter-life-event-reminders": {"task": "counter.send_life_event_reminders", "schedule": 60 * 60.0},
}

# --- Notifications ----------------------------------------------------------------------

NOTIFICATION_QUEUE = "celery"
# Emergency traffic has its own queue (and, in production, its own worker) so that normal
# traffic can never hold it up.
NOTIFICATION_EMERGENCY_QUEUE = "emergency"
# Celery rate limits per channel, in chunk tasks per worker process (None: unlimited).
NOTIFICATION_RATE_LIMITS = {"email": None, "line": None, "webpush": None, "sms": "10/s"}
LINE_MESSAGE_PRICE_YEN = CONFIG.line_message_price_yen
# Recipients resolved per fan-out step and per delivery task.
NOTIFICATION_CHUNK_SIZE = CONFIG.notification_chunk_size

# --- Accounts and login -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "apps.accounts.forms.SignupProfileForm"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[civicportal] "
SOCIALACCOUNT_PROVIDERS = {}
if CONFIG.line_login_enabled:
    SOCIALACCOUNT_PROVIDERS["line"] = {
        "APPS": [
            {
                "client_id": CONFIG.line_login_channel_id,
                "secret": CONFIG.line_login_channel_secret,
            }
        ],
        "SCOPE": ["profile", "openid", "email"],
        # Ask people signing in with LINE to add the city's account, so messages reach them.
        "AUTH_PARAMS": {"bot_prompt": "aggressive"},
    }

# Second factor: TOTP with recovery codes, required for roles that see personal data
# (apps/accounts/mfa.py). No passkeys or "trust this browser": a shared office PC must ask again.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "civicportal"
MFA_TRUST_ENABLED = False
MFA_ADAPTER = "apps.accounts.mfa_adapter.PortalMFAAdapter"

# Lock an account after five failed logins from one address for 30 minutes. allauth's own
# per-email limit would lock the account from every address (anyone could lock out any
# resident) and stop axes from seeing later attempts, so axes alone decides.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "apps.accounts.lockout.username_from_attempt"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# --- Language, time, static -------------------------------------------------------------

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Mail -------------------------------------------------------------------------------

EMAIL_BACKEND = CONFIG.mail.backend
EMAIL_HOST = CONFIG.mail.host
EMAIL_PORT = CONFIG.mail.port
EMAIL_HOST_USER = CONFIG.mail.user
EMAIL_HOST_PASSWORD = CONFIG.mail.password
EMAIL_USE_TLS = CONFIG.mail.use_tls
EMAIL_USE_SSL = CONFIG.mail.use_ssl
EMAIL_FILE_PATH = CONFIG.mail.file_path or str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = CONFIG.mail.default_from
SERVER_EMAIL = CONFIG.mail.default_from

# --- Channels the notifications engine will use ----------------------------------------

LINE_CHANNEL_SECRET = CONFIG.line_channel_secret
LINE_CHANNEL_ACCESS_TOKEN = CONFIG.line_channel_access_token
LINE_API_BASE = CONFIG.line_api_base
VAPID_PUBLIC_KEY = CONFIG.vapid_public_key
VAPID_PRIVATE_KEY = CONFIG.vapid_private_key
VAPID_SUBJECT = CONFIG.vapid_subject
SMS_API_URL = CONFIG.sms_api_url
SMS_API_KEY = CONFIG.sms_api_key
SMS_SENDER_ID = CONFIG.sms_sender_id
# The CAP <sender> of the city's alerts (and the stem of their identifiers).
CAP_SENDER_ID = CONFIG.cap_sender_id

# --- Map --------------------------------------------------------------------------------

MAP_TILES_URL = CONFIG.map_tiles_url
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (34.6617, 133.9350),
    "DEFAULT_ZOOM": 13,
    "MIN_ZOOM": 5,
    "MAX_ZOOM": 18,
    "TILES": [(_("Standard map"), CONFIG.map_tiles_url, {"attribution": CONFIG.map_tiles_attribution})],
    "ATTRIBUTION_PREFIX": "",
    "RESET_VIEW": False,
}

# --- API --------------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first, so an anonymous request gets 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.accounts.api_auth.SecondFactorTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "civicportal.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": "120/minute", "user": "600/minute",
        # Safety-check answer links: per link, plus a high per-address ceiling (shared mobile addresses).
        "safety_token": "20/minute", "safety_token_address": "30000/minute",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "civicportal API",
    "DESCRIPTION": "Public and resident API of the civicportal city portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The interactive docs are served from our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several apps have a "status" or "category" choice; name each set so clients get stable types.
    "ENUM_NAME_OVERRIDES": {
        "ShelterStatusEnum": "apps.disastermap.choices.ShelterStatus",
        "HazardEnum": "apps.disastermap.choices.Hazard",
        "CommunityFeatureCategoryEnum": "apps.disastermap.choices.CommunityFeatureCategory",
        "FeatureStatusEnum": "apps.disastermap.choices.FeatureStatus",
        "IncidentKindEnum": "apps.disastermap.choices.IncidentKind",
        "MessageCategoryEnum": "apps.notifications.choices.Category",
        "MessageStatusEnum": "apps.notifications.choices.MessageStatus",
        "PriorityEnum": "apps.notifications.choices.Priority",
        "AlertCategoryEnum": "apps.childwatch.choices.AlertCategory",
        "AlertPriorityEnum": "apps.childwatch.services.alerts.ALERT_PRIORITY_CHOICES",
        "EmergencyAlertStateEnum": "apps.alerts.choices.AlertState",
        "CounterTicketStateEnum": "apps.counter.models.floor.TicketState",
        "CapStatusEnum": "apps.alerts.choices.CapStatus",
        "CapMsgTypeEnum": "apps.alerts.choices.CapMsgType",
        "CapUrgencyEnum": "apps.alerts.choices.CapUrgency",
        "CapSeverityEnum": "apps.alerts.choices.CapSeverity",
        "CapCertaintyEnum": "apps.alerts.choices.CapCertainty",
        "EvacuationLevelEnum": "apps.alerts.choices.EvacuationLevel",
        "AbsenceKindEnum": "apps.childwatch.choices.AbsenceKind",
        "AbsenceReasonEnum": "apps.childwatch.choices.AbsenceReason",
        "SurveyQuestionKindEnum": "apps.neighbourhood.choices.QuestionKind",
        "PostStatusEnum": "apps.neighbourhood.choices.PostStatus",
        "PostCategoryEnum": "apps.neighbourhood.choices.PostCategory",
        "PostKindEnum": "apps.neighbourhood.choices.PostKind",
        "VisibilityEnum": "apps.neighbourhood.choices.Visibility",
        "MemberRoleEnum": "apps.neighbourhood.choices.MemberRole",
        "MembershipStatusEnum": "apps.neighbourhood.choices.MembershipStatus",
        "NetworkRoleEnum": "apps.neighbourhood.choices.NetworkRole",
        "NetworkChannelEnum": "apps.neighbourhood.choices.NetworkChannel",
        "RSVPAnswerEnum": "apps.neighbourhood.choices.RSVPAnswer",
        "ReactionKindEnum": "apps.neighbourhood.choices.ReactionKind",
        "SafetyStatusEnum": "apps.neighbourhood.choices.SafetyStatus",
        "GateDirectionEnum": "apps.childwatch.choices.Direction",
        "TagStatusEnum": "apps.childwatch.choices.TagStatus",
        "PlanStatusEnum": "apps.childwatch.choices.PlanStatus",
        "AlertReplyEnum": "apps.childwatch.choices.ReplyChoice",
        "AlertScopeEnum": "apps.childwatch.choices.AlertScope",
        "AccountRoleEnum": "apps.accounts.roles.Role",
        "CounterApplicationStatusEnum": "apps.counter.choices_procedures.ApplicationStatus",
        "CounterStepStatusEnum": "apps.counter.choices_procedures.StepStatus",
        "CounterPaymentStatusEnum": "apps.counter.choices_procedures.PaymentStatus",
        "CounterChannelEnum": "apps.counter.choices_procedures.Channel",
        "CounterFieldKindEnum": "apps.counter.choices_procedures.FieldKind",
        "CounterEventKindEnum": "apps.counter.choices_procedures.EventKind",
        "CounterPlanItemMarkEnum": "apps.counter.choices_procedures.RESIDENT_ITEM_STATUSES",
    },
}

# --- Security ---------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSP_IMG_HOSTS = [
    f"{parts.scheme}://{parts.netloc}" for parts in [urlsplit(CONFIG.map_tiles_url)] if parts.netloc
]
if not DEBUG:
    SECURE_SSL_REDIRECT = CONFIG.ssl_redirect
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = CONFIG.hsts_preload
    CSRF_TRUSTED_ORIGINS = [SITE_URL]
    if CONFIG.trust_forwarded_proto:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Debian 12 ships GDAL 3.6, which cannot block file and network access from malicious
# spatial reference strings. Only city staff import spatial files (through the admin and
# management commands), never anonymous users; see docs/security.md.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
