"""Settings for the advocacy platform, read from the environment.

With nothing set, the project runs on its *embedded default*: a SQLite file,
Celery tasks executed eagerly in-process and email written to files. Setting
``DATABASE_URL``, ``REDIS_URL`` and ``EMAIL_URL`` switches to real services with
no code change. ``ADVOCACY_ENV=production`` turns on the production hardening and
refuses to start with an insecure setting.
"""

from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from core import production
from core.country_names import gettext_noop, name_as_written

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

ENVIRONMENT = env.str("ADVOCACY_ENV", default="local")
IS_PRODUCTION = ENVIRONMENT == "production"

INSECURE_DEFAULT_SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_DEFAULT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address used in emails sent by workers, which have no request to build it from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Before the admin, which it extends with per-language fields.
    "modeltranslation",
    # Before django.contrib.auth, so that its createsuperuser (which vouches for the address) is the one run.
    "accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, for FORM_RENDERER below.
    "django.forms",
    "django_countries",
    "csp",
    "django_celery_beat",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # The helpers the apps share; registers their system checks.
    "core",
    "campaigns",
    "signatories",
    "mailings",
    "privacy",
    "presskit",
    "outreach",
    "integrations",
    # The pages, over the core apps: the public site and the staff side (the admin of every app).
    "public_site",
    "staff",
    # The API for partners and machines (docs/api.md).
    "api",
    "rest_framework",
    "drf_spectacular",
    # The demo campaign (manage.py load_demo_campaign): above every app, imported by none.
    "demo",
]

MIDDLEWARE = [
    # First: it compresses what every other middleware has written.
    "core.middleware.TextGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.DropTrackingParametersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.middleware.RememberedLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffSecondFactorMiddleware",
    # Lets the audit trail record which staff user made a change in the admin.
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"

# Widgets are drawn from the project's templates too (templates/admin/widgets/ labels the
# admin's date and time inputs).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

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
            ]
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A new connection per request costs more than most pages.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A database host that drops packets answers no connection attempt: give up after this long
    # (libpq waits for the operating system's TCP timeout, minutes, by default).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery --------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# A Redis that stops answering (hung, paused, a half-open connection) must cost a request
# a second, not hang it: seconds to open a connection, and to wait for each reply. Redis
# answers in well under a millisecond when it is well, so these only ever end an outage.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=1.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.0)
# After Redis failed to answer, each process gives up on it at once for this long instead of
# waiting out a timeout per command (core/redis_outages.py), then asks again.
REDIS_OUTAGE_PAUSE_SECONDS = env.float("REDIS_OUTAGE_PAUSE_SECONDS", default=10.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "pool_class": "core.redis_outages.FailFastConnectionPool",
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
# Without a broker the embedded default runs every task in-process, right away.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Fail fast when the broker is down or silent: the database outbox catches up later
# (signatories.tasks.send_unsent_confirmation_emails, mailings.tasks.dispatch_due_mailings).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
    # Connecting: one attempt, no second one after a pause.
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
# Publishing (`.delay()`): no retry either; a task that cannot be handed over now is found by its sweep.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0, "interval_max": 0}
# Unused while CELERY_RESULT_BACKEND is None; bounded all the same should one be configured.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Touched by beat after each tick when it runs core.health:HeartbeatScheduler (as in docker-compose.yml),
# whose health check finds it fresh: empty, no file.
BEAT_HEARTBEAT_FILE = env.str("BEAT_HEARTBEAT_FILE", default="")
CELERY_BEAT_SCHEDULE = {
    "send-unsent-confirmation-emails": {"task": "signatories.tasks.send_unsent_confirmation_emails", "schedule": 60.0},
    "record-pending-sign-on-submissions": {
        "task": "signatories.tasks.record_pending_sign_on_submissions",
        "schedule": 30.0,
    },
    "dispatch-due-mailings": {
        "task": "mailings.tasks.dispatch_due_mailings",
        # Also restarts a mailing whose senders died: with the lease and stall times below,
        # sending resumes within about 25 s of a worker crash.
        "schedule": env.float("MAILING_DISPATCH_INTERVAL", default=10.0),
    },
    "discard-stale-sign-on-uploads": {"task": "signatories.tasks.discard_stale_sign_on_uploads", "schedule": 3600.0},
    "rebuild-stale-documents": {"task": "presskit.tasks.rebuild_stale_documents", "schedule": 60.0},
    # Partners' webhooks: what to tell them, and the retries of what their servers did not take.
    "send-partner-notifications": {"task": "integrations.tasks.send_notifications", "schedule": 30.0},
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": env.float("RETENTION_RUN_INTERVAL", default=6 * 3600.0),
    },
}

# --- Email ------------------------------------------------------------------------
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
# A transactional-email provider through django-anymail: set EMAIL_BACKEND to e.g.
# "anymail.backends.mailgun.EmailBackend" and ANYMAIL to its JSON settings.
ANYMAIL = env.json("ANYMAIL", default={})
# Bounces and complaints (docs/deployment.md): the provider named here ("mailgun" or "postmark";
# empty: none) posts its events to /email-events/<provider>/ with HTTP basic auth
# ANYMAIL_WEBHOOK_SECRET ("user:password"); Mailgun signs them too, with its webhook signing key.
# Taken into ANYMAIL only when set: anymail would take an empty key as a key anyone can sign with.
EMAIL_EVENTS_PROVIDER = env.str("EMAIL_EVENTS_PROVIDER", default="")
for _name in ("WEBHOOK_SECRET", "MAILGUN_WEBHOOK_SIGNING_KEY"):
    if env.str(f"ANYMAIL_{_name}", default=""):
        ANYMAIL[_name] = env.str(f"ANYMAIL_{_name}")
# Seconds an SMTP server may take to accept the connection and to answer each command: a server
# that accepts and never answers fails the send after this long (retried later) instead of holding
# the worker. Anymail's HTTP APIs have their own timeout (ANYMAIL["REQUESTS_TIMEOUT"], 30 s).
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=10.0)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Coalition campaigns <campaigns@localhost>")
# Sender of the error reports to ADMINS (below).
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where replies to campaign email and to signer emails that invite one (a rejection) go, unless the
# campaign names its own reply-to address. Empty: no Reply-To header, replies go to the sender.
DEFAULT_REPLY_TO = env.str("DEFAULT_REPLY_TO", default="")
# Right-hand side of the Message-ID of campaign email: stable per delivery across retries.
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default=urlsplit(SITE_URL).hostname or "localhost")
# Campaign email (invitations, reminders, press releases) sent per minute, all workers together.
MAILING_RATE_LIMIT_PER_MINUTE = env.int("MAILING_RATE_LIMIT_PER_MINUTE", default=600)
MAILING_MAX_ATTEMPTS = env.int("MAILING_MAX_ATTEMPTS", default=5)
# Sender tasks started per mailing; they share the deliveries row by row.
MAILING_PARALLEL_SENDERS = env.int("MAILING_PARALLEL_SENDERS", default=2)
# A sender leases this many deliveries at a time, for this long (a dead sender's rows wait that long);
# a live sender renews its lease every third of it, so each send starts with 10 s of it left at least.
MAILING_CLAIM_BATCH = env.int("MAILING_CLAIM_BATCH", default=50)
MAILING_CLAIM_LEASE_SECONDS = env.int("MAILING_CLAIM_LEASE_SECONDS", default=15)
# A sender gives its worker back after this long (and queues its next turn behind what
# waits, e.g. confirmation emails), rather than keeping it for the whole mailing.
MAILING_SENDER_TURN_SECONDS = env.float("MAILING_SENDER_TURN_SECONDS", default=15.0)
# A sending mailing with no delivery sent for this long, and no lease held, gets new senders.
MAILING_STALL_SECONDS = env.int("MAILING_STALL_SECONDS", default=15)
# First wait before retrying an address that said "later"; it doubles each time.
MAILING_RETRY_BASE_SECONDS = env.int("MAILING_RETRY_BASE_SECONDS", default=60)

# --- Accounts ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners open links: confirming takes a button
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Per IP, per address and per failed key; kept in the cache, which is Redis when REDIS_URL is set.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {"activate_totp": "public_site.forms.accounts.ActivateTOTPForm"}
# One 30-second step either side: a code typed as it changes, or read from a phone whose clock
# drifts a little, is still accepted (RFC 6238, section 6); each code still works only once.
MFA_TOTP_TOLERANCE = 1
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Coalition campaigns")
LOGIN_REDIRECT_URL = "accounts:home"
LOGIN_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Audit trail (django-simple-history) -------------------------------------------
# The history is a record, not an undo button: a revert would bypass the services
# (no email, no merge record) and could break what they guarantee.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Internationalization ---------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Statements, demands, campaigns… have one column per language (campaigns/translation.py).
# A missing translation falls back through these; the statement page itself shows an
# untranslated statement in its original language (Statement.text_language).
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = tuple(code for code, _name in LANGUAGES)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Country names as people write them: django-countries' common names ("Bolivia", not
# "Bolivia, Plurinational State of"; its default), and these where ISO's name or a
# translation of it reads oddly ("Naoero", "Bahamas (The)", "Palestine, État de",
# "جنوب افريقيا (الجمهورية)"). Our catalogs translate them; until they do, a language
# shows django-countries' own translation (core/country_names.py).
COUNTRIES_COMMON_NAMES = True
COUNTRIES_OVERRIDE = {
    code: name_as_written(code, name)
    for code, name in [
        ("BS", gettext_noop("Bahamas")),
        ("CD", gettext_noop("Democratic Republic of the Congo")),
        ("FM", gettext_noop("Micronesia")),
        ("NR", gettext_noop("Nauru")),
        ("PS", gettext_noop("Palestine")),
        ("RE", gettext_noop("Réunion")),
        ("SA", gettext_noop("Saudi Arabia")),
        ("SZ", gettext_noop("Eswatini")),
        ("US", gettext_noop("United States")),
        ("VG", gettext_noop("British Virgin Islands")),
        ("VI", gettext_noop("U.S. Virgin Islands")),
        ("ZA", gettext_noop("South Africa")),
    ]
}

# --- Static files -----------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic gathers them for production (the image: /app/staticfiles).
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Locally, serve static files straight from the source folders: no collectstatic step.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
WHITENOISE_AUTOREFRESH = not IS_PRODUCTION
# Documents built by the worker (signed letters, publication lists, press kit archives, staff exports):
# one rebuild per document at most this often while its list keeps changing (the last change is always
# in a build: the sweep checks every minute); a build not finished after DOCUMENT_BUILD_LEASE_SECONDS
# is taken for dead and started again; staff exports are deleted after DOCUMENT_EXPORT_KEEP_DAYS.
# Without a broker (the embedded default) tasks run at once, so every change is built at once too.
DOCUMENT_REBUILD_INTERVAL_SECONDS = env.int("DOCUMENT_REBUILD_INTERVAL_SECONDS", default=300 if REDIS_URL else 0)
DOCUMENT_BUILD_LEASE_SECONDS = env.int("DOCUMENT_BUILD_LEASE_SECONDS", default=3600)
DOCUMENT_EXPORT_KEEP_DAYS = env.int("DOCUMENT_EXPORT_KEEP_DAYS", default=7)
# Uploaded press kit files; never served by WhiteNoise: public_site.views.presskit serves them (embargo, counts).
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

# --- Sign-on ----------------------------------------------------------------------
# Bump when the privacy notice text changes: every sign-on records the version agreed to.
PRIVACY_NOTICE_VERSION = "2026-11-23.2"
SIGN_ON_CONFIRMATION_MAX_AGE = env.int("SIGN_ON_CONFIRMATION_MAX_AGE", default=14 * 24 * 3600)
# A worker leases a confirmation email for this long before sending it; if it dies before the
# mail server took the email, the sweep sends it again once the lease ran out (same Message-ID).
SIGN_ON_CONFIRMATION_LEASE_SECONDS = env.int("SIGN_ON_CONFIRMATION_LEASE_SECONDS", default=60)
# Importing sign-ons (signatories/imports.py): the largest file staff may upload, and its most rows.
SIGN_ON_IMPORT_MAX_BYTES = env.int("SIGN_ON_IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
SIGN_ON_IMPORT_MAX_ROWS = env.int("SIGN_ON_IMPORT_MAX_ROWS", default=10_000)
# A worker checks and imports the file; the page waits this long for it before saying it still runs.
SIGN_ON_IMPORT_PAGE_WAIT_SECONDS = env.float("SIGN_ON_IMPORT_PAGE_WAIT_SECONDS", default=5.0)

# --- Partner sites -----------------------------------------------------------------
# Who may frame the signatory widget (a CSP frame-ancestors list); every other page is DENY.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["https:", "http:"])
# The signed letter ships DejaVu Sans (Latin, Greek, Cyrillic, Arabic, Hebrew): empty means that.
# SIGNED_LETTER_FONT / _BOLD_FONT replace it (TrueType paths); _FALLBACK_FONTS are tried, in order,
# for a character the letter's font lacks, then DejaVu Sans, then the first of SYSTEM_CJK_FONTS
# that exists: Debian's fonts-wqy-zenhei (Chinese, Japanese, Korean), installed in the Docker
# image, too large (17 MB) to ship in the repository.
SIGNED_LETTER_FONT = env.str("SIGNED_LETTER_FONT", default="")
SIGNED_LETTER_BOLD_FONT = env.str("SIGNED_LETTER_BOLD_FONT", default="")
SIGNED_LETTER_FALLBACK_FONTS = env.list("SIGNED_LETTER_FALLBACK_FONTS", default=[])
SYSTEM_CJK_FONTS = env.list("SYSTEM_CJK_FONTS", default=["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"])

# --- The statement page (public_site/statement_page.py) -------------------------------
# Anonymous readers of a statement page see a change (a new signatory, an edit) within
# this many seconds: each worker asks the database whether the page changed at most
# this often per statement, instead of on every view (0: on every view).
STATEMENT_PAGE_FRESH_SECONDS = env.float("STATEMENT_PAGE_FRESH_SECONDS", default=1.0)

# --- Abuse protection (core/rate_limits.py, core/spam_protection.py) --------
# Attempts per window ("5/h", "30/10m", "100/d"), per client (a keyed hash of its IP
# address, never the address) and per email address, counted in the shared cache.
RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "sign-on": {
        "client": env.str("RATE_LIMIT_SIGN_ON_PER_CLIENT", default="30/h"),
        "email": env.str("RATE_LIMIT_SIGN_ON_PER_EMAIL", default="5/h"),
    },
    # "Tell us what you did" reports on outreach actions.
    "report": {
        "client": env.str("RATE_LIMIT_REPORT_PER_CLIENT", default="20/h"),
        "email": env.str("RATE_LIMIT_REPORT_PER_EMAIL", default="10/h"),
    },
    # Fresh unsubscribe links asked for from an expired one: each sends an email.
    "unsubscribe-link": {"client": "10/h", "email": "3/d"},
}
RATE_LIMIT_CACHE_PREFIX = "rate-limit"
# Reverse proxies in front of the site that append to X-Forwarded-For (0: use the peer address).
RATE_LIMIT_TRUSTED_PROXIES = env.int("RATE_LIMIT_TRUSTED_PROXIES", default=0)
# A public form sent back sooner than this after it was shown is not a person's.
SPAM_PROTECTION_MIN_SECONDS = env.float("SPAM_PROTECTION_MIN_SECONDS", default=3.0)
SPAM_PROTECTION_MAX_AGE = env.int("SPAM_PROTECTION_MAX_AGE", default=7 * 24 * 3600)
# A form stamp is good for one submission (recorded in the cache): one stamp fetched once
# cannot be replayed for many sign-ons. Off only in the benchmark, which replays one.
SPAM_PROTECTION_SINGLE_USE_STAMPS = True
# Unsubscribe links in campaign email work this long; an older one asks for the address.
UNSUBSCRIBE_LINK_MAX_AGE = env.int("UNSUBSCRIBE_LINK_MAX_AGE", default=365 * 24 * 3600)

# --- Logging and error reports ------------------------------------------------------
# Log records never carry contact details: services log ids, not emails or names. What they
# cannot control (a failed request's path, an exception's message) is scrubbed on the way out,
# as are the error reports, which star out names, emails and link tokens as well as passwords:
# one set of rules, core/error_reports.py.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.error_reports.PersonalDataExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "core.error_reports.PersonalDataExceptionReporter"
# Who gets an email for each error of a web request (a 500): "Name <address>" or plain addresses,
# comma-separated. Empty: nobody. Errors of the workers reach SENTRY_DSN, and the logs.
ADMINS = [(name, address) for name, address in getaddresses(env.list("ADMINS", default=[])) if address]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "core.error_reports.PersonalDataLogFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Django's own errors (a 500) by email to ADMINS, as by default, but scrubbed; and to the console.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}
# An error tracker (Sentry, or one that speaks its protocol such as GlitchTip), only when set:
# errors of the web and the workers, scrubbed like the logs (core.error_reports.scrub_event).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from core.error_reports import start_error_tracker

    start_error_tracker(dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default=ENVIRONMENT))

# Partners' webhooks (integrations/outbound.py): the worker sends only to https:// addresses whose host
# resolves to public internet addresses, never into the hosting network (127.0.0.1, 10.x, 169.254.169.254…).
# A local receiver (a developer's, a test's) needs both switches on; production refuses the second
# unless ALLOW_IN_PRODUCTION names webhooks-private.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)

# --- Production hardening ---------------------------------------------------------
# Production refuses to start with a setting that only suits one machine (core/production.py):
# SITE_URL on localhost or not https, SQLite, eager tasks, a per-process cache, email not sent.
# The operator who means one names it here, and that one only is accepted (check --deploy still warns):
# ALLOW_IN_PRODUCTION=site-url,sqlite,eager-tasks,local-cache,local-email,webhooks-private.
ALLOW_IN_PRODUCTION = env.list("ALLOW_IN_PRODUCTION", default=[])
if IS_PRODUCTION:
    refusal = production.refusal(
        production.problems(
            debug=DEBUG,
            secret_key_is_weak=SECRET_KEY == INSECURE_DEFAULT_SECRET_KEY or len(SECRET_KEY) < 40,
            allowed_hosts=ALLOWED_HOSTS,
            site_url=SITE_URL,
            database_engine=DATABASES["default"]["ENGINE"],
            task_always_eager=CELERY_TASK_ALWAYS_EAGER,
            broker_url=CELERY_BROKER_URL,
            cache_backend=CACHES["default"]["BACKEND"],
            email_backend=EMAIL_BACKEND,
            allowed=ALLOW_IN_PRODUCTION,
            webhooks_to_private_addresses=WEBHOOKS_ALLOW_PRIVATE_ADDRESSES,
        ),
        ALLOW_IN_PRODUCTION,
    )
    if refusal:
        # One line, printed by manage.py, advocacy/wsgi.py and advocacy/celery.py instead of a traceback.
        raise production.RefusedInProduction(refusal)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # HSTS: browsers that saw the site refuse plain HTTP to it for SECURE_HSTS_SECONDS, whatever a
    # network does. A month by default: a returning visitor on a hostile network is covered, and a
    # mistake (the site moved to a host without HTTPS) wears off within weeks. The same header with
    # includeSubDomains would bind every other site on the NGO's domain (a blog, a webmail, a shop
    # that may be HTTP only), and preload ships that in browsers for months after it is removed:
    # both only when the operator asks. Preload needs a year and the subdomains (hstspreload.org).
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_PRELOAD)
    SECURE_HSTS_SECONDS = env.int(
        "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if SECURE_HSTS_PRELOAD else 30 * 24 * 3600
    )
    # Django's deployment check warns while these two are off: they are off on purpose (above).
    SILENCED_SYSTEM_CHECKS = [
        *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
        *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    ]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No third-party script, font or frame, and no inline script: pages work without
# JavaScript, and what little there is comes from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],  # except the widget: EMBED_FRAME_ANCESTORS
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# The API (api/, docs/api.md): JSON only, public and read-only for now, described by OpenAPI.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Nobody signs in to the public API: no session, so no CSRF and no staff rights through it.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Requests per key (api.authentication.PerKeyThrottle), counted in the cache.
    "DEFAULT_THROTTLE_RATES": {"partner_key": env.str("API_KEY_RATE", default="120/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coalition campaigns API",
    "DESCRIPTION": (
        "Campaigns, statements (their text in each language, demands, sections and demands tracker) and "
        "the signatories their public lists name, with the same fields and privacy rules as the JSON feeds: "
        "signatures that are not listed are counted, never named, and no contact detail is ever given."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}
