"""manage.py export_ocds: one file of everything public, the same bytes for the same data, and
never a half-written file."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from interlocal.opendata.ocds import packages

pytestmark = pytest.mark.django_db
AS_OF = ["--as-of", "2026-11-01T12:00:00Z"]


def export(path, *flags) -> str:
    out = StringIO()
    call_command("export_ocds", str(path), *flags, stdout=out)
    return out.getvalue()


def test_it_writes_every_release_of_every_public_process(world, tmp_path) -> None:
    out = tmp_path / "ocds.json"
    message = export(out, *AS_OF)
    package = json.loads(out.read_text(encoding="utf-8"))
    assert len(package["releases"]) == 19
    assert {r["ocid"] for r in package["releases"]} == {
        "ocds-test01-IFB-2025-020",
        "ocds-test01-RFP-2025-014",
        "ocds-test01-RFP-2026-010",
    }
    assert package["uri"] == "https://purchasing.example.org/opendata/ocds/"
    # On-demand packages are dated by their content's last change, not by when they were made.
    assert package["publishedDate"] == "2026-10-01T15:00:00Z"
    assert "Wrote 19 releases of 3 contracting process(es)" in message


def test_records_have_compiled_releases(world, tmp_path) -> None:
    out = tmp_path / "records.json"
    export(out, "--records", *AS_OF)
    records = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert [r["ocid"] for r in records] == [
        "ocds-test01-IFB-2025-020",
        "ocds-test01-RFP-2025-014",
        "ocds-test01-RFP-2026-010",
    ]
    assert all(r["compiledRelease"]["tag"] == ["compiled"] for r in records)


def test_the_same_data_gives_the_same_file(world, tmp_path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    export(first, "--records", *AS_OF)
    export(second, "--records", *AS_OF)
    assert first.read_bytes() == second.read_bytes()


def test_an_earlier_as_of_exports_the_record_as_it_stood(world, tmp_path) -> None:
    out = tmp_path / "then.json"
    export(out, "--as-of", "2025-03-01T00:00:00Z")
    releases = json.loads(out.read_text(encoding="utf-8"))["releases"]
    assert {r["ocid"] for r in releases} == {"ocds-test01-RFP-2025-014"}
    assert not any("tenderers" in r.get("tender", {}) for r in releases)


def test_nothing_published_writes_nothing(db, tmp_path) -> None:
    out = tmp_path / "empty.json"
    with pytest.raises(CommandError, match="Nothing is published yet"):
        export(out)
    assert not out.exists()


def test_a_bad_as_of_says_what_to_write(world, tmp_path) -> None:
    with pytest.raises(CommandError, match="ISO 8601 date-time such as"):
        export(tmp_path / "x.json", "--as-of", "yesterday")


def test_a_failed_export_leaves_the_previous_file_whole(world, tmp_path, monkeypatch) -> None:
    exports = tmp_path / "exports"
    out = exports / "ocds.json"
    export(out, *AS_OF)
    before = out.read_bytes()

    def half_serializable(processes, **kwargs):
        # Fails while the file is being written, after part of it is already on disk.
        return {"releases": [{"ocid": "ok"}, object()]}

    monkeypatch.setattr(packages, "release_package", half_serializable)
    with pytest.raises(TypeError):
        export(out, *AS_OF)
    assert out.read_bytes() == before
    assert [p.name for p in exports.iterdir()] == ["ocds.json"]  # no temporary file left
