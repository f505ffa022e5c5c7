"""The applicants app's models, one submodule per concern; import them from here."""

from applicants.models.outcomes import (
    ApplicationOutcome,
    ModelVersion,
    OutcomeImport,
    OutcomeSource,
)
from applicants.models.profile import (
    PROFILE_ORDER,
    ApplicationFacts,
    Profile,
    Visa,
    model_bounds,
    next_year,
    validate_time_zone,
)
from applicants.models.season import CalendarFeed, SeasonDate, SeasonDateKind
from applicants.models.sharing import (
    Access,
    AccessEvent,
    Comment,
    Grant,
    GrantQuerySet,
    Page,
    ShareLink,
)
from applicants.models.shortlist import (
    ELIGIBLE_BANDS,
    Band,
    InterviewFormat,
    Shortlist,
    ShortlistEntry,
    Status,
)

__all__ = [
    "ELIGIBLE_BANDS",
    "PROFILE_ORDER",
    "Access",
    "AccessEvent",
    "ApplicationFacts",
    "ApplicationOutcome",
    "Band",
    "CalendarFeed",
    "Comment",
    "Grant",
    "GrantQuerySet",
    "InterviewFormat",
    "ModelVersion",
    "OutcomeImport",
    "OutcomeSource",
    "Page",
    "Profile",
    "SeasonDate",
    "SeasonDateKind",
    "ShareLink",
    "Shortlist",
    "ShortlistEntry",
    "Status",
    "Visa",
    "model_bounds",
    "next_year",
    "validate_time_zone",
]
