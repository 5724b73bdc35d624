"""Started first by a test server whose PYTHONPATH holds this folder: a data folder's commit and a briefing pack's
build wait at their door.

``commit_changes`` (every import's and undo's write) touches ``committing``, ``build_briefing_pack`` touches
``building``, in the folder named by ``OVERSIGHT_TEST_GATE``; each then waits for the test to put ``go`` there: what a
person does while a large import is written or a pack is built (click another page, pick a unit) happens at a known
moment, not by a race the test may lose. A rerun the browser asked for (a unit picked) touches ``rerun_requested``
once the server has it: nothing on the page shows that while a run is held."""

from __future__ import annotations

import importlib
import os
import time
from pathlib import Path

_WAIT_S = 120


def _hold(gate: Path, module_name: str, name: str, marker: str) -> None:
    module = importlib.import_module(module_name)
    work = getattr(module, name)

    def held(*args, **kwargs):
        (gate / marker).touch()
        deadline = time.monotonic() + _WAIT_S
        while not (gate / "go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        (gate / "go").unlink(missing_ok=True)
        (gate / marker).unlink(missing_ok=True)
        return work(*args, **kwargs)

    setattr(module, name, held)


def _mark_reruns(gate: Path) -> None:
    from streamlit.runtime import app_session

    requested = app_session.AppSession.request_rerun

    def marked(self, client_state):
        requested(self, client_state)
        (gate / "rerun_requested").touch()

    app_session.AppSession.request_rerun = marked


if os.environ.get("OVERSIGHT_TEST_GATE"):
    _gate = Path(os.environ["OVERSIGHT_TEST_GATE"])
    _hold(_gate, "oversight.ingest.commit", "commit_changes", "committing")
    _hold(_gate, "oversight.briefing", "build_briefing_pack", "building")
    _mark_reruns(_gate)
