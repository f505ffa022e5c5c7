"""Sharing pages: the owner's settings (`/sharing/`), share links, the advisor dashboard, a
shared profile and comments."""

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from applicants import advising, comments, outlook, sharing
from applicants.access import get_entry_for_user, get_owner_for_user, get_profile_for_user
from applicants.models import Access, Grant, Page, Profile, ShareLink, Shortlist
from applicants.profiles import active_profile, profile_data, profiles_of, shown_profile
from applicants.selectors import listed_entries
from neuromatch.forms import PlainLabelForm, bound_whole_number

TEMPLATE = "applicants/sharing.html"
NEW_LINK_SESSION_KEY = "sharing:new-link"


class GrantForm(PlainLabelForm):
    who = forms.CharField(
        label="Username or e-mail address",
        max_length=254,
        help_text="An address gets an invitation by e-mail: they accept it by signing in with "
        "that address, or by signing up with it and confirming it.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    level = forms.ChoiceField(label="Access", choices=Access.choices, initial=Access.VIEW)


class LevelForm(PlainLabelForm):
    level = forms.ChoiceField(choices=Access.choices)


class ShareLinkForm(PlainLabelForm):
    profile = forms.ModelChoiceField(
        label="List",
        queryset=Profile.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of your own lists."},
    )
    days = forms.IntegerField(
        label="Expires after (days)", initial=14, help_text=f"At most {ShareLink.MAX_DAYS} days."
    )
    label = forms.CharField(
        label="Name (only you see it)",
        max_length=ShareLink._meta.get_field("label").max_length,
        required=False,
        help_text="For example “For Dr Okafor”, to tell your links apart.",
    )

    def __init__(self, *args: Any, owner: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles_of(owner)
        bound_whole_number(self.fields["days"], 1, ShareLink.MAX_DAYS, unit="days")


def _own_grant(request: HttpRequest, pk: int) -> Grant:
    return get_object_or_404(Grant.objects.select_related("grantee"), pk=pk, owner=request.user)


def _own_link(request: HttpRequest, pk: int) -> ShareLink:
    return get_object_or_404(ShareLink, pk=pk, owner=request.user)


def _who(grant: Grant) -> str:
    return grant.grantee.get_username() if grant.grantee_id else grant.email


def _page(
    request: HttpRequest,
    *,
    grant_form: GrantForm | None = None,
    link_form: ShareLinkForm | None = None,
    status: int = 200,
) -> HttpResponse:
    owner = request.user
    new_link = request.session.pop(NEW_LINK_SESSION_KEY, None)
    context = {
        "grant_form": grant_form or GrantForm(),
        "link_form": link_form or ShareLinkForm(owner=owner),
        "grants": list(sharing.grants_of(owner)),
        "revoked": list(sharing.recently_revoked(owner)[:10]),
        "level_choices": Access.choices,
        "links": list(sharing.live_links(owner)),
        "past_links": sharing.past_links(owner),
        "new_link": new_link,
        "log": sharing.access_log(owner),
        "max_days": ShareLink.MAX_DAYS,
        "event_window_minutes": round(sharing.EVENT_WINDOW.total_seconds() / 60),
    }
    return render(request, TEMPLATE, context, status=status)


@require_GET
def sharing_settings(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def grant_create(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if not form.is_valid():
        return _page(request, grant_form=form, status=400)
    try:
        grant = sharing.grant_access(
            owner=request.user, who=form.cleaned_data["who"], level=form.cleaned_data["level"]
        )
    except sharing.SharingError as error:
        form.add_error("who", str(error))
        return _page(request, grant_form=form, status=400)
    level = Access(grant.level).verb
    if not grant.is_pending:
        messages.success(request, f"{_who(grant)} can now {level} your workspace.")
    elif sharing.invite_by_email(
        grant=grant, signup_url=request.build_absolute_uri(reverse("signup"))
    ):
        messages.success(
            request,
            f"Invitation sent to {grant.email}. Once they accept it with that address, "
            f"they can {level} your workspace.",
        )
    else:
        messages.warning(
            request,
            f"{grant.email} is invited, but the e-mail could not be sent. Tell them to sign up "
            "with that address: the invitation waits for them.",
        )
    return redirect("applicants:sharing")


@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = sharing.revoke_grant(grant=_own_grant(request, pk))
    if grant.grantee_id is None:  # an invitation nobody had accepted: no access was given
        done = f"Withdrew the invitation to {_who(grant)}. Changed your mind? Reopen it"
    else:
        done = f"{_who(grant)} no longer has access. Changed your mind? Restore it"
    messages.success(request, f"{done} under “Recently revoked”.")
    return redirect("applicants:sharing")


@require_POST
def grant_restore(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _own_grant(request, pk)
    try:
        sharing.restore_grant(grant=grant)
    except sharing.SharingError as error:
        messages.error(request, str(error))
    else:
        restored = (
            "The invitation to {} is open again (no new e-mail is sent)."
            if grant.grantee_id is None
            else "Access for {} restored."
        )
        messages.success(request, restored.format(_who(grant)))
    return redirect("applicants:sharing")


@require_POST
def grant_level(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _own_grant(request, pk)
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose View or View and comment.")
        return redirect("applicants:sharing")
    try:
        sharing.set_level(grant=grant, level=form.cleaned_data["level"])
    except sharing.SharingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{_who(grant)} can now {Access(grant.level).verb} your workspace."
        )
    return redirect("applicants:sharing")


@require_POST
def link_create(request: HttpRequest) -> HttpResponse:
    form = ShareLinkForm(request.POST, owner=request.user)
    if not form.is_valid():
        return _page(request, link_form=form, status=400)
    try:
        link, token = sharing.create_share_link(
            owner=request.user,
            profile=form.cleaned_data["profile"],
            days=form.cleaned_data["days"],
            label=form.cleaned_data["label"],
        )
    except sharing.SharingError as error:
        form.add_error(None, str(error))
        return _page(request, link_form=form, status=400)
    # The secret is shown once, on the next page; only its digest is stored.
    request.session[NEW_LINK_SESSION_KEY] = {
        "pk": link.pk,
        "url": request.build_absolute_uri(reverse("applicants:shared", args=[token])),
    }
    return redirect(f"{reverse('applicants:sharing')}#new-link")


@require_POST
def link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = sharing.revoke_share_link(link=_own_link(request, pk))
    revoked = (
        f"{sharing.the_link(link)} is revoked. If that was a mistake, restore it "
        "under “Expired and revoked links”."
    )
    messages.success(request, revoked, extra_tags="links")
    return redirect(f"{reverse('applicants:sharing')}#links")


@require_POST
def link_restore(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        link = sharing.restore_share_link(link=_own_link(request, pk))
    except sharing.SharingError as error:
        messages.error(request, str(error), extra_tags="links")
    else:
        messages.success(request, f"{sharing.the_link(link)} works again.", extra_tags="links")
    return redirect(f"{reverse('applicants:sharing')}#links")


# The share link page: anyone with a live link, signed in or not


@login_not_required
@never_cache
@require_GET
def shared_list(request: HttpRequest, token: str) -> HttpResponse:
    link = sharing.open_share_link(token)
    if link is None:
        raise Http404("No such link, or it expired or was revoked.")
    shortlist = get_object_or_404(Shortlist, profile=link.profile, built_at__isnull=False)
    summary = outlook.shortlist_outlook(shortlist)
    context = {
        "link": link,
        "summary": summary,
        "entries": list(listed_entries(shortlist)),
        "built_at": shortlist.built_at,
        "conversion_pct": round(summary.conversion * 100),
    }
    response = render(request, "applicants/shared_list.html", context)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the address is the secret
    return response


# The advisor dashboard


class DashboardSortForm(PlainLabelForm):
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _, _) in advising.SORTS.items()]
    )
    dir = forms.ChoiceField(choices=[("asc", "Ascending"), ("desc", "Descending")], required=False)


def _sort_headers(sort: str, descending: bool) -> list[dict[str, Any]]:
    """Each column's label, link (the other direction when it is the current sort) and state."""
    headers = []
    for key, (label, _, largest_first) in advising.SORTS.items():
        current = key == sort
        next_descending = not descending if current else largest_first
        headers.append(
            {
                "key": key,
                "label": label,
                "query": f"?sort={key}&dir={'desc' if next_descending else 'asc'}",
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


# An applicant's pages from the dashboard: (URL name, keyed by the profile or by the owner).
APPLICANT_LINKS = {
    "list": ("applicants:list_of", "profile"),
    "profile": ("applicants:scenario", "profile"),
    "scenarios": ("applicants:shared_scenarios", "owner"),
    "season": ("applicants:shared_season", "owner"),
    "calendar": ("applicants:shared_calendar", "owner"),
}
_PK_SLOT = 2147483647  # no row has it; each row's pk takes its place


@functools.cache
def _link_patterns(script_prefix: str) -> dict[str, str]:
    """Each applicant link as a format string: 300 rows cost one reverse per link name."""
    return {
        name: reverse(view, args=[_PK_SLOT]).replace(str(_PK_SLOT), "{}")
        for name, (view, _) in APPLICANT_LINKS.items()
    }


def _with_links(rows: list[advising.ApplicantRow]) -> list[tuple[advising.ApplicantRow, dict]]:
    patterns = _link_patterns(get_script_prefix())
    result = []
    for row in rows:
        keys = {"profile": row.profile.pk if row.profile else None, "owner": row.owner.pk}
        links = {
            name: patterns[name].format(keys[key])
            for name, (_, key) in APPLICANT_LINKS.items()
            if keys[key] is not None
        }
        result.append((row, links))
    return result


@require_GET
def advisor(request: HttpRequest) -> HttpResponse:
    form = DashboardSortForm(request.GET)
    sort, direction = advising.DEFAULT_SORT, ""
    if form.is_valid():
        sort, direction = form.cleaned_data["sort"], form.cleaned_data["dir"]
    descending = advising.SORTS[sort][2] if not direction else direction == "desc"
    rows = advising.applicants_of(request.user, sort=sort, descending=descending)
    context = {
        "rows": _with_links(rows),
        "headers": _sort_headers(sort, descending),
        "sort": sort,
        "descending": descending,
        "invitations": list(sharing.invitations_for(request.user)),
    }
    return render(request, "applicants/advisor.html", context)


INVITATION_CLOSED = (
    "This invitation is no longer open: its sender withdrew it, or it was answered in "
    "another tab. Nothing was changed."
)


def _invitation(request: HttpRequest, pk: int) -> Grant | None:
    """An invitation waiting for one of the signed-in user's verified addresses; None when it
    was one but has ended meanwhile (withdrawn, or answered elsewhere). Anyone else's: 404."""
    invitation = sharing.invitations_for(request.user).filter(pk=pk).first()
    if invitation is None and not sharing.was_invited(request.user, pk):
        raise Http404
    return invitation


def _closed(request: HttpRequest) -> HttpResponse:
    messages.info(request, INVITATION_CLOSED)
    return redirect("applicants:advisor")


@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    if invitation is None:
        return _closed(request)
    try:
        grant = sharing.accept_invitation(invitation=invitation, user=request.user)
    except sharing.SharingError:  # withdrawn or answered between the two reads
        return _closed(request)
    owner = grant.owner.get_username()
    messages.success(request, f"You can now {Access(grant.level).verb} {owner}’s workspace.")
    return redirect("applicants:advisor")


@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(request, pk)
    if invitation is None:
        return _closed(request)
    invitation = sharing.decline_invitation(invitation=invitation)
    messages.success(request, f"Declined {invitation.owner.get_username()}’s invitation.")
    return redirect("applicants:advisor")


# Someone else's workspace, read-only, and comments on it


class CommentForm(PlainLabelForm):
    body = forms.CharField(
        label="Comment",
        max_length=comments.MAX_COMMENT_LENGTH,
        widget=forms.Textarea,
        error_messages={"required": "Write something before posting a comment."},
    )


def shared_viewer(request: HttpRequest, owner: Any) -> sharing.Viewer:
    """How the signed-in user sees `owner`'s workspace, fetched with an access helper."""
    viewer = sharing.viewer_of(request.user, owner)
    if viewer is None:  # revoked since the object was fetched
        raise Http404("Nothing here.")
    return viewer


def open_workspace(request: HttpRequest, owner_pk: int, page: str) -> sharing.Viewer:
    """How the signed-in user sees `owner_pk`'s workspace on one of its whole-workspace pages
    (scenarios, season, calendar); a grantee's visit is logged. 404 for anyone else."""
    viewer = shared_viewer(request, get_owner_for_user(request.user, owner_pk))
    if viewer.shared:
        sharing.record_view(owner_pk=owner_pk, viewer=request.user, page=page)
    return viewer


# Someone's whole-workspace pages a grantee sees: the owner's own page, and the template both use.
WORKSPACE_PAGES = {
    Page.SCENARIOS: ("applicants:scenarios", "applicants/scenarios.html"),
    Page.TRACKER: ("season:index", "applicants/season.html"),
    Page.CALENDAR: ("season:calendar", "applicants/calendar.html"),
}


def shared_workspace_page(
    request: HttpRequest, owner_pk: int, page: str, context: Callable[[Any], dict[str, Any]]
) -> HttpResponse:
    """One of `owner_pk`'s `WORKSPACE_PAGES`, read-only, for a user they share it with:
    `context(owner)` plus the viewer and the owner's active profile. The owner is sent to
    their own page."""
    own_page, template = WORKSPACE_PAGES[page]
    viewer = open_workspace(request, owner_pk, page)
    if viewer.is_owner:
        return redirect(own_page)
    shared = {"viewer": viewer, "shared_profile": active_profile(viewer.owner)}
    return render(request, template, context(viewer.owner) | shared)


def shared_profile(request: HttpRequest, profile: Profile) -> HttpResponse:
    """A profile or scenario as a user it is shared with sees it: read-only, with comments."""
    viewer = shared_viewer(request, profile.user)
    sharing.record_view(
        owner_pk=profile.user_id, viewer=request.user, page=Page.PROFILE, profile=profile
    )
    context = {
        "profile": profile,
        "viewer": viewer,
        "shared_profile": profile,
        "report": outlook.profile_report(profile),
        "values": shown_profile(profile_data(profile)),
        "profiles": profiles_of(profile.user),
        "comments": comments.profile_comments(profile),
        "limits": {"comment": comments.MAX_COMMENT_LENGTH},
    }
    return render(request, "applicants/shared_profile.html", context)


def _not_posted(request: HttpRequest, why: str, page: str, place: str) -> HttpResponse:
    """Back to `page#place` with why the comment was not posted and, so that nothing typed is
    lost, what it said."""
    typed = request.POST.get("body", "").strip()
    kept = f" What you wrote: “{typed}”" if typed else ""
    messages.error(request, f"{why}{kept}", extra_tags=place)
    return redirect(f"{page}#{place}")


def _post_comment(
    request: HttpRequest, profile: Profile, program: Any, page: str, place: str
) -> HttpResponse:
    """Post a comment, and go back to `page#place`, the message meant for that place. Someone
    who may no longer comment (the owner made their access view-only meanwhile) is told so;
    someone with no access at all finds nothing (404)."""
    viewer = sharing.viewer_of(request.user, profile.user)
    if viewer is None:
        raise Http404("Nothing here.")
    if not viewer.can_comment:
        why = "You can only view this workspace now, so your comment was not posted."
        return _not_posted(request, why, page, place)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _not_posted(request, form.errors["body"][0], page, place)
    try:
        comments.add_comment(
            author=request.user, profile=profile, program=program, body=form.cleaned_data["body"]
        )
    except sharing.SharingError as error:
        return _not_posted(request, str(error), page, place)
    messages.success(request, "Comment posted.", extra_tags=place)
    return redirect(f"{page}#{place}")


@require_POST
def entry_comment(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for_user(request.user, pk)
    profile = entry.shortlist.profile
    page = reverse("applicants:list_of", args=[profile.pk])
    return _post_comment(request, profile, entry.program, page, f"comments-{entry.pk}")


@require_POST
def profile_comment(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_profile_for_user(request.user, pk)
    page = reverse("applicants:scenario", args=[profile.pk])
    return _post_comment(request, profile, None, page, "comments-profile")
