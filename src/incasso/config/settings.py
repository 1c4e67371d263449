"""Incasso settings, read top to bottom.

Development defaults are safe and need nothing; production sets the variables listed in
README ("Production settings") and passes `incasso check --deploy`.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from incasso.config.env import env_bool, env_int, env_list, env_secret, env_str, env_url

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("INCASSO_BASE_DIR", str(PACKAGE_DIR.parent.parent)))
VAR_DIR = Path(env_str("INCASSO_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # SQLite cannot create its folder

DEBUG = env_bool("INCASSO_DEBUG", True)
SECRET_KEY = env_str("INCASSO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789")
ALLOWED_HOSTS = env_list("INCASSO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("INCASSO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",
    "incasso.core",
    "incasso.clients",
    "incasso.debtors",
    "incasso.accounts",
    "incasso.audit",
    "incasso.cases",
    "incasso.rates",
    "incasso.intake",
    "incasso.strategies",
    "incasso.payments",
    "incasso.arrangements",
    "incasso.legal",
    "incasso.letters",
    "incasso.api",
    "incasso.reports",
    "incasso.portal",
    "incasso.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "incasso.config.urls"
WSGI_APPLICATION = "incasso.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            "builtins": ["incasso.core.templatetags.incasso_format"],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'incasso.sqlite3'}"),
        conn_max_age=env_int("INCASSO_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and a db_worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cases:list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("INCASSO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]  # project-wide assets: incasso.css, vendored htmx
MEDIA_ROOT = Path(env_str("INCASSO_MEDIA_ROOT", str(VAR_DIR / "documents")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("INCASSO_EMAIL_HOST", "127.0.0.1"),
            "port": env_int("INCASSO_EMAIL_PORT", 25),
            "timeout": 20,
        },
    }
}
if env_str("INCASSO_EMAIL_FILE_PATH", ""):  # no mail server (the demo, trying out): one file per e-mail
    MAILERS["default"] = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": env_str("INCASSO_EMAIL_FILE_PATH", "")},
    }
DEFAULT_FROM_EMAIL = env_str("INCASSO_DEFAULT_FROM_EMAIL", "incasso@localhost")

# Production hardening: all on when DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("INCASSO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("INCASSO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("INCASSO_BEHIND_PROXY", False) else None
)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("INCASSO_LOG_LEVEL", "WARNING")},
}

# The daily run from the screen is queued as this many background tasks, each a part of the due
# cases (by debtor); run as many `db_worker` processes to have the parts run side by side.
INCASSO_RUN_PARTS = max(1, env_int("INCASSO_RUN_PARTS", 1))

# Domain settings
# Collection rules (Wki conduct rules, rules-nl.md §5). The window may be made narrower, never wider.
INCASSO_CONTACT_WINDOW = (
    env_str("INCASSO_CONTACT_WINDOW_START", "07:00"),
    env_str("INCASSO_CONTACT_WINDOW_END", "20:00"),
)
INCASSO_CONTACT_LIMITS = {  # contacts per channel per 7 days
    "phone": env_int("INCASSO_CONTACT_LIMIT_PHONE", 3),
    "letter": env_int("INCASSO_CONTACT_LIMIT_LETTER", 1),
    "email": env_int("INCASSO_CONTACT_LIMIT_EMAIL", 2),
    "sms": env_int("INCASSO_CONTACT_LIMIT_SMS", 2),
}
INCASSO_RUN_HORIZON_DAYS = env_int("INCASSO_RUN_HORIZON_DAYS", 0)  # how far ahead `run daily --date` may go

# Payment arrangements: what an officer may agree alone; beyond it a supervisor approves.
INCASSO_ARRANGEMENT_OFFICER_MAX_MONTHS = env_int("INCASSO_ARRANGEMENT_OFFICER_MAX_MONTHS", 6)
INCASSO_ARRANGEMENT_OFFICER_MAX_BALANCE = env_str("INCASSO_ARRANGEMENT_OFFICER_MAX_BALANCE", "2500.00")
INCASSO_SETTLEMENT_OFFICER_MAX_DISCOUNT_PERCENT = env_str(
    "INCASSO_SETTLEMENT_OFFICER_MAX_DISCOUNT_PERCENT", "10"
)
INCASSO_DISPUTE_OVERDUE_DAYS = env_int("INCASSO_DISPUTE_OVERDUE_DAYS", 30)
# Years a debtor's personal data is kept after their last case closed (GDPR); the Bki requires at least 2.
INCASSO_RETENTION_YEARS = env_int("INCASSO_RETENTION_YEARS", 5)

# The access log (who saw which case) is kept this many days, then pruned by the daily run and
# `incasso audit prune`. Two years: a complaint or a suspicion of snooping usually surfaces within
# months, the yearly log review (NEN 7513) needs the last full year, and the AVG asks not to keep
# what is no longer needed. A client whose own policy asks for longer sets it higher.
INCASSO_ACCESS_LOG_DAYS = env_int("INCASSO_ACCESS_LOG_DAYS", 730, minimum=1)

# The agency itself, printed on agreements and hand-over documents (letters use the Letterhead model).
INCASSO_AGENCY = {
    "name": env_str("INCASSO_AGENCY_NAME", "Incasso"),
    "address": env_str("INCASSO_AGENCY_ADDRESS", ""),
    "iban": env_str("INCASSO_AGENCY_IBAN", ""),
}

# Incasso as its staff and client users reach it (absolute, e.g. https://incasso.incassobureau.nl): the
# e-mail that tells a client a question waits links to the Questions page. Empty: the e-mail names the menu.
INCASSO_SITE_URL = env_url("INCASSO_SITE_URL", "")
# Days a client is given to answer a question (the officer's task to chase the answer falls due then).
INCASSO_CLIENT_QUESTION_DAYS = max(1, env_int("INCASSO_CLIENT_QUESTION_DAYS", 5))

# Limitation: whether a payment counts as an acknowledgement that interrupts it (art. 3:318 BW; common practice).
INCASSO_PAYMENT_INTERRUPTS_LIMITATION = env_bool("INCASSO_PAYMENT_INTERRUPTS_LIMITATION", True)

# The debtor portal as the debtor reaches it (absolute, e.g. https://mijn.incassobureau.nl/portaal/):
# letters and e-mails name it with the three login facts. Empty: the portal is not advertised.
INCASSO_PORTAL_URL = env_url("INCASSO_PORTAL_URL", "")
# Portal login attempts (the case number as typed and the IP address: personal data) are deleted after
# this many days, a batch on every login try; the throttle itself looks back 30 minutes.
INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS = max(1, env_int("INCASSO_PORTAL_ATTEMPT_RETENTION_DAYS", 30))

# SMS provider for text messages (MessageBird/Bird REST API); empty provider: SMS steps fail with a reason.
INCASSO_SMS_PROVIDER = env_str("INCASSO_SMS_PROVIDER", "")
INCASSO_SMS_BASE_URL = env_str("INCASSO_SMS_BASE_URL", "https://rest.messagebird.com")
INCASSO_SMS_ACCESS_KEY = env_str("INCASSO_SMS_ACCESS_KEY", "")
INCASSO_SMS_ORIGINATOR = env_str("INCASSO_SMS_ORIGINATOR", "Incasso")
# The secret in the status-report URL the provider calls (/letters/sms/status/<token>/, README "SMS
# status reports"); empty: that URL answers 404 and no report is read.
INCASSO_SMS_WEBHOOK_TOKEN = env_secret("INCASSO_SMS_WEBHOOK_TOKEN", min_length=24)
# MessageBird's signing key (dashboard, Developers → API settings): set, every status report must carry
# a valid MessageBird-Signature-JWT for the URL it called and its body, or it is refused with 403.
INCASSO_SMS_SIGNING_KEY = env_str("INCASSO_SMS_SIGNING_KEY", "")

# SEPA: the agency as creditor for direct debits and as payer of remittances.
INCASSO_SEPA_CREDITOR_NAME = env_str("INCASSO_SEPA_CREDITOR_NAME", "Incasso B.V.")
INCASSO_SEPA_CREDITOR_IBAN = env_str("INCASSO_SEPA_CREDITOR_IBAN", "NL20INGB0001234567")
INCASSO_SEPA_CREDITOR_BIC = env_str("INCASSO_SEPA_CREDITOR_BIC", "")  # derived from the IBAN when empty
INCASSO_SEPA_CREDITOR_ID = env_str("INCASSO_SEPA_CREDITOR_ID", "NL98ZZZ999999990000")
