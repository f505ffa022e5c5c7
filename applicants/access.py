"""Who may see and who may change an applicant's objects: one helper per model, for every view.

`get_<model>_for_user` gives read access, `get_rw_<model>_for_user` write access; anything
else answers 404, so another user's object looks like one that does not exist. Today both
mean "your own"; sharing (read-only access for advisors) widens `readable_profiles` alone.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from applicants.models import Profile, ShortlistEntry


def readable_profiles(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The profiles and scenarios `user` may look at."""
    return Profile.objects.filter(user=user)


def writable_profiles(user: AbstractBaseUser) -> QuerySet[Profile]:
    """The profiles and scenarios `user` may change: their own, never anyone else's."""
    return Profile.objects.filter(user=user)


def get_profile_for_user(user: AbstractBaseUser, pk: int) -> Profile:
    return get_object_or_404(readable_profiles(user), pk=pk)


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
