"""Row locks that queue one applicant's writes behind each other.

PostgreSQL: a row lock held until the transaction commits; a second request waits for it and
then reads what the first wrote. SQLite runs write transactions one at a time (they begin
IMMEDIATE, see settings), so the lock is already held. Call inside `transaction.atomic()`.
"""

from django.contrib.auth import get_user_model


def lock_applicant(user_id: int) -> None:
    """Lock the user's row: the one lock every write to their profiles and tracker takes first."""
    get_user_model().objects.select_for_update(no_key=True).filter(pk=user_id).first()


def lock_profile(profile_pk: int) -> bool:
    """Lock a profile's (or scenario's) row; False when it was deleted meanwhile."""
    from applicants.models import Profile

    locked = Profile.objects.select_for_update(no_key=True).filter(pk=profile_pk).values("pk")
    return locked.first() is not None
