"""A link planted in a shared data folder is never followed to write, truncate or open up what it points at.

Anyone who may write in the folder (the group the admin's account and the dashboard's share) can put a symbolic link
where the product opens a lock file or a history entry. Before, the next import by the admin truncated the file the
lock link pointed at and wrote its note there (a private key became ``{"pid": …}``), and, for an older release's 0600
file of the admin's own, opened its mode up to 0664; an entry linked to a private folder (~/.ssh, 0700) of the admin's
was given the .history folder's 2775 at the admin's next look at the history.
"""

from __future__ import annotations

import os
import shutil

import pytest

from oversight.__main__ import main
from oversight.core import locking
from oversight.data import store
from oversight.ingest import folder_lock, import_history, table_cache
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx

SECRET = b"-----BEGIN OPENSSH PRIVATE KEY-----\n"


@pytest.fixture
def shared_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    folder.chmod(0o2775)  # a group's folder: the mode lock files are opened up to
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    previous = os.umask(0o002)
    yield folder
    os.umask(previous)


@pytest.fixture
def private_key(tmp_path):
    secret = tmp_path / "home" / ".ssh" / "id_ed25519"
    secret.parent.mkdir(parents=True)
    secret.parent.chmod(0o700)
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    return secret


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_lock_file_planted_as_a_link_leaves_what_it_points_at_alone(
    shared_folder, private_key, tmp_path, capsys, lang
):
    (shared_folder / folder_lock.LOCK_FILE).unlink(missing_ok=True)  # the sample's, where a test has read it
    (shared_folder / folder_lock.LOCK_FILE).symlink_to(private_key)
    before = hash_tree(shared_folder)
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append", "--lang", lang]) == 2
    said = capsys.readouterr().err.strip()
    assert private_key.read_bytes() == SECRET  # was {"pid": …, "purpose": "import", …}
    assert private_key.stat().st_mode & 0o777 == 0o600  # was 0664
    assert hash_tree(shared_folder) == before
    assert ".oversight.lock" in said and "Traceback" not in said and "ELOOP" not in said
    assert ("链接" in said) if lang == "zh" else ("is a link" in said)
    assert main(["undo", "--lang", lang]) == 2
    assert private_key.read_bytes() == SECRET


@pytest.mark.parametrize("mode", [0o666, 0o600])
def test_no_lock_is_taken_through_a_link(tmp_path, private_key, mode):
    """Every lock of the product (the data folder's, the cache's, the users file's, the push log's) goes through
    ``locking.held``; the readers' ``shared`` lock opens, and so may create, nothing through a link either."""
    lock = tmp_path / "x.lock"
    lock.symlink_to(private_key)
    with pytest.raises(locking.LockIsALink), locking.held(lock, timeout=0, mode=mode):
        pass
    dangling = tmp_path / "y.lock"
    dangling.symlink_to(tmp_path / "made-through-the-link")
    with locking.shared(dangling, timeout=0, mode=mode):
        pass
    assert not (tmp_path / "made-through-the-link").exists()
    assert private_key.read_bytes() == SECRET
    assert private_key.stat().st_mode & 0o777 == 0o600


def test_a_hard_link_to_a_private_file_is_not_opened_up_as_an_older_lock(tmp_path, private_key):
    private_key.parent.chmod(0o2775)  # the link must be in the same file system; a folder the group may enter
    lock = private_key.parent / "x.lock"
    os.link(private_key, lock)
    with locking.held(lock, timeout=0, mode=0o666):
        pass
    assert private_key.stat().st_mode & 0o777 == 0o600


def test_a_history_entry_planted_as_a_link_to_a_private_folder_is_not_opened_up(shared_folder, private_key, capsys):
    history = shared_folder / import_history.HISTORY_DIR
    history.mkdir()
    history.chmod(0o2775)
    (history / "20300101-000000-000000-meetings").symlink_to(private_key.parent)
    assert main(["history", "--lang", "en"]) == 0
    capsys.readouterr()
    assert private_key.parent.stat().st_mode & 0o777 == 0o700  # was 0775, the group could write in ~/.ssh


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_undo_does_not_copy_what_a_link_planted_in_its_entry_points_at(
    shared_folder, private_key, tmp_path, capsys, lang
):
    """Review of 5 Dec (w5): a group member who may write the history replaced the ledger an import kept with a link
    to a file only the admin may read; the admin's undo would have copied that file into the data folder (and a
    cache file planted as a link among the entry's would have been restored the same way)."""
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    kept = entry.path / "meetings.xlsx"
    kept.unlink()
    kept.symlink_to(private_key)
    capsys.readouterr()
    before = hash_tree(shared_folder)
    assert main(["undo", "--lang", lang]) != 0
    said = capsys.readouterr().err.strip()
    assert hash_tree(shared_folder) == before
    assert SECRET not in b"".join(path.read_bytes() for path in shared_folder.glob("*.xlsx"))
    assert "meetings.xlsx" in said and "Traceback" not in said
    assert ("链接" in said) if lang == "zh" else ("is a link" in said)


def test_a_cache_file_planted_as_a_link_in_an_entry_is_not_restored(shared_folder, private_key, tmp_path):
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    cache = entry.path / import_history.CACHE
    cache.mkdir(exist_ok=True)
    (cache / "planted.parquet").symlink_to(private_key)
    assert all(path.name != "planted.parquet" for path in import_history.cached_files(entry))


def test_an_undo_reads_its_entrys_file_where_it_is_even_if_it_became_a_link_after_the_look(
    shared_folder, tmp_path, capsys, monkeypatch
):
    """The undo looked whether the kept ledger was a link, then read it by its name: a link put in its place between
    the two (a group member's loop renaming one over the file) was followed, and the admin's undo restored the file it
    pointed at — here a ledger only the admin may read — into the shared folder. The look is made to miss the link,
    as it does when the swap lands just after it; the file is read from what was opened, never through a link."""
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    private = tmp_path / "home" / "private" / "meetings.xlsx"
    private.parent.mkdir(parents=True)
    write_xlsx(private, {"会议": [HEADERS["meetings"], meeting("HY2099-0001")]})  # the admin's own, a valid ledger
    private.chmod(0o600)
    kept = entry.path / "meetings.xlsx"
    kept.unlink()
    kept.symlink_to(private)
    is_symlink = type(kept).is_symlink
    monkeypatch.setattr(type(kept), "is_symlink", lambda path: False if path == kept else is_symlink(path))
    capsys.readouterr()
    before = hash_tree(shared_folder)
    assert main(["undo", "--lang", "zh"]) != 0
    said = capsys.readouterr().err.strip()
    assert hash_tree(shared_folder) == before  # the private ledger was restored as the folder's meetings.xlsx
    assert "meetings.xlsx" in said and "链接" in said and "Traceback" not in said


@pytest.mark.parametrize("put_back", ["linked", "copied"])
def test_a_cache_file_that_became_a_link_after_the_look_is_not_put_back_through_it(
    shared_folder, private_key, tmp_path, monkeypatch, put_back
):
    """The entry's cache files were listed without the links among them, then put back by name (a hard link, or a
    copy across file systems): one swapped for a link between the two was followed, and the data folder's cache held
    the admin's private file (a copy, as the umask leaves it, where the history is on another disk)."""
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    cache = entry.path / import_history.CACHE
    cache.mkdir(exist_ok=True)
    planted = cache / "meetings.0123456789abcdef.parquet"
    planted.symlink_to(private_key)
    is_symlink = type(planted).is_symlink
    monkeypatch.setattr(type(planted), "is_symlink", lambda path: False if path == planted else is_symlink(path))
    assert planted in import_history.cached_files(entry)  # the look missed it, as it does before the swap
    if put_back == "copied":  # the history on another disk than the data folder's: no hard link across
        monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(OSError(18, "EXDEV")))
    main(["undo", "--lang", "en"])
    restored = shared_folder / ".cache" / planted.name
    assert not os.path.lexists(restored) or (not restored.is_symlink() and restored.read_bytes() != SECRET)
    assert all(path.read_bytes() != SECRET for path in (shared_folder / ".cache").iterdir() if path.is_file())


def _ledgers(folder):
    """The data folder's own files (not its history, cache or lock note) by name, with their bytes."""
    return {
        path.name: path.read_bytes()
        for path in folder.iterdir()
        if path.is_file() and path.name != folder_lock.LOCK_FILE
    }


def _swapped_for_a_link(path, target):
    """``path`` (a folder) moved aside and a link to ``target`` put in its place, as a group member's loop does."""
    path.rename(path.with_name(f".moved-{path.name}"))
    path.symlink_to(target, target_is_directory=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_undo_does_not_read_its_ledger_through_an_entry_folder_swapped_for_a_link(
    shared_folder, tmp_path, capsys, monkeypatch, lang
):
    """Review of 5 Dec (session 38 w3): the kept ledger was opened with O_NOFOLLOW on its own name only; the entry's
    folder swapped for a link after the history was listed (a group member may rename in .history) was followed,
    and the admin's undo restored the admin's private ledger of that name into the shared folder. The entry's folder
    is now opened part by part from the data folder, never through a link, and its files read from that descriptor."""
    from oversight.ingest import commit

    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    private = tmp_path / "home" / "private"
    private.mkdir(parents=True)
    write_xlsx(private / "meetings.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2099-0001")]})  # a valid ledger
    private.chmod(0o700)
    changed_since = commit._changed_since

    def swap_after_the_look(folder, target):  # the swap lands once the undo has listed and checked the entry
        found = changed_since(folder, target)
        _swapped_for_a_link(entry.path, private)
        return found

    monkeypatch.setattr(commit, "_changed_since", swap_after_the_look)
    capsys.readouterr()
    before = _ledgers(shared_folder)
    assert main(["undo", "--lang", lang]) != 0
    said = capsys.readouterr().err.strip()
    assert _ledgers(shared_folder) == before  # the private ledger (HY2099-0001) was the folder's meetings.xlsx
    assert "meetings.xlsx" in said and "Traceback" not in said
    assert ("链接" in said) if lang == "zh" else ("is a link" in said)


@pytest.mark.parametrize("put_back", ["linked", "copied"])
def test_an_entrys_cache_folder_swapped_for_a_link_after_the_look_is_not_read_through(
    shared_folder, private_key, tmp_path, monkeypatch, put_back
):
    """The entry's cache folder listed as a folder, then swapped for a link to a private one holding a file of the
    same name: put back by that name (a hard link, or a copy across file systems), the private file was followed
    into the data folder's cache."""
    from oversight.ingest import commit

    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append"]) == 0
    (entry,) = import_history.list_history(shared_folder)
    name = "meetings.0123456789abcdef.parquet"
    cache = entry.path / import_history.CACHE
    shutil.rmtree(cache, ignore_errors=True)  # the one file it keeps is the one the private folder also holds
    cache.mkdir()
    (cache / name).write_bytes(b"PAR1 kept")
    private = private_key.parent
    (private / name).write_bytes(SECRET)
    (private / name).chmod(0o600)
    cached_files = commit.cached_files

    def swap_after_the_look(target):
        found = cached_files(target)
        _swapped_for_a_link(cache, private)
        return found

    monkeypatch.setattr(commit, "cached_files", swap_after_the_look)
    if put_back == "copied":  # the history on another disk than the data folder's: no hard link across
        monkeypatch.setattr(os, "link", lambda *args, **kwargs: (_ for _ in ()).throw(OSError(18, "EXDEV")))
    landed = []  # what each put-back left where it put it (the cache sweeps a key no ledger has soon after)
    link_or_copy = table_cache.link_or_copy

    def noting(source, target, *args, **kwargs):
        try:
            link_or_copy(source, target, *args, **kwargs)
        finally:
            if os.path.isfile(target):
                landed.append((target.read_bytes(), os.stat(target).st_ino))

    monkeypatch.setattr(table_cache, "link_or_copy", noting)
    main(["undo", "--lang", "en"])
    assert all(data != SECRET and inode != (private / name).stat().st_ino for data, inode in landed)


@pytest.mark.parametrize("sweep", ["cache_write", "clear"])
def test_the_cache_folder_planted_as_a_link_has_nothing_removed_through_it(shared_folder, private_key, sweep):
    """The data folder's .cache replaced by a link to a folder of the admin's: the cache's sweeps, run under its lock by
    the admin's next reader (the killed writers' ``.*.tmp``, lone ``*.parquet.check``) or by a full disk's ``clear``
    (every ``*.parquet``), removed the private folder's files of those names, another program's write in progress
    among them."""
    from oversight.ingest import checked_folder

    private = private_key.parent
    theirs = {".report.docx.tmp": b"a write in progress", "notes.parquet": b"PAR1 theirs", "a.parquet.check": b"{}"}
    for name, data in theirs.items():
        (private / name).write_bytes(data)
    cache = shared_folder / table_cache.CACHE_DIR_NAME
    shutil.rmtree(cache, ignore_errors=True)
    cache.symlink_to(private, target_is_directory=True)
    if sweep == "clear":
        assert table_cache.clear(shared_folder) == 0
    else:
        assert len(checked_folder.read_folder(shared_folder)["meetings"]) > 0  # read all the same, from the ledgers
    assert {name: (private / name).read_bytes() for name in theirs} == theirs
    assert private_key.read_bytes() == SECRET
    assert sorted(path.name for path in private.iterdir()) == sorted([*theirs, private_key.name])


@pytest.mark.parametrize("planted", ["file", "entry_folder"])
def test_a_recovery_does_not_put_back_a_ledger_through_a_link_planted_in_its_entry(
    shared_folder, private_key, capsys, planted
):
    """A journal of a commit's own form, naming an entry a group member made, whose kept ledger (or the entry folder
    itself) is a link to a file (a folder) only the admin may read: the admin's next command recovered it, read the
    private file through the link and wrote it into the shared folder as meetings.xlsx, under the ledger's 0664. The
    undo read its entry's files where they are (``import_history.kept_bytes``); the recovery did not."""
    import json

    entry_id = "20200101-000000-000000-meetings"
    history = shared_folder / import_history.HISTORY_DIR
    history.mkdir(exist_ok=True)
    if planted == "file":
        entry = history / entry_id
        entry.mkdir()
        (entry / "meetings.xlsx").symlink_to(private_key)
    else:  # a private folder holding a manifest and a "ledger" of the admin's
        private = private_key.parent
        (private / import_history.MANIFEST).write_text("{}", encoding="utf-8")
        (private / "meetings.xlsx").write_bytes(SECRET)
        (history / entry_id).symlink_to(private, target_is_directory=True)
        entry = history / entry_id
    (entry / import_history.MANIFEST).exists() or (entry / import_history.MANIFEST).write_text("{}", encoding="utf-8")
    journal = {"entry": entry_id, "tables": {"meetings": ["meetings.xlsx"]}, "history_existed": True}
    folder_lock.journal_path(shared_folder).write_text(json.dumps(journal), encoding="utf-8")
    main(["history", "--lang", "en"])
    assert (shared_folder / "meetings.xlsx").read_bytes() != SECRET
    assert private_key.read_bytes() == SECRET


def test_an_import_goes_ahead_beside_a_cache_folder_planted_as_a_link(shared_folder, tmp_path, capsys):
    """A .cache linked to a folder a group member filled with a ledger's cache file and its check: the import kept
    them for its undo through the link (``kept_for`` listed them there), the keeping refused the link, and every
    import failed. The import keeps no cache file from a .cache that is a link: its undo parses the ledger."""
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "meetings.0123456789abcdef.parquet").write_bytes(b"PAR1 theirs")
    (theirs / "meetings.0123456789abcdef.parquet.check").write_text("{}", encoding="utf-8")
    cache = shared_folder / table_cache.CACHE_DIR_NAME
    shutil.rmtree(cache, ignore_errors=True)
    cache.symlink_to(theirs, target_is_directory=True)
    new = write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})
    assert main(["import", str(new), "--table", "meetings", "--mode", "append", "--lang", "en"]) == 0, (
        capsys.readouterr()
    )
    (entry,) = import_history.list_history(shared_folder)
    assert import_history.cached_files(entry) == []
    assert sorted(path.name for path in theirs.iterdir()) == [
        "meetings.0123456789abcdef.parquet",
        "meetings.0123456789abcdef.parquet.check",
    ]
