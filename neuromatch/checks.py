"""`manage.py check --deploy`: settings that look fine but fail users in production."""

from email.utils import parseaddr

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DUMMY_CACHE = "django.core.cache.backends.dummy.DummyCache"
LOCAL_DOMAINS = {"localhost", "localhost.localdomain", "example.com", "example.org"}


@register(deploy=True)
def check_email(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []
    if not settings.EMAIL_CONFIGURED:
        problems.append(
            Error(
                "E-mail is not configured: password resets and sign-up confirmations would go "
                f"to an SMTP server on {settings.EMAIL_HOST}:{settings.EMAIL_PORT} and fail.",
                hint="Set EMAIL_URL (e.g. smtp+tls://user:password@smtp.example.org:587) or "
                "EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS.",
                id="neuromatch.E001",
            )
        )
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()
    if settings.EMAIL_BACKEND == SMTP_BACKEND and (not domain or domain in LOCAL_DOMAINS):
        problems.append(
            Error(
                f"DEFAULT_FROM_EMAIL ({settings.DEFAULT_FROM_EMAIL!r}) is not an address of "
                "your domain: mail servers reject or bin e-mail from it.",
                hint="Set DEFAULT_FROM_EMAIL, e.g. 'neuromatch <noreply@neuromatch.example.org>'.",
                id="neuromatch.E002",
            )
        )
    return problems


@register(deploy=True)
def check_accounts(app_configs: object = None, **kwargs: object) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        problems.append(
            Warning(
                "E-mail verification is not mandatory: sign-up tells anyone whether an e-mail "
                "address has an account, and accounts may carry addresses nobody confirmed.",
                hint="Leave ACCOUNT_EMAIL_VERIFICATION unset (mandatory) in production.",
                id="neuromatch.W001",
            )
        )
    if settings.CACHES["default"]["BACKEND"] == DUMMY_CACHE:
        problems.append(
            Warning(
                "The default cache is a dummy: sign-up, sign-in and reset requests are not "
                "rate limited (allauth counts them in the cache).",
                hint="Leave PAGE_CACHE unset, or set CACHE_URL to a Redis server.",
                id="neuromatch.W002",
            )
        )
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        problems.append(
            Warning(
                "BEHIND_HTTPS_PROXY is on but TRUSTED_PROXY_COUNT is 0: every client has the "
                "proxy's address, so five wrong passwords from anyone lock an account for all.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app.",
                id="neuromatch.W003",
            )
        )
    return problems
