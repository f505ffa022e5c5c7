from django.http import HttpRequest

from programs.models import Program


def catalogue(request: HttpRequest) -> dict[str, object]:
    """Whether demo programs are in the catalogue, for the banner on every page."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    return {"demo_catalogue": Program.objects.filter(data_source="demo", active=True).exists()}
