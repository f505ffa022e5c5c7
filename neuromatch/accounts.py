"""How accounts fit this site: allauth's adapter and forms, the client's address, the account
django-axes counts failures against, and e-mail that either goes out or says it did not."""

import ipaddress
import logging
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import ChangePasswordForm as AllauthChangePasswordForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm as AllauthReauthenticateForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import ResetPasswordKeyForm as AllauthResetPasswordKeyForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.utils import filter_users_by_email
from axes.utils import reset as reset_axes
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

logger = logging.getLogger("neuromatch.accounts")


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: `REMOTE_ADDR`, or with `TRUSTED_PROXY_COUNT` = n > 0 the n-th
    address from the right of `X-Forwarded-For` (what the outermost trusted proxy saw).

    Everything left of that was written by the client and is ignored. A shorter header means
    the request passed fewer proxies: its leftmost address was still written by one of ours.
    """
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if not forwarded:
        return remote
    return _address(forwarded[max(len(forwarded) - hops, 0)]) or remote


def _address(text: str) -> str | None:
    """`text` as a normalised IP address, without a port; None if it is not one."""
    candidates = [text]
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:  # 203.0.113.7:51234
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def canonical_username(login: str) -> str:
    """The username of the account `login` (a username in any case, or an e-mail address)
    names; `login` in lower case when it names none. One account, one failure count."""
    login = login.strip()
    User = get_user_model()
    user = User.objects.filter(username__iexact=login).order_by("pk").first()
    if user is None and "@" in login:
        users = filter_users_by_email(login, prefer_verified=True)
        user = users[0] if users else None
    return user.get_username() if user is not None else login.lower()


def axes_username(request: HttpRequest, credentials: Mapping[str, object] | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in attempt is for."""
    credentials = credentials or {}
    for key in ("login", "username", "email"):
        value = credentials.get(key)
        if isinstance(value, str) and value.strip():
            return canonical_username(value)
    typed = request.POST.get("login", "") if request is not None else ""
    return canonical_username(typed) if typed.strip() else None


def lift_lock_on_password_reset(sender: object, request: HttpRequest, user, **kwargs) -> None:
    """A successful password reset proves the e-mail address: the account's lock goes."""
    reset_axes(username=user.get_username())


class EmailNotSent(Exception):
    """An e-mail the user is waiting for could not be handed to the mail server."""


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "Please enter a correct username and password.",
        "email_password_mismatch": "Please enter a correct e-mail address and password.",
        "enter_current_password": "That is not your current password.",
        "too_many_login_attempts": (
            "Too many failed sign-in attempts from your address. Wait a minute, then try again."
        ),
    }

    def get_client_ip(self, request: HttpRequest) -> str:
        address = client_ip(request)
        if not address:
            raise PermissionDenied("The client's address is unknown.")
        return address

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        try:
            super().send_mail(template_prefix, email, context)
        except OSError as error:  # smtplib.SMTPException, refused connections, timeouts, TLS
            name = template_prefix.rsplit("/", 1)[-1]
            logger.error("The %s e-mail was not sent: %s: %s", name, type(error).__name__, error)
            raise EmailNotSent(name) from error


class EmailNotSentMiddleware:
    """Answers a request whose e-mail could not be sent with a page that says so (503)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, EmailNotSent):
            return None
        return render(request, "account/email_not_sent.html", status=503)


def _sent_from(request: HttpRequest) -> str:
    """The page of this site a form was sent from (its Referer), else the page after sign-in."""
    page = request.headers.get("Referer", "")
    if page and url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(page)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's sign-in requirement, except that an htmx request from a signed-out browser
    gets a 401 its page can explain ("You were signed out") instead of a redirect whose sign-in
    page htmx would insert where the row or table was."""

    def handle_no_permission(self, request: HttpRequest, view_func: Callable) -> HttpResponse:
        if request.headers.get("HX-Request") != "true":
            if request.method in ("GET", "HEAD"):
                return super().handle_no_permission(request, view_func)
            # A form sent after the session ended: its address answers only that form, so
            # signing in goes back to the page it was sent from, and the sign-in page says
            # that nothing was saved.
            messages.warning(
                request,
                "You were signed out, so what you sent was not saved. Sign in, then send it again.",
            )
            return redirect_to_login(
                _sent_from(request),
                resolve_url(self.get_login_url(view_func)),
                self.get_redirect_field_name(view_func),
            )
        response = HttpResponse(
            "You were signed out. Sign in again; this change was not saved.",
            status=401,
            content_type="text/plain; charset=utf-8",
        )
        response["X-Sign-In-URL"] = resolve_url(self.get_login_url(view_func))
        return response


class _OurWording:
    """Our labels and help texts on allauth's forms, no colon after a label (as on every form
    of the site) and no placeholders (labels are shown)."""

    labels: dict[str, str] = {}
    help_texts: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            field.label = self.labels.get(name, field.label)
            field.help_text = self.help_texts.get(name, field.help_text)


class LoginForm(_OurWording, AllauthLoginForm):
    labels = {"login": "Username or e-mail"}
    help_texts = {"password": ""}  # the page links to the reset under the form


class SignupForm(_OurWording, AllauthSignupForm):
    labels = {"email": "E-mail", "password2": "Password confirmation"}
    help_texts = {
        "email": "We send a link to confirm it, and use it only for your account: "
        "signing in and resetting your password."
    }


class ResetPasswordForm(_OurWording, AllauthResetPasswordForm):
    labels = {"email": "E-mail"}


class ChangePasswordForm(_OurWording, AllauthChangePasswordForm):
    labels = {
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "New password confirmation",
    }


class ResetPasswordKeyForm(_OurWording, AllauthResetPasswordKeyForm):
    labels = {"password1": "New password", "password2": "New password confirmation"}


class AddEmailForm(_OurWording, AllauthAddEmailForm):
    labels = {"email": "New e-mail address"}


class ReauthenticateForm(_OurWording, AllauthReauthenticateForm):
    pass
