"""A terminal closed, or the process told to stop (SIGHUP, SIGTERM), during an import or undo: stopped as Ctrl+C stops
it, so that the commit puts back what it had replaced.

Python ends a process on SIGHUP and SIGTERM at once, without unwinding: a clerk closing the terminal window while an
import of six ledgers was writing left the folder half-written (units.xlsx replaced with 504 units beside the old
meetings, the journal and five temporary files beside them) until the next command put it back; ``alerts`` from a
timer read it so in between. Here either signal raises ``Stopped``, a ``KeyboardInterrupt``: every place that
answers Ctrl+C (the commit's rollback, the command's sentence) answers it too.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


class Stopped(KeyboardInterrupt):
    """SIGHUP or SIGTERM, raised where the process was."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def as_interrupt() -> Iterator[None]:
    """SIGHUP and SIGTERM raise ``Stopped`` for the duration of the block (where they are not ignored: ``nohup``)."""
    saved = {number: signal.getsignal(number) for number in _SIGNALS}
    for number, handler in saved.items():
        if handler is not signal.SIG_IGN:
            signal.signal(number, _raise)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


def exit_status(interrupt: KeyboardInterrupt) -> int:
    """The status a shell gives a program that signal ended: 130 for Ctrl+C, 129 for SIGHUP, 143 for SIGTERM."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)
