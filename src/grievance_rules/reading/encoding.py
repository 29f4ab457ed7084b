r"""Which encoding a CSV file is in: UTF-8 (with or without BOM) or GB18030/GBK, told apart.

Chinese Excel saves "CSV" in the system's code page (GBK, of which GB18030 is a
superset); newer Excel and most platforms write UTF-8, often with a BOM. The
rule is deterministic, no statistics:

1. a UTF-8 BOM: UTF-8;
2. the bytes are valid UTF-8: UTF-8;
3. else, if the bytes are valid GB18030 and there are more bytes invalid in
   UTF-8 than valid UTF-8 multi-byte characters (a GBK file has no valid UTF-8
   Chinese to speak of; a UTF-8 file with a damaged cell has plenty): GB18030;
4. else UTF-8, and every cell holding invalid bytes is reported on its row.

Example:
    >>> detect_encoding(io.BytesIO("工单编号\n".encode("gb18030")))
    'gb18030'
    >>> detect_encoding(io.BytesIO("\ufeff工单编号\n".encode("utf-8")))
    'utf-8-sig'
"""

from __future__ import annotations

import codecs
import io
import re
from typing import IO

__all__ = ["AUTO", "detect_encoding"]

AUTO = "auto"
"""The encoding name that asks for detection."""

_CHUNK = 1 << 16
_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes invalid in UTF-8, as surrogateescape gives them


def _counts(stream: IO[bytes]) -> tuple[int, int]:
    """(valid non-ASCII characters, invalid bytes) of the stream read as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    valid = invalid = 0
    while True:
        chunk = stream.read(_CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        bad = len(_ESCAPED.findall(text))
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        invalid += bad
        valid += non_ascii - bad
        if not chunk:
            return valid, invalid


def _valid_gb18030(stream: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("gb18030")(errors="strict")
    try:
        while True:
            chunk = stream.read(_CHUNK)
            decoder.decode(chunk, final=not chunk)
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False


def detect_encoding(stream: IO[bytes]) -> str:
    """The encoding of a seekable binary stream (read from where it is, and rewound there).

    Returns ``utf-8-sig`` (UTF-8, a BOM skipped if there is one) or ``gb18030``.
    """
    start = stream.tell()
    try:
        if stream.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        stream.seek(start)
        valid, invalid = _counts(stream)
        if invalid == 0 or invalid <= valid:
            return "utf-8-sig"
        stream.seek(start)
        return "gb18030" if _valid_gb18030(stream) else "utf-8-sig"
    finally:
        stream.seek(start)


def seekable(stream: IO[bytes]) -> IO[bytes]:
    """The stream itself when it can seek, else its bytes in memory."""
    try:
        if stream.seekable():
            return stream
    except (AttributeError, ValueError):  # pragma: no cover - exotic file objects
        pass
    return io.BytesIO(stream.read())
