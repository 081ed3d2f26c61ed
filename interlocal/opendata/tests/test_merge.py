"""The OCDS merge rules our compiled releases follow (also checked against the official
example in test_schema.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlocal.opendata.ocds.merge import compile_releases


def release(date: str, **fields):
    return {"ocid": "ocds-x-1", "id": f"ocds-x-1-{date}", "date": date, "tag": ["tender"], **fields}


def test_later_releases_win_field_by_field_and_null_removes() -> None:
    compiled = compile_releases(
        [
            release(
                "2025-01-02T00:00:00Z",
                tender={"id": "1", "title": "New", "value": {"amount": None}},
            ),
            release(
                "2025-01-01T00:00:00Z",
                tender={"id": "1", "title": "Old", "description": "D", "value": {"amount": 5}},
            ),
        ]
    )
    # Applied by date, not by list order; the emptied value object disappears with its field.
    assert compiled["tender"] == {"id": "1", "title": "New", "description": "D"}


def test_arrays_of_objects_merge_by_id_at_every_depth() -> None:
    compiled = compile_releases(
        [
            release(
                "2025-01-01T00:00:00Z",
                contracts=[
                    {
                        "id": "A",
                        "status": "pending",
                        "amendments": [{"id": "1", "description": "x"}],
                    }
                ],
            ),
            release(
                "2025-01-02T00:00:00Z",
                contracts=[
                    {"id": "A", "status": "active", "amendments": [{"id": "2"}]},
                    {"id": "B"},
                ],
            ),
        ]
    )
    assert compiled["contracts"] == [
        {
            "id": "A",
            "status": "active",
            "amendments": [{"id": "1", "description": "x"}, {"id": "2"}],
        },
        {"id": "B"},
    ]


def test_arrays_of_strings_and_whole_list_fields_are_replaced() -> None:
    compiled = compile_releases(
        [
            release(
                "2025-01-01T00:00:00Z",
                parties=[
                    {
                        "id": "p",
                        "roles": ["tenderer"],
                        "additionalIdentifiers": [{"id": "1"}, {"id": "2"}],
                    }
                ],
            ),
            release(
                "2025-01-02T00:00:00Z",
                parties=[
                    {
                        "id": "p",
                        "roles": ["supplier", "tenderer"],
                        "additionalIdentifiers": [{"id": "3"}],
                    }
                ],
            ),
        ]
    )
    assert compiled["parties"] == [
        {"id": "p", "roles": ["supplier", "tenderer"], "additionalIdentifiers": [{"id": "3"}]}
    ]


def test_objects_without_an_id_are_new_items() -> None:
    compiled = compile_releases(
        [
            release("2025-01-01T00:00:00Z", awards=[{"title": "a"}]),
            release("2025-01-02T00:00:00Z", awards=[{"title": "b"}]),
        ]
    )
    assert compiled["awards"] == [{"title": "a"}, {"title": "b"}]


def test_the_compiled_release_has_its_own_id_date_and_tag() -> None:
    compiled = compile_releases(
        [release("2025-01-01T00:00:00Z", initiationType="tender"), release("2025-03-01T00:00:00Z")]
    )
    assert compiled == {
        "ocid": "ocds-x-1",
        "id": "ocds-x-1-2025-03-01T00:00:00Z",
        "date": "2025-03-01T00:00:00Z",
        "tag": ["compiled"],
        "initiationType": "tender",
    }


def test_nothing_to_compile_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one release"):
        compile_releases([])


scalars = st.one_of(st.sampled_from(["x", "y", ""]), st.integers(), st.booleans())
trees = st.recursive(
    st.one_of(scalars, st.lists(scalars, max_size=2)),
    lambda children: st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
    max_leaves=6,
)


@given(st.dictionaries(st.sampled_from(["tender", "planning", "language"]), trees, max_size=3))
def test_one_release_compiles_to_itself(fields) -> None:
    def without_empty_objects(value):
        if isinstance(value, dict):
            cleaned = {k: without_empty_objects(v) for k, v in value.items()}
            return {k: v for k, v in cleaned.items() if v != {}}
        return value

    compiled = compile_releases([release("2025-01-01T00:00:00Z", **fields)])
    assert {k: v for k, v in compiled.items() if k not in ("ocid", "id", "date", "tag")} == (
        without_empty_objects(fields)
    )
