"""Chat history in SQLite (stdlib sqlite3 only; never imports textual).

See CONTRACTS.md "Store" for the public API.
"""

from .db import fresh_path_beside
from .errors import CorruptDatabaseError, NewerSchemaError, StoreError
from .export import FORMAT as EXPORT_FORMAT
from .models import (
    ROLES,
    STATES,
    Conversation,
    ConversationSummary,
    ErrorRecord,
    MessageRecord,
    SearchHit,
    TimingRecord,
    UsageRecord,
)
from .repo import HistoryStore
from .writer import StreamingWriter

__all__ = [
    "EXPORT_FORMAT",
    "ROLES",
    "STATES",
    "Conversation",
    "ConversationSummary",
    "ErrorRecord",
    "CorruptDatabaseError",
    "HistoryStore",
    "MessageRecord",
    "NewerSchemaError",
    "SearchHit",
    "StoreError",
    "StreamingWriter",
    "TimingRecord",
    "UsageRecord",
    "fresh_path_beside",
]
