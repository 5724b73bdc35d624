"""``python -m oversight brief``: the same files as the 简报导出 page builds for the same filter (content, not
timestamps), the default period, exit codes, and the brief pushed to robots and e-mailed as a PDF."""

from __future__ import annotations

import getpass
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from oversight.auth import accounts, audit
from oversight.cli.main import main
from oversight.data import store
from oversight.data.filters import DataSpan, Quarter
from oversight.export import rendering
from oversight.export.marking import Marking
from oversight.push.brief_job import default_range
from tests import oracle, pdf_pages
from tests.apptest import run_page
from tests.receivers import RobotReceiver, SmtpReceiver, free_port

pytestmark = pytest.mark.slow  # every test builds a briefing pack through the CLI


def content(file_format: str, data: bytes):
    """What a file says, without when it was built: a PDF's pages — each one's text, and the exact pixels of each
    picture on it — and its title; a zip's member names and bytes. (Not a PDF's bytes: Chromium's printer writes the
    same page with or without a redundant clip path from one printing to the next.)"""
    if file_format == "pdf":
        reader = PdfReader(io.BytesIO(data))
        pages = [(page.extract_text(), [(image.name, image.data) for image in page.images]) for page in reader.pages]
        return reader.metadata.title if reader.metadata else None, pages
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def private_settings(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "conf" / "alerts.toml"
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(path))
    return path


def _page_pack(query: dict | None = None):
    at = run_page("pages/06_briefing.py", query=query, timeout=180)
    at.button(key="widget.build_full").click().run()
    assert not at.exception
    build = at.session_state["oversight.briefing.full"]
    return build.built_for, build.lang, build.pack


@pytest.mark.parametrize(
    "query, argv",
    [
        (None, ["--as-of", "2021-01-05"]),  # the page's default view and the brief's default period: 2020
        (
            {"unit": "petitions", "from": "2020Q2", "to": "2020Q4", "lang": "en"},
            ["--unit", "petitions", "--from", "2020Q2", "--to", "2020Q4", "--lang", "en"],
        ),
    ],
    ids=["default", "unit-range-en"],
)
def test_brief_writes_what_the_page_builds(private_settings, tmp_path, capsys, monkeypatch, query, argv):
    # the watermark names the viewer and the minute (the team's clock): both builds made in the same minute
    from datetime import datetime

    from oversight import config

    monkeypatch.setattr(config, "team_now", lambda: datetime(2021, 1, 5, 9, 30, tzinfo=config.TEAM_TIME_ZONE))
    built_for, lang, page_pack = _page_pack(query)
    status = main(["brief", *argv, "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert status == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["pptx", "docx", "pdf", "zip"]  # one line per file
    for line in lines:
        file_format, path, size, period = line.split("\t")
        data = Path(path).read_bytes()
        assert Path(path).name == page_pack.file_names[file_format]
        assert period == (f"{built_for.start}-{built_for.end}")
        assert content(file_format, data) == content(file_format, page_pack.files[file_format]), file_format
        assert size.endswith(("KB", "MB"))


def test_the_brief_is_audited_like_a_download(private_settings, tmp_path, capsys):
    assert main(["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "docx", "--out", str(tmp_path)]) == 0
    (entry,) = audit.read_audit(action="download")
    assert entry["details"]["via"] == "cli" and entry["details"]["file"] == ["派驻监督工作简报_2020Q4.docx"]
    assert entry["details"]["filter"] == {"units": [], "nothing": False, "from": "2020Q4", "to": "2020Q4"}
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".docx"] == ["派驻监督工作简报_2020Q4.docx"]


def test_a_brief_of_every_unit_named_is_the_brief_of_all_units(private_settings, tmp_path, capsys, frames):
    """--unit for each of the nine put nine names on the cover and a 9家单位 in the file name."""
    every = [option for unit in frames["units"]["unit_id"] for option in ("--unit", unit)]
    argv = ["brief", *every, "--from", "2020Q4", "--to", "2020Q4", "--format", "docx", "--out", str(tmp_path)]
    assert main(argv) == 0
    (entry,) = audit.read_audit(action="download")
    assert entry["details"]["filter"]["units"] == []
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".docx"] == ["派驻监督工作简报_2020Q4.docx"]


def test_the_brief_as_an_account_records_the_os_user_and_what_its_files_carry(private_settings, tmp_path, capsys):
    """rev-d #5: --as chief needs no password, so the line names who ran it; and the marking and watermark the
    files carry, as a page's download line does."""
    accounts.add_user("chief", "another long password", "leader")
    argv = ["brief", "--as", "chief", "--from", "2020Q4", "--to", "2020Q4", "--format", "pdf", "--out", str(tmp_path)]
    assert main(argv) == 0
    (entry,) = audit.read_audit(action="download")
    details = entry["details"]
    assert entry["account"] == "chief" and details["os_user"] == getpass.getuser() and details["via"] == "cli"
    assert details["marking"] == "内部资料 注意保存"
    assert re.fullmatch(r"chief [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} UTC\+8", details["watermark"])
    pdf = PdfReader(tmp_path / "派驻监督工作简报_2020Q4.pdf")
    viewer, stamp = details["watermark"].split(" ", 1)  # the PDF draws the watermark in two lines: viewer, time
    drawn = pdf_pages.drawn_watermark(Marking(details["marking"], details["watermark"]))
    assert pdf_pages.transparent_pictures(pdf.pages[0]).get(drawn) == pdf_pages.WATERMARK_COPIES
    # a picture: the page's text is the marking, its number, then the report's own
    assert pdf.pages[0].extract_text().startswith("内部资料 注意保存\n第1页\n2020年第4季度派驻监督工作情况")


def test_a_64_character_account_name_is_one_line_of_the_watermark_in_every_file(private_settings, tmp_path, capsys):
    """A 64-character account name (as long as a name may be) wrapped four lines in a slide's watermark and shrank
    the Word one: every file draws the name's start, an ellipsis and its end, and the time, one line each; the
    download's audit line keeps the watermark in full beside it."""
    name = "zhang.wei.provincial-office-inspection-team-" + "x" * 20
    assert len(name) == accounts.MAX_USERNAME_LENGTH
    accounts.add_user(name, "another long password", "leader")
    argv = ["brief", "--as", name, "--from", "2020Q4", "--to", "2020Q4", "--format", "pptx,docx,pdf"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    (entry,) = audit.read_audit(action="download")
    stamp = " ".join(entry["details"]["watermark"].rsplit(" ", 3)[-3:])  # the date, the time and its zone
    shown = "zhang.wei.pro…xxxxxxx"
    assert (
        entry["details"]["watermark"] == f"{name} {stamp}" and entry["details"]["watermark_shown"] == f"{shown} {stamp}"
    )
    pdf = PdfReader(tmp_path / "派驻监督工作简报_2020Q4.pdf")
    drawn = pdf_pages.drawn_watermark(Marking("", f"{shown} {stamp}"))
    for page in pdf.pages:  # the shortened name and the time drawn on every page, and neither copied with the text
        assert pdf_pages.transparent_pictures(page).get(drawn) == pdf_pages.WATERMARK_COPIES
        assert shown not in page.extract_text() and name[:20] not in page.extract_text()
    with zipfile.ZipFile(tmp_path / "派驻监督工作简报_2020Q4.pptx") as deck:
        slides = [deck.read(n).decode() for n in deck.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
    for slide in slides:
        boxes = re.findall(r"<p:sp>(?:(?!</p:sp>).)*?" + re.escape(stamp) + r".*?</p:sp>", slide, re.S)
        assert len(boxes) == 2, "two watermarks on each slide"
        for box in boxes:
            assert 'wrap="none"' in box and re.findall(r"<a:t>([^<]*)</a:t>", box) == [shown, stamp]
    with zipfile.ZipFile(tmp_path / "派驻监督工作简报_2020Q4.docx") as report:
        headers = [report.read(n).decode() for n in report.namelist() if re.fullmatch(r"word/header\d*\.xml", n)]
    assert any(f'string="{shown} {stamp}"' in header for header in headers)
    assert not any(name in header for header in headers)


# ---------------------------------------------------------------- the default period


def test_default_period_is_the_latest_complete_year_or_quarter_the_data_reaches(span):
    assert (span.first, span.last) == (Quarter(2019, 1), Quarter(2020, 4))
    assert default_range(span, date(2026, 11, 30)) == (Quarter(2020, 1), Quarter(2020, 4))
    assert default_range(span, date(2026, 11, 30), "quarter") == (Quarter(2020, 4), Quarter(2020, 4))
    assert default_range(span, date(2020, 8, 15)) == (Quarter(2019, 1), Quarter(2019, 4))  # 2020 is not over
    assert default_range(span, date(2020, 8, 15), "quarter") == (Quarter(2020, 2), Quarter(2020, 2))
    assert default_range(span, date(2020, 10, 1), "quarter") == (Quarter(2020, 3), Quarter(2020, 3))  # Q3 just ended
    assert default_range(span, date(2021, 1, 1)) == (Quarter(2020, 1), Quarter(2020, 4))
    reaching_on = DataSpan(span.unit_ids, Quarter(2019, 1), Quarter(2021, 1))
    assert default_range(reaching_on, date(2021, 2, 10), "quarter") == (Quarter(2020, 4), Quarter(2020, 4))


@pytest.mark.parametrize("as_of", [date(2019, 1, 1), date(2019, 6, 15), date(2019, 12, 31)])
def test_a_yearly_brief_in_the_datas_first_year_is_of_that_year_and_says_why(
    private_settings, span, as_of, tmp_path, capsys
):
    """--as-of inside the data's first year (records from 2019 Q1): the year just over, 2018, has no records, and
    the year's brief was of 2019 Q1 alone (2018 cut to the data start), said nowhere. It is of the data's first year,
    as the quarterly brief is of its first quarter, and the run says so."""
    assert default_range(span, as_of) == (Quarter(2019, 1), Quarter(2019, 4))
    if as_of.month <= 3:  # the quarter just over is before the data too: the quarterly brief's same rule
        assert default_range(span, as_of, "quarter") == (Quarter(2019, 1), Quarter(2019, 1))
    short = DataSpan(span.unit_ids, Quarter(2019, 1), Quarter(2019, 2), date(2019, 6, 10))
    assert default_range(short, as_of) == (Quarter(2019, 1), Quarter(2019, 4))  # to the data date: 2019年度（截至…）
    assert main(["brief", "--as-of", as_of.isoformat(), "--format", "docx", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr()
    said = "2018年度在数据起始（2019年第1季度）之前，没有记录：本次简报改为2019年度。"
    assert said in out.err and "2019Q1-2019Q4" in out.out
    assert main(["brief", "--as-of", "2020-06-15", "--format", "docx", "--out", str(tmp_path)]) == 0
    assert "数据起始" not in capsys.readouterr().err  # 2019 is over and recorded: nothing to explain


def test_default_period_is_one_the_data_cover_whole(span):
    """Records to 14 Aug 2021, run at the end of 2026: the latest whole year is 2020 and the latest whole quarter
    2021 Q2 — not 2021 to date or six weeks of Q3, which a timer would push as the period and never again whole."""
    cut = DataSpan(span.unit_ids, Quarter(2019, 1), Quarter(2021, 3), date(2021, 8, 14))
    assert default_range(cut, date(2026, 11, 30)) == (Quarter(2020, 1), Quarter(2020, 4))
    assert default_range(cut, date(2026, 11, 30), "quarter") == (Quarter(2021, 2), Quarter(2021, 2))
    at_quarter_end = DataSpan(span.unit_ids, Quarter(2019, 1), Quarter(2021, 3), date(2021, 9, 30))
    assert default_range(at_quarter_end, date(2021, 10, 5), "quarter") == (Quarter(2021, 3), Quarter(2021, 3))
    # data shorter than one whole period: the data's own period, to the data date
    short = DataSpan(span.unit_ids, Quarter(2021, 1), Quarter(2021, 1), date(2021, 2, 10))
    assert default_range(short, date(2026, 11, 30), "quarter") == (Quarter(2021, 1), Quarter(2021, 1))
    assert default_range(short, date(2026, 11, 30)) == (Quarter(2021, 1), Quarter(2021, 4))


# ---------------------------------------------------------------- refusals and bad input (nothing is built)


@pytest.mark.parametrize(
    "argv, period, said",
    [
        (["--from", "2018Q3", "--to", "2019Q2"], "2019Q1-2019Q2", "--from 2018Q3"),
        (["--from", "2020Q4", "--to", "2021Q1"], "2020Q4", "--to 2021Q1"),
    ],
)
def test_a_range_partly_outside_the_data_is_briefed_as_the_pages_show_it(
    private_settings, tmp_path, capsys, argv, period, said
):
    """rev-j, 2 Dec: a pack of 2018年第3季度至2019年第2季度 counted from 2019 on (the page shows 2019年第1季度至第2季度),
    its summary reading as a year's figures."""
    assert main(["brief", *argv, "--format", "docx", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr()
    assert out.out.split("\t")[3].strip() == period
    assert said in out.err and "已改为最近的季度" in out.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--from", "2020Q5", "--to", "2020Q4"], "季度“2020Q5”无法识别"),
        (["--from", "2020Q4"], "--from 与 --to 须同时给出"),
        (["--from", "2020Q9"], "季度“2020Q9”无法识别"),  # a mistyped quarter alone is said first, not "give --to"
        (["--to", "20204"], "季度“20204”无法识别"),
        (["--from", "2020Q4", "--to", "2020Q1"], "结束早于开始"),
        (["--format", "pptx,xls"], "格式“xls”无法识别"),
        (["--unit", "atlantis"], "单位“atlantis”不在数据中"),
        # wholly outside the records (2019 Q1 to the data date 2020-12-31): a brief of "no records" would be false
        (
            ["--from", "2030Q1", "--to", "2030Q4"],
            "2030年第1季度至2030年第4季度不在数据范围内：数据覆盖2019年第1季度至2020年第4季度",
        ),
        # the data date as the page's caption writes it (数据截至2020年12月31日), not with a space inside
        (["--from", "2021Q1", "--to", "2021Q1"], "：数据覆盖2019年第1季度至2020年第4季度（数据截至2020年12月31日）"),
        (["--from", "2017Q1", "--to", "2018Q4"], "2017年第1季度至2018年第4季度不在数据范围内"),
    ],
)
def test_bad_input_exits_1(private_settings, tmp_path, capsys, argv, message):
    assert main(["brief", *argv, "--out", str(tmp_path)]) == 1
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("lang", "message"), [("zh", "2100年第4季度不在数据范围内："), ("en", "2100 Q4 lies outside")])
def test_a_quarter_outside_the_data_is_named_once(private_settings, tmp_path, capsys, lang, message):
    """--from 2100Q4 --to 2100Q4 said 2100年第4季度至2100年第4季度不在数据范围内, a range of one quarter."""
    assert main(["brief", "--from", "2100Q4", "--to", "2100Q4", "--lang", lang, "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(message)


def test_a_unit_account_may_not_export_a_brief(private_settings, tmp_path, capsys):
    accounts.add_user("bangongting", "a long enough password", "unit", ["gov_office"])
    assert main(["brief", "--as", "bangongting", "--out", str(tmp_path)]) == 3
    assert "无权导出简报" in capsys.readouterr().err
    (refused,) = audit.read_audit(action="refused")
    assert refused["account"] == "bangongting" and refused["details"]["reason"] == "forbidden_action"


def test_without_chromium_the_brief_says_how_to_install_it(private_settings, tmp_path, capsys, monkeypatch):
    def missing():
        raise rendering.ImageRendererMissing()

    monkeypatch.setattr(rendering, "require_browser", missing)
    assert main(["brief", "--out", str(tmp_path)]) == 5
    assert "apt-get install chromium" in capsys.readouterr().err


def test_a_push_nothing_takes_is_refused_before_the_pack_is_built(private_settings, tmp_path, capsys, monkeypatch):
    """rev-k #4: refused only after the pack was built (18 s) and written, where alerts --push says so first."""
    from oversight.push import brief_job

    def never(*args, **kwargs):
        raise AssertionError("the pack was built")

    monkeypatch.setattr(brief_job, "build", never)
    argv = ["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "docx", "--out", str(tmp_path), "--push"]
    assert main(argv) == 1
    assert f"设置文件 {private_settings} 中没有接收“brief”的推送渠道，未推送" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [] and audit.read_audit(action="download") == []


# ---------------------------------------------------------------- where the files go: all of them or none, said truly


def test_a_folder_in_a_files_place_is_refused_before_any_file_is_written(private_settings, tmp_path, capsys):
    """rev-k #1: the PPTX was written and left, unlisted, the error named --out, and download_failed named both."""
    in_the_way = tmp_path / "派驻监督工作图表_2020Q4.zip"
    (in_the_way / "sub").mkdir(parents=True)
    argv = ["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "pptx,zip", "--out", str(tmp_path)]
    assert main(argv) == 1
    out = capsys.readouterr()
    assert out.out == "" and out.err.strip() == f"无法写入 {in_the_way}：这是一个文件夹。"
    assert [p.name for p in tmp_path.iterdir()] == [in_the_way.name]  # no PPTX, no temporary
    assert audit.read_audit(action="download") == [] and audit.read_audit(action="download_failed") == []


def test_a_file_that_cannot_be_written_leaves_none_and_no_download_line(
    private_settings, tmp_path, capsys, monkeypatch
):
    """A disk that fills on the second file: the first is not left behind, unlisted; the log says nothing went."""
    import errno

    from oversight.core import atomic

    real = atomic.write_beside

    def full(target, data, mode=None):
        if target.suffix == ".docx":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(target, data, mode)

    monkeypatch.setattr(atomic, "write_beside", full)
    out_folder = tmp_path / "out"
    argv = ["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "pptx,docx", "--out", str(out_folder)]
    assert main(argv) == 1
    out = capsys.readouterr()
    assert (
        out.out == "" and out.err.strip() == f"无法写入 {out_folder / '派驻监督工作简报_2020Q4.docx'}：磁盘空间不足。"
    )
    assert list(out_folder.iterdir()) == []
    assert audit.read_audit(action="download") == []
    (failed,) = audit.read_audit(action="download_failed")
    files = ["派驻监督工作简报_2020Q4.pptx", "派驻监督工作简报_2020Q4.docx"]
    assert failed["details"]["file"] == files and failed["details"]["error"] == "磁盘空间不足"


def test_a_rename_refused_midway_lists_the_file_delivered_and_audits_the_other(
    private_settings, tmp_path, capsys, monkeypatch
):
    """The files written, the second's rename refused: the first is listed, and download_failed names only the
    second (it named every file, the one delivered too)."""
    import errno
    import os

    real = os.replace

    def refused(source, destination):
        if str(destination).endswith(".docx"):
            raise OSError(errno.EACCES, "Permission denied")
        return real(source, destination)

    monkeypatch.setattr(os, "replace", refused)
    out_folder = tmp_path / "out"
    argv = ["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "pptx,docx", "--out", str(out_folder)]
    assert main(argv) == 1
    out = capsys.readouterr()
    pptx, docx = out_folder / "派驻监督工作简报_2020Q4.pptx", out_folder / "派驻监督工作简报_2020Q4.docx"
    assert out.out.split("\t")[:2] == ["pptx", str(pptx)] and len(out.out.splitlines()) == 1
    assert out.err.strip() == f"无法写入 {docx}：没有写入权限。"
    assert [p.name for p in out_folder.iterdir()] == [pptx.name]  # the docx's temporary is not left behind
    (download,) = audit.read_audit(action="download")
    (failed,) = audit.read_audit(action="download_failed")
    assert download["details"]["file"] == [pptx.name, docx.name]  # written before the files were handed over
    assert failed["details"]["file"] == [docx.name] and failed["details"]["error"] == "没有写入权限"


@pytest.mark.parametrize(
    "code, lang, said",
    [
        ("ENAMETOOLONG", "zh-CN", "文件名或路径过长"),
        ("ENAMETOOLONG", "en", "the file name or path is too long"),
        ("EFBIG", "zh-CN", "文件超过系统允许的大小"),
        ("EFBIG", "en", "the file is larger than the system allows"),
    ],
)
def test_a_name_too_long_or_a_file_too_large_is_said_in_words(code, lang, said):
    """rev-k #2: shown as 系统错误 ENAMETOOLONG; review of 5 Dec (storage): `sample` under `ulimit -f` said
    系统错误 EFBIG."""
    import errno

    from oversight.cli import options

    assert options.write_problem(OSError(getattr(errno, code), "…"), lang) == said


def test_the_files_follow_the_umask_and_the_line_names_the_folder(private_settings, tmp_path, capsys, monkeypatch):
    """rev-k #3 and #5: under umask 077 the pack was -rw-r--r-- (a fixed 0644); --out rel was recorded as "rel".
    A file replaced keeps its own mode."""
    import os
    import stat

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rel").mkdir()
    kept = tmp_path / "rel" / "派驻监督工作简报_2020Q4.docx"
    kept.write_bytes(b"last quarter's")
    kept.chmod(0o640)
    argv = ["brief", "--from", "2020Q4", "--to", "2020Q4", "--format", "pptx,docx", "--out", "rel"]
    previous = os.umask(0o077)
    try:
        assert main(argv) == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "rel" / "派驻监督工作简报_2020Q4.pptx").stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640 and kept.read_bytes() != b"last quarter's"
    (download,) = audit.read_audit(action="download")
    assert download["details"]["out"] == str((tmp_path / "rel").resolve())


# ---------------------------------------------------------------- pushed: robots get the summary, e-mail the PDF


def _robot_and_mail_settings(path: Path, robot: RobotReceiver, mail_port: int, attempts: int | None = None) -> None:
    """A settings file sending the brief to one group robot and one mailbox on ``mail_port``, local stand-ins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"""
[push]
backoff_seconds = 0
{f"attempts = {attempts}" if attempts else ""}
[[channels]]
name = "group"
kind = "wecom"
url = "{robot.url("/cgi-bin/webhook/send?key=K")}"
send = ["brief"]
[[channels]]
name = "mail"
kind = "email"
host = "127.0.0.1"
port = {mail_port}
security = "none"
sender = "oversight@example.gov.cn"
to = ["zuzhang@example.gov.cn"]
send = ["brief"]
""",
        encoding="utf-8",
    )


def test_the_brief_is_pushed_to_robots_and_mailed_as_a_pdf_once(private_settings, tmp_path, capsys):
    with RobotReceiver() as robot, SmtpReceiver() as smtp:
        _robot_and_mail_settings(private_settings, robot, smtp.port)
        argv = ["brief", "--as-of", "2021-01-05", "--format", "docx", "--out", str(tmp_path / "out"), "--push"]
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "已推送\tgroup\tbrief\t2020Q1-2020Q4/all" in out and "已推送\tmail\tbrief" in out
        assert [p.suffix for p in (tmp_path / "out").iterdir()] == [".docx"]  # the PDF was built for the mail only

        markdown = robot.requests[0].body["markdown"]["content"]
        # the title names the period: the ready line does not say it again (…已生成（2020年第1季度至2020年第4季度）)
        assert markdown.startswith("### 2020年度派驻监督工作情况\n\n2020年度派驻监督工作情况已生成。\n\n")
        assert "指出问题16个，提出意见建议19条" in markdown and markdown.endswith("PDF 已通过邮件发送。")

        ((_, recipients, mail),) = smtp.messages
        assert recipients == ["zuzhang@example.gov.cn"] and mail["Subject"] == "2020年度派驻监督工作情况"
        (attachment,) = list(mail.iter_attachments())
        assert attachment.get_filename() == "派驻监督工作简报_2020Q1-2020Q4.pdf"
        pdf = PdfReader(io.BytesIO(attachment.get_content()))
        assert pdf.metadata.title == "2020年度派驻监督工作情况"
        first_page = pdf.pages[0].extract_text()
        # the marking and the page's number lead it, then the title; the watermark (made for this computer's user)
        # a picture, not copied with the text
        assert (
            first_page.startswith("内部资料 注意保存\n第1页\n2020年度派驻监督工作情况\n") and "本机" not in first_page
        )
        assert "指出问题16个" in mail.get_body(("plain",)).get_content()

        # the same quarter range again: built and written, but not sent twice
        assert main(argv) == 0
        assert "已跳过\tgroup\tbrief\t2020Q1-2020Q4/all" in capsys.readouterr().out
        assert len(robot.requests) == 1 and len(smtp.messages) == 1
    sent = [e for e in audit.read_audit(action="push") if e["details"].get("status") == "sent"]
    assert {e["details"]["channel"]: e["details"]["file"] for e in sent} == {
        "group": None,
        "mail": "派驻监督工作简报_2020Q1-2020Q4.pdf",
    }


def test_the_group_is_told_the_pdf_was_mailed_only_when_the_mail_went(private_settings, tmp_path, capsys):
    """rev-d #2: the robot went first and said "PDF 已通过邮件发送。" while the e-mail failed."""
    with RobotReceiver() as robot, SmtpReceiver() as smtp:
        _robot_and_mail_settings(private_settings, robot, free_port(), attempts=1)  # nothing listens there
        argv = ["brief", "--as-of", "2021-01-05", "--format", "docx", "--out", str(tmp_path / "out"), "--push"]
        assert main(argv) == 4
        captured = capsys.readouterr()
        assert "推送失败\tmail\tbrief\t2020Q1-2020Q4/all" in captured.err
        assert "已推送\tgroup\tbrief\t2020Q1-2020Q4/all" in captured.out
        (request,) = robot.requests
        markdown = request.body["markdown"]["content"]
        assert "指出问题16个" in markdown and "邮件" not in markdown and "PDF" not in markdown
        # the mail was tried before the robot was sent to
        pushes = [(e["details"]["channel"], e["details"]["status"]) for e in audit.read_audit(action="push")]
        assert pushes == [("mail", "sending"), ("mail", "failed"), ("group", "sending"), ("group", "sent")]

        # the next run mails the PDF (the robot, already sent, is not sent again)
        _robot_and_mail_settings(private_settings, robot, smtp.port, attempts=1)
        assert main(argv) == 0
        assert len(smtp.messages) == 1 and len(robot.requests) == 1


def test_the_group_is_not_told_the_pdf_was_mailed_when_the_mail_went_unanswered(private_settings, tmp_path, capsys):
    """The mail server was given the whole message and did not answer: it may have arrived, or not. The group is not
    told "PDF 已通过邮件发送", the mail is not sent again, and the run exits 6 (look before running it again)."""
    from tests.receivers import ScriptedSmtp

    with RobotReceiver() as robot, ScriptedSmtp("silence") as smtp:
        _robot_and_mail_settings(private_settings, robot, smtp.port)
        text = private_settings.read_text(encoding="utf-8").replace(
            "backoff_seconds = 0", "backoff_seconds = 0\ntimeout_seconds = 1"
        )
        private_settings.write_text(text, encoding="utf-8")
        argv = ["brief", "--as-of", "2021-01-05", "--format", "docx", "--out", str(tmp_path / "out"), "--push"]
        assert main(argv) == 6
        captured = capsys.readouterr()
        assert "可能已送达\tmail\tbrief\t2020Q1-2020Q4/all" in captured.err
        assert "已推送\tgroup\tbrief\t2020Q1-2020Q4/all" in captured.out
        assert len(smtp.messages) == 1
        (request,) = robot.requests
        markdown = request.body["markdown"]["content"]
        assert "指出问题16个" in markdown and "邮件" not in markdown and "PDF" not in markdown


@pytest.mark.parametrize(
    ("lang", "scope", "subject"),
    [
        (
            "zh",
            "监督范围：省政府办公厅、省政府研究室",
            "2020年度派驻监督工作情况（监督范围：省政府办公厅、省政府研究室）",
        ),
        (
            "en",
            "Scope: General Office of the Provincial Government, Research Office of the Provincial Government",
            "Stationed supervision briefing for 2020 (Scope: General Office of the Provincial Government, Research Office of the "
            "Provincial Government)",
        ),
    ],
)
def test_a_pushed_brief_of_some_units_names_them(private_settings, tmp_path, capsys, lang, scope, subject):
    """rev-d #3: a brief of two units said 与2家综合监督单位…指出问题4个 and never which two, in the group and the mail."""
    with RobotReceiver() as robot, SmtpReceiver() as smtp:
        _robot_and_mail_settings(private_settings, robot, smtp.port)
        argv = ["brief", "--unit", "gov_office", "--unit", "research", "--period", "year", "--lang", lang]
        argv += ["--as-of", "2021-01-05", "--format", "pdf", "--out", str(tmp_path / "out"), "--push"]
        assert main(argv) == 0
        markdown = robot.requests[0].body["markdown"]["content"]
        assert markdown.split("\n\n")[2] == scope  # after the heading and the ready line, before the figures
        ready = {"zh": "2020年度派驻监督工作情况已生成。", "en": "Stationed supervision briefing for 2020 is ready."}[
            lang
        ]
        assert markdown.split("\n\n")[1] == ready  # the period once, in the title (rev-d #12)
        ((_, _, mail),) = smtp.messages
        assert mail["Subject"] == subject
        body = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")  # an ASCII body travels with CRLF
        assert body.split("\n\n")[1] == scope


def test_without_a_browser_the_command_says_to_run_it_again_not_to_reload_a_page(
    private_settings, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "missing"))
    status = main(["brief", "--from", "2020Q1", "--to", "2020Q4", "--out", str(tmp_path / "out"), "--format", "docx"])
    err = capsys.readouterr().err
    assert status != 0 and "未安装 Chromium" in err and "重新运行本命令" in err and "刷新页面" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_mailed_brief_to_date_names_its_period_as_the_pack_does(private_settings, tmp_path, monkeypatch, capsys):
    """A brief for 2020 with data to 14 August: the e-mail's body said 附件为2020年第1季度至2020年第4季度派驻监督工作简报
    above figures that stop on 14 August; it now names the period as the attached pack's cover does. Its figures are
    recomputed from the spreadsheets."""
    from tests import oracle

    data = tmp_path / "data"
    oracle.cut_copy(Path(__file__).resolve().parent.parent / "data", data, date(2020, 8, 14))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(data))
    view = oracle.View(oracle.read_ledgers(data), (), (2020, 1), (2020, 4))
    with RobotReceiver() as robot, SmtpReceiver() as smtp:
        _robot_and_mail_settings(private_settings, robot, smtp.port)
        argv = ["brief", "--from", "2020Q1", "--to", "2020Q4", "--format", "docx", "--out", str(tmp_path / "out")]
        assert main([*argv, "--push"]) == 0
        capsys.readouterr()
        ((_, _, mail),) = smtp.messages
        body = mail.get_body(("plain",)).get_content()
        assert body.startswith("附件为2020年第1季度至2020年第4季度（截至8月14日）派驻监督工作简报（PDF）。"), body
        assert f"指出问题{len(view.issues)}个，提出意见建议{len(view.suggestions)}条" in body
        assert f"截至2020年8月14日，已整改问题{view.totals()['rectified']}个" in body


@pytest.mark.parametrize(
    ("period", "as_of", "zh", "en"),
    [
        (
            "quarter",
            "2021-01-05",
            "2020年第4季度已结束，但数据截至2020年12月14日，未覆盖其全部：本次简报为2020年第3季度。"
            "导入2020年第4季度的台账后再运行，即为2020年第4季度的简报。",
            "2020 Q4 is over, but the data run only to 14 December 2020, short of its end: this brief is of 2020 Q3. "
            "Import the ledgers of 2020 Q4 and run it again for its brief.",
        ),
        (
            "year",
            "2021-01-10",
            "2020年度已结束，但数据截至2020年12月14日，未覆盖其全部：本次简报为2019年度。"
            "导入2020年度的台账后再运行，即为2020年度的简报。",
            "2020 is over, but the data run only to 14 December 2020, short of its end: this brief is of 2019. "
            "Import the ledgers of 2020 and run it again for its brief.",
        ),
    ],
)
def test_a_timer_run_before_the_period_just_over_is_imported_says_which_period_it_briefs(
    private_settings, tmp_path, monkeypatch, capsys, period, as_of, zh, en
):
    """The quarterly timer on 5 January, ledgers imported to mid-December: the brief was of 2020 Q3 — pushed in
    October, so skipped as sent — and nothing said that 2020 Q4's had not been made. (--push with no channel stops
    the run before the pack is built, after the period is chosen.)"""
    folder = tmp_path / "data"
    oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, date(2020, 12, 15))
    assert oracle.read_ledgers(folder).data_date == date(2020, 12, 14)
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    out = tmp_path / "briefs"
    for lang, said in (("zh", zh), ("en", en)):
        status = main(["brief", "--period", period, "--as-of", as_of, "--out", str(out), "--push", "--lang", lang])
        err = capsys.readouterr().err
        assert status == 1 and err.splitlines()[0] == said
    # with the period's ledgers in, nothing is said: the sample runs to 31 December
    monkeypatch.delenv("OVERSIGHT_DATA_DIR")
    assert main(["brief", "--period", period, "--as-of", as_of, "--out", str(out), "--push"]) == 1
    assert "已结束" not in capsys.readouterr().err
