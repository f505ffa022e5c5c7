"""A save from a page opened a while ago: which of its changes were made elsewhere meanwhile.

Forms that carry what their page showed (Django's hidden initial values, see
`forms.ShowsWhatItShowed`) let a save write only the fields the user changed; `changed_since`
names those that now hold a third value, so the save can be refused instead of undoing
another tab's work.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any


def and_list(words: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return ", ".join(words[:-1]) + f" and {words[-1]}" if len(words) > 1 else "".join(words)


def same_text(one: str, other: str) -> bool:
    """Whether two texts read the same: browsers send line breaks as CRLF, HTML shows LF."""
    return one.replace("\r\n", "\n").strip() == other.replace("\r\n", "\n").strip()


def same(one: Any, other: Any) -> bool:
    """Whether two stored values mean the same: texts as they read, instants to the minute a
    form shows, lists of choices in any order."""
    if isinstance(one, str) and isinstance(other, str):
        return same_text(one, other)
    if isinstance(one, datetime) and isinstance(other, datetime):
        return one.replace(second=0, microsecond=0) == other.replace(second=0, microsecond=0)
    if isinstance(one, list | tuple) and isinstance(other, list | tuple):
        return sorted(map(str, one)) == sorted(map(str, other))
    return one == other


def changed_since(
    current: object, changes: Mapping[str, Any], based_on: Mapping[str, Any]
) -> list[str]:
    """The fields this save changes that hold another value than the page showed (and than
    this save would write): changed elsewhere meanwhile. `current` is the object as stored
    now; fields without a shown value (a page or script without the snapshot) are taken as
    they are sent."""
    return [
        name
        for name, value in changes.items()
        if name in based_on
        and not same(getattr(current, name), based_on[name])
        and not same(getattr(current, name), value)
    ]
