"""States, the District of Columbia and territories with their FIPS codes.

Source: U.S. Census Bureau, ANSI/FIPS state codes (FIPS PUB 5-2 successors). Counties are
loaded from the pinned ``addfips`` package's 2020 Census county file, so no list is copied here.
"""

import csv
from importlib import resources

# (FIPS, postal, name, kind)
STATES: list[tuple[str, str, str, str]] = [
    ("01", "AL", "Alabama", "state"),
    ("02", "AK", "Alaska", "state"),
    ("04", "AZ", "Arizona", "state"),
    ("05", "AR", "Arkansas", "state"),
    ("06", "CA", "California", "state"),
    ("08", "CO", "Colorado", "state"),
    ("09", "CT", "Connecticut", "state"),
    ("10", "DE", "Delaware", "state"),
    ("11", "DC", "District of Columbia", "district"),
    ("12", "FL", "Florida", "state"),
    ("13", "GA", "Georgia", "state"),
    ("15", "HI", "Hawaii", "state"),
    ("16", "ID", "Idaho", "state"),
    ("17", "IL", "Illinois", "state"),
    ("18", "IN", "Indiana", "state"),
    ("19", "IA", "Iowa", "state"),
    ("20", "KS", "Kansas", "state"),
    ("21", "KY", "Kentucky", "state"),
    ("22", "LA", "Louisiana", "state"),
    ("23", "ME", "Maine", "state"),
    ("24", "MD", "Maryland", "state"),
    ("25", "MA", "Massachusetts", "state"),
    ("26", "MI", "Michigan", "state"),
    ("27", "MN", "Minnesota", "state"),
    ("28", "MS", "Mississippi", "state"),
    ("29", "MO", "Missouri", "state"),
    ("30", "MT", "Montana", "state"),
    ("31", "NE", "Nebraska", "state"),
    ("32", "NV", "Nevada", "state"),
    ("33", "NH", "New Hampshire", "state"),
    ("34", "NJ", "New Jersey", "state"),
    ("35", "NM", "New Mexico", "state"),
    ("36", "NY", "New York", "state"),
    ("37", "NC", "North Carolina", "state"),
    ("38", "ND", "North Dakota", "state"),
    ("39", "OH", "Ohio", "state"),
    ("40", "OK", "Oklahoma", "state"),
    ("41", "OR", "Oregon", "state"),
    ("42", "PA", "Pennsylvania", "state"),
    ("44", "RI", "Rhode Island", "state"),
    ("45", "SC", "South Carolina", "state"),
    ("46", "SD", "South Dakota", "state"),
    ("47", "TN", "Tennessee", "state"),
    ("48", "TX", "Texas", "state"),
    ("49", "UT", "Utah", "state"),
    ("50", "VT", "Vermont", "state"),
    ("51", "VA", "Virginia", "state"),
    ("53", "WA", "Washington", "state"),
    ("54", "WV", "West Virginia", "state"),
    ("55", "WI", "Wisconsin", "state"),
    ("56", "WY", "Wyoming", "state"),
    ("60", "AS", "American Samoa", "territory"),
    ("66", "GU", "Guam", "territory"),
    ("69", "MP", "Northern Mariana Islands", "territory"),
    ("72", "PR", "Puerto Rico", "territory"),
    ("78", "VI", "U.S. Virgin Islands", "territory"),
]


def county_rows(vintage: int = 2020) -> list[tuple[str, str, str]]:
    """(state FIPS, 5-digit county FIPS, name) from the installed addfips package.

    The file lists alternate names for some codes (Bronx County / the Bronx Borough); the first
    listed, the official name, is kept.
    """
    text = resources.files("addfips").joinpath("data", f"counties_{vintage}.csv").read_text()
    rows: dict[str, tuple[str, str, str]] = {}
    for row in csv.DictReader(text.splitlines()):
        state, county = row["statefp"].zfill(2), row["countyfp"].zfill(3)
        rows.setdefault(state + county, (state, state + county, row["name"]))
    return list(rows.values())


# The IANA time zone of each state's capital: the default for a lead agency's deadlines (an
# officer in a state with two zones, like the Florida panhandle, picks the other one). Source:
# the IANA tz database's zone.tab (America/Phoenix has no daylight saving time).
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
    "AS": "Pacific/Pago_Pago", "GU": "Pacific/Guam", "MP": "Pacific/Saipan",
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas",
}  # fmt: skip

US_TIME_ZONES = sorted(set(STATE_TIME_ZONES.values()) | {"America/Kentucky/Louisville"})
