"""Files on disk: read a UTF-8 text with a clear message, write one all at once.

The two primitives every input and output goes through (no parsing here).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from graphlib_trade.errors import DataError, OutputError


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of ``path``; raise :class:`DataError` naming the file if it cannot be read."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(source, ["no such file"]) from None
    except IsADirectoryError:
        raise DataError(source, ["is a folder, expected a YAML or JSON file"]) from None
    except OSError as exc:
        raise DataError(source, [f"cannot be read: {exc.strerror}"]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            source, ["is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8"]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(source, [f"is not UTF-8 text (byte {exc.start}: {data[exc.start]:#04x})"]) from None


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` all at once: a crash leaves the old file or the new one, never half.

    Raises
    ------
    OutputError
        Naming the file, when it cannot be written (nothing is left behind).
    """
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def write_atomic(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """:func:`write_text_atomic` of whatever ``write`` writes to a binary file (a big answer
    written in pieces, never whole in memory as text and again as bytes)."""
    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"{path}: cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
