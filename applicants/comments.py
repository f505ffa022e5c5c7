"""Comments by the owner and by `comment` grantees, on a profile or on a program of its list;
and which of them are new to the owner.

Comments are kept by profile and program rather than by list entry, so that a rebuild, which
replaces entries without user data, never loses one.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from applicants.locks import lock_profile
from applicants.models import Comment, Profile, ShortlistEntry
from applicants.sharing import SharingError, access_of, can_comment
from programs.models import Program

MAX_COMMENT_LENGTH = Comment._meta.get_field("body").max_length


def add_comment(
    *, author: AbstractBaseUser, profile: Profile, body: str, program: Program | None = None
) -> Comment:
    """A comment by the owner or a `comment` grantee on a profile or on a program of its list."""
    if not can_comment(access_of(author, profile.user_id)):
        raise SharingError("You can view this workspace but not comment on it.")
    body = body.strip()
    if not body:
        raise SharingError("Write something before posting a comment.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise SharingError(
            f"A comment can be at most {MAX_COMMENT_LENGTH} characters; this one has {len(body)}."
        )
    with transaction.atomic():
        # A scenario deleted in another window meanwhile: say so, rather than fail on the key.
        if not lock_profile(profile.pk):
            raise SharingError(
                f"“{profile.name}” was deleted meanwhile, so the comment was not posted."
            )
        now = timezone.now()
        return Comment.objects.create(
            owner_id=profile.user_id,
            author=author,
            profile=profile,
            program=program,
            body=body,
            created_at=now,
            seen_at=now if author.pk == profile.user_id else None,
        )


def unseen_comments(owner: AbstractBaseUser) -> QuerySet[Comment]:
    """Comments by others on the owner's data that the owner has not seen yet."""
    return Comment.objects.filter(owner=owner, seen_at__isnull=True).exclude(author=owner)


@dataclass(frozen=True)
class NewComments:
    """Comments by others the owner has not seen yet, on one profile and on its list."""

    profile: Profile
    on_list: int
    on_profile: int


def new_comments(owner: AbstractBaseUser) -> list[NewComments]:
    """Where the owner has new comments, per profile or scenario (most recent first)."""
    counts = (
        unseen_comments(owner)
        .values("profile_id")
        .annotate(
            on_list=Count("pk", filter=Q(program__isnull=False)),
            on_profile=Count("pk", filter=Q(program__isnull=True)),
            latest=Max("created_at"),
        )
        .order_by("-latest")
    )
    rows = list(counts)
    profiles = Profile.objects.in_bulk([row["profile_id"] for row in rows])
    return [
        NewComments(profiles[row["profile_id"]], row["on_list"], row["on_profile"]) for row in rows
    ]


def mark_seen(owner: AbstractBaseUser, profile: Profile, *, on_programs: bool) -> int:
    """The owner looked at the profile's comments on its list's programs (`on_programs`) or on
    the profile itself: they are no longer new."""
    unseen = unseen_comments(owner).filter(profile=profile, program__isnull=not on_programs)
    return unseen.update(seen_at=timezone.now())


def mark_shown(shown: Iterable[Comment]) -> int:
    """The owner was shown these comments: the new ones among them are no longer new (one that
    came in meanwhile, not shown, stays new); no write when none was new."""
    new = [comment.pk for comment in shown if comment.is_new]
    if not new:
        return 0
    return Comment.objects.filter(pk__in=new, seen_at__isnull=True).update(seen_at=timezone.now())


def profile_comments(profile: Profile) -> list[Comment]:
    """The comments on the profile itself, oldest first."""
    return list(
        Comment.objects.filter(profile=profile, program__isnull=True).select_related("author")
    )


def attach_comments(entries: Iterable[ShortlistEntry], profile: Profile) -> list[ShortlistEntry]:
    """The entries as a list, each with `comments` (those on its program, oldest first) and
    `has_new_comments` (one of them is new to the owner)."""
    entries = list(entries)
    by_program: dict[int, list[Comment]] = {}
    programs = [entry.program_id for entry in entries]
    comments = Comment.objects.filter(profile=profile, program_id__in=programs)
    for comment in comments.select_related("author"):
        by_program.setdefault(comment.program_id, []).append(comment)
    for entry in entries:
        entry.comments = by_program.get(entry.program_id, [])
        entry.has_new_comments = any(comment.is_new for comment in entry.comments)
    return entries
