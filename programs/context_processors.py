from django.http import HttpRequest

from programs.models import Program
from programs.permissions import can_edit_catalogue


def catalogue(request: HttpRequest) -> dict[str, object]:
    """Whether demo programs are in the catalogue, for the banner on every page, and whether
    the user may edit the catalogue, for the links to the import page."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {
        "demo_catalogue": Program.objects.filter(data_source="demo", active=True).exists(),
        "can_edit_catalogue": can_edit_catalogue(request.user),
    }
