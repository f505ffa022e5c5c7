"""Prepare a signed-in applicant for benchmarks/load.sh and print its session key.

The matched-average reference applicant, with a built 100-program list, on whatever
database DATABASE_URL names (load.sh gives it a throwaway PostgreSQL database).
"""

import os
import sys
from importlib import import_module
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "neuromatch.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.utils import timezone  # noqa: E402

from applicants.profiles import create_profile  # noqa: E402
from applicants.shortlists import build_shortlist  # noqa: E402
from tests.factories import make_profile_data  # noqa: E402

# The matched-average reference applicant, graduated two years ago.
MATCHED_AVERAGE = make_profile_data(graduation_year=timezone.now().year - 2)


def main() -> None:
    user, _ = User.objects.get_or_create(username="load-test-applicant")
    profile = user.profiles.filter(active=True).first() or create_profile(
        user=user, data=MATCHED_AVERAGE
    )
    build_shortlist(profile=profile)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that signs in
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(session.session_key)


if __name__ == "__main__":
    main()
