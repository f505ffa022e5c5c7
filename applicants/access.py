"""Who may see and who may change an applicant's objects: one helper per model, for every view.

`get_<model>_for_user` gives read access, `get_rw_<model>_for_user` write access; anything
else answers 404, so another user's object looks like one that does not exist. Write access is
the owner's alone. Read access is the owner's and, read-only, that of every user the owner
gave a live grant to (`applicants.sharing`): sharing widens `readable_profiles` alone.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from applicants.models import Grant, Profile, ShortlistEntry


def _sharing_owners(user: AbstractBaseUser) -> QuerySet:
    """The applicants who gave `user` a live grant, as a subquery of their ids."""
    return Grant.objects.active().filter(grantee=user).values("owner_id")


def readable_profiles(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The profiles and scenarios `user` may look at: their own and those shared with them."""
    return Profile.objects.filter(Q(user=user) | Q(user__in=_sharing_owners(user)))


def writable_profiles(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The profiles and scenarios `user` may change: their own, never anyone else's."""
    return Profile.objects.filter(user=user)


def get_profile_for_user(user: AbstractBaseUser, pk: int) -> Profile:
    return get_object_or_404(readable_profiles(user).select_related("user"), pk=pk)


def get_rw_profile_for_user(user: AbstractBaseUser, pk: int) -> Profile:
    return get_object_or_404(writable_profiles(user), pk=pk)


def _entries(profiles: QuerySet[Profile]) -> QuerySet[ShortlistEntry]:
    return ShortlistEntry.objects.select_related("program", "shortlist__profile").filter(
        shortlist__profile__in=profiles
    )


def get_entry_for_user(user: AbstractBaseUser, pk: int) -> ShortlistEntry:
    return get_object_or_404(_entries(readable_profiles(user)), pk=pk)


def get_rw_entry_for_user(user: AbstractBaseUser, pk: int) -> ShortlistEntry:
    return get_object_or_404(_entries(writable_profiles(user)), pk=pk)


def get_owner_for_user(user: AbstractBaseUser, pk: int) -> AbstractBaseUser:
    """The applicant whose whole workspace `user` may look at: themselves or one sharing it."""
    if pk != user.pk and not _sharing_owners(user).filter(owner_id=pk).exists():
        raise Http404("No such applicant.")
    return get_object_or_404(get_user_model(), pk=pk)
