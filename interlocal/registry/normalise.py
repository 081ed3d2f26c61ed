"""Name normalisation shared by search, duplicate checks and sales-report matching."""

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from interlocal.core.geography import STATES

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


def word_set(text: str) -> frozenset[str]:
    """The words of a long word list written as one string."""
    return frozenset(text.split())


def normalise_name(name: str) -> str:
    """Lower-case ASCII words, punctuation dropped, common abbreviations spelled out.

    'Harmon Co. Sch. Dist.' and 'HARMON COUNTY SCHOOL DISTRICT' normalise alike.
    """
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", name.lower().replace("&", " and ")).split()
    return " ".join([_ABBREVIATIONS.get(word, word) for word in words])


def normalise_domain(value: str) -> str:
    """'https://www.HarmonCounty.gov/' or 'clerk@harmoncounty.gov' -> 'harmoncounty.gov'."""
    value = value.strip().lower()
    if "@" in value:
        value = value.rsplit("@", 1)[1]
    value = re.sub(r"^[a-z]+://", "", value).split("/", 1)[0].split(":", 1)[0]
    return value.removeprefix("www.").strip(".")


# --------------------------------------------------------------------------- matching keys
# ``normalise_name`` is stored (Agency.search_name) and must not change; sales-report matching
# needs a stricter key on top of it, computed from its output so that the stored column can be
# reused without re-reading every name.

# Abbreviations suppliers' billing systems use beyond those spelled out by normalise_name.
_MATCH_ABBREVIATIONS = {
    "dept": "department",
    "dpt": "department",
    "depts": "department",
    "pd": "police department",
    "fd": "fire department",
    "vfd": "volunteer fire department",
    "cisd": "consolidated independent school district",
    "ufsd": "union free school district",
    "twn": "town",
    "vlg": "village",
    "vill": "village",
    "boro": "borough",
    "bd": "board",
    "brd": "board",
    "ed": "education",
    "educ": "education",
    "commrs": "commissioners",
    "comrs": "commissioners",
    "hosp": "hospital",
    "med": "medical",
    "ctr": "center",
    "pub": "public",
    "lib": "library",
    "muni": "municipal",
    "mun": "municipal",
    "munic": "municipal",
    "util": "utility",
    "utils": "utilities",
    "wtr": "water",
    "prot": "protection",
    "fpd": "fire protection district",
    "hsg": "housing",
    "rec": "recreation",
    "svc": "services",
    "svcs": "services",
    "serv": "services",
    "emerg": "emergency",
    "mgmt": "management",
    "govt": "government",
    "gov": "government",
    "assn": "association",
    "assoc": "association",
    "cons": "consolidated",
    "consol": "consolidated",
    "metro": "metropolitan",
    "ofc": "office",
    "div": "division",
    "elem": "elementary",
    "coll": "college",
    "reg": "regional",
    "regl": "regional",
    "spec": "special",
    "mosq": "mosquito",
    "hwy": "highway",
    "sd": "school district",
    "sherriff": "sheriff",
    "sherriffs": "sheriffs",
}
# Words that say which kind of general government a name is ("City of Austin", "Austin City").
DESIGNATIONS = frozenset(
    {"city", "town", "village", "borough", "township", "county", "parish", "state", "commonwealth"}
)
# Ways a name says "school district" that denote the same body in the states that use them
# ("Birmingham City Schools", "Jefferson County Board of Education", "Tulsa Public Schools").
_SCHOOL_ENDINGS = (
    ("public", "school", "district"),
    ("public", "schools"),
    ("school", "system"),
    ("board", "of", "education"),
    ("schools",),
)
_EVERY_ABBREVIATION = {**_ABBREVIATIONS, **_MATCH_ABBREVIATIONS}
_DIGITS_AND_LETTERS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_NUMBER_WORDS = frozenset({"no", "num", "nbr", "number"})


# Most names need none of match_words' work: these find the ones that do, at C speed.
_CAREFUL = re.compile(r"\d|\b[a-z]\b")
_CAREFUL_WORDS = frozenset(_EVERY_ABBREVIATION) | _NUMBER_WORDS | {"the"}
_KEY_WORDS = frozenset({"of", "charter"})
_ENDING_WORDS = frozenset(ending[-1] for ending in _SCHOOL_ENDINGS)
_PUBLIC_SCHOOL = ["public", "school"]  # the only ending that ends in "district"


def match_words(normalised: str) -> list[str]:
    """The words of a ``normalise_name`` result, tidied for matching: possessives joined
    ("sheriff s" -> "sheriffs"), more abbreviations spelled out, "MUD11" split into "mud 11",
    "No. 5" read as "5" and a leading "the" dropped. Word order is kept."""
    words = normalised.split()
    if not _CAREFUL.search(normalised) and _CAREFUL_WORDS.isdisjoint(words):
        return words
    raw: list[str] = []
    in_letters = False  # raw[-1] is single letters joined so far
    for word in _DIGITS_AND_LETTERS.sub(" ", normalised).split():
        single = len(word) == 1 and word.isalpha()
        if word == "s" and raw and len(raw[-1]) > 1 and not in_letters:
            # normalise_name turned the apostrophe of "Sheriff's" into a space.
            raw[-1] += "s"
        elif single and in_letters:
            # ... and the dots of "I.S.D." into spaces: join the letters back into "isd".
            raw[-1] += word
        else:
            raw.append(word)
            in_letters = single
    words = []
    for word in raw:
        words.extend(_EVERY_ABBREVIATION.get(word, word).split())
    words = [
        word
        for index, word in enumerate(words)
        if not (word in _NUMBER_WORDS and index + 1 < len(words) and words[index + 1].isdigit())
    ]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return words


def key_from_words(words: list[str]) -> str:
    """The matching key of tidied words: the designation put last ("city of austin" and
    "austin, city of" -> "austin city"; "charter township of x" -> "x township") and the
    school-district endings made one."""
    last = words[-1] if words else ""
    plain_ending = last not in _ENDING_WORDS or (
        last == "district" and words[-3:-1] != _PUBLIC_SCHOOL
    )
    if plain_ending and _KEY_WORDS.isdisjoint(words) and not last.isdigit():
        return " ".join(words)
    words = list(words)
    for index in range(len(words) - 1):
        if words[index] == "charter" and words[index + 1] == "township":
            del words[index]
            break
    if len(words) > 2 and words[0] in DESIGNATIONS and words[1] == "of":
        words = [*words[2:], words[0]]
    elif len(words) > 3 and words[:4] == ["city", "and", "county", "of"]:
        words = [*words[4:], "city", "and", "county"]
    elif len(words) > 2 and words[-1] == "of" and words[-2] in DESIGNATIONS:
        words = words[:-1]
    number = len(words)
    while number > 1 and words[number - 1].isdigit():  # "Yuma Union High Schools 70"
        number -= 1
    head, tail = words[:number], words[number:]
    for ending in _SCHOOL_ENDINGS:
        if len(head) > len(ending) and tuple(head[-len(ending) :]) == ending:
            head = [*head[: -len(ending)], "school", "district"]
            break
    return " ".join(head + tail)


def match_key(name: str) -> str:
    """The key sales-report matching compares names by.

    'County of Los Angeles' and 'Los Angeles Co.' -> 'los angeles county'; 'Austin, City of'
    -> 'austin city'; 'Springfield I.S.D.' -> 'springfield independent school district'.
    It equals ``match_key_of_normalised(normalise_name(name))``.
    """
    return key_from_words(match_words(normalise_name(name)))


def match_key_of_normalised(normalised: str) -> str:
    """``match_key`` from a stored ``normalise_name`` value (Agency.search_name)."""
    return key_from_words(match_words(normalised))


def split_designation(key: str) -> tuple[str, str]:
    """'austin city' -> ('austin', 'city'); a key without a designation -> (key, '')."""
    head, _, last = key.rpartition(" ")
    if head and last in DESIGNATIONS:
        return head, last
    return key, ""


# --------------------------------------------------------------------------- departments
# A sale to "Harris County Sheriff's Office" is a sale to Harris County. These say which
# trailing or leading words of a name (as ``match_words`` gives them) name a department,
# office or governing body of a government rather than a body of its own.
_DEPARTMENT_WORDS = word_set(
    """sheriff sheriffs police fire rescue ems public works parks recreation library
    libraries department departments office offices division bureau clerk clerks court courts
    jail detention corrections correctional treasurer treasurers assessor assessors attorney
    attorneys prosecutor prosecutors prosecuting commissioners supervisors purchasing
    procurement finance facilities fleet maintenance utilities water wastewater sewer streets
    transportation engineering planning building health human resources services emergency
    management communications dispatch information technology government administration
    recorder elections juvenile probation constable constables marshal marshals coroner
    medical examiner animal control solid waste sanitation traffic highway highways road roads
    bridge environmental development economic housing youth senior veterans social safety
    security legal registrar tax collector auditor controller comptroller judge judicial
    fiscal airport aviation center it and of the for"""
)
# Words a trailing department phrase may begin with (others, such as "health", only when the
# phrase ends in a noun like "department": "Harris County Health Department").
_DEPARTMENT_STARTS = word_set(
    """sheriff sheriffs police fire ems public parks recreation library department office
    division bureau clerk clerks court courts jail detention corrections treasurer treasurers
    assessor assessors attorney attorneys prosecutor prosecutors prosecuting commissioners
    purchasing procurement finance facilities fleet utilities government administration
    coroner constable marshal registrar auditor controller comptroller probation
    juvenile emergency"""
)
_DEPARTMENT_NOUNS = frozenset({"department", "office", "division", "bureau"})
# Words that make a name a body of its own (a district, an authority), never a department,
# in the free part of "<anything> Department" and "Department of <anything>".
_BODY_WORDS = word_set(
    """district authority board commission council school schools college university
    corporation hospital agency company inc llc association cooperative trust foundation"""
)
# Governing bodies, which are the government itself ("Board of County Commissioners").
_GOVERNING_BODIES = (
    ("board", "of", "commissioners"),
    ("board", "of", "county", "commissioners"),
    ("board", "of", "supervisors"),
    ("board", "of", "selectmen"),
    ("board", "of", "aldermen"),
    ("board", "of", "trustees"),
    ("board", "of", "directors"),
    ("commissioners", "court"),
    ("fiscal", "court"),
)
# After a designation these are the governing body too ("Jefferson County Commission").
_BODY_AFTER_DESIGNATION = frozenset({"commission", "council", "board", "government"})
_FILLERS = frozenset({"and", "of", "the", "for"})
# What a school district's own departments are billed as ("Plano ISD Transportation"), after
# a name with a school word.
_SCHOOL_DEPARTMENT_STARTS = word_set(
    "transportation maintenance technology food nutrition athletics operations business"
)
_SCHOOL_WORDS = word_set("school schools education")
# The words of agency types, which billing systems misspell like any other ("School Disrict",
# "Metropoolitan District") but which are no one's name.
_AGENCY_WORDS = word_set(
    """district school schools public elementary unified independent community union free
    central regional authority metropolitan municipal utility consolidated education board
    college university protection sanitary cemetery hospital housing transit drainage
    irrigation conservation mosquito abatement improvement reclamation township village
    borough county parish commonwealth"""
)
# Department and agency-type words are recognised through one slip of the keyboard
# ("Sherfif", "Pubic Works", "Schoool Disrict").
_KNOWN_WORDS = (
    _DEPARTMENT_WORDS
    | _DEPARTMENT_STARTS
    | _SCHOOL_DEPARTMENT_STARTS
    | _AGENCY_WORDS
    | {w for b in _GOVERNING_BODIES for w in b}
)
_SLIP_VOCABULARY = sorted(word for word in _KNOWN_WORDS if len(word) > 4)


@functools.lru_cache(maxsize=65536)
def _department_spelling(word: str) -> str:
    if word in _KNOWN_WORDS or len(word) < 5 or not word.isalpha():
        return word
    near = process.extract(word, _SLIP_VOCABULARY, scorer=OSA.distance, score_cutoff=1, limit=2)
    return near[0][0] if len(near) == 1 else word


def _free(words: list[str]) -> bool:
    return bool(words) and not any(w in _BODY_WORDS or w in DESIGNATIONS for w in words)


def _is_department_phrase(
    phrase: list[str], before: str, *, free: bool = True, school: bool = False
) -> bool:
    """Whether ``phrase`` names a department: department words from a word that starts
    departments ("sheriffs office", "public works") or ending in a noun ("human resources
    department"); with ``free`` also "department of <anything>" and "<one word> department";
    with ``school`` (the words before it name a school district) also "transportation"."""
    if not phrase or phrase[0] in _FILLERS:
        return False
    for body in _GOVERNING_BODIES:
        if tuple(phrase[: len(body)]) == body:
            return all(word in _DEPARTMENT_WORDS for word in phrase[len(body) :])
    if before in DESIGNATIONS and phrase[0] in _BODY_AFTER_DESIGNATION:
        return all(word in _DEPARTMENT_WORDS for word in phrase[1:])
    if school and phrase[0] in _SCHOOL_DEPARTMENT_STARTS:
        return all(w in _DEPARTMENT_WORDS or w in _SCHOOL_DEPARTMENT_STARTS for w in phrase)
    if free and phrase[0] in _DEPARTMENT_NOUNS and phrase[1:2] == ["of"]:
        return _free(phrase[2:])  # "department of human services"
    if free and len(phrase) == 2 and phrase[-1] in _DEPARTMENT_NOUNS:
        return _free(phrase[:1])  # "forestry department"
    if phrase == ["public"]:  # "Detroit Public" is not the Detroit public works
        return False
    if phrase[0] in _DEPARTMENT_STARTS or phrase[-1] in _DEPARTMENT_NOUNS:
        return all(word in _DEPARTMENT_WORDS for word in phrase)
    return False


def department_respelling(words: list[str]) -> list[str]:
    """The words with slips in department and agency-type words corrected ("publiv library"
    -> "public library", "school disrict" -> "school district"), so that "Kansas City Pulbic
    Library" can be found as itself."""
    return [_department_spelling(word) for word in words]


def department_splits(words: list[str]) -> list[int]:
    """Where the trailing department words of a name may begin, longest government first:
    "will county health department" -> [3, 2] ("will county health" is tried before "will
    county"). At least one word is left for the government."""
    spelt = department_respelling(words)
    school = [index for index, word in enumerate(spelt) if word in _SCHOOL_WORDS]
    return [
        cut
        for cut in range(len(words) - 1, 0, -1)
        if _is_department_phrase(
            spelt[cut:], spelt[cut - 1], school=bool(school) and school[0] < cut
        )
    ]


def leading_departments(words: list[str]) -> list[int]:
    """Where a government's name begins after leading department words ("police department
    city of austin" -> [2]); only names that end or begin with a designation count."""
    spelt = department_respelling(words)
    starts = []
    for cut in range(1, len(words)):
        if spelt[cut - 1] not in _DEPARTMENT_WORDS:
            break
        rest = words[cut:]
        if rest[0] in _FILLERS:
            continue
        key = key_from_words(rest)
        if split_designation(key)[1] and _is_department_phrase(spelt[:cut], ""):
            starts.append(cut)
    return starts[-1:]


# --------------------------------------------------------------------------- slips
# Matching reads a customer's name a second way when it ends with its state ("Harris County,
# TX") or misspells its designation ("Harris Conuty"); the first reading is always the name
# as written, so these only ever add a chance to match.

_STATE_NAMES = {postal: name for _fips, postal, name, _kind in STATES}
_DESIGNATION_SPELLINGS = {word: word for word in sorted(DESIGNATIONS)} | {
    "cnty": "county",
    "twnshp": "township",
}


def without_state(name: str, postal: str) -> str:
    """'Harris County, TX' -> 'Harris County' for a TX customer; the name unchanged when it
    does not end with its state. "Eagle CO" keeps its "CO" (Colorado or County?) unless a comma
    or dash sets it apart."""
    pattern = _state_suffix(postal)
    if pattern is None or not (match := pattern.search(name)):
        return name
    trimmed = name[: match.start()]
    words = match_words(normalise_name(trimmed))
    meaningful = [w for w in words if w not in DESIGNATIONS and w not in {"of", "the"}]
    return trimmed if meaningful else name


@functools.lru_cache(maxsize=64)
def _state_suffix(postal: str) -> re.Pattern[str] | None:
    state_name = _STATE_NAMES.get(postal, "")
    if not state_name:
        return None
    loose = "" if postal.lower() in _EVERY_ABBREVIATION else rf"|{postal}"
    return re.compile(
        rf"(?:\s*[,\-]\s*(?:{postal}|{state_name})|\s+(?:{state_name}{loose}))\.?\s*$",
        re.IGNORECASE,
    )


def designation_respellings(words: list[str]) -> list[list[str]]:
    """The words with a designation misspelt where designations stand ("ctiy of x", "x conuty",
    "x, cuonty of") spelled right: one list per designation a single edit away ("cuty" may be
    city or cnty), none when no word there is such a slip."""
    positions = {len(words) - 1}
    if len(words) > 2 and words[1] == "of":
        positions.add(0)
    if len(words) > 2 and words[-1] == "of":
        positions.add(len(words) - 2)
    respelt: list[list[str]] = []
    for position in sorted(positions):
        word = words[position]
        if len(word) < 3 or word in _DESIGNATION_SPELLINGS or not word.isalpha():
            continue
        # the designation itself before an abbreviation of another: "cuty" is city, not cnty
        meanings = dict.fromkeys(
            meaning
            for spelling, meaning in _DESIGNATION_SPELLINGS.items()
            if len(spelling) > 3 and OSA.distance(word, spelling, score_cutoff=1) <= 1
        )
        respelt += [[*words[:position], meaning, *words[position + 1 :]] for meaning in meanings]
    return respelt


# --------------------------------------------------------------------------- readings
# How sales-report matching reads a customer's name: one key per reading, tried in turn.

# Everyday short forms that no edit distance recovers, by state; used only before a
# designation or as the whole name, so "La Habra" stays La Habra.
_SHORT_FORMS: dict[str, dict[str, str]] = {
    "CA": {"la": "los angeles", "sf": "san francisco", "oc": "orange"},
    "NY": {"nyc": "new york city"},
    "MD": {"pg": "prince georges"},
    "FL": {"dade": "miami dade"},  # renamed Miami-Dade in 1997; the old name is still billed
    "PA": {"philly": "philadelphia"},
    "LA": {"ebr": "east baton rouge"},
    "NV": {"lv": "las vegas"},
    "NM": {"abq": "albuquerque"},
    "DC": {"dc": "washington dc", "district of columbia": "washington dc"},
}


@dataclass(frozen=True)
class Reading:
    """One reading of a customer's name: its key, the department words stripped off, and
    whether the name said "<designation> of X" (then X is the name, never "X City")."""

    key: str
    department: str = ""
    named: bool = False


def first_reading(name: str, state: str) -> Reading:
    """The name as written (in ``state``, for its short forms)."""
    return _reading(list(words_of(name)), state)


def readings(name: str, state: str) -> Iterator[list[Reading]]:
    """The readings of a customer's name, group by group, made as they are asked for (most
    names match as written): the whole name, also without a trailing state ("Harris County,
    TX") or with slips in department words respelt; then without its department words
    (trailing "Sheriff's Office", leading "Police Department, City of"). Each is followed by a
    group with a misspelt designation respelt ("Harris Conuty"; "Cuty" gives two readings of
    one group, city and county). Readings of one group are equally likely."""
    words = list(words_of(name))
    yield [_reading(words, state)]
    bases = [words]
    trimmed = without_state(name, state)
    if trimmed != name:
        bases.append(list(words_of(trimmed)))
    bases += [spelt for w in list(bases) if (spelt := department_respelling(w)) != w]
    stages: list[list[tuple[list[str], str]]] = [[(w, "") for w in bases], []]
    for w in bases:
        stages[1] += [(w[:cut], " ".join(w[cut:])) for cut in department_splits(w)]
        stages[1] += [(w[start:], " ".join(w[:start])) for start in leading_departments(w)]
    for number, stage in enumerate(stages):
        for government, department in stage[1 - bool(number) :]:
            yield [_reading(government, state, department)]
        for government, department in stage:
            if respelt := designation_respellings(government):
                yield [_reading(w, state, department) for w in respelt]


@functools.lru_cache(maxsize=200_000)
def words_of(name: str) -> tuple[str, ...]:
    """A raw name's words as :func:`match_words` gives them (cached: names repeat)."""
    return tuple(match_words(normalise_name(name)))


def _reading(words: list[str], state: str, department: str = "") -> Reading:
    named = len(words) > 2 and (
        (words[1] == "of" and words[0] in DESIGNATIONS)
        or (words[-1] == "of" and words[-2] in DESIGNATIONS)
    )
    key = key_from_words(words)
    if short := _SHORT_FORMS.get(state):
        core, designation = split_designation(key)
        if key in short:
            key = short[key]
        elif designation and core in short:
            key = f"{short[core]} {designation}"
    return Reading(key, department, named)
