from allauth.account import urls as allauth_urls
from allauth.account import views as account_views
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.urls import URLPattern, include, path
from django.views.decorators.http import require_POST
from django.views.generic import RedirectView

from applicants import privacy_views
from neuromatch import views

# Sign-in by code and re-authentication by code are off: their URLs are not served.
_CODE_URLS = {
    "account_confirm_login_code",
    "account_request_reauthentication_code",
    "account_confirm_reauthentication_code",
}
# Views that save an address and then e-mail it: when the e-mail fails, nothing is kept.
_ATOMIC_URLS = {"account_signup", "account_email"}


def _served(url: URLPattern) -> URLPattern:
    if url.name not in _ATOMIC_URLS:
        return url
    return URLPattern(url.pattern, transaction.atomic(url.callback), url.default_args, url.name)


account_urls = [_served(url) for url in allauth_urls.urlpatterns if url.name not in _CODE_URLS]
signup = next(url.callback for url in account_urls if url.name == "account_signup")


def _moved(pattern_name: str, *, public: bool = True):
    view = RedirectView.as_view(pattern_name=pattern_name, query_string=True)
    return login_not_required(view) if public else view


urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The names (and paths) from before allauth, which templates, links and tests use.
    path("accounts/login/", account_views.login, name="login"),
    path("accounts/logout/", require_POST(account_views.logout), name="logout"),
    path("accounts/signup/", signup, name="signup"),
    path("accounts/password/change/", account_views.password_change, name="password_change"),
    path("accounts/password/reset/", account_views.password_reset, name="password_reset"),
    path(
        "accounts/password/change/done/",
        _moved("account_change_password", public=False),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/sent/",
        _moved("account_reset_password_done"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/complete/",
        _moved("account_reset_password_from_key_done"),
        name="password_reset_complete",
    ),
    path("accounts/", include(account_urls)),
    # After allauth's `password/reset/key/<uid>-<key>/`, which this pattern would also match.
    path(
        "accounts/password/reset/<str:uidb64>/<str:token>/",
        views.old_reset_link,
        name="password_reset_confirm",
    ),
    path("accounts/privacy/", privacy_views.overview, name="privacy"),
    path("accounts/privacy/download/", privacy_views.download, name="privacy_download"),
    path("accounts/delete/", privacy_views.delete_account, name="account_delete"),
    path("admin/", admin.site.urls),
    path("programs/", include("programs.urls")),
    path("season/", include("applicants.tracker_urls")),
    path("", include("applicants.urls")),
]

handler404 = "neuromatch.views.page_not_found"
handler500 = "neuromatch.views.server_error"
