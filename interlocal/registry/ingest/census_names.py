"""Readable names from Census short forms: "BALDWIN" (county, Alabama) -> "Baldwin County",
"PASEO DEL ESTE MUD 11" -> "Paseo del Este MUD 11"."""

import itertools
import re

from interlocal.core.geography import STATES

FIPS_STATE_NAMES: dict[str, str] = {fips: name for fips, _postal, name, _kind in STATES}

# Census abbreviations that read wrongly title-cased ("Mud", "Isd").
# fmt: off
KEEP_UPPER = frozenset({
    "MUD", "ISD", "USD", "CSD", "CISD", "CUSD", "CCSD", "UFSD", "UF", "SD", "ESD", "ESU",  # schools
    "PUD", "SUD", "WCID", "FWSD", "MWD", "JPA", "JPB", "MHMR", "BOCES", "CDD", "IWDD", "SID",
    "TIF", "DC", "US", "USA", "II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII",
})
# fmt: on
_SMALL_WORDS = frozenset({"OF", "AND", "THE", "AT", "FOR", "IN", "ON", "BY", "TO"})
_COUNTY_WORDS = frozenset({"COUNTY", "PARISH", "BOROUGH", "MUNICIPALITY"})
_ACRONYM_IN_PARENTHESES = re.compile(r"\([A-Z&]{2,6}\)")  # "(EIRC)"
_PART_SEPARATORS = re.compile(r"([-/&().#,])")


def census_display_name(type_code: int, name: str, fips_state: str) -> str:
    """A readable name from a Census short form and the unit's type and state."""
    if type_code == 0 and fips_state in FIPS_STATE_NAMES:
        return FIPS_STATE_NAMES[fips_state]
    readable = title_case(name)
    if type_code == 1:
        words = name.upper().split()
        if not (_COUNTY_WORDS & set(words)) and not name.upper().startswith("CITY AND "):
            suffix = {"22": "Parish", "02": "Borough"}.get(fips_state, "County")
            readable = f"{readable} {suffix}"
    return readable


def title_case(name: str) -> str:
    """Title-case a Census short name, keeping abbreviations like MUD/ISD upper-case."""
    words = name.upper().split()
    return " ".join(_title_word(word, first=index == 0) for index, word in enumerate(words))


def _title_word(word: str, *, first: bool) -> str:
    if word in KEEP_UPPER or _ACRONYM_IN_PARENTHESES.fullmatch(word):
        return word
    if not first and word in _SMALL_WORDS:
        return word.lower()
    return "".join(_title_part(part) for part in _PART_SEPARATORS.split(word))


def _title_part(part: str) -> str:
    if not part or not part[0].isalnum() or part in KEEP_UPPER:
        return part
    if any(char.isdigit() for char in part):
        return part.lower() if part[0].isdigit() else part  # "3RD" -> "3rd", "E911" stays
    if "'" in part:  # "O'BRIEN" -> "O'Brien", "GEORGE'S" -> "George's"
        pieces = part.split("'")
        out = [pieces[0].capitalize()]
        for before, piece in itertools.pairwise(pieces):
            out.append(piece.capitalize() if len(before) == 1 else piece.lower())
        return "'".join(out)
    if part.startswith("MC") and len(part) > 3:
        return "Mc" + part[2:].capitalize()
    return part.capitalize()
