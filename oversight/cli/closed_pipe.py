"""Standard output whose reader may stop reading: ``validate bad.xlsx | head -1``, ``alerts --push | head``.

Python raises ``BrokenPipeError`` at the first write after the reader has gone. Caught around the whole command,
it ended the command where it stood: ``validate`` of a bad file exited 0 (its documented status is 1), and a
command still to do its work after printing (an ``alerts --push`` whose digest filled the pipe's buffer) stopped
before pushing, exit 0. Here the write that fails sends the rest of the output nowhere, and the command carries on
to its own end and its own exit status.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO


class _Tolerant:
    """``stream`` until a write or flush finds its reader gone; then its descriptor is pointed at /dev/null (so the
    interpreter's last flush succeeds too) and what follows is dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop_the_rest()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop_the_rest()

    def _drop_the_rest(self) -> None:
        self.reader_gone = True
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError, AttributeError):  # a stream without a descriptor (a test's): nothing to point
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """``sys.stdout`` tolerant of its reader leaving for the duration of the block."""
    stream = sys.stdout
    sys.stdout = _Tolerant(stream)
    try:
        yield
    finally:
        sys.stdout = stream
