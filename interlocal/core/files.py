"""Uploaded documents: the checks every app applies, and the SHA-256 that proves later that a
file is the one received."""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.base import File

DOCUMENT_SUFFIXES = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".xls",
        ".xlsx",
        ".ods",
        ".csv",
        ".txt",
        ".zip",
        ".png",
        ".jpg",
    }
)
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    file: File
    name: str
    sha256: str
    size: int


def sha256_of(file: File) -> str:
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check_document(file: File, *, field: str = "file") -> CheckedFile:
    """A non-empty document of an accepted type and size, with its hash; else a message that
    says what to send instead."""
    name = PurePath(file.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in DOCUMENT_SUFFIXES:
        raise ValidationError(
            {field: f"{name or 'the file'}: send a {', '.join(sorted(DOCUMENT_SUFFIXES))} file"}
        )
    size = file.size or 0
    if size == 0:
        raise ValidationError({field: f"{name} is empty"})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            {field: f"{name} is {size // 2**20} MB; the limit is {MAX_DOCUMENT_BYTES // 2**20} MB"}
        )
    return CheckedFile(file=file, name=name, sha256=sha256_of(file), size=size)
