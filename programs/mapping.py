"""Column mappings: fields chosen in the import preview for headers the importer does not
know, remembered for every later file with the same header row."""

import hashlib
from collections.abc import Mapping, Sequence

from django.contrib.auth.models import AbstractBaseUser

from programs.models import ColumnMapping
from programs.normalise import CANONICAL_COLUMNS, VISA_LIST, squash

# The fields a column can be mapped to.
MAPPABLE_FIELDS: tuple[str, ...] = (*CANONICAL_COLUMNS, VISA_LIST)


def header_key(headers: Sequence[str]) -> str:
    """The same for header rows the importer reads alike (case, spaces and punctuation aside)."""
    return hashlib.sha256("\x1f".join(squash(header) for header in headers).encode()).hexdigest()


def remembered_mapping(headers: Sequence[str]) -> dict[str, str]:
    """The mapping saved for this header row, or an empty one."""
    saved = ColumnMapping.objects.filter(header_key=header_key(headers)).first()
    if saved is None:
        return {}
    # The saved headers may differ from these in case, spacing and punctuation.
    fields = {squash(h): f for h, f in saved.mapping.items() if f in MAPPABLE_FIELDS}
    return {header: fields[squash(header)] for header in headers if squash(header) in fields}


def remember_mapping(
    *, headers: Sequence[str], mapping: Mapping[str, str], user: AbstractBaseUser | None
) -> None:
    """Save `mapping` (header → field) for files with this header row."""
    ColumnMapping.objects.update_or_create(
        header_key=header_key(headers),
        defaults={"headers": list(headers), "mapping": dict(mapping), "updated_by": user},
    )
