"""The full-text search interface, on whichever database the suite runs on."""

import pytest

from interlocal.core.search import matching
from interlocal.registry.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def names(text: str) -> set[str]:
    from interlocal.registry.normalise import normalise_name

    qs = matching(
        Agency.objects.all(),
        table="registry_agency",
        column="search_name",
        words=normalise_name(text).split(),
    )
    return set(qs.values_list("name", flat=True))


def test_every_word_must_start_a_word_of_the_name_in_any_order() -> None:
    AgencyFactory(name="Lake Ridge Independent School District")
    AgencyFactory(name="City of Lake Ridge")
    AgencyFactory(name="Lakeside Water District")
    assert names("ridge lake") == {"Lake Ridge Independent School District", "City of Lake Ridge"}
    assert names("lake ridge isd") == {"Lake Ridge Independent School District"}
    assert names("lake") == {
        "Lake Ridge Independent School District",
        "City of Lake Ridge",
        "Lakeside Water District",
    }
    assert names("wat dist") == {"Lakeside Water District"}


def test_the_index_follows_inserts_renames_and_deletes() -> None:
    agency = AgencyFactory(name="Harmon County")
    assert names("harmon") == {"Harmon County"}
    agency.name = "Harmony County"
    agency.save()
    assert names("harmony") == {"Harmony County"} and names("harmon county") == {"Harmony County"}
    assert names("county harmony") == {"Harmony County"}
    Agency.objects.filter(pk=agency.pk).update(search_name="renamed directly")
    assert names("renamed") == {"Harmony County"} and names("harmony") == set()
    agency.delete()
    assert names("renamed") == set()


@pytest.mark.parametrize(
    "text", ['"', "OR", "NEAR(a b)", "a*", "-x", "'); DROP TABLE x; --", "AND NOT", ":*", "&|!"]
)
def test_query_syntax_in_user_input_is_just_text(text: str) -> None:
    AgencyFactory(name="City of Or")
    AgencyFactory(name="Town of Near")
    found = names(text)  # no database error, whatever the input
    assert found <= {"City of Or", "Town of Near"}


def test_only_indexed_columns_can_be_searched() -> None:
    with pytest.raises(ValueError, match="no full-text index"):
        matching(Agency.objects.all(), table="registry_agency", column="name", words=["x"])
