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
