"""``python -m oversight``: the command line (oversight/cli/main.py says what it does)."""

import signal
import sys

# Ctrl+C while the command's modules are still being imported (its first half second) ended in importlib's traceback:
# until ``main`` can answer it with a sentence, the interrupt ends the process as it ends any program (the shell's
# status 130), saying nothing. Left as it is where it is ignored (a job started in the background, nohup).
_QUIET_START = signal.getsignal(signal.SIGINT) is signal.default_int_handler
if _QUIET_START:
    signal.signal(signal.SIGINT, signal.SIG_DFL)

from oversight.cli.main import main  # noqa: E402 — after the line above, on purpose

if __name__ == "__main__":
    if _QUIET_START:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
