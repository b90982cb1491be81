"""JSON text that is safe to print on a terminal and still lossless.

C1 controls, DEL and the Unicode line/paragraph separators are written as ``\\uXXXX``
escapes: the output is valid JSON that decodes to exactly the same data.
"""

from __future__ import annotations

import json
import re
from typing import Any

_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")


def dumps(data: Any, *, indent: int | None = 2) -> str:
    """JSON text that is safe on a terminal (C1 controls escaped) and still lossless."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
