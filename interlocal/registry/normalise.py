"""Name normalisation shared by search, duplicate checks and (later) sales-report matching."""

import re
import unicodedata

_ABBREVIATIONS = {
    "co": "county",
    "cnty": "county",
    "twp": "township",
    "twnshp": "township",
    "isd": "independent school district",
    "usd": "unified school district",
    "sch": "school",
    "schs": "schools",
    "dist": "district",
    "dst": "district",
    "mud": "municipal utility district",
    "st": "saint",
    "ft": "fort",
    "mt": "mount",
    "univ": "university",
    "auth": "authority",
}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise_name(name: str) -> str:
    """Lower-case ASCII words, punctuation dropped, common abbreviations spelled out.

    'Harmon Co. Sch. Dist.' and 'HARMON COUNTY SCHOOL DISTRICT' normalise alike.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", ascii_name.lower().replace("&", " and ")).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def normalise_domain(value: str) -> str:
    """'https://www.HarmonCounty.gov/' or 'clerk@harmoncounty.gov' -> 'harmoncounty.gov'."""
    value = value.strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].split(":", 1)[0]
    return value.removeprefix("www.").strip(".")
