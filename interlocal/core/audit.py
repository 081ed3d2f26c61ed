"""Writing and verifying the hash-chained audit trail.

Every service function calls :func:`record` inside its own ``transaction.atomic`` block, so the
event commits or rolls back with the change it describes.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from interlocal.core.context import current_api_key, current_request_id
from interlocal.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from interlocal.accounts.models import Organization, User

GENESIS_HASH = "0" * 64


def _plain(value: Any) -> Any:
    """JSON-safe copy so what is stored is what was hashed: Decimals and dates become strings,
    and so do floats (PostgreSQL's jsonb would hand back 1e16 as an integer and -0.0 as 0.0)."""
    if value is None:
        return None
    return _floats_as_text(json.loads(json.dumps(value, cls=DjangoJSONEncoder)))


def _floats_as_text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return {key: _floats_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_floats_as_text(item) for item in value]
    return value


def canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.astimezone(datetime.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "organization_id": event.organization_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "request_id": event.request_id,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of a model instance, for ``before``/``after``."""
    data = {}
    for name in fields:
        field = instance._meta.get_field(name)
        data[name] = getattr(instance, getattr(field, "attname", name))
    return _plain(data)


def record(
    *,
    actor: "User | None",
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    organization: "Organization | None" = None,
    actor_label: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    Who acted is, in order: the signed-in ``actor``; else the API key of the request; else
    ``actor_label`` (e.g. "registrant pat@harmon.gov (public form)"); else "system".
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    label = actor.email if actor is not None else (actor_label or "system")
    key = current_api_key.get()
    if actor is None and key is not None:
        label = f"API key {key.prefix}… ({key.organization})"  # type: ignore[attr-defined]
        organization = organization or key.organization  # type: ignore[attr-defined]
    if actor is not None and organization is None:
        organization = actor.primary_organization
    head = AuditChainHead.objects.select_for_update().get(pk=1)
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=label,
        organization=organization,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        before=_plain(before),
        after=_plain(after),
        reason=reason,
        request_id=current_request_id.get(),
        prev_hash=head.last_hash,
    )
    event.hash = compute_hash(event)
    event.save()
    AuditChainHead.objects.filter(pk=1).update(last_seq=event.seq, last_hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainBreak]:
    """Walk the chain in order and yield every broken link (a valid chain yields nothing).

    The head is read first and the walk stops at it, so events appended while a long check runs
    are left for the next check instead of being reported as missing.
    """
    head = AuditChainHead.objects.get(pk=1)
    expected_prev = GENESIS_HASH
    expected_seq = 1
    events = AuditEvent.objects.filter(seq__lte=head.last_seq).order_by("seq")
    for event in events.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            yield ChainBreak(
                expected_seq, f"event #{expected_seq} is missing (next is #{event.seq})"
            )
        if event.prev_hash != expected_prev:
            yield ChainBreak(event.seq, "prev_hash does not match the previous event's hash")
        if compute_hash(event) != event.hash:
            yield ChainBreak(event.seq, "content does not match its hash (the row was altered)")
        expected_prev = event.hash
        expected_seq = event.seq + 1
    if head.last_seq != expected_seq - 1 or head.last_hash != expected_prev:
        yield ChainBreak(head.last_seq, "chain head does not match the last event (rows removed)")
