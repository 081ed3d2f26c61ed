"""Match a report's distinct customers to agencies of the registry.

The rules, tried in order (docs/matching.md explains each and how accurate they are):

1. an explicit identifier (Interlocal agency id or 14-digit Census government ID) of an agency
   in the customer's state;
2. a known alias (the supplier's own, then a global one) with the same key in the state;
3. the same key in the state (:func:`interlocal.registry.normalise.match_key`), "City of X",
   "X City" and "X" being the same municipality however the registry writes it, the
   customer's designation word choosing between a town and a township of one name; several
   agencies with the key are narrowed by ZIP3, city and the name written word for word, and
   stay for review if still several;
4. a close name in the state (rapidfuzz), accepted only from :data:`AUTO_SCORE` with a margin
   of :data:`AUTO_MARGIN` over the runner-up (or one edit from it and three from every other),
   one slip of the keyboard counting as one edit; everything else waits for review with the
   best :data:`CANDIDATES` suggestions.

Department words ("Sheriff's Office", "Police Department", "Public Works") are stripped when
the whole name is not known, and a matched agency with a ``parent`` resolves to the parent:
sales count for the government.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from interlocal.registry.normalise import (
    DESIGNATIONS,
    Reading,
    first_reading,
    key_from_words,
    match_key_of_normalised,
    match_words,
    normalise_name,
    readings,
    split_designation,
    word_set,
    words_of,
)
from interlocal.reporting.models import MatchMethod

#: A fuzzy match is automatic from this score (rapidfuzz ratio of the keys, 0-100) ...
AUTO_SCORE = 90
#: ... and only this many points ahead of the next government's score.
AUTO_MARGIN = 6
#: Suggestions kept for the review queue.
CANDIDATES = 3
#: Fuzzy scores are lowered by this much for an agency whose ZIP3 differs from the customer's;
#: such an agency is never accepted automatically.
ZIP_PENALTY = 15
# Scores from which one slip of the keyboard may lift a form to AUTO_SCORE (see _with_swaps).
_SWAP_SCORES = 80
# Scores below this are no suggestion at all; the closest forms kept per query row.
_FLOOR, _TOP_FORMS = 55, 6
# Query rows scored per rapidfuzz call: bounds the uint8 matrix (2,048 by 20,000 = 40 MB).
_CHUNK = 2048

_COUNTY, _MUNICIPALITY, _TOWNSHIP, _STATE = "county", "municipality", "township", "state"
_ALL_KINDS = ("", _COUNTY, _MUNICIPALITY, _TOWNSHIP, _STATE)
_KIND_CODE = {kind: code for code, kind in enumerate(_ALL_KINDS)}
_CLASS_OF_TYPE = {
    "county": _COUNTY,
    "municipality": _MUNICIPALITY,
    "township": _TOWNSHIP,
    "state_agency": _STATE,
}
# The kinds of general government a designation word can name. "Town" is a municipality in
# most states but a Census township in New England, New York and Wisconsin; Alaska's boroughs
# are its counties, other states' (Pennsylvania, New Jersey...) municipalities (_kinds_of).
_DESIGNATION_CLASSES: dict[str, tuple[str, ...]] = {
    "city": (_MUNICIPALITY,),
    "village": (_MUNICIPALITY,),
    "town": (_MUNICIPALITY, _TOWNSHIP),
    "borough": (_MUNICIPALITY, _COUNTY),
    "township": (_TOWNSHIP,),
    "county": (_COUNTY,),
    "parish": (_COUNTY,),
    "state": (_STATE,),
    "commonwealth": (_STATE,),
    "city and county": (_MUNICIPALITY, _COUNTY),
}
# Words whose difference makes two names two governments however close the spelling: a fuzzy
# match that differs by one of them (or by a number: "MUD 11" is not "MUD 12") needs review.
_DISTINGUISHING = word_set(
    "north south east west northeast northwest southeast southwest upper lower new old "
    "central middle greater little big elementary high junior union unified independent "
    "consolidated community joint regional"
)
_NON_DIGIT = re.compile(r"[\s\-./]")


@dataclass(frozen=True)
class Customer:
    name: str
    state: str  # 2-letter USPS code, upper case, already validated
    zip5: str | None = None
    city: str | None = None
    identifier: str | None = None  # agency id or Census government ID, as the supplier wrote it


@dataclass
class Match:
    agency_id: int | None  # the government it resolves to; None = needs review
    method: str  # a MatchMethod value
    key: str  # the normalised key it was matched by
    score: int | None = None
    candidates: list[tuple[int, int]] = field(default_factory=list)
    department: str = ""
    note: str = ""


#: The agency columns :meth:`Registry.from_rows` reads, in order.
AGENCY_COLUMNS = (
    "id", "search_name", "agency_type", "state_id", "census_id", "zip_code", "city",
    "county_id", "parent_id", "population", "enrollment",
)  # fmt: skip


class Registry:
    """Everything matching needs from the database, loaded once (agencies of the given states,
    their aliases)."""

    def __init__(self) -> None:
        self.state_of: dict[int, str] = {}
        self.by_census: dict[str, int] = {}
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        # general governments by (state, name without designation, kind): "baldwin", county
        self.by_core: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self.own_aliases: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.global_aliases: dict[tuple[str, str], list[int]] = defaultdict(list)
        # only agencies that have them: a parent (and then its own name), size, ZIP3, city...
        self.parent: dict[int, int] = {}
        self.name_of: dict[int, str] = {}
        self.size: dict[int, int] = {}
        self.zip3: dict[int, str] = {}
        self.city: dict[int, str] = {}
        self.county: dict[int, int] = {}
        self.town_counties: dict[tuple[str, str], set[int]] = defaultdict(set)
        # the designation word of a general government's key ("town" for "Town of Ashdell")
        # and a name's words where they are not its key ("city of edvale", "edvale city")
        self.designation: dict[int, str] = {}
        self.written: dict[int, str] = {}
        # per state, for the fuzzy stage: (agency, whole key form as in "baldwin county" or
        # "saratoga township", kind code, name without designation, ZIP3 or -1)
        self._entries: dict[str, list[tuple[int, str, int, str, int]]] = defaultdict(list)
        self._fuzzy: dict[str, _StateForms] = {}

    @classmethod
    def load(
        cls, states: Iterable[str] | None = None, *, supplier_id: int | None = None
    ) -> Registry:
        """The agencies of ``states`` (all when None) and the aliases the supplier's reports
        may use: one lean query of the columns matching reads, no join."""
        from django.db.models import Q

        from interlocal.core.models import State
        from interlocal.registry.models import Agency, AgencyAlias

        postal = dict(State.objects.values_list("id", "postal"))
        agencies = Agency.objects.order_by()
        aliases = AgencyAlias.objects.order_by().filter(
            Q(supplier__isnull=True) | Q(supplier_id=supplier_id)
        )
        if states is not None:
            wanted = set(states)
            ids = [pk for pk, code in postal.items() if code in wanted]
            agencies = agencies.filter(state_id__in=ids)
            aliases = aliases.filter(agency__state_id__in=ids)
        # a name is read only where its search_name is not enough: a department names itself
        # in its matches, and a row written around save() may lack its search_name
        names = agencies.filter(Q(parent__isnull=False) | Q(search_name=""))
        with _collector_paused():
            return cls.from_rows(
                agencies.values_list(*AGENCY_COLUMNS),
                aliases.values_list("agency_id", "search_name", "supplier_id"),
                postal=postal,
                names=dict(names.values_list("id", "name")),
            )

    @classmethod
    def from_rows(
        cls,
        agencies: Iterable[Sequence],
        aliases: Iterable[Sequence] = (),
        *,
        postal: Mapping[int, str],
        names: Mapping[int, str] | None = None,
    ) -> Registry:
        """Build from rows of :data:`AGENCY_COLUMNS` and (agency id, search_name, supplier id)
        of aliases; ``postal`` maps state ids to USPS codes, ``names`` gives the names of the
        agencies with a parent or without a search_name."""
        self = cls()
        names = names or {}
        state_of, by_key, by_core, entries = self.state_of, self.by_key, self.by_core, self._entries
        written_of, size, county_of = self.written, self.size, self.county
        for (
            pk, search_name, agency_type, state_id, census_id, zip_code, city, county_id,
            parent_id, population, enrollment,
        ) in agencies:  # fmt: skip
            words = match_words(search_name or normalise_name(names.get(pk, "")))
            key = key_from_words(words)
            written = " ".join(words)
            if written != key:
                written_of[pk] = written
            state = postal[state_id]
            state_of[pk] = state
            by_key[(state, key)].append(pk)
            if census_id:
                self.by_census[census_id] = pk
            if parent_id:
                self.parent[pk], self.name_of[pk] = parent_id, names.get(pk, "")
            if population or enrollment:
                size[pk] = population or enrollment
            zip3 = -1
            if zip_code and zip_code[:3].isdigit():
                self.zip3[pk], zip3 = zip_code[:3], int(zip_code[:3])
            if city:
                self.city[pk] = match_key_of_normalised(normalise_name(city))
            if county_id:
                county_of[pk] = county_id
            kind = _CLASS_OF_TYPE.get(agency_type)
            if kind is None:
                entries[state].append((pk, key, 0, key, zip3))
                if written != key:
                    # also as written, for a slip in a word the key rewrites: "Belgrade
                    # Public Shools" is closer to "belgrade public schools" than to its key
                    entries[state].append((pk, written, 0, written, zip3))
                continue
            core, designation = split_designation(key)
            # "Baldwin County" is the county Baldwin and "Saratoga Township" the township
            # Saratoga, but "Webster City" is not the city Webster: a municipality's name keeps
            # its designation word, unless the registry writes it "City of Webster".
            if not designation or (kind == _MUNICIPALITY and not _named(words)):
                core = key
            if designation:
                self.designation[pk] = designation
            by_core[(state, core, kind)].append(pk)
            if kind == _MUNICIPALITY and county_id:
                self.town_counties[(state, core)].add(county_id)
            full = f"{core} township" if kind == _TOWNSHIP else key
            entries[state].append((pk, full, _KIND_CODE[kind], core, zip3))
        for agency_id, search_name, alias_supplier in aliases:
            if (alias_state := self.state_of.get(agency_id)) is not None:
                index = self.own_aliases if alias_supplier else self.global_aliases
                index[(alias_state, match_key_of_normalised(search_name))].append(agency_id)
        return self

    def government(self, agency: int) -> int:
        """The government an agency resolves to: a department's parent (or grandparent)."""
        for _hop in range(5):
            if agency not in self.parent:
                break
            agency = self.parent[agency]
        return agency

    def governments(self, agencies: Iterable[int]) -> list[int]:
        return list(dict.fromkeys(self.government(pk) for pk in agencies))

    # ------------------------------------------------------------------ exact rules

    def explicit(self, customer: Customer) -> tuple[int | None, str]:
        """The agency an identifier names if it is in the customer's state, else a note."""
        raw = _NON_DIGIT.sub("", customer.identifier or "")
        if not raw:
            return None, ""
        written = customer.identifier
        if not raw.isdigit():
            return None, f"identifier '{written}' is not an agency or Census ID; matched by name"
        if len(raw) in (13, 14):  # a spreadsheet drops the Census ID's leading zero
            agency = self.by_census.get(raw.zfill(14))
        else:
            agency = int(raw) if int(raw) in self.state_of else None
        if agency is None:
            return None, f"identifier '{written}' is not an agency of the registry; matched by name"
        if self.state_of[agency] != customer.state:
            return None, (
                f"identifier '{written}' is an agency of {self.state_of[agency]}, not of "
                f"{customer.state}; matched by name"
            )
        return agency, ""

    def exact(self, state: str, reading: Reading) -> list[int]:
        """Agencies whose key is the reading's; for "X City" or "Town of X" the general
        governments of that kind named X; for a bare "X" the municipality named X (as the
        Census names municipalities), also when the registry writes it "City of X"."""
        if not reading.named and (found := self.by_key.get((state, reading.key))):
            return found
        core, designation = _designation(reading.key)
        found = [
            pk
            for kind in _kinds_of(designation, state) or (_MUNICIPALITY,)
            for pk in self.by_core.get((state, core, kind), ())
        ]
        if len(found) > 1:
            # "Town of Ashdell" is the agency the registry calls a town before the township
            # or the village of the same name
            found = [pk for pk in found if self.designation.get(pk) == designation] or found
        return found

    def aliased(self, state: str, key: str) -> bool:
        return (state, key) in self.own_aliases or (state, key) in self.global_aliases

    def literal(self, agencies: Iterable[int], state: str, said: str) -> list[int]:
        """Those of ``agencies`` whose name's words are ``said``, word for word."""
        plain = self.by_key.get((state, said), ())
        return [
            pk
            for pk in agencies
            if self.written.get(pk) == said or (pk not in self.written and pk in plain)
        ]

    def narrow(self, governments: list[int], customer: Customer) -> list[int]:
        """Several governments share the key: keep those in the customer's ZIP3, then those in
        its city (or in the county of the municipality named like its city)."""
        if len(governments) > 1 and (zip3 := _zip3(customer)):
            near = [pk for pk in governments if self.zip3.get(pk) == zip3]
            governments = near or governments
        if len(governments) > 1 and customer.city:
            city = match_key_of_normalised(normalise_name(customer.city))
            counties = self.town_counties.get((customer.state, city), set())
            near = [
                pk
                for pk in governments
                if self.city.get(pk) == city or self.county.get(pk) in counties
            ]
            governments = near or governments
        return governments

    def extensions(self, state: str, key: str, limit: int = 20) -> list[tuple[int, str]]:
        """Up to ``limit`` agencies whose key is ``key`` and more words, with that key:
        "niles public library district" for "niles public library"."""
        return self.forms(state).extensions(key, limit)

    def forms(self, state: str) -> _StateForms:
        if state not in self._fuzzy:
            self._fuzzy[state] = _StateForms(self, state, self._entries.get(state, []))
        return self._fuzzy[state]


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the registry is built or used: the objects made
    meanwhile are freed by reference counting, and each collection would walk the whole
    registry (hundreds of thousands of objects) again - a third of the time otherwise."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _kinds_of(designation: str, state: str) -> tuple[str, ...]:
    """The kinds of general government a designation word names in ``state``."""
    if designation == "borough" and state != "AK":
        return (_MUNICIPALITY,)
    return _DESIGNATION_CLASSES.get(designation, ())


def _named(words: list[str]) -> bool:
    """Whether words say "<designation> of X" or "X, <designation> of": X is then the name."""
    return len(words) > 2 and (
        (words[1] == "of" and words[0] in DESIGNATIONS)
        or (words[-1] == "of" and words[-2] in DESIGNATIONS)
    )


def _designation(key: str) -> tuple[str, str]:
    if key.endswith(" city and county"):
        return key.removesuffix(" city and county"), "city and county"
    return split_designation(key)


def _zip3(customer: Customer) -> str:
    zip5 = (customer.zip5 or "").strip()
    return zip5[:3] if len(zip5) >= 5 and zip5[:5].isdigit() else ""


# ---------------------------------------------------------------------- matching


class _Pending(NamedTuple):
    """A customer no exact rule settled, waiting for the fuzzy stage of its state."""

    position: int
    readings: list[Reading]
    note: str
    zip3: int  # -1: not given


def match_customers(customers: Sequence[Customer], *, registry: Registry) -> list[Match]:
    """One :class:`Match` per customer, in order."""
    with _collector_paused():  # each collection would walk the whole registry
        return _match_all(customers, registry)


def _match_all(customers: Sequence[Customer], registry: Registry) -> list[Match]:
    results: list[Match | None] = [None] * len(customers)
    pending: dict[str, list[_Pending]] = defaultdict(list)
    first: dict[Customer, int] = {}
    for index, customer in enumerate(customers):
        if customer in first:
            continue
        first[customer] = index
        outcome = _match_exactly(customer, registry)
        if isinstance(outcome, Match):
            results[index] = outcome
        else:
            zip3 = int(_zip3(customer) or -1)
            pending[customer.state].append(_Pending(index, *outcome, zip3))
    for state, waiting in pending.items():
        for item, match in zip(waiting, _match_fuzzy(state, waiting, registry), strict=True):
            results[item.position] = match
    return [
        match if match is not None else _copy(results[first[customer]])
        for match, customer in zip(results, customers, strict=True)
    ]


def _copy(match: Match | None) -> Match:
    assert match is not None
    return Match(**{**match.__dict__, "candidates": list(match.candidates)})


def _match_exactly(customer: Customer, registry: Registry) -> Match | tuple[list[Reading], str]:
    """Rules 1-3, reading by reading. Returns the match, or every reading of the name and a
    note for the fuzzy stage."""
    if not customer.identifier:
        # most names are one agency's key as written: settled without the other readings
        reading = first_reading(customer.name, customer.state)
        if reading.key and not registry.aliased(customer.state, reading.key):
            found = registry.exact(customer.state, reading)
            if len(found) == 1 and found[0] not in registry.parent:
                return Match(found[0], MatchMethod.EXACT, reading.key, 100, [], "", "")
    agency, note = registry.explicit(customer)
    if agency is not None:
        key = first_reading(customer.name, customer.state).key
        return _settled(registry, [agency], MatchMethod.EXPLICIT_ID, Reading(key), note)
    seen: list[Reading] = []
    for group in readings(customer.name, customer.state):
        group = [r for r in group if r.key and r not in seen]
        seen += group
        for reading in group:
            for aliases in (registry.own_aliases, registry.global_aliases):
                agencies = aliases.get((customer.state, reading.key))
                if agencies and len(registry.governments(agencies)) == 1:
                    return _settled(registry, agencies, MatchMethod.ALIAS, reading, note)
        hits = [(r, pk) for r in group for pk in registry.exact(customer.state, r)]
        if len(hits) == 1 and hits[0][1] not in registry.parent and not hits[0][0].department:
            return Match(hits[0][1], MatchMethod.EXACT, hits[0][0].key, 100, [], "", note)
        if hits:
            return _decide_exact(customer, registry, hits, seen[0].key, note)
    return seen, note


def _decide_exact(
    customer: Customer, registry: Registry, hits: list[tuple[Reading, int]], whole: str, note: str
) -> Match:
    agencies = [pk for _r, pk in hits]
    first = registry.governments(agencies)  # the first reading's first ("cuty": city, cnty)
    found = registry.narrow(first, customer)
    if len(found) > 1:
        # several names with one key ("Marfield Public Schools", "Marfield School District"):
        # the one the customer wrote word for word
        said = " ".join(words_of(customer.name))
        literal = registry.governments(registry.literal(agencies, customer.state, said))
        literal = [pk for pk in found if pk in literal]
        found = literal if len(literal) == 1 else found
    reading = next(r for r, pk in hits if registry.government(pk) in found)
    ranked = sorted(found, key=lambda pk: (first.index(pk), -registry.size.get(pk, 0)))
    if len(found) == 1 and reading.department:
        # "Niles Public Library" is a department of Niles unless the registry knows a "Niles
        # Public Library District", which is then the first suggestion
        longer = [pk for pk, _text in registry.extensions(customer.state, whole)]
        ranked = [pk for pk in registry.governments(longer) if pk not in found] + ranked
    if len(ranked) == 1:
        kept = [pk for pk in agencies if registry.government(pk) == ranked[0]]
        return _settled(registry, kept, MatchMethod.EXACT, reading, note)
    note = note or f"{len(ranked)} agencies of {customer.state} have this name"
    candidates = [(pk, 100) for pk in ranked[:CANDIDATES]]
    return Match(
        None, MatchMethod.UNMATCHED, reading.key, 100, candidates, reading.department, note
    )


def _settled(
    registry: Registry, agencies: list[int], method: str, reading: Reading, note: str
) -> Match:
    """The match of agencies that resolve to one government; a department found as an agency
    of its own (with a parent) names itself in ``department``."""
    agency = agencies[0]
    government = registry.government(agency)
    department = reading.department
    if government != agency and not department and len(agencies) == 1:
        department = registry.name_of.get(agency, "")
    score = None if method == MatchMethod.EXPLICIT_ID else 100
    return Match(government, method, reading.key, score, [], department, note)


# ---------------------------------------------------------------------- rule 4: fuzzy


class _Scored(NamedTuple):
    """A government's best fuzzy score for a customer and the strings that gave it."""

    score: int
    query: str
    form: str
    department: str
    # an agency in another ZIP3 than the customer's, or found only by a shared word, is
    # never accepted automatically
    eligible: bool
    designation: str  # the customer's designation word ("town" in "Town of Newhaven")


class _StateForms:
    """One state's agencies as strings for the fuzzy stage, built on first use: their whole
    keys ("baldwin county", "saratoga township") and the general governments' names without
    designation ("baldwin", "saratoga"), with the government and ZIP3 of each."""

    def __init__(
        self, registry: Registry, state: str, entries: list[tuple[int, str, int, str, int]]
    ) -> None:
        pks, whole, kinds, core, zip3 = zip(*entries, strict=True) if entries else [()] * 5
        self.whole, self.core = list(whole), list(core)
        self.kind = np.array(kinds, dtype=np.int8)
        self.zip3 = np.array(zip3, dtype=np.int16)
        self.pks = np.array(pks, dtype=np.int64)
        self.government = self.pks
        if departments := [pk for pk in registry.parent if registry.state_of[pk] == state]:
            self.government = self.pks.copy()
            for position in np.flatnonzero(np.isin(self.pks, departments)).tolist():
                self.government[position] = registry.government(int(self.pks[position]))
        self._subsets: dict[tuple[tuple[str, ...], bool], tuple[list[str], np.ndarray]] = {}
        self._sorted: tuple[list[str], list[int]] | None = None

    def subset(self, kinds: tuple[str, ...], whole: bool) -> tuple[list[str], np.ndarray]:
        """The forms of agencies of ``kinds`` and their positions."""
        if (kinds, whole) not in self._subsets:
            positions = np.flatnonzero(np.isin(self.kind, [_KIND_CODE[k] for k in kinds]))
            texts = self.whole if whole else self.core
            self._subsets[(kinds, whole)] = ([texts[i] for i in positions.tolist()], positions)
        return self._subsets[(kinds, whole)]

    def extensions(self, key: str, limit: int) -> list[tuple[int, str]]:
        """See :meth:`Registry.extensions`. Keys hold only spaces, letters and digits, so
        every text that starts with "<key> " sorts between "<key> " and "<key>!"."""
        if self._sorted is None:
            order = np.argsort(np.array(self.whole or [""]), kind="stable").tolist()
            self._sorted = [self.whole[i] for i in order] if self.whole else [], order
        texts, order = self._sorted
        low = bisect.bisect_left(texts, key + " ")
        high = bisect.bisect_left(texts, key + "!", low)
        return [(int(self.pks[i]), self.whole[i]) for i in order[low : min(high, low + limit)]]


def _query_rows(reading: Reading, state: str) -> list[tuple[str, tuple[str, ...], bool, bool]]:
    """What a reading is scored as, against which forms, and whether only when the first rows
    found nothing close: "Baldwin County" as baldwin against the counties' names (then as a
    whole against special districts and the like, "Water Authority of Dickson County");
    "X City" also as a whole against municipalities (the name may be "Webster City"), but
    "City of X" not; a name without designation as a whole against every agency."""
    core, designation = _designation(reading.key)
    kinds = _kinds_of(designation, state)
    if not kinds:
        return [(reading.key, _ALL_KINDS, True, False)]
    if _MUNICIPALITY in kinds and not reading.named:
        return [(core, kinds, False, False), (reading.key, ("", _MUNICIPALITY), True, False)]
    return [(core, kinds, False, False), (reading.key, ("",), True, True)]


def _match_fuzzy(state: str, waiting: list[_Pending], registry: Registry) -> list[Match]:
    """Rule 4 for one state's leftovers: a vectorised score matrix per kind of forms, then a
    few candidates per customer merged by government."""
    forms = registry.forms(state)
    best: list[dict[int, tuple]] = [{} for _ in waiting]  # government -> a _Scored's fields
    for second in (False, True):
        groups: dict[tuple[tuple[str, ...], bool], dict[tuple[int, str], tuple[str, str]]]
        groups = defaultdict(dict)
        for position, item in enumerate(waiting):
            if second and any(fields[0] >= AUTO_SCORE for fields in best[position].values()):
                continue
            for reading in item.readings:
                said = (reading.department, _designation(reading.key)[1])
                for query, kinds, whole, later in _query_rows(reading, state):
                    if later == second:
                        groups[(kinds, whole)].setdefault((position, query), said)
        for (kinds, whole), rows in groups.items():
            texts, positions = forms.subset(kinds, whole)
            if texts:
                _score_rows(list(rows.items()), texts, positions, forms, waiting, best)
    return [_decide(item, best[p], registry, state) for p, item in enumerate(waiting)]


def _score_rows(
    rows: list[tuple[tuple[int, str], tuple[str, str]]],
    texts: list[str],
    positions: np.ndarray,
    forms: _StateForms,
    waiting: list[_Pending],
    best: list[dict[int, tuple]],
) -> None:
    form_zip = forms.zip3[positions]
    zips_known = bool((form_zip >= 0).any())
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        matrix = process.cdist(
            [query for (_p, query), _d in chunk], texts, scorer=fuzz.ratio, dtype=np.uint8,
            score_cutoff=_FLOOR, workers=-1,
        )  # fmt: skip
        query_zip = np.array([waiting[p].zip3 for (p, _q), _d in chunk], dtype=np.int16)
        far = None
        if zips_known and (query_zip >= 0).any():
            far = (query_zip[:, None] >= 0) & (form_zip[None, :] >= 0)
            far &= query_zip[:, None] != form_zip[None, :]
            matrix = matrix.astype(np.int16)
            matrix[far] -= ZIP_PENALTY
        row_of, column_of = np.nonzero(matrix >= _FLOOR)
        bounds = np.searchsorted(row_of, np.arange(len(chunk) + 1))
        for offset, ((position, query), (department, designation)) in enumerate(chunk):
            columns = column_of[bounds[offset] : bounds[offset + 1]]
            if len(columns) > _TOP_FORMS:
                scores = matrix[offset, columns]
                columns = columns[np.argpartition(scores, -_TOP_FORMS)[-_TOP_FORMS:]]
            kept, row = best[position], matrix[offset]
            for column in columns.tolist():
                score = int(row[column])
                if _SWAP_SCORES <= score < AUTO_SCORE:
                    score = _with_swaps(query, texts[column], score)
                government = int(forms.government[positions[column]])
                if government not in kept or score > kept[government][0]:
                    eligible = far is None or not far[offset, column]
                    kept[government] = (
                        score,
                        query,
                        texts[column],
                        department,
                        eligible,
                        designation,
                    )


def _decide(item: _Pending, found: dict[int, tuple], registry: Registry, state: str) -> Match:
    best = {pk: _Scored(*fields) for pk, fields in found.items()}

    def other_kind(pk: int, scored: _Scored) -> bool:
        """Whether the customer's designation word is not the agency's ("Town of Newhaven"
        and Newhaven Township)."""
        return bool(scored.designation) and registry.designation.get(pk) != scored.designation

    ranked = sorted(
        best.items(),
        key=lambda kv: (-kv[1].score, other_kind(*kv), -registry.size.get(kv[0], 0)),
    )
    if ranked and ranked[0][1].score >= AUTO_SCORE:
        government, winner = ranked[0]
        # A rival with every word of the customer's name ("Greene County" for "Greene") is as
        # strong as its word-set score says; one that differs in number ("District 1" for
        # "District 2") is none: numbers are rarely mistyped. The same name of another kind
        # is none when the winner is of the kind the customer wrote, as in the exact rule.
        same_kind = not other_kind(government, winner)
        rivals_of = {
            pk: _review_score(s)
            for pk, s in ranked[1:]
            if _digits(winner.query) == _digits(s.form)
            and not (same_kind and s.form == winner.form and other_kind(pk, s))
        }
        rivals = list(rivals_of.values())
        if (
            winner.eligible
            and (
                winner.score - max(rivals, default=0) >= AUTO_MARGIN
                or _one_slip_apart(winner, [s for pk, s in ranked[1:] if pk in rivals_of])
            )
            and _compatible(winner.query, winner.form)
        ):
            candidates = [(pk, max(s.score, 0)) for pk, s in ranked[:CANDIDATES]]
            return Match(
                government, MatchMethod.FUZZY, winner.query, winner.score, candidates,
                winner.department, item.note,
            )  # fmt: skip
    for reading in item.readings:
        # a name with its last words dropped ("Northside" for Northside ISD) scores too low to
        # be found by the matrix
        for pk, text in registry.extensions(state, reading.key):
            government = registry.government(pk)
            if government not in best:
                score = int(fuzz.ratio(reading.key, text))
                best[government] = _Scored(score, reading.key, text, reading.department, False, "")
    if not best:
        key = item.readings[0].key if item.readings else ""
        return Match(None, MatchMethod.UNMATCHED, key, None, [], "", item.note)
    suggestions = sorted(
        ((_review_score(s), pk, s) for pk, s in best.items()),
        key=lambda t: (
            -t[0],
            not _covers(t[2]),
            -t[2].score,
            other_kind(t[1], t[2]),
            -registry.size.get(t[1], 0),
        ),
    )
    rank, _pk, top = suggestions[0]
    candidates = [(pk, max(r, 0)) for r, pk, _s in suggestions[:CANDIDATES]]
    return Match(
        None, MatchMethod.UNMATCHED, top.query, max(rank, 0), candidates, top.department,
        item.note,
    )  # fmt: skip


def _one_slip_apart(winner: _Scored, rivals: list[_Scored]) -> bool:
    """Whether the customer's name is one edit from the winner's and three or more from every
    rival's: in a long name one slip costs few points, and a rival that differs in a short
    word of its own ("Harper County Mental Health Association" / "Carter County ...") is
    close in points but not in edits."""
    if OSA.distance(winner.query, winner.form, score_cutoff=1) > 1:
        return False
    return all(OSA.distance(winner.query, s.form, score_cutoff=3) >= 3 for s in rivals)


@functools.lru_cache(maxsize=100_000)
def _with_swaps(query: str, form: str, score: int) -> int:
    """The score with one slip of the keyboard counted like one letter dropped ("Fesno" for
    "Fresno"): two neighbouring letters swapped ("Fersno"), or a letter struck for the key
    beside it ("Fresmo"). ``fuzz.ratio`` counts either as two edits, a letter dropped and one
    added, as it does any other wrong letter. Real names of a state often differ by one
    letter (Milton, Wilton), ten times less often by a key and its neighbour
    (docs/matching.md)."""
    if len(query) != len(form) or OSA.distance(query, form, score_cutoff=1) != 1:
        return score
    if Levenshtein.distance(query, form, score_cutoff=2) != 2:
        at = next(i for i, (a, b) in enumerate(zip(query, form, strict=True)) if a != b)
        if form[at] not in KEYBOARD_NEIGHBOURS.get(query[at], ""):
            return score  # a wrong letter, not a slip
    return max(score, round(100 * (1 - 1 / (2 * len(query)))))


# Each letter's neighbours on a QWERTY keyboard: left, right, above and below.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
KEYBOARD_NEIGHBOURS = {
    key: "".join(
        _ROWS[r][c]
        for r, c in ((row, col - 1), (row, col + 1), (row - 1, col), (row + 1, col))
        if 0 <= r < 3 and 0 <= c < len(_ROWS[r])
    )
    for row, letters in enumerate(_ROWS)
    for col, key in enumerate(letters)
}


def _review_score(scored: _Scored) -> int:
    """Ranks suggestions: the character score, or a little under the word-set score when the
    customer's name is the suggestion's with words dropped ("Northside" / "northside
    independent school district"), less when it is the other way round (added words that
    are not a department's), and much less when it lacks a number the customer gave
    ("Fargo" for "Fargo Sch Dits 1")."""
    words = int(fuzz.token_set_ratio(scored.query, scored.form)) - (100 - scored.score) // 10
    rank = max(scored.score, words - (6 if _covers(scored) else 15))
    return rank - (15 if _digits(scored.query) - set(scored.form.split()) else 0)


def _covers(scored: _Scored) -> bool:
    return _word_set_of(scored.query) <= _word_set_of(scored.form)


@functools.lru_cache(maxsize=100_000)
def _word_set_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


@functools.lru_cache(maxsize=100_000)
def _digits(text: str) -> frozenset[str]:
    return frozenset(w for w in text.split() if w.isdigit())


def _compatible(query: str, form: str) -> bool:
    """Close spellings of the same government: the same numbers, and no distinguishing word
    ("North", "Elementary", "Unified") on one side only, unless the other side has a slip of
    it ("Norht", "Cental") - but "East" is no slip of "West"."""
    if _digits(query) != _digits(form):
        return False
    one, other = _word_set_of(query), _word_set_of(form)
    for word in (one ^ other) & _DISTINGUISHING:
        opposite = other - one if word in one else one - other
        if not any(
            w not in _DISTINGUISHING and OSA.distance(word, w, score_cutoff=1) <= 1
            for w in opposite
        ):
            return False
    return True
