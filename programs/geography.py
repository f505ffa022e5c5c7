"""US states (USPS codes) and their US Census regions."""

STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico",
}  # fmt: skip

REGION_STATES: dict[str, frozenset[str]] = {
    "Northeast": frozenset({"CT", "ME", "MA", "NH", "RI", "VT", "NJ", "NY", "PA"}),
    "Midwest": frozenset({"IL", "IN", "MI", "OH", "WI", "IA", "KS", "MN", "MO", "NE", "ND", "SD"}),
    "South": frozenset(
        {
            "DE",
            "DC",
            "FL",
            "GA",
            "MD",
            "NC",
            "SC",
            "VA",
            "WV",
            "AL",
            "KY",
            "MS",
            "TN",
            "AR",
            "LA",
            "OK",
            "TX",
        }
    ),  # fmt: skip
    "West": frozenset(
        {"AZ", "CO", "ID", "MT", "NV", "NM", "UT", "WY", "AK", "CA", "HI", "OR", "WA"}
    ),
}

REGIONS: tuple[str, ...] = tuple(REGION_STATES)
STATE_REGION: dict[str, str] = {
    state: region for region, states in REGION_STATES.items() for state in states
}
STATE_CHOICES: list[tuple[str, str]] = sorted(STATE_NAMES.items(), key=lambda item: item[1])
REGION_CHOICES: list[tuple[str, str]] = [(region, region) for region in REGIONS]


def region_of(state: str) -> str:
    """The US Census region of a USPS state code ("" when unknown)."""
    return STATE_REGION.get(state, "")


# Each state's time zone for interview times (IANA names). A state that spans two zones gets
# the zone where most of its people live, and MULTI_ZONE_STATES says which part differs.
STATE_TIME_ZONES: dict[str, str] = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico",
}  # fmt: skip
MULTI_ZONE_STATES: dict[str, str] = {
    "AK": "the western Aleutians keep Hawaii–Aleutian time",
    "FL": "the western Panhandle keeps Central time",
    "ID": "the northern Panhandle keeps Pacific time",
    "IN": "the northwest and southwest corners keep Central time",
    "KS": "four western counties keep Mountain time",
    "KY": "the western half keeps Central time",
    "MI": "four Upper Peninsula counties keep Central time",
    "NE": "the western Panhandle keeps Mountain time",
    "ND": "the southwest keeps Mountain time",
    "OR": "most of Malheur County keeps Mountain time",
    "SD": "the western half keeps Mountain time",
    "TN": "East Tennessee (Knoxville, Chattanooga) keeps Eastern time",
    "TX": "El Paso and Hudspeth counties keep Mountain time",
}


# The cities with residency programs in the part of a state MULTI_ZONE_STATES names, by state
# and city as the catalogue spells it (any case): their zone is known exactly.
CITY_TIME_ZONES: dict[tuple[str, str], str] = {
    ("TX", "el paso"): "America/Denver",
    ("FL", "pensacola"): "America/Chicago",
    ("FL", "panama city"): "America/Chicago",
    ("TN", "knoxville"): "America/New_York",
    ("TN", "chattanooga"): "America/New_York",
    ("TN", "johnson city"): "America/New_York",
    ("KY", "bowling green"): "America/Chicago",
    ("KY", "paducah"): "America/Chicago",
    ("KY", "owensboro"): "America/Chicago",
    ("IN", "evansville"): "America/Chicago",
    ("IN", "gary"): "America/Chicago",
    ("IN", "hammond"): "America/Chicago",
    ("IN", "merrillville"): "America/Chicago",
    ("ND", "dickinson"): "America/Denver",
    ("SD", "rapid city"): "America/Denver",
    ("NE", "scottsbluff"): "America/Denver",
    ("ID", "coeur d'alene"): "America/Los_Angeles",
    ("ID", "lewiston"): "America/Los_Angeles",
}


def _city_zone(state: str, city: str) -> str:
    return CITY_TIME_ZONES.get((state, " ".join(city.split()).casefold()), "")


def time_zone_of(state: str, city: str = "") -> str:
    """The IANA time zone of a program in `city`, `state` ("" when the state is unknown)."""
    return _city_zone(state, city) or STATE_TIME_ZONES.get(state, "")


def time_zone_note(state: str, city: str = "") -> str:
    """For a state spanning two zones, which part the zone of `time_zone_of` does not cover
    ("" where the city's own zone is known)."""
    return "" if _city_zone(state, city) else MULTI_ZONE_STATES.get(state, "")
