"""neuromatch settings, read from the environment.

Local use needs nothing set: SQLite in the project folder, DEBUG off unless `DEBUG=true`.
`make run` and `make test` set `DEBUG=true`; production sets `SECRET_KEY`, `ALLOWED_HOSTS`,
`DATABASE_URL` and the HTTPS switches.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
INSECURE_KEY_PREFIX = "django-insecure-"


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_str(name: str, default: str) -> str:
    """The variable's value, or `default` when it is unset or blank."""
    return os.environ.get(name, "").strip() or default


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


def email_url_settings(url: str) -> dict[str, object]:
    """Django's e-mail settings from an `EMAIL_URL`.

    `smtp://user:password@host:587?tls=true` (STARTTLS), `smtp+tls://…` (the same),
    `smtps://…` or `smtp+ssl://…` (TLS from the start, port 465), `console://` (print e-mails).
    User and password are percent-decoded, so `@` in a user name is written `%40`.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtp+tls://, smtps:// or console://, not {url!r}."
        )
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL names no host, e.g. smtp+tls://user:pass@host:587.")
    options = {key.lower(): value.lower() for key, value in parse_qsl(parts.query)}
    ssl = scheme in {"smtps", "smtp+ssl"} or options.get("ssl") in _TRUE
    tls = not ssl and (scheme == "smtp+tls" or options.get("tls") in _TRUE)
    try:
        port = parts.port or (465 if ssl else 587 if tls else 25)
    except ValueError:
        raise ImproperlyConfigured(f"EMAIL_URL has a bad port: {url!r}.") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
    }


def cache_settings(url: str, *, enabled: bool) -> dict[str, object]:
    """The default cache: `CACHE_URL` (`redis://host:6379/1`, `rediss://…`) when given, else
    one in-process cache per worker; a dummy cache when `enabled` is off."""
    if not enabled:
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "neuromatch-pages",
            "TIMEOUT": 600,
            "OPTIONS": {"MAX_ENTRIES": 300},  # a 100-program /list/ page is kept as ~25 kB of gzip
        }
    if urlsplit(url).scheme.lower() not in {"redis", "rediss", "unix"}:
        raise ImproperlyConfigured(
            f"CACHE_URL must be a redis://, rediss:// or unix:// address, not {url!r}."
        )
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "TIMEOUT": 600,
        "KEY_PREFIX": "neuromatch",
    }


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, "
            "or set DEBUG=true for local use."
        )
    SECRET_KEY = INSECURE_KEY_PREFIX + "local-development-only-never-use-in-production"
elif not DEBUG and (SECRET_KEY.startswith(INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key or shorter than 50 characters; "
        "generate a new one for production."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "neuromatch.views.csrf_failure"  # the site's own page, not Django's bare one

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "allauth",
    "allauth.account",
    "axes",
    "neuromatch",
    "programs",
    "applicants",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "neuromatch.accounts.SignInRequiredMiddleware",  # Django's, plus a 401 for htmx
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "neuromatch.accounts.EmailNotSentMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "neuromatch.urls"

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
                "programs.context_processors.catalogue",
            ],
        },
    },
]

WSGI_APPLICATION = "neuromatch.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several readers and one writer without "database is locked" under the dev server: a
    # writer waits up to 20 s for the one before it (5 s, the default, ran out on a busy machine).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Rendered /programs/ and /list/ pages and list analyses (neuromatch.caching), and allauth's
# rate limits: keys carry a version read from the database, so no worker serves stale HTML.
# CACHE_URL (redis://127.0.0.1:6379/1) shares one Redis cache between app servers; without it
# each worker keeps its own. Off by default under DEBUG, where templates change under the
# developer (tests/test_page_caching.py turns it on); PAGE_CACHE=true/false overrides.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {"default": cache_settings(CACHE_URL, enabled=env_bool("PAGE_CACHE", not DEBUG))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (django-allauth): sign-up, sign-in by username or e-mail, e-mail verification,
# password reset, rate limits. Verification is mandatory unless DEBUG (then optional, so a
# local sign-up goes straight in); ACCOUNT_EMAIL_VERIFICATION=mandatory|optional|none overrides.
# Sign-up hides whether an e-mail address is registered only when verification is mandatory
# (a deploy check warns otherwise).
ACCOUNT_ADAPTER = "neuromatch.accounts.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "neuromatch.accounts.LoginForm",
    "signup": "neuromatch.accounts.SignupForm",
    "reset_password": "neuromatch.accounts.ResetPasswordForm",
    "reset_password_from_key": "neuromatch.accounts.ResetPasswordKeyForm",
    "change_password": "neuromatch.accounts.ChangePasswordForm",
    "add_email": "neuromatch.accounts.AddEmailForm",
    "reauthenticate": "neuromatch.accounts.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env_choice(
    "ACCOUNT_EMAIL_VERIFICATION",
    ("mandatory", "optional", "none"),
    "optional" if DEBUG else "mandatory",
)
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True  # a reset for an unknown address gets an e-mail too
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_REAUTHENTICATION_METHODS = ("password",)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[neuromatch] "
# The per-account lock-out is django-axes' (below); allauth keeps its per-address limits on
# sign-up, sign-in, reset requests and confirmation e-mails, counted in the default cache.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}

# The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT reverse proxies that each
# append to X-Forwarded-For, the address the outermost of them saw. Lock-out and rate limits
# count per address, so this must match the deployment (README, "Behind a proxy").
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
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

# Uploads stay in memory (imports are capped at 5 MB): nothing lands on disk under a user's name.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# E-mail: EMAIL_URL, or EMAIL_HOST / EMAIL_PORT / EMAIL_HOST_USER / EMAIL_HOST_PASSWORD /
# EMAIL_USE_TLS / EMAIL_USE_SSL. Neither set: the console under DEBUG, and in production an
# unconfigured SMTP server on localhost, which `check --deploy` reports as an error.
EMAIL_URL = env_str("EMAIL_URL", "")
EMAIL_CONFIGURED = bool(EMAIL_URL or env_str("EMAIL_HOST", "") or env_str("EMAIL_BACKEND", ""))
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_CONFIGURED or not DEBUG
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_URL:
    globals().update(email_url_settings(EMAIL_URL))
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a hung server must not hang a worker
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "neuromatch <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS: on by default in production, off for local DEBUG use.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): our own scripts and styles only, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Login throttling (django-axes): lock a username + address pair after repeated failures.
# The address is the client's (TRUSTED_PROXY_COUNT), the username the account's own, whether
# it was typed as a username or an e-mail address; a password reset lifts the lock.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "account/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "neuromatch.accounts.axes_username"
AXES_CLIENT_IP_CALLABLE = "neuromatch.accounts.client_ip"

# Sign-in and lock-out records (django-axes) and expired sessions are deleted after this many
# days by `manage.py purge_login_records` (run it daily: README, "Privacy").
LOGIN_RECORDS_DAYS = env_int("LOGIN_RECORDS_DAYS", 30)
if LOGIN_RECORDS_DAYS < 1:
    raise ImproperlyConfigured("LOGIN_RECORDS_DAYS must be 1 or more: lock-outs need the records.")

# Every record passes the redaction filter: reset and verification links are secrets.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "neuromatch.logs.RedactSecrets"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        },
        "server": {  # runserver's request lines, as Django formats them
            "class": "logging.StreamHandler",
            "formatter": "server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "neuromatch": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Application season figures (AAMC ERAS fees, preference signals); settings, not code.
ERAS_FEE_SCHEDULE = [(30, 11), (None, 30)]  # $11 each for programs 1-30, $30 each from the 31st
PREFERENCE_SIGNALS = env_int("PREFERENCE_SIGNALS", 8)
# The Match (NRMP): the standard registration fee covers this many programs on the rank order
# list, each further program costs the extra-rank fee. Travel: the default estimate for one
# in-person interview (flights, two hotel nights, local transport), editable per interview.
NRMP_REGISTRATION_FEE = env_int("NRMP_REGISTRATION_FEE", 85)
NRMP_RANKS_INCLUDED = 20
NRMP_EXTRA_RANK_FEE = env_int("NRMP_EXTRA_RANK_FEE", 30)
TRAVEL_ESTIMATE_USD = env_int("TRAVEL_ESTIMATE_USD", 750)
