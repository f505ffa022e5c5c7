"""Who may change the catalogue: one rule for the import page, the admin and corrections."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

CATALOGUE_EDITORS = "Catalogue editors"
# What Django's admin asks of a user who adds and edits programs; importing does both.
EDIT_CATALOGUE = ("programs.add_program", "programs.change_program")


def can_edit_catalogue(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff with the Program add and change permissions (the "Catalogue editors" group gives
    both); the staff flag alone is not enough."""
    return bool(user.is_active and user.is_staff and user.has_perms(EDIT_CATALOGUE))


def require_catalogue_editor(user: AbstractBaseUser | AnonymousUser) -> None:
    """Raise PermissionDenied (403) unless `user` may edit the catalogue."""
    if not can_edit_catalogue(user):
        raise PermissionDenied
