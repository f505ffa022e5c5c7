"""Your account and your data: `/accounts/privacy/` (what is kept, download it) and
`/accounts/delete/` (delete the account after typing its password)."""

from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from applicants import privacy
from applicants.models import Profile, ShortlistEntry
from neuromatch.forms import PlainLabelForm


class DeleteAccountForm(PlainLabelForm):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Type it to confirm that you are the account's owner.",
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = self.request.user
        # Through the authentication backends, so wrong passwords count towards the lock-out.
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError("That is not your password.")
        return password


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "email": EmailAddress.objects.filter(user=user, primary=True).first(),
        "profiles": Profile.objects.filter(user=user).count(),
        "entries": ShortlistEntry.objects.filter(shortlist__profile__user=user).count(),
        "login_records_days": settings.LOGIN_RECORDS_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "cache_minutes": (settings.CACHES["default"].get("TIMEOUT") or 0) // 60,
        "share_outcomes": Profile.objects.filter(
            user=user, based_on__isnull=True, share_outcomes=True
        ).exists(),
        "share_outcomes_label": Profile._meta.get_field("share_outcomes").verbose_name,
    }
    return render(request, "applicants/privacy.html", context)


@never_cache
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    content = privacy.export_user_data(user=request.user)
    response = HttpResponse(content, content_type=privacy.ZIP_MEDIA_TYPE)
    filename = privacy.export_filename(timezone.localdate())
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        privacy.delete_account(user=user)
        messages.success(request, "Your account and everything in it are deleted.")
        return redirect("login")
    return render(request, "applicants/privacy_delete.html", {"form": form})
