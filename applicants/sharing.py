"""Sharing services: grants to other users, invitations by e-mail, comments, share links and
the access log.

Every refusal is a `SharingError` whose message tells the user what to change; nothing is
written when one is raised. Two requests at once are safe: the partial unique constraints on
`Grant` decide, and a lost race becomes the same message as a duplicate.
"""

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from applicants.locks import lock_applicant, lock_profile
from applicants.models import (
    Access,
    AccessEvent,
    Grant,
    Page,
    Profile,
    ShareLink,
    Shortlist,
)

logger = logging.getLogger("neuromatch")

OWNER = "owner"
MAX_GRANTS = 50  # people with access or invited at once, per applicant
MAX_LIVE_LINKS = 20
# Repeated views of the same page within this window are one event in the log.
EVENT_WINDOW = datetime.timedelta(minutes=10)
RECENTLY_REVOKED = datetime.timedelta(days=30)


class SharingError(Exception):
    """A sharing action that cannot be done, with a message for the user."""


# Who may see what


def access_of(viewer: AbstractBaseUser, owner_pk: int) -> str | None:
    """`"owner"`, `"comment"`, `"view"`, or None: what `viewer` may do with `owner_pk`'s data."""
    if not viewer.is_authenticated:
        return None
    if viewer.pk == owner_pk:
        return OWNER
    return (
        Grant.objects.active()
        .filter(owner_id=owner_pk, grantee=viewer)
        .values_list("level", flat=True)
        .first()
    )


def can_comment(level: str | None) -> bool:
    return level in (OWNER, Access.COMMENT)


@dataclass(frozen=True)
class Viewer:
    """How the signed-in user sees an applicant's workspace: as its owner, or as a grantee
    who may only look (`view`) or also comment (`comment`)."""

    owner: AbstractBaseUser
    level: str

    @property
    def is_owner(self) -> bool:
        return self.level == OWNER

    @property
    def shared(self) -> bool:
        """Someone else's workspace: shown read-only and marked so."""
        return not self.is_owner

    @property
    def can_comment(self) -> bool:
        return can_comment(self.level)


def viewer_of(user: AbstractBaseUser, owner: AbstractBaseUser) -> Viewer | None:
    """How `user` sees `owner`'s workspace; None when they may not see it at all."""
    level = access_of(user, owner.pk)
    return Viewer(owner, level) if level is not None else None


# Grants and invitations


def _username_or_address(text: str) -> tuple[str, str]:
    """("username", name) or ("email", lower-case address) from what the owner typed."""
    text = text.strip()
    if not text:
        raise SharingError("Enter the username or e-mail address of the person to share with.")
    if "@" not in text:
        return "username", text
    try:
        validate_email(text)
    except ValidationError:
        raise SharingError(
            f"“{text}” is not a valid e-mail address. Check it, e.g. name@example.org."
        ) from None
    return "email", text.lower()


def _user_named(username: str) -> AbstractBaseUser:
    users = list(get_user_model().objects.filter(username__iexact=username)[:2])
    exact = [user for user in users if user.get_username() == username]
    if exact or len(users) == 1:
        return (exact or users)[0]
    raise SharingError(
        f"No account has the username “{username}”. Check the spelling, or invite them by "
        "e-mail address instead."
    )


def verified_addresses(user: AbstractBaseUser) -> set[str]:
    """The addresses `user` has verified, lower case."""
    verified = EmailAddress.objects.filter(user=user, verified=True)
    return {email.lower() for email in verified.values_list("email", flat=True)}


def _own_addresses(user: AbstractBaseUser) -> set[str]:
    """The addresses that are the user's: confirmed ones (an address only asked for may be
    someone else's, whom the user may want to invite)."""
    known = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {email.lower() for email in [*known, user.email] if email}


def _who(grant: Grant) -> str:
    return grant.grantee.get_username() if grant.grantee_id else grant.email


def _check_not_shared(owner: AbstractBaseUser, *, grantee=None, email: str = "") -> None:
    live = Grant.objects.filter(owner=owner, revoked_at__isnull=True)
    existing = (
        live.filter(grantee=grantee).first()
        if grantee is not None
        else live.filter(grantee__isnull=True, email=email).first()
    )
    if existing is not None:
        raise SharingError(_duplicate_message(existing))


def _duplicate_message(grant: Grant) -> str:
    if grant.is_pending:
        return (
            f"An invitation to {grant.email} is already waiting ({grant.get_level_display()}). "
            "Change its level or withdraw it below."
        )
    return (
        f"{_who(grant)} already has access ({grant.get_level_display()}). "
        "Change the level or revoke it below."
    )


def grant_access(*, owner: AbstractBaseUser, who: str, level: str) -> Grant:
    """Give `who` (a username or an e-mail address) `level` access to the owner's workspace.

    A username is granted at once. An address always becomes an invitation, whether or not an
    account holds it, so that sharing never tells anyone which addresses are registered: the
    holder of a verified account with that address accepts it under "Shared with me"
    (`accept_invitation`); anyone else signs up with it and verifying it claims the
    invitation (`claim_invitations`).
    """
    if level not in Access.values:
        raise SharingError("Choose View or View and comment.")
    kind, value = _username_or_address(who)
    email = value if kind == "email" else ""
    grantee = _user_named(value) if kind == "username" else None
    if email and email in _own_addresses(owner):
        raise SharingError(
            "That is your own address: you cannot share your workspace with yourself."
        )
    if grantee is not None and grantee.pk == owner.pk:
        raise SharingError("You cannot share your workspace with yourself.")
    try:
        # One transaction from check to insert: SQLite runs it alone (BEGIN IMMEDIATE); on
        # PostgreSQL a simultaneous twin fails the unique constraint instead.
        with transaction.atomic():
            _check_not_shared(owner, grantee=grantee, email=email)
            if Grant.objects.filter(owner=owner, revoked_at__isnull=True).count() >= MAX_GRANTS:
                raise SharingError(
                    f"You share with {MAX_GRANTS} people already. Revoke someone's access first."
                )
            grant = Grant.objects.create(
                owner=owner,
                grantee=grantee,
                email=email,
                level=level,
                accepted_at=timezone.now() if grantee is not None else None,
            )
    except IntegrityError:
        _check_not_shared(owner, grantee=grantee, email=email)
        raise
    return grant


def invite_by_email(*, grant: Grant, signup_url: str) -> bool:
    """Tell an invited address how to accept; False when the mail could not be sent."""
    owner = grant.owner.get_username()
    message = (
        f"{owner} invited you to {Access(grant.level).verb} their neuromatch workspace: their "
        "neurology residency application profile, scenarios, lists and season.\n\n"
        f"If you have an account with this address ({grant.email}), sign in and accept the "
        "invitation under “Shared with me”. If not, create one with this address at "
        f"{signup_url}, confirm the address, then accept the invitation under “Shared with "
        "me”.\n\n"
        "If you do not know this person, ignore this message."
    )
    try:
        subject = f"{owner} invited you to their neuromatch workspace"
        send_mail(subject, message, None, [grant.email])
    except Exception:
        logger.exception("Could not send a sharing invitation (grant %s)", grant.pk)
        return False
    return True


def grants_of(owner: AbstractBaseUser) -> QuerySet[Grant]:
    """The owner's live grants and waiting invitations, newest first."""
    return Grant.objects.filter(owner=owner, revoked_at__isnull=True).select_related("grantee")


def recently_revoked(owner: AbstractBaseUser) -> QuerySet[Grant]:
    since = timezone.now() - RECENTLY_REVOKED
    return (
        Grant.objects.filter(owner=owner, revoked_at__gte=since)
        .select_related("grantee")
        .order_by("-revoked_at", "-id")
    )


def _gone(grant: Grant) -> SharingError:
    return SharingError(
        f"Access for {_who(grant)} was changed meanwhile (revoked, or their account deleted). "
        "Nothing was changed here: reload to see who has access now."
    )


# Grant writes are updates, not save(): a grant vanishes with its grantee's deleted account,
# and a save on a vanished row fails instead of telling the owner.


def revoke_grant(*, grant: Grant) -> Grant:
    """End the grant (or withdraw the invitation) at once; `restore_grant` undoes it."""
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        live = Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True)
        live.update(revoked_at=grant.revoked_at)
    return grant


def restore_grant(*, grant: Grant) -> Grant:
    """Undo a revocation, unless the person has been given access again since."""
    if grant.revoked_at is None:
        return grant
    if grant.grantee_id is not None and grant.grantee_id == grant.owner_id:
        raise SharingError("You cannot share your workspace with yourself.")
    _check_not_shared(grant.owner, grantee=grant.grantee, email=grant.email)
    grant.revoked_at = None
    try:
        with transaction.atomic():
            if not Grant.objects.filter(pk=grant.pk).update(revoked_at=None):
                raise _gone(grant)
    except IntegrityError:
        grant.refresh_from_db()
        _check_not_shared(grant.owner, grantee=grant.grantee, email=grant.email)
        raise
    return grant


def set_level(*, grant: Grant, level: str) -> Grant:
    if grant.revoked_at is not None:
        raise SharingError(f"Access for {_who(grant)} was revoked. Restore it first.")
    if level not in Access.values:
        raise SharingError("Choose View or View and comment.")
    if not Grant.objects.filter(pk=grant.pk, revoked_at__isnull=True).update(level=level):
        raise _gone(grant)
    grant.level = level
    return grant


def _claim(invitation: Grant, user: AbstractBaseUser, now: datetime.datetime) -> bool:
    """Make a (locked) invitation `user`'s grant; False when it merges into one they have.

    A person already given access by username keeps one grant, at the higher of the two
    levels; an owner never claims their own invitation.
    """
    live = Grant.objects.active().filter(owner_id=invitation.owner_id, grantee=user)
    existing = live.select_for_update().first()
    if invitation.owner_id == user.pk or existing is not None:
        if existing is not None and invitation.can_comment and not existing.can_comment:
            existing.level = Access.COMMENT
            existing.save(update_fields=["level"])
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
        return False
    invitation.grantee = user
    invitation.accepted_at = now
    invitation.save(update_fields=["grantee", "accepted_at"])
    return True


def claim_invitations(*, user: AbstractBaseUser, email: str) -> int:
    """Turn the invitations waiting for `email` into grants for `user`; how many were claimed.

    The one hook for accounts: allauth's `email_confirmed` calls it when a user verifies an
    address, at sign-up or when they add one.
    """
    email = (email or "").strip().lower()
    if not email or user.pk is None:
        return 0
    now = timezone.now()
    with transaction.atomic():
        pending = Grant.objects.pending().select_for_update().filter(email=email)
        return sum(_claim(invitation, user, now) for invitation in pending)


def invitations_for(user: AbstractBaseUser) -> QuerySet[Grant]:
    """The invitations waiting for one of `user`'s verified addresses, from other people."""
    return (
        Grant.objects.pending()
        .filter(email__in=verified_addresses(user))
        .exclude(owner=user)
        .select_related("owner")
    )


def was_invited(user: AbstractBaseUser, pk: int) -> bool:
    """Whether grant `pk` is an invitation to one of `user`'s verified addresses from someone
    else, open or not (withdrawn, declined, accepted)."""
    invited = Grant.objects.filter(pk=pk, email__in=verified_addresses(user))
    return invited.exclude(owner=user).exists()


def accept_invitation(*, invitation: Grant, user: AbstractBaseUser) -> Grant:
    """`user` accepts an invitation to one of their verified addresses."""
    with transaction.atomic():
        locked = invitations_for(user).select_for_update().filter(pk=invitation.pk).first()
        if locked is None:
            raise SharingError("This invitation was withdrawn or accepted already.")
        _claim(locked, user, timezone.now())
    return Grant.objects.active().get(owner_id=invitation.owner_id, grantee=user)


def decline_invitation(*, invitation: Grant) -> Grant:
    """The invitee says no: the invitation ends, as if the owner had withdrawn it."""
    return revoke_grant(grant=invitation)


def on_email_confirmed(sender, email_address, **kwargs) -> None:
    """allauth: an address is verified; claim what waits for it."""
    claim_invitations(user=email_address.user, email=email_address.email)


# Share links


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_share_link(
    *, owner: AbstractBaseUser, profile: Profile, days: int, label: str = ""
) -> tuple[ShareLink, str]:
    """A read-only link to the profile's list for `days` days; returns it and its secret."""
    if profile.user_id != owner.pk:
        raise SharingError("You can only share your own lists.")
    if days < 1:
        raise SharingError("A share link must last at least 1 day.")
    if days > ShareLink.MAX_DAYS:
        raise SharingError(
            f"A share link can last at most {ShareLink.MAX_DAYS} days; you asked for {days}. "
            "Make a new link when it runs out."
        )
    with transaction.atomic():
        # Two links made at once both count the live ones: the second waits for the first.
        lock_applicant(owner.pk)
        if not lock_profile(profile.pk):
            raise SharingError(
                f"“{profile.name}” was deleted meanwhile: there is no list to share."
            )
        # Checked under the lock: a scenario deleted meanwhile is said as such, not as unbuilt.
        if not Shortlist.objects.filter(profile=profile, built_at__isnull=False).exists():
            raise SharingError(f"Build the list of “{profile.name}” before sharing it.")
        now = timezone.now()
        if live_links(owner).count() >= MAX_LIVE_LINKS:
            raise SharingError(
                f"You have {MAX_LIVE_LINKS} live links. Revoke one you no longer need."
            )
        token = secrets.token_urlsafe(32)
        link = ShareLink.objects.create(
            owner=owner,
            profile=profile,
            label=label.strip(),
            token_digest=_digest(token),
            created_at=now,
            expires_at=now + datetime.timedelta(days=days),
        )
    return link, token


def live_links(owner: AbstractBaseUser) -> QuerySet[ShareLink]:
    return ShareLink.objects.filter(
        owner=owner, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("profile")


def past_links(owner: AbstractBaseUser, *, limit: int = 10) -> list[ShareLink]:
    ended = Q(revoked_at__isnull=False) | Q(expires_at__lte=timezone.now())
    return list(ShareLink.objects.filter(ended, owner=owner).select_related("profile")[:limit])


def revoke_share_link(*, link: ShareLink) -> ShareLink:
    # An update, not save(): the link may be gone meanwhile with its deleted scenario.
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=link.revoked_at
        )
    return link


def the_link(link: ShareLink) -> str:
    """`The link “For Dr Okafor”`, or `The link` when it has no name: a message's subject."""
    return f"The link “{link.label}”" if link.label else "The link"


def restore_share_link(*, link: ShareLink) -> ShareLink:
    """Undo `revoke_share_link`: the same address works again until it expires, as before.
    Restored twice (two tabs), the second finds it live and changes nothing."""
    with transaction.atomic():
        lock_applicant(link.owner_id)  # counted with the links being made, as they are
        now = ShareLink.objects.filter(pk=link.pk).first()
        if now is None:
            raise SharingError(f"{the_link(link)} was deleted with its scenario.")
        if now.revoked_at is None:
            return now
        if now.expires_at <= timezone.now():
            raise SharingError(f"{the_link(now)} has expired meanwhile: make a new one.")
        if live_links(now.owner).count() >= MAX_LIVE_LINKS:
            raise SharingError(
                f"You have {MAX_LIVE_LINKS} live links. Revoke one you no longer need first."
            )
        ShareLink.objects.filter(pk=now.pk).update(revoked_at=None)
        now.revoked_at = None
    return now


def open_share_link(token: str) -> ShareLink | None:
    """The live link with this secret, recording the visit; None for any other token."""
    if not token or len(token) > 128:
        return None
    link = (
        ShareLink.objects.select_related("profile")
        .filter(token_digest=_digest(token), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if link is None:
        return None
    now = timezone.now()
    ShareLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    link.last_opened_at = now
    record_view(owner_pk=link.owner_id, link=link, page=Page.LIST, profile=link.profile)
    return link


# The access log


def record_view(
    *,
    owner_pk: int,
    page: str,
    viewer: AbstractBaseUser | None = None,
    link: ShareLink | None = None,
    profile: Profile | None = None,
) -> None:
    """Log that a grantee or a link saw `page` of the owner's data (once per EVENT_WINDOW)."""
    if viewer is not None and viewer.pk == owner_pk:
        return
    now = timezone.now()
    same = AccessEvent.objects.filter(
        owner_id=owner_pk, viewer=viewer, link=link, page=page, profile=profile
    )
    if same.filter(at__gt=now - EVENT_WINDOW).exists():
        return
    AccessEvent.objects.create(
        owner_id=owner_pk, viewer=viewer, link=link, page=page, profile=profile, at=now
    )


@dataclass(frozen=True)
class LoggedView:
    who: str
    what: str
    at: datetime.datetime


def access_log(owner: AbstractBaseUser, *, limit: int = 100) -> list[LoggedView]:
    """Who viewed what of the owner's data, and when: newest first."""
    events = AccessEvent.objects.filter(owner=owner).select_related("viewer", "link", "profile")
    result = []
    for event in events[:limit]:
        if event.viewer is not None:
            who = event.viewer.get_username()
        else:
            who = f"Share link “{event.link.label}”" if event.link.label else "A share link"
        what = event.get_page_display()
        if event.profile is not None:
            what += f" of “{event.profile.name}”"
        elif event.page in (Page.LIST, Page.PROFILE, Page.EXPORT):
            what += " of a deleted scenario"
        result.append(LoggedView(who=who, what=what, at=event.at))
    return result
