"""Pure normalisation of catalogue files: header aliases and cell values to canonical values.

No ORM and no request here. Every cleaner takes the text of one cell and returns the canonical
Python value, or raises `CellError` whose message says what the cell should contain.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from programs.geography import STATE_NAMES

CANONICAL_COLUMNS: tuple[str, ...] = (
    "program_id",
    "nrmp_codes",
    "name",
    "institution",
    "city",
    "state",
    "setting",
    "tier",
    "track",
    "positions",
    "visa_j1",
    "visa_h1b",
    "img_pct",
    "step2_min",
    "yog_window",
    "multiple_attempts_ok",
    "usce_min_months",
    "website",
    "notes",
    "data_source",
    "last_verified",
    "step2_min_kind",
    "yog_window_kind",
    "usce_kind",
    "img_observerships",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("name", "state")
# Not a canonical column, but FREIDA-style exports give visas as one list.
VISA_LIST = "visa_statuses_accepted"

SETTINGS: tuple[str, ...] = ("university", "community_affiliated", "community", "military", "other")
TRACKS: tuple[str, ...] = ("categorical", "advanced", "child")
TEXT_LIMITS: dict[str, int] = {
    "nrmp_codes": 200,
    "name": 200,
    "institution": 200,
    "city": 100,
    "website": 300,
    "notes": 5000,
    "data_source": 100,
}
MAX_POSITIONS = 200


class CellError(ValueError):
    """A cell that cannot be read. The message says what the cell should contain."""


def squash(text: str) -> str:
    """Lower-case ASCII letters and digits only: `IMG %` → `imgpct`, `J-1 Visa` → `j1visa`."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().replace("%", "pct").replace("&", "and")
    return re.sub(r"[^a-z0-9]", "", text)


def name_key(name: str) -> str:
    """The key that identifies a program by name (with its state) when it has no program ID."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"['’`]", "", text.lower().replace("&", " and "))
    return " ".join(re.findall(r"[a-z0-9]+", text))


_ALIASES: dict[str, tuple[str, ...]] = {
    "program_id": (
        "acgme id", "acgme program id", "acgme program number", "acgme number", "acgme code",
        "program number", "acgme",
    ),
    "nrmp_codes": (
        "nrmp code", "nrmp codes", "nrmp program code", "nrmp program codes", "nrmp number",
        "nrmp program number", "nrmp", "program code", "program codes",
    ),
    "name": ("program name", "program", "program title", "residency program", "programme name"),
    "institution": (
        "sponsoring institution", "institution name", "sponsor", "hospital", "medical center",
        "primary teaching site",
    ),
    "city": ("program city", "location city", "town"),
    "state": ("program state", "st", "state code", "state province", "location state"),
    "setting": (
        "program best described as", "program setting", "program type", "setting type", "type",
        "described as",
    ),
    "tier": ("competitiveness", "competitiveness tier", "program tier"),
    "track": ("program track", "specialty", "position type"),
    "positions": (
        "first year positions", "first-year positions", "number of positions", "positions offered",
        "pgy1 positions", "pgy2 positions", "spots", "quota", "total positions",
    ),
    "visa_j1": ("j1 visa", "j1", "j1 sponsorship", "sponsors j1", "j1 visa sponsorship", "visa j1"),
    "visa_h1b": (
        "h1b visa", "h1b", "h1b sponsorship", "sponsors h1b", "h1b visa sponsorship", "visa h1b",
    ),
    VISA_LIST: (
        "visa statuses accepted", "visas accepted", "visa status accepted", "visa statuses",
        "visas", "visa sponsorship", "visa",
    ),
    "img_pct": (
        "pct img", "img %", "img pct", "img percent", "percent img", "img share", "imgs",
        "img", "% img", "pct imgs", "% imgs", "img percentage", "percentage img",
        "share of imgs", "current residents img pct",
    ),
    "step2_min": (
        "min step 2 score", "min step 2", "min step 2 ck", "min step 2 ck score",
        "minimum step 2 score", "minimum step 2 ck score", "minimum step 2", "step 2 minimum",
        "step 2 ck minimum", "step 2 cutoff", "step 2 ck cutoff", "usmle step 2 ck minimum",
        "step2 ck min",
    ),
    "yog_window": (
        "yog cutoff (years)", "yog cutoff", "yog", "yog limit", "year of graduation cutoff",
        "years since graduation", "max years since graduation", "graduation window",
        "graduation cutoff", "time since graduation",
    ),
    "multiple_attempts_ok": (
        "multiple attempts", "multiple attempts ok", "accepts multiple attempts",
        "failed attempts ok", "accepts failed attempts", "multiple usmle attempts",
    ),
    "usce_min_months": (
        "usce", "usce months", "usce required", "usce required months", "usce minimum",
        "usce min", "min usce months", "us clinical experience", "us clinical experience months",
        "us clinical experience required",
    ),
    "website": ("url", "program website", "web site", "web", "program url", "homepage"),
    "notes": ("note", "comments", "comment", "remarks"),
    "data_source": ("source", "data source"),
    "last_verified": ("verified", "date verified", "last updated", "verified on", "updated"),
    "step2_min_kind": (
        "step 2 minimum kind", "step 2 min kind", "step 2 ck minimum kind", "step 2 minimum type",
        "step 2 cutoff type", "step 2 cutoff kind", "min step 2 type", "step 2 requirement",
        "step 2 minimum required or preferred", "step 2 cutoff hard or soft",
    ),
    "yog_window_kind": (
        "yog cutoff kind", "yog cutoff type", "yog kind", "yog type", "yog window kind",
        "graduation window kind", "graduation cutoff type", "yog requirement",
        "yog cutoff required or preferred", "yog cutoff hard or soft",
    ),
    "usce_kind": (
        "usce kind", "usce type", "usce min kind", "usce minimum kind", "usce requirement type",
        "usce required or preferred", "us clinical experience kind", "usce hard or soft",
    ),
    "img_observerships": (
        "observerships", "observership", "img observerships", "observerships for imgs",
        "offers observerships", "observerships offered", "img observership", "img electives",
        "electives for imgs", "observerships or electives", "offers img observerships",
    ),
}  # fmt: skip

HEADER_ALIASES: dict[str, str] = {squash(column): column for column in CANONICAL_COLUMNS}
HEADER_ALIASES[squash(VISA_LIST)] = VISA_LIST
for _field, _names in _ALIASES.items():
    for _name in _names:
        HEADER_ALIASES.setdefault(squash(_name), _field)


def canonical_field(header: str) -> str | None:
    """The canonical field a column header means, or None when the column is not ours."""
    return HEADER_ALIASES.get(squash(header)) if header.strip() else None


def aliases_of(field: str) -> list[str]:
    """Header names that are read as `field` (for messages and the README)."""
    return [field, *_ALIASES.get(field, ())]


# Cell values --------------------------------------------------------------------------------

UNKNOWN = frozenset(
    {"", "na", "nan", "nr", "unknown", "unk", "null", "nil", "notknown", "notreported",
     "notavailable", "notlisted", "notstated", "notspecified", "unspecified", "tbd", "tba",
     "varies", "unclear", "undisclosed", "blank", "nodata", "missing"}
)  # fmt: skip
_YES = frozenset(
    {"yes", "y", "true", "t", "1", "x", "on", "sponsors", "sponsored", "accepted", "accepts",
     "allowed", "ok", "considered", "considers", "si"}
)  # fmt: skip
_NO = frozenset(
    {"no", "n", "false", "f", "0", "off", "notsponsored", "doesnotsponsor", "nosponsorship",
     "notaccepted", "notallowed", "notconsidered", "doesnotaccept"}
)  # fmt: skip
_NUMBER = re.compile(r"([+-]?\d+)(?:[.,](\d+))?(?:e([+-]?\d+))?", re.ASCII | re.I)
# Control characters, and the bidirectional marks, embeddings, overrides and isolates that can
# make a name display differently from what it is ("Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def is_unknown(text: str) -> bool:
    return squash(text) in UNKNOWN


def clean_tristate(text: str) -> bool | None:
    """`Yes/No/Y/N/True/False/1/0` (any case), blank, `N/A`, `Unknown` → True / False / None."""
    word = squash(text)
    if word in UNKNOWN:
        return None
    if word in _YES or text.strip() == "1.0":
        return True
    if word in _NO or text.strip() == "0.0":
        return False
    raise CellError("should be yes, no or blank (unknown)")


def _number(text: str) -> float:
    value = text.strip().removesuffix("%").strip()
    match = _NUMBER.fullmatch(value)
    if not match:
        raise CellError("should be a number")
    # Negative, huge (`1e9`, even `1e999` = inf) or not: a number, for the range check to refuse.
    whole, fraction, exponent = match.groups()
    return float(f"{whole}.{fraction or 0}e{exponent or 0}")


def _whole(text: str, low: int, high: int) -> int:
    number = _number(text)
    if not low <= number <= high:
        raise CellError(f"should be between {low} and {high}")
    if not number.is_integer():
        raise CellError("should be a whole number")
    return int(number)


def clean_program_id(text: str) -> str | None:
    """An ACGME program ID: 10 digits (spaces, dashes and a spreadsheet's `.0` are dropped)."""
    if is_unknown(text):
        return None
    digits = re.sub(r"[\s-]", "", text.strip())
    digits = digits.removesuffix(".0")
    if not re.fullmatch(r"\d{10}", digits, re.ASCII):
        raise CellError("should be a 10-digit ACGME program ID")
    return digits


def _text(field: str) -> Callable[[str], str]:
    limit = TEXT_LIMITS[field]
    multiline = field == "notes"

    def clean(text: str) -> str:
        text = _CONTROL.sub("", text)
        text = text.strip() if multiline else " ".join(text.split())
        if len(text) > limit:
            raise CellError(f"is longer than {limit} characters")
        return text

    return clean


def clean_nrmp_codes(text: str) -> str:
    """NRMP codes, several allowed: `1104180C0;1104180A0` (commas or spaces also separate)."""
    if is_unknown(text):
        return ""
    codes = [code.upper() for code in re.split(r"[;,\s|/]+", text.strip()) if code]
    for code in codes:
        if not re.fullmatch(r"[0-9A-Z]{9}", code, re.ASCII):
            raise CellError("should be NRMP codes of 9 letters and digits, separated by ;")
    joined = ";".join(codes)
    if len(joined) > TEXT_LIMITS["nrmp_codes"]:
        raise CellError(f"is longer than {TEXT_LIMITS['nrmp_codes']} characters")
    return joined


_STATES: dict[str, str] = {squash(code): code for code in STATE_NAMES}
_STATES.update({squash(name): code for code, name in STATE_NAMES.items()})
_STATES.update({"washingtondc": "DC", "districtofcolumbia": "DC", "dc": "DC"})


def clean_state(text: str) -> str:
    """A USPS state code from a code or full state name in any case (`texas` → `TX`)."""
    if is_unknown(text):
        return ""
    code = _STATES.get(squash(text))
    if code is None:
        raise CellError("should be a US state: a two-letter code (TX) or its name (Texas)")
    return code


def clean_setting(text: str) -> str:
    """FREIDA's wording (`Community-based university affiliated`) or ours → canonical setting."""
    word = squash(text)
    if word in UNKNOWN:
        return ""
    if word in SETTINGS or word == "communityaffiliated":
        return "community_affiliated" if word == "communityaffiliated" else word
    if "military" in word:
        return "military"
    if "community" in word:
        return "community_affiliated" if "universit" in word or "affiliat" in word else "community"
    if "universit" in word or "academic" in word:
        return "university"
    if word == "other":
        return "other"
    raise CellError("should be university, community_affiliated, community, military or other")


def clean_tier(text: str) -> int | None:
    if is_unknown(text):
        return None
    return _whole(re.sub(r"(?i)^\s*tier\s*", "", text), 1, 4)


def clean_track(text: str) -> str:
    """`categorical`, `advanced` or `child` (also `C`, `A`, `Child Neurology`, `Neurology`)."""
    word = squash(text)
    if word in UNKNOWN or word in {"c", "categorical", "neurology", "adultneurology"}:
        return "categorical"
    if word.startswith("categorical"):
        return "categorical"
    if word in {"a", "advanced"} or word.startswith("advanced"):
        return "advanced"
    if "child" in word or "pediatric" in word or "paediatric" in word:
        return "child"
    raise CellError("should be categorical, advanced or child")


def clean_positions(text: str) -> int | None:
    return None if is_unknown(text) else _whole(text, 0, MAX_POSITIONS)


def clean_img_pct(text: str) -> float | None:
    """The share of IMG residents, 0–100: `35%`, `35`, `35.5` (a decimal comma works too)."""
    if is_unknown(text):
        return None
    number = _number(text)
    if not 0 <= number <= 100:
        raise CellError("should be a percentage between 0 and 100")
    return number


_NO_MINIMUM = frozenset({"none", "nominimum", "nocutoff", "no", "notrequired", "nomin"})


def clean_step2_min(text: str) -> int | None:
    """A Step 2 CK minimum (`230`, `230+`, `>= 230`); blank, `none` → no published minimum."""
    word = squash(text)
    if word in UNKNOWN or word in _NO_MINIMUM:
        return None
    value = re.sub(r"^\s*(?:>=|≥|>|min(?:imum)?\.?:?)\s*", "", text, flags=re.I).rstrip("+ ")
    return _whole(value, 1, 300)


_NO_LIMIT = re.compile(
    r"(none|no|nolimit\w*|nocap\w*|nocutoff\w*|norestriction\w*|noyog\w*|unlimited|any|"
    r"notapplicable|nomax\w*|norequirement\w*|doesnotmatter)"
)
_YEARS = re.compile(
    r"(?:(?:within|lessthan|under|upto|max(?:imum)?|graduatedwithin)?(?:the)?(?:past|last)?)"
    r"(\d+)(?:years?|yrs?|y|years?s|yearsorless|ormore)?"
    r"(?:since|from|of|after)?(?:graduation|gradution|medicalschoolgraduation)?(?:orless|max)?"
)


def clean_yog_window(text: str) -> tuple[str, int | None]:
    """Years since graduation accepted → (`limit`, n) / (`none`, None) / (`unknown`, None).

    `5`, `within the past 5 year(s)`, `5 years` → 5; `none`, `no cap…`, `no limit` → no limit.
    """
    word = squash(text.replace("≤", "").replace("<", ""))
    if word in UNKNOWN:
        return ("unknown", None)
    if text.strip().startswith("-"):  # squash() would drop the sign
        raise CellError("should be a number of years (0–60), none (no limit) or blank (unknown)")
    if _NO_LIMIT.fullmatch(word):
        return ("none", None)
    match = _YEARS.fullmatch(word)
    if not match:
        raise CellError("should be a number of years, none (no limit) or blank (unknown)")
    years = int(match.group(1))
    if years > 60:
        raise CellError("should be a number of years (0–60), not a graduation year")
    return ("limit", years)


_REQUIRED = frozenset(
    {"required", "requirement", "hard", "hardcutoff", "strict", "minimum", "min", "must",
     "mandatory", "absolute", "cutoff", "rule"}
)  # fmt: skip
_PREFERRED = frozenset(
    {"preferred", "preference", "soft", "softcutoff", "recommended", "flexible", "desired",
     "ideal", "suggested", "guideline"}
)  # fmt: skip


def clean_cutoff_kind(text: str) -> str:
    """Whether a cut-off is `required` (`hard`, `minimum`, `strict`…; the default when blank)
    or `preferred` (`soft`, `recommended`, `flexible`…)."""
    word = squash(text)
    if word in UNKNOWN or word in _REQUIRED:
        return "required"
    if word in _PREFERRED:
        return "preferred"
    raise CellError("should be required or preferred (hard or soft), or blank (required)")


def clean_usce_min_months(text: str) -> int | None:
    """Months of US clinical experience required: `3`, `3 months`; `none`, `no` → 0."""
    word = squash(text)
    if word in UNKNOWN:
        return None
    if word in {"none", "no", "notrequired", "norequirement", "0months"}:
        return 0
    value = re.sub(r"(?i)\s*(months?|mos?\.?|mo\.?)\s*$", "", text)
    return _whole(value, 0, 120)


# Stricter than Django's URLValidator (ASCII host with a dot), and ten times faster.
_URL = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?",
    re.I | re.ASCII,
)


def clean_website(text: str) -> str:
    text = text.strip()
    if is_unknown(text):
        return ""
    if not re.match(r"(?i)^https?://", text):
        text = f"https://{text}"
    if not _URL.fullmatch(text):
        raise CellError("should be a web address (https://…)")
    if len(text) > TEXT_LIMITS["website"]:
        raise CellError(f"is longer than {TEXT_LIMITS['website']} characters")
    return text


def clean_last_verified(text: str) -> dt.date | None:
    """A date: ISO `2025-03-14` (a time part is ignored) or US `3/14/2025`."""
    text = text.strip()
    if is_unknown(text):
        return None
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(
                text[:10] if pattern == "%Y-%m-%d" else text, pattern
            ).date()
        except ValueError:
            continue
    raise CellError("should be a date such as 2025-03-14")


_J1 = re.compile(r"j\W*1", re.I)
_H1B = re.compile(r"h\W*1\W*b", re.I)


def clean_visa_list(text: str) -> tuple[bool | None, bool | None]:
    """A FREIDA visa list (`['J-1 through ECFMG', 'H-1B']`) → (sponsors J-1, sponsors H-1B).

    A list that is given but names neither visa means no sponsorship; blank means unknown.
    """
    if is_unknown(text.strip().strip("[](){}")):
        return (None, None)
    return (bool(_J1.search(text)), bool(_H1B.search(text)))


CLEANERS: dict[str, Callable[[str], object]] = {
    "program_id": clean_program_id,
    "nrmp_codes": clean_nrmp_codes,
    "name": _text("name"),
    "institution": _text("institution"),
    "city": _text("city"),
    "state": clean_state,
    "setting": clean_setting,
    "tier": clean_tier,
    "track": clean_track,
    "positions": clean_positions,
    "visa_j1": clean_tristate,
    "visa_h1b": clean_tristate,
    VISA_LIST: clean_visa_list,
    "img_pct": clean_img_pct,
    "step2_min": clean_step2_min,
    "yog_window": clean_yog_window,
    "multiple_attempts_ok": clean_tristate,
    "usce_min_months": clean_usce_min_months,
    "website": clean_website,
    "notes": _text("notes"),
    "data_source": _text("data_source"),
    "last_verified": clean_last_verified,
    "step2_min_kind": clean_cutoff_kind,
    "yog_window_kind": clean_cutoff_kind,
    "usce_kind": clean_cutoff_kind,
    "img_observerships": clean_tristate,
}


# Canonical text, for export: parsing what these return gives the same value back. ---------

# Characters that make Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP
# "CSV injection"), plus their full-width forms, which some spreadsheet locales accept too.
FORMULA_TRIGGERS = frozenset("=+-@\t\r＝＋－＠")


def is_formula_like(value: object) -> bool:
    """True for text that a spreadsheet would read as a formula if typed into a cell."""
    return isinstance(value, str) and value[:1] in FORMULA_TRIGGERS


def _quoted_before_trigger(text: str) -> bool:
    return text.lstrip("'")[:1] in FORMULA_TRIGGERS


def neutralise_csv_text(value: object) -> object:
    """Prefix formula-like text with a single quote; every other value is returned as is.

    Text that already starts with quotes before a trigger gets one more, so that
    `restore_csv_text` gives every text back exactly.
    """
    return "'" + value if isinstance(value, str) and _quoted_before_trigger(value) else value


def restore_csv_text(text: str) -> str:
    """Undo `neutralise_csv_text`: drop the quote it put before formula-like text."""
    return text[1:] if text[:1] == "'" and _quoted_before_trigger(text) else text


def format_tristate(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def format_number(value: float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # Shortest text that reads back as the same float, never in exponent notation.
        return str(int(value)) if value.is_integer() else f"{Decimal(repr(value)):f}"
    return str(value)


def format_yog(policy: str, window: int | None) -> str:
    if policy == "none":
        return "none"
    return "" if policy != "limit" or window is None else str(window)
