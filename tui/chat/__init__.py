"""The conversation engine: a conversation, one streaming exchange, and saving it (no Textual)."""
