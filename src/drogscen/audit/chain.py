"""The hash rule of the audit chain (pure; no Django)."""

import hashlib
import json
from typing import Any

GENESIS_HASH = "0" * 64
HASHED_FIELDS = (
    "sequence",
    "recorded_at",
    "user_id",
    "username",
    "via",
    "request_id",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
)


def entry_hash(previous_hash: str, fields: dict[str, Any]) -> str:
    payload = json.dumps(
        {name: fields[name] for name in HASHED_FIELDS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(f"{previous_hash}\n{payload}".encode()).hexdigest()
