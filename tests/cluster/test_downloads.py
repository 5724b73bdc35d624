"""A chart's PNG asked for through nginx arrives though other sessions' runs end before the browser fetches it.

Streamlit 1.67 stores a file made on a click referenced by no session, and the end of every session's run sweeps
such files (the first sweep marks, the second deletes): on the morning of a meeting (40 leaders on 3 replicas,
``python -m tests.cluster.measure_meeting``) 3 of 40 PNGs were a 404. ``oversight.ui.kept_downloads`` keeps the file
for its session until that session's next run; without it this test's fetch is a 404.
"""

from __future__ import annotations

import asyncio
import urllib.error

import pytest

from tests.cluster.conftest import PASSWORD, Cluster
from tests.cluster.light_client import LightSession
from tests.cluster.test_soak import RANGE_LABEL, SIGN_IN_LABELS, run_async

pytestmark = pytest.mark.cluster


def test_a_png_is_fetched_after_other_sessions_runs_on_its_replica_have_ended(running_cluster):
    status, png = run_async(_asked_then_others_run_then_fetched(running_cluster))
    assert status == 200
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 10_000  # a chart, not an empty picture


async def _asked_then_others_run_then_fetched(the_cluster: Cluster) -> tuple[int, bytes]:
    leader = LightSession(the_cluster.url, "unit=research&from=2020Q1&to=2020Q4")
    await leader.open()
    await leader.sign_in("leader", PASSWORD, SIGN_IN_LABELS)
    address = await leader.ask_download("PNG")
    # another tab of the same browser (the same route cookie, so the same replica) changes its filter three times
    other = LightSession(the_cluster.url, "unit=petitions&from=2020Q1&to=2020Q4", route=leader.route)
    await other.open()
    await other.sign_in("leader", PASSWORD, SIGN_IN_LABELS)
    for step in (-1, 1, -1):
        await other.move_range_start(RANGE_LABEL, step)
    try:
        png = await asyncio.to_thread(leader.fetch, address)
        status = 200
    except urllib.error.HTTPError as error:
        png, status = b"", error.code
    finally:
        await leader.close()
        await other.close()
    return status, png
