"""Started first by a test server whose PYTHONPATH holds this folder: the data folder's commit waits at its door.

``commit_changes`` (every import's and undo's write) touches ``committing`` in the folder named by
``OVERSIGHT_TEST_COMMIT_GATE``, then waits for the test to put ``go`` there: what a person does while a large import
is being written (click another page) happens at a known moment, not by a race the test may lose."""

from __future__ import annotations

import os
import time
from pathlib import Path

_WAIT_S = 120


def _hold_the_commit(gate: Path) -> None:
    from oversight.ingest import commit

    write = commit.commit_changes

    def held(*args, **kwargs):
        (gate / "committing").touch()
        deadline = time.monotonic() + _WAIT_S
        while not (gate / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (gate / "go").unlink(missing_ok=True)
        (gate / "committing").unlink(missing_ok=True)
        return write(*args, **kwargs)

    commit.commit_changes = held


if os.environ.get("OVERSIGHT_TEST_COMMIT_GATE"):
    _hold_the_commit(Path(os.environ["OVERSIGHT_TEST_COMMIT_GATE"]))
