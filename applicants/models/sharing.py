"""Sharing: grants to other users, comments, read-only share links and the access log.

Every user reference cascades, so deleting an account removes what it gave and wrote.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from applicants.models.profile import Profile
from programs.models import Program


class Access(models.TextChoices):
    VIEW = "view", "View"
    COMMENT = "comment", "View and comment"

    @property
    def verb(self) -> str:
        """What the level lets someone do, to finish "… can now ___ your workspace"."""
        return "view and comment on" if self is Access.COMMENT else "view"


class GrantQuerySet(models.QuerySet):
    def active(self) -> "GrantQuerySet":
        """Grants not revoked and accepted by an account (pending invitations excluded)."""
        return self.filter(revoked_at__isnull=True, grantee__isnull=False)

    def pending(self) -> "GrantQuerySet":
        """Invitations to an address that no verified account holds yet."""
        return self.filter(revoked_at__isnull=True, grantee__isnull=True)


class Grant(models.Model):
    """Access to an applicant's whole workspace for another user, or an invitation by e-mail.

    An invitation has `email` and no `grantee` until an account verifies that address. A
    revoked grant is kept (with `revoked_at`) so that the owner can undo the revocation.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants_given"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="grants_received",
    )
    email = models.EmailField("e-mail address", blank=True)  # the address invited, lower case
    level = models.CharField(max_length=10, choices=Access.choices, default=Access.VIEW)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grantee__isnull=False) | ~Q(email=""), name="grant_has_grantee_or_email"
            ),
            models.CheckConstraint(condition=~Q(grantee=F("owner")), name="grant_not_to_owner"),
            models.UniqueConstraint(
                fields=["owner", "grantee"],
                condition=Q(revoked_at__isnull=True, grantee__isnull=False),
                name="one_live_grant_per_grantee",
            ),
            models.UniqueConstraint(
                fields=["owner", "email"],
                condition=Q(revoked_at__isnull=True, grantee__isnull=True),
                name="one_pending_invitation_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} for {self.grantee or self.email}"

    @property
    def is_pending(self) -> bool:
        return self.grantee_id is None

    @property
    def can_comment(self) -> bool:
        return self.level == Access.COMMENT


class Comment(models.Model):
    """A note by the owner or a `comment` grantee on a profile, or on one program of its list.

    Keyed by profile and program rather than by list entry: a rebuild replaces entries
    without user data, and a comment must not vanish with them.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments_received"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments_written"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="comments")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)  # when the owner first saw it

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["owner", "seen_at"], name="comment_owner_unseen")]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.program or self.profile}"

    @property
    def is_new(self) -> bool:
        """Not seen by the owner yet (the owner's own comments never are new)."""
        return self.seen_at is None and self.author_id != self.owner_id


class ShareLink(models.Model):
    """A secret address that shows one list, read-only, to anyone who has it, until it expires.

    Only a SHA-256 digest of the secret is stored: the address is shown once, when created.
    """

    MAX_DAYS = 30

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(max_length=80, blank=True)
    token_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="share_link_expires_after_creation",
            ),
        ]

    def __str__(self) -> str:
        return self.label or f"Link to {self.profile}"

    def is_live(self, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def restorable(self) -> bool:
        """Revoked before it expired: restoring it makes the same address work again."""
        return self.revoked_at is not None and self.expires_at > timezone.now()


class Page(models.TextChoices):
    PROFILE = "profile", "profile"
    SCENARIOS = "scenarios", "scenarios"
    LIST = "list", "list"
    EXPORT = "export", "export"
    TRACKER = "tracker", "tracker"
    CALENDAR = "calendar", "calendar"


class AccessEvent(models.Model):
    """Someone other than the owner looked at the owner's data: a grantee or a share link."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_events"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link = models.ForeignKey(
        ShareLink, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    page = models.CharField(max_length=12, choices=Page.choices)
    profile = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["owner", "-at"], name="access_event_owner_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(viewer__isnull=False, link__isnull=True)
                | Q(viewer__isnull=True, link__isnull=False),
                name="access_event_by_viewer_or_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.viewer or self.link} viewed {self.page} at {self.at:%Y-%m-%d %H:%M}"
