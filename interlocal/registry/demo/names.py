"""Fictional but realistic US public-entity names for the demo agency universe.

Every name is built from the word lists in ``words.py`` (written for this project, not copied
from any gazetteer) with a ``random.Random`` the caller passes in, so the same seed gives the
same names.
``StateNamer`` guarantees that names are unique within (state, agency type): on a collision it
draws again, then puts a direction or "New"/"Upper"/"Lower" before the place, and as a last
resort a number after it. Numbered kinds ("... Drainage District No. 7") take their numbers
from counters, so they never collide.

Real-world shapes are followed on purpose: Pennsylvania and New Jersey boroughs, "Town of"
towns in New England, New York and Wisconsin, Texas independent school districts, California
unified school districts, Iowa/Illinois community school districts, county-wide school systems
in the South. A name never repeats a municipal word: no "City of Lake City", no "Lake City City
Schools".

County names are not made here: the demo universe uses each state's real county areas, and
names that mention a county ("{C} Food Bank") are given its real name.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Sequence

from interlocal.registry.demo.calibration import State
from interlocal.registry.demo.words import (
    ADJ_F,
    ADJ_M,
    COUNTYWIDE_SCHOOL_STATES,
    DEL,
    DISAMBIGUATORS,
    JOIN_HEADS,
    JOIN_TAILS,
    LOS_LAS,
    SAINTS_F,
    SAINTS_M,
    SPACED_HEADS,
    SPACED_TAILS,
    SPANISH_F,
    SPANISH_M,
    SPANISH_SHARE,
    SURNAME_FORMS,
    SURNAMES,
    TOWN_STATES,
    TOWNSHIP_COMMON,
    VILLAGE_STATES,
    WEST,
    WEST_TAILS,
    codes,
    word_list,
)

Templates = tuple[tuple[str, int], ...]

_SCHOOL_TEMPLATES: dict[str, Templates] = {
    "CA": (("{X} Unified School District", 6), ("{X} Elementary School District", 3),
           ("{X} Union High School District", 1), ("{X} Joint Unified School District", 1),
           ("{X} Union School District", 1)),
    "TX": (("{X} Independent School District", 9),
           ("{X} Consolidated Independent School District", 1)),
    "IA": (("{X} Community School District", 1),),
    "IL": (("{X} Community Unit School District {n}", 4), ("{X} School District {n}", 3),
           ("{X} Community Consolidated School District {n}", 2),
           ("{X} Community High School District {n}", 1)),
    "OH": (("{X} Local School District", 6), ("{X} City School District", 3),
           ("{X} Exempted Village School District", 1)),
    "PA": (("{X} Area School District", 6), ("{X} School District", 4)),
    "NY": (("{X} Central School District", 6), ("{X} Union Free School District", 3),
           ("{X} City School District", 1)),
    "NJ": (("{X} Public Schools", 4), ("{X} Board of Education", 3),
           ("{X} Regional School District", 2)),
    "MI": (("{X} Public Schools", 5), ("{X} Community Schools", 3), ("{X} Area Schools", 2)),
    "MN": (("{X} Public Schools", 6), ("Independent School District No. {n}", 2),
           ("{X} Area Schools", 2)),
    "WI": (("School District of {X}", 5), ("{X} Area School District", 4),
           ("{X} Unified School District", 1)),
    "KS": (("{X} Unified School District No. {n}", 1),),
    "MO": (("{X} R-{n} School District", 6), ("{X} School District", 4)),
    "NE": (("{X} Public Schools", 1),),
    "OK": (("{X} Public Schools", 1),),
    "AR": (("{X} School District", 1),),
    "WA": (("{X} School District No. {n}", 1),),
    "OR": (("{X} School District {n}", 1),),
    "AZ": (("{X} Unified School District", 5), ("{X} Elementary School District", 4),
           ("{X} Union High School District", 1)),
    "CO": (("{X} School District RE-{n}", 5), ("{X} School District", 5)),
    "NM": (("{X} Municipal Schools", 5), ("{X} Public Schools", 5)),
    "ME": (("Regional School Unit {n}", 3), ("{X} School Department", 4),
           ("School Administrative District {n}", 3)),
    "VT": (("{X} Unified Union School District", 5), ("{X} School District", 5)),
    "MA": (("{X} Regional School District", 7),
           ("{X} Regional Vocational Technical School District", 3)),
    "CT": (("Regional School District {n}", 1),),
    "RI": (("{X} Regional School District", 1),),
    "_": (("{X} School District", 5), ("{X} Public Schools", 3),
          ("{X} Public School District", 2)),
}  # fmt: skip
_COUNTYWIDE_SCHOOL_TEMPLATES: dict[str, Templates] = {
    "AL": (("{C} Board of Education", 1), ("{C} Schools", 1)),
    "FL": (("School District of {C}", 1), ("{C} Public Schools", 1)),
    "GA": (("{C} School District", 1), ("{C} Schools", 1)),
    "KY": (("{C} Public Schools", 1),),
    "LA": (("{C} School Board", 1),),
    "SC": (("{C} School District", 1),),
    "_": (("{C} Schools", 1), ("{C} School District", 1)),
}
_CITY_SCHOOL_TEMPLATES: dict[str, Templates] = {
    "KY": (("{X} Independent Schools", 1),),
    "MS": (("{X} Separate School District", 1),),
    "SC": (("{C} School District {n}", 1),),
    "_": (("{X} City Schools", 2), ("{X} City School District", 1)),
}

# Special district name templates by function; a state list limits a template to those states.
_SPECIAL_TEMPLATES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "water": (("{X} Water District", 5, ""), ("{X} Water Authority", 6, "PA NJ"),
              ("{X} Public Water District", 4, "IL"),
              ("{X} Municipal Utility District No. {n}", 12, "TX"),
              ("{C} Rural Water District No. {n}", 6, "KS OK IA NE ND SD"),
              ("{X} Water Supply District", 2, ""), ("{X} Water Conservancy District", 1, "")),
    "sewer": (("{X} Sanitary District", 4, ""), ("{X} Sewer District", 3, ""),
              ("{X} Sewer Authority", 6, "PA NJ"), ("{X} Sanitation District No. {n}", 2, "")),
    "fire_protection": (("{X} Fire Protection District", 6, ""),
                        ("{C} Fire District No. {n}", 4, "WA OR NY"),
                        ("{X} Fire District", 3, ""),
                        ("{C} Emergency Services District No. {n}", 12, "TX"),
                        ("{X} Rural Fire Protection District", 2, "")),
    "library": (("{X} Public Library District", 5, ""), ("{X} Library District", 3, ""),
                ("{X} District Library", 6, "MI")),
    "parks_recreation": (("{X} Park District", 5, ""),
                         ("{X} Recreation and Park District", 6, "CA"),
                         ("{X} Parks and Recreation District", 2, ""),
                         ("{X} Metropolitan Park District", 1, "")),
    "hospital": (("{C} Hospital District", 4, ""), ("{X} Healthcare District", 3, ""),
                 ("{X} Hospital Authority", 2, "")),
    "transit": (("{X} Transit Authority", 4, ""), ("{X} Area Transit District", 2, ""),
                ("{C} Transit District", 2, "")),
    "housing": (("{C} Housing Authority", 5, ""), ("Housing Authority of the City of {X}", 3, ""),
                ("{X} Housing Authority", 4, "")),
    "school_building": (("{X} School Building Authority", 3, ""),
                        ("{X} Area School Building Authority", 1, "")),
    "drainage": (("{C} Drainage District No. {n}", 6, ""), ("{X} Drainage District", 2, ""),
                 ("{X} Levee and Drainage District", 1, "")),
    "soil_water_conservation": (("{C} Soil and Water Conservation District", 6, ""),
                                ("{X} Resource Conservation District", 6, "CA"),
                                ("{X} Conservation District", 2, "")),
    "cemetery": (("{X} Cemetery District", 5, ""), ("{X} Public Cemetery District", 2, "")),
    "mosquito_abatement": (("{X} Mosquito Abatement District", 4, ""),
                           ("{C} Mosquito Control District", 3, ""),
                           ("{X} Mosquito and Vector Control District", 2, "")),
    "irrigation": (("{X} Irrigation District", 5, ""),),
    "flood_control": (("{C} Flood Control District", 3, ""), ("{X} Levee District", 2, ""),
                      ("{X} Watershed District", 2, "")),
    "road": (("{X} Road District No. {n}", 3, ""),),
    "airport": (("{X} Airport Authority", 3, ""), ("{C} Regional Airport Authority", 2, "")),
    "port": (("Port of {X}", 3, ""), ("{X} Port District", 2, "")),
    "solid_waste": (("{C} Solid Waste Authority", 3, ""), ("{X} Solid Waste District", 2, "")),
    "utility": (("{X} Public Utility District", 4, ""), ("{X} Electric Power District", 2, ""),
                ("{X} Utility Authority", 2, "")),
    "community_development": (("{X} Community Development District", 8, "FL"),
                              ("{X} Community Services District", 6, "CA"),
                              ("{X} Improvement District", 3, "")),
    "ambulance": (("{X} Ambulance District", 3, ""),
                  ("{X} Emergency Medical Services District", 1, "")),
    "metropolitan": (("{X} Metropolitan District No. {n}", 2, ""),
                     ("{X} Metropolitan District", 1, "")),
    "natural_resources": (("{X} Natural Resources District", 1, ""),),
}  # fmt: skip
# One short word per function, for email domains ("northforkwater.org").
FUNCTION_DOMAIN_WORDS: dict[str, str] = {
    "water": "water", "sewer": "sewer", "fire_protection": "fire", "library": "library",
    "parks_recreation": "parks", "hospital": "health", "transit": "transit",
    "housing": "housing", "school_building": "sba", "drainage": "drainage",
    "soil_water_conservation": "swcd", "cemetery": "cemetery", "mosquito_abatement": "mosquito",
    "irrigation": "irrigation", "flood_control": "flood", "road": "roads", "airport": "airport",
    "port": "port", "solid_waste": "recycle", "utility": "utility",
    "community_development": "district", "ambulance": "ems", "metropolitan": "metro",
    "natural_resources": "nrd",
}  # fmt: skip

_NONPROFIT_TEMPLATES: Templates = (
    ("{C} Food Bank", 4), ("{X} Food Pantry", 3), ("Boys & Girls Club of {X}", 3),
    ("{X} Habitat for Humanity", 3), ("{X} Senior Center", 4), ("{X} Community Health Center", 3),
    ("{C} Humane Society", 3), ("{X} Family YMCA", 2), ("United Way of {C}", 2),
    ("{X} Volunteer Fire Company", 3), ("{X} Rescue Squad", 2), ("{C} Council on Aging", 2),
    ("Friends of the {X} Public Library", 3), ("{C} Community Action Agency", 2),
    ("{X} Children's Museum", 1), ("{X} Historical Society", 4), ("{C} Arts Council", 2),
    ("{X} Montessori School", 2), ("{X} Free Clinic", 2), ("Meals on Wheels of {C}", 2),
    ("{X} Land Trust", 2), ("{X} Symphony Orchestra", 1), ("{X} Regional Medical Center", 2),
    ("{X} Memorial Hospital", 2), ("{X} Family Shelter", 2), ("{C} Literacy Council", 2),
    ("{X} Youth Soccer Association", 2), ("{X} Community Foundation", 2),
    ("{C} Community Foundation", 2), ("{X} Animal Rescue", 2), ("{X} Nature Center", 1),
    ("{X} Christian School", 2), ("{C} Mental Health Association", 2),
    ("{C} Child Advocacy Center", 2), ("{X} Homeless Coalition", 1), ("{C} Legal Aid Society", 1),
    ("{X} Public Radio", 1), ("{X} Little League", 2), ("{X} Volunteer Ambulance Corps", 1),
    ("{X} Botanical Garden", 1), ("{X} Recovery Center", 1), ("{X} Area Arts Center", 1),
    # schools, care and community services: the non-profits that buy most like agencies
    ("{X} Charter School", 3), ("{X} Preparatory Academy", 2), ("{C} Head Start", 2),
    ("{X} Hospice", 2), ("{X} Visiting Nurse Association", 1),
    ("{X} Volunteer Fire Department", 3), ("{X} Community Services", 2),
    ("{C} Area Agency on Aging", 1), ("{X} Housing Partnership", 1),
    ("{X} Public Library Foundation", 1), ("{X} Goodwill Industries", 1), ("{X} Day Nursery", 1),
    ("{X} Boys and Girls Home", 1), ("{C} Developmental Services", 1), ("{X} Youth Center", 2),
)  # fmt: skip
_PUBLIC_COLLEGE_TEMPLATES: Templates = (
    ("{X} Community College", 35), ("{C} Community College", 10), ("{X} Technical College", 10),
    ("{X} State College", 6), ("{X} State University", 5), ("University of {S} at {X}", 6),
    ("{D} {S} University", 3), ("{X} College", 8), ("{X} Technical Institute", 4),
    ("{X} Area Community College", 4), ("{S} State University at {X}", 2),
)  # fmt: skip
_PRIVATE_COLLEGE_TEMPLATES: Templates = (
    ("{P} College", 20), ("{P} University", 8), ("{X} College", 12), ("{X} University", 5),
    ("Saint {T} College", 4), ("St. {T}'s University", 3), ("{X} Christian University", 5),
    ("{X} Baptist College", 3), ("{X} Theological Seminary", 4),
    ("{P} Institute of Technology", 3), ("{X} College of Art and Design", 3),
    ("{X} School of Nursing", 4), ("{P}-{Q} College", 3), ("{X} Bible College", 2),
    ("{X} Conservatory of Music", 2), ("{P} School of Law", 1), ("{X} Wesleyan University", 2),
)  # fmt: skip
SAINTS = word_list("""
Joseph, Mary, Francis, John, Thomas, Anne, Catherine, Benedict, Augustine, Vincent, Ambrose,
Anselm, Norbert, Scholastica, Edward, Michael, Leo, Gregory, Bonaventure, Rose, Elizabeth,
Teresa, Clare, Jerome, Patrick, Bernard, Martin, Dominic, Ignatius, Agnes
""")
REGIONS = ("Northern", "Southern", "Eastern", "Western", "Central", "Northwest", "Southeast")
COMMONWEALTHS = codes("KY MA PA VA")

_COMPANY_BRANDS = word_list("""
Summit, Keystone, Pinnacle, Liberty, Heritage, Frontier, Patriot, Meridian, Beacon, Cardinal,
Evergreen, Horizon, Sterling, Apex, Granite, Ironwood, Bluewater, Crestline, Northstar,
Redwood, Tri-County, Great Lakes, Gulf Coast, Midwest, Pacific, Atlantic, Capitol, Allied,
United, Premier, Continental, Blue Ridge, Prairie, Cornerstone, Landmark, Trailhead, Copperline,
Harborview, Silverline, Oakmont, Eastgate, Westfield, Lakeshore, Bayside, Stonebridge, Clearpath
""")
_COMPANY_TRADES = word_list("""
Office Supply, Fleet Services, Janitorial Supply, Technology Solutions, Furniture,
Industrial Supply, Roofing, Playground Equipment, Water Works, Electrical Supply, Traffic Safety,
Uniform, Public Safety Equipment, Facility Services, Data Systems, Lighting, HVAC Services,
Paving, Sign, Fire Apparatus, Medical Supply, Library Furnishings, School Supply,
Turf & Grounds, Pipe & Valve, Chemical, Energy Services, Telecom, Print & Mail, Fencing,
Athletic Equipment, Auto Parts, Tire, Environmental Services, Laboratory Supply
""")
_COMPANY_FORMS = ("{} Co.", "{}, Inc.", "{}, LLC", "{} Corporation", "{} Group", "{} Company")

_SLUG = re.compile(r"[^a-z0-9]+")
_STOPWORDS = codes("of the and & at for no. no")
# The words that say what kind of municipality a name is; a name never carries one twice.
_MUNICIPAL_WORD = re.compile(r"\b(?:City|Town|Village|Borough|Township)\b")


def slug(text: str) -> str:
    """Lower-case ASCII letters and digits only ("Boys & Girls" -> "boysandgirls",
    "Doña Ana" -> "donaana")."""
    folded = unicodedata.normalize("NFKD", text.lower().replace("&", "and"))
    return _SLUG.sub("", folded.encode("ascii", "ignore").decode())


def repeats_municipal_word(name: str) -> bool:
    """True for "City of Lake City", "Lake City City Schools": a municipal word twice."""
    words = _MUNICIPAL_WORD.findall(name)
    return len(words) != len(set(words))


def acronym(text: str) -> str:
    """First letters of the significant words; numbers kept whole ("... District 13" -> "d13")."""
    out = []
    for word in text.replace("-", " ").split():
        low = word.lower()
        if low in _STOPWORDS:
            continue
        out.append(low if low.isdigit() else slug(low)[:1])
    return "".join(out)


def _pick(rng: random.Random, templates: Templates) -> str:
    return rng.choices([t for t, _ in templates], weights=[w for _, w in templates])[0]


def company_name(rng: random.Random) -> str:
    """A fictional supplier name: "Summit Office Supply Co.", "Keystone Fleet Services, LLC"."""
    if rng.random() < 0.2:
        first, second = rng.sample(SURNAMES, 2)
        base = f"{first} & {second} {rng.choice(_COMPANY_TRADES)}"
    else:
        base = f"{rng.choice(_COMPANY_BRANDS)} {rng.choice(_COMPANY_TRADES)}"
    return rng.choice(_COMPANY_FORMS).format(base)


def unique_company_names(rng: random.Random, count: int) -> list[str]:
    """``count`` distinct fictional supplier names."""
    seen: dict[str, None] = {}
    while len(seen) < count:
        name = company_name(rng)
        if name in seen:
            name = f"{rng.choice(DISAMBIGUATORS)} {name}"
        seen.setdefault(name)
    return list(seen)


class StateNamer:
    """Names for one state's agencies, unique within (state, agency type)."""

    def __init__(self, rng: random.Random, state: State) -> None:
        self.rng = rng
        self.state = state
        self.postal = state.postal
        self._used: dict[str, set[str]] = {}
        self._counters: dict[str, int] = {}
        self.fallbacks = 0  # names that needed a direction word or number (for diagnostics)
        self._spanish = SPANISH_SHARE.get(state.postal, 0) / 100
        self._tails = SPACED_TAILS + (WEST_TAILS if state.postal in WEST else ())
        self._special = {
            f: tuple((t, w) for t, w, states in rows if not states or self.postal in states.split())
            for f, rows in _SPECIAL_TEMPLATES.items()
        }

    # -- building blocks ---------------------------------------------------------------------
    def place_stem(self) -> str:
        """A fictional place name: "Lake Ridge", "Millbrook", "Harmonville", "Loma Verde"."""
        rng = self.rng
        roll = rng.random()
        if roll < self._spanish:
            return self._spanish_stem()
        roll = rng.random()
        if roll < 0.32:
            head, tail = rng.choice(JOIN_HEADS), rng.choice(JOIN_TAILS)
            while head[-1].lower() == tail[0] or head.lower().endswith(tail):
                tail = rng.choice(JOIN_TAILS)
            return head + tail
        if roll < 0.64:
            head, tail = rng.choice(SPACED_HEADS), rng.choice(self._tails)
            return f"{head} {tail}" if head != tail else f"{head} Creek"
        surname = rng.choice(SURNAMES)
        form = rng.choice(SURNAME_FORMS)
        if form[2:3] not in ("", " ") and form.startswith("{}"):  # joined: "{}ville"...
            if " " in surname or surname.lower().endswith((form[2:], form[2:5])):
                form = "{} Springs"
            elif surname[-1] == form[2]:
                form = "{}" + form[3:]
        return form.format(surname)

    def plain_place_stem(self) -> str:
        """A place name without a municipal word, for municipalities and townships: "Town of
        Lake City" or "Lake City Township" would read as two kinds of government."""
        stem = self.place_stem()
        while _MUNICIPAL_WORD.search(stem):
            stem = self.place_stem()
        return stem

    def _spanish_stem(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return (
                f"San {rng.choice(SAINTS_M)}"
                if rng.random() < 0.6
                else (f"Santa {rng.choice(SAINTS_F)}")
            )
        if roll < 0.45:
            return rng.choice(LOS_LAS)
        if roll < 0.6:
            return f"{rng.choice(SPANISH_F + SPANISH_M)} del {rng.choice(DEL)}"
        if rng.random() < 0.5:
            return f"{rng.choice(SPANISH_F)} {rng.choice(ADJ_F)}"
        return f"{rng.choice(SPANISH_M)} {rng.choice(ADJ_M)}"

    def _number(self, key: str) -> int:
        n = self._counters.get(key, self.rng.randint(0, 20)) + self.rng.randint(1, 6)
        self._counters[key] = n
        return n

    def claim(
        self,
        agency_type: str,
        draw_stem: Callable[[], str],
        build: Callable[[str], str],
    ) -> tuple[str, str]:
        """Draw stems until ``build(stem)`` is a name not yet used for this type.

        After 25 collisions it puts a direction word ("North", "Upper"...) before the last stem;
        after that it appends a number to the whole name, which always ends the loop.
        """
        used = self._used.setdefault(agency_type, set())
        stem, name = self._fit(draw_stem, build)
        base, tries = stem, 0
        while name in used:
            tries += 1
            if tries < 25:
                stem, name = self._fit(draw_stem, build)
                base = stem
            elif tries < 25 + len(DISAMBIGUATORS):
                stem = f"{DISAMBIGUATORS[tries - 25]} {base}"
                name = build(stem)
            else:
                stem = base
                name = f"{build(base)} {tries - 25 - len(DISAMBIGUATORS) + 2}"
        if tries >= 25:
            self.fallbacks += 1
        used.add(name)
        return name, stem

    @staticmethod
    def _fit(draw_stem: Callable[[], str], build: Callable[[str], str]) -> tuple[str, str]:
        """A drawn stem and its name, drawn again while the name would repeat a municipal word
        ("City of Lake City", "Lake City City Schools"); after ten draws the stem loses its
        municipal words ("Lake City" -> "Lake")."""
        for _ in range(10):
            stem = draw_stem()
            name = build(stem)
            if not repeats_municipal_word(name):
                return stem, name
        stem = " ".join(_MUNICIPAL_WORD.sub(" ", stem).split())
        return stem, build(stem)

    # -- agencies ---------------------------------------------------------------------------
    def state_government(self) -> str:
        kind = "Commonwealth" if self.postal in COMMONWEALTHS else "State"
        return f"{kind} of {self.state.name}"

    def municipality(self, population: int) -> tuple[str, str]:
        kind = self._municipal_kind(population)
        return self.claim("municipality", self.plain_place_stem, kind.format)

    def _municipal_kind(self, population: int) -> str:
        rng, postal = self.rng, self.postal
        if postal == "HI":
            return "City and County of {}"
        if postal == "PA":
            return "City of {}" if population > 20_000 and rng.random() < 0.5 else "Borough of {}"
        if postal == "NJ":
            return rng.choices(["Borough of {}", "City of {}", "Town of {}", "Village of {}"],
                               [12, 3, 2, 1])[0]  # fmt: skip
        if postal == "CT":
            return "City of {}" if population > 15_000 else "Borough of {}"
        if postal in ("ME", "NH", "MA", "RI", "AK"):
            return "City of {}"
        if postal in VILLAGE_STATES and population < 5_000 and rng.random() < 0.6:
            return "Village of {}"
        if population >= 5_000:
            return "City of {}" if rng.random() < 0.85 else "Town of {}"
        return "City of {}" if rng.random() < 0.45 else "Town of {}"

    def township(self, nearby_places: Sequence[str]) -> tuple[str, str]:
        rng = self.rng

        def draw() -> str:
            roll = rng.random()
            if nearby_places and roll < 0.25:
                return rng.choice(nearby_places)
            if roll < 0.55:
                return rng.choice(TOWNSHIP_COMMON)
            if roll < 0.7:
                return rng.choice(SURNAMES)
            return self.plain_place_stem()

        if self.postal in TOWN_STATES:
            fmt = "Town of {}"
        elif self.postal == "NJ":
            fmt = "Township of {}"
        elif self.postal == "MI" and rng.random() < 0.15:
            fmt = "Charter Township of {}"
        else:
            fmt = "{} Township"
        return self.claim("township", draw, fmt.format)

    def school_district(
        self, draw_place: Callable[[], str], county: str | None, countywide: bool
    ) -> tuple[str, str]:
        postal = self.postal
        if countywide and county:
            table = _COUNTYWIDE_SCHOOL_TEMPLATES
        elif postal in COUNTYWIDE_SCHOOL_STATES:
            table = _CITY_SCHOOL_TEMPLATES
        else:
            table = _SCHOOL_TEMPLATES
        template = _pick(self.rng, table.get(postal, table["_"]))
        return self._templated("school_district", template, draw_place, county)

    def special_district(
        self, function: str, draw_place: Callable[[], str], county: str | None
    ) -> tuple[str, str]:
        templates = self._special[function]
        if county is None:
            templates = tuple(t for t in templates if "{C}" not in t[0]) or templates
        template = _pick(self.rng, templates)
        return self._templated("special_district", template, draw_place, county)

    def _templated(
        self, agency_type: str, template: str, draw_place: Callable[[], str], county: str | None
    ) -> tuple[str, str]:
        """Fill a template: {X} a place, {C} the county, {n} a counter-issued number.

        A county-named kind without a number ("{C} Housing Authority") takes the county's name
        the first time and a place's name after that.
        """
        numbered = "{n}" in template
        draw = draw_place
        if county is None:
            template = template.replace("{C}", "{X}")
        elif "{C}" in template and "{X}" not in template and not numbered:
            template = template.replace("{C}", "{X}")
            first = [county]

            def draw() -> str:
                return first.pop() if first else draw_place()

        elif "{X}" not in template:

            def draw() -> str:
                return ""

        def build(stem: str) -> str:
            n = self._number(f"{template}|{stem}|{county}") if numbered else 0
            return template.format(X=stem, C=county, n=n)

        return self.claim(agency_type, draw, build)

    def public_college(
        self, draw_place: Callable[[], str], county: str | None, rank: int
    ) -> tuple[str, str]:
        state = self.state.name if self.postal != "DC" else "the District of Columbia"
        if rank == 0:
            template = "University of {S}"
        elif rank == 1 and self.postal != "DC":
            template = "{S} State University"
        else:
            template = _pick(self.rng, _PUBLIC_COLLEGE_TEMPLATES)
            if self.postal == "DC" and "{S}" in template:
                template = "{X} Community College"
        template = template.replace("{S}", state)
        if "{D}" in template:
            used = self._used.get("public_college", set())
            free = [r for r in REGIONS if template.replace("{D}", r) not in used]
            if not free:
                template, free = "{X} Community College", []
            template = template.replace("{D}", self.rng.choice(free) if free else "")
        return self._templated("public_college", template, draw_place, county)

    def private_college(self, draw_place: Callable[[], str]) -> tuple[str, str]:
        rng = self.rng
        template = _pick(rng, _PRIVATE_COLLEGE_TEMPLATES)
        if "{X}" in template:
            return self._templated("private_college", template, draw_place, None)
        if "{T}" in template:
            return self.claim(
                "private_college", lambda: rng.choice(SAINTS), lambda s: template.format(T=s)
            )
        other = rng.choice(SURNAMES)
        return self.claim(
            "private_college",
            lambda: rng.choice(SURNAMES),
            lambda s: template.format(P=s, Q=other) if s != other else f"{s} College",
        )

    def tribal_government(self) -> tuple[str, str]:
        rng, postal = self.rng, self.postal
        if postal == "AK":
            fmt = rng.choice(["Native Village of {}", "{} Village Council", "{} Tribal Council",
                              "{} Traditional Council"])  # fmt: skip
        elif postal == "CA":
            fmt = rng.choice(["{} Rancheria", "{} Band of Mission Indians", "{} Indian Community"])
        elif postal == "NM" and rng.random() < 0.6:
            fmt = "Pueblo of {}"
        else:
            fmt = rng.choice(["{} Band of Indians", "{} Tribal Nation", "{} Indian Community",
                              "Confederated Tribes of the {} Reservation"])  # fmt: skip

        def draw() -> str:
            if rng.random() < 0.5:
                return f"{rng.choice(SPACED_HEADS)} {rng.choice(self._tails)}"
            return self.place_stem()

        return self.claim("tribal_government", draw, fmt.format)

    def nonprofit(self, draw_place: Callable[[], str], county: str | None) -> tuple[str, str]:
        template = _pick(self.rng, _NONPROFIT_TEMPLATES)
        return self._templated("nonprofit", template, draw_place, county)
