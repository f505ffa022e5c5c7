"""The seam through which programs/ uses applicants/: program pages seen through a profile.

The catalogue pages show each program's band, interview chance and reasons for the user's
active profile, filter by them, and are cached under the user's data version. Everything
programs/ needs from applicants/ is named here, and nowhere else.
"""

from applicants.catalogue import CatalogueScores, ProgramScore, as_of_year, catalogue_scores
from applicants.forms import ScoreFilterForm
from applicants.versions import data_version

__all__ = [
    "CatalogueScores",
    "ProgramScore",
    "ScoreFilterForm",
    "as_of_year",
    "catalogue_scores",
    "data_version",
]
