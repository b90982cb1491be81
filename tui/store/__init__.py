"""Chat history in SQLite (stdlib sqlite3 only; never imports textual nor tui.llm).

:class:`HistoryStore` reads (and, for the one-shot ``history`` commands, writes);
:class:`tui.store.background.BackgroundWriter` does every write of the app and of ``ask`` on
its own thread.
"""

from .db import fresh_path_beside
from .errors import CorruptDatabaseError, NewerSchemaError, ReadOnlyError, StoreError
from .export import FORMAT as EXPORT_FORMAT
from .models import (
    ROLES,
    STATES,
    Attachment,
    Conversation,
    ConversationSummary,
    ErrorRecord,
    MessageRecord,
    Note,
    SearchHit,
)
from .repo import HistoryStore

__all__ = [
    "Attachment",
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
    "ReadOnlyError",
    "Note",
    "SearchHit",
    "StoreError",
    "fresh_path_beside",
]
