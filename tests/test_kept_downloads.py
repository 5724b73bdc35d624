"""A file made on a click survives other sessions' runs until the browser has fetched it (session 36: 3 of 40 PNG
downloads were 404 on the morning of a meeting, ``python -m tests.cluster.measure_meeting``), and is freed after
its own session's next run, or when the session ends: no memory held for good."""

from __future__ import annotations

from unittest import mock

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.media_file_storage import MediaFileStorageError
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from oversight.ui import kept_downloads

PNG = b"\x89PNG\r\n\x1a\n" + b"chart" * 100


def _clicked(manager: MediaFileManager, session: str = "leader-1") -> tuple[str, str]:
    """A run of ``session`` that draws a deferred PNG button, then its click: (placeholder id, made file's id)."""
    with mock.patch("streamlit.runtime.media_file_manager._get_session_id", return_value=session):
        placeholder = manager.add_deferred(lambda: PNG, "image/png", "$$ID-png", "会议数量.png")
    url = manager.execute_deferred(placeholder)
    return placeholder, url.rsplit("/", 1)[-1].split(".", 1)[0]


def _other_sessions_finish_runs(manager: MediaFileManager, runs: int) -> None:
    for _ in range(runs):  # what the end of every session's page run does (script_runner)
        manager.remove_orphaned_files()


@pytest.fixture
def manager() -> MediaFileManager:
    kept_downloads.install()
    return MediaFileManager(MemoryMediaFileStorage("/media"))


def test_the_file_made_on_a_click_survives_other_sessions_runs_until_fetched(manager):
    _, made = _clicked(manager)
    # unpatched: the first sweep marked it, the second deleted it, and the browser's GET was a 404
    _other_sessions_finish_runs(manager, 5)
    assert manager._storage.get_file(made).content == PNG


def test_the_file_is_freed_after_its_own_session_runs_again_or_ends(manager):
    _, made = _clicked(manager)
    manager.clear_session_refs("leader-1")  # its next run begins (or the session ends)
    _other_sessions_finish_runs(manager, 2)
    with pytest.raises(MediaFileStorageError):
        manager._storage.get_file(made)
    assert manager._file_metadata == {}


def test_a_second_click_replaces_the_first_file(manager):
    placeholder, first = _clicked(manager)
    manager._deferred_callables[placeholder]["callable"] = lambda: PNG + b"after an import"  # other bytes, other id
    second = manager.execute_deferred(placeholder).rsplit("/", 1)[-1].split(".", 1)[0]
    assert second != first
    _other_sessions_finish_runs(manager, 2)
    assert manager._storage.get_file(second).content == PNG + b"after an import"
    with pytest.raises(MediaFileStorageError):  # one file per button held, not one per click
        manager._storage.get_file(first)


def test_a_file_made_for_a_session_already_gone_is_not_held(manager):
    with mock.patch("streamlit.runtime.media_file_manager._get_session_id", return_value="gone"):
        placeholder = manager.add_deferred(lambda: PNG, "image/png", "$$ID-png", "会议数量.png")
    original = manager._deferred_callables[placeholder]["callable"]

    def made_as_the_session_ends() -> bytes:  # the session closed while its file was being made
        manager.clear_session_refs("gone")
        return original()

    manager._deferred_callables[placeholder]["callable"] = made_as_the_session_ends
    made = manager.execute_deferred(placeholder).rsplit("/", 1)[-1].split(".", 1)[0]
    assert "gone" not in manager._files_by_session_and_coord
    _other_sessions_finish_runs(manager, 2)
    with pytest.raises(MediaFileStorageError):
        manager._storage.get_file(made)


def test_buttons_drawn_anew_without_a_page_run_hold_no_more_than_the_newest_files(manager):
    """A part of the page that reruns alone (生成简报, a table's search box) draws its buttons under new ids with no
    page run to free the old ones (w3's review, 5 Dec): each pack taken stayed held until the session's next run."""
    made = []
    for click in range(kept_downloads.MOST_KEPT + 6):
        with mock.patch("streamlit.runtime.media_file_manager._get_session_id", return_value="leader-1"):
            placeholder = manager.add_deferred(
                lambda click=click: PNG + bytes([click]), "image/png", f"$$ID-{click}", "会议数量.png"
            )
        made.append(manager.execute_deferred(placeholder).rsplit("/", 1)[-1].split(".", 1)[0])
    _other_sessions_finish_runs(manager, 2)
    kept = [file for file in made if file in manager._file_metadata]
    assert kept == made[-kept_downloads.MOST_KEPT :]  # the newest, the one just clicked among them
