"""``template --out``: each way the place named for the template can be wrong is told in one sentence, in the
command line's language, and nothing is written (a folder gave "处理失败（IsADirectoryError）", a missing folder
was created silently, an existing ledger was overwritten by an empty template)."""

from __future__ import annotations

import os

import pytest

from oversight import config
from oversight.cli.main import main


def template(capsys, out, *extra: str) -> tuple[int, str]:
    status = main(["template", "--table", "meetings", "--out", str(out), *extra])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Error" not in captured.err
    return status, captured.err.strip()


def test_a_folder(tmp_path, capsys):
    assert template(capsys, tmp_path) == (
        1,
        f"{tmp_path} 是一个文件夹：--out 应为模板的文件名，例如 {tmp_path / 'meetings.xlsx'}。",
    )
    assert os.listdir(tmp_path) == []
    assert template(capsys, tmp_path, "--lang", "en") == (
        1,
        f"{tmp_path} is a folder: --out takes the template's file name, such as {tmp_path / 'meetings.xlsx'}.",
    )


def test_a_missing_folder_is_not_created(tmp_path, capsys):
    out = tmp_path / "no such folder" / "meetings.xlsx"
    assert template(capsys, out) == (1, f"文件夹 {out.parent} 不存在，模板未写入。请先建好该文件夹，或换一个位置。")
    assert not out.parent.exists()


def test_a_name_that_is_not_xlsx(tmp_path, capsys):
    assert template(capsys, tmp_path / "meetings.csv") == (
        1,
        "模板是 Excel 文件，--out 的文件名须以 .xlsx 结尾（现为 meetings.csv）。",
    )
    assert os.listdir(tmp_path) == []


def test_an_existing_file_is_kept_unless_forced(tmp_path, capsys):
    ledger = tmp_path / "meetings.xlsx"
    ledger.write_bytes(b"the office's ledger")
    assert template(capsys, ledger) == (1, f"文件 {ledger} 已存在，未覆盖。如确需覆盖，请加 --force。")
    assert ledger.read_bytes() == b"the office's ledger"
    assert template(capsys, ledger, "--force")[0] == 0
    assert ledger.read_bytes().startswith(b"PK")


@pytest.mark.parametrize(
    ("out", "reason"),
    [("/proc/meetings.xlsx", "找不到该位置，或不允许在此创建文件"), ("/sys/meetings.xlsx", "没有写入权限")],
)
def test_a_place_that_cannot_be_written(capsys, out, reason):
    assert template(capsys, out) == (1, f"无法写入 {out}：{reason}。")


def test_a_path_through_a_file(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("x")
    out = tmp_path / "notes.txt" / "meetings.xlsx"
    assert template(capsys, out) == (1, f"{out.parent} 不是文件夹，模板未写入。")


# ---------------------------------------------------------------- brief --out: the same words


def test_brief_out_that_is_a_file_is_refused_before_the_pack_is_built(tmp_path, capsys, monkeypatch):
    from oversight.push import brief_job

    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(tmp_path / "alerts.toml"))
    monkeypatch.setattr(brief_job, "build", lambda *a, **k: pytest.fail("built a pack it could not write"))
    (tmp_path / "notes.txt").write_text("x")
    assert main(["brief", "--out", str(tmp_path / "notes.txt")]) == 1
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'notes.txt'} 不是文件夹，简报未生成。"


@pytest.mark.slow  # builds a PDF
def test_brief_says_why_it_could_not_write_in_words(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(tmp_path / "alerts.toml"))
    assert main(["brief", "--format", "pdf", "--out", "/sys/oversight-brief", "--lang", "en"]) == 1
    # (a line before it may say the data stop short of the year just over: the sample's 2020 against today's date)
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "Could not write /sys/oversight-brief: no permission to write there."
    )
    # nothing was handed over, so no download line: one line says which files were not written, and why
    from oversight.auth import audit

    assert [entry["action"] for entry in audit.read_audit()][-1:] == ["download_failed"]
    assert audit.read_audit(action="download") == []
    (failed,) = audit.read_audit(action="download_failed")
    assert (
        failed["details"]["file"] == ["supervision_briefing_2020Q1-2020Q4.pdf"]
        and failed["details"]["out"] == "/sys/oversight-brief"
    )
    assert failed["details"]["error"] == "no permission to write there"


def test_never_into_the_data_folder_and_every_template_is_audited(tmp_path, capsys, monkeypatch):
    """``template --out <data folder>/issues.xlsx --force`` replaced a live ledger with an empty template: no history,
    no undo, no lock, and the next load failed (suggestions pointed at issues that were gone). The data folder is
    refused however it is spelled, --force or not; a template written elsewhere is audited, as the data page's
    template download is."""
    import shutil

    from oversight.auth import audit
    from oversight.data import store

    data = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(data))
    before = (data / "issues.xlsx").read_bytes()
    (tmp_path / "link").symlink_to(data)
    for out in (data / "issues.xlsx", tmp_path / "link" / "issues.xlsx", data / "." / "new.xlsx"):
        status, message = template(capsys, out, "--force")
        assert (status, message) == (
            1,
            f"模板不能写入数据文件夹 {data}：那里的文件就是看板读取的台账。请写到别处，填好后用 import 导入。",
        )
    assert (data / "issues.xlsx").read_bytes() == before and not (data / "new.xlsx").exists()
    assert audit.read_audit(action="download") == []
    assert template(capsys, tmp_path / "会议模板.xlsx")[0] == 0
    (entry,) = audit.read_audit(action="download")
    assert entry["details"] == {
        "file": "会议模板.xlsx",
        "kind": "template",
        "table": "meetings",
        "out": str(tmp_path / "会议模板.xlsx"),
        "via": "cli",
        "os_user": config.os_user(),  # who wrote it, beside the name OVERSIGHT_USER claims
    }


def test_a_name_with_control_characters_is_spelled_out(tmp_path, capsys):
    """A path or an uploaded file's name holding ESC [31m coloured the terminal (and a CR overwrote the line):
    every message that quotes one spells the characters out, as the problem locations already did."""
    import shutil

    from oversight.data import store

    assert main(["template", "--table", "meetings", "--out", str(tmp_path / "会议\x1b[31m红\r.xlsx")]) == 0
    written = capsys.readouterr().out
    assert "\x1b" not in written and "\r" not in written and "\\x1b[31m红\\x0d.xlsx" in written
    status, message = template(capsys, tmp_path / "坏\x1b[31m名.csv")
    assert status == 1 and "\x1b" not in message and "\\x1b[31m" in message
    ledger = tmp_path / "问题\x1b[2J台账.xlsx"  # validate's report names the file it read
    shutil.copy(store.SAMPLE_DATA_DIR / "issues.xlsx", ledger)
    main(["validate", str(ledger), "--table", "issues"])
    report = capsys.readouterr().out
    assert "\x1b" not in report and "\\x1b[2J" in report


def test_a_template_that_could_not_be_written_is_audited_as_not_delivered(capsys):
    """Its download line was written before the file, and the file then refused (a full disk, a place it may not
    write): the log said a template went to /sys/meetings.xlsx, and nothing said it never arrived. The brief pairs
    such a line with ``download_failed``; the template now does too."""
    from oversight.auth import audit

    assert template(capsys, "/sys/meetings.xlsx", "--lang", "en") == (
        1,
        "Could not write /sys/meetings.xlsx: no permission to write there.",
    )
    download, failed = audit.read_audit()
    assert (download["action"], failed["action"]) == ("download", "download_failed")
    assert failed["details"] == {**download["details"], "error": "no permission to write there"}
