"""The digest at scale, as a leader reads it on a phone: the worst units first, each robot's message written to that
robot's own limit, and what does not fit counted, never cut mid-word or mid-number.

The order and every count are recomputed here with pandas from the checked tables (README, 口径说明, 预警摘要的单位顺序),
never through the rule queries.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from oversight import alerts, push
from oversight.alerts import digest_text
from oversight.auth.unit_scope import Scope
from oversight.data import store
from oversight.devdata import scale
from oversight.ingest import checked_folder
from tests.test_alerts import _not_rectified_by, expected_rising

LIMITS = (("wecom", push.WECOM_MAX_BYTES), ("dingtalk", push.DINGTALK_MAX_BYTES))


@pytest.fixture(scope="module")
def scale_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("worst-first")
    scale.write(folder, 5_000, csv=True)
    return folder


@pytest.fixture(scope="module")
def scale_frames(scale_folder):
    return checked_folder.read_folder(scale_folder)


@pytest.fixture(scope="module")
def scale_store(scale_frames):
    return store.connect(scale_frames)


def expected_order(frames, day: date, due_within: int = 30) -> list[tuple[str, int]]:
    """Every unit with an alert at ``day``, the worst first, with its number of alerts: pandas over the tables."""
    issues = frames["issues"]
    open_ = issues[(issues["date_raised"] <= day) & _not_rectified_by(issues, day)]
    overdue = open_[open_["due_date"] < day]
    soon = open_[(open_["due_date"] >= day) & (open_["due_date"] <= day + timedelta(days=due_within))]
    activities = frames["activities"]
    consultations = activities[activities["kind"] == "consultation"]
    start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    consulted = set(consultations.loc[(consultations["date"] >= start) & (consultations["date"] <= day), "unit"])
    rising = expected_rising(frames, day)
    rows = []
    for position, unit in enumerate(frames["units"]["unit_id"]):
        late = [(day - due).days for due in overdue.loc[overdue["unit"] == unit, "due_date"]]
        left = [(due - day).days for due in soon.loc[soon["unit"] == unit, "due_date"]]
        not_consulted = unit not in consulted
        before = consultations.loc[(consultations["unit"] == unit) & (consultations["date"] < start), "date"]
        last = (max(before).isoformat() if len(before) else "") if not_consulted else "~"
        increase = rising[unit][0] - rising[unit][1] if unit in rising else 0
        alerts_count = len(late) + len(left) + not_consulted + (unit in rising)
        if alerts_count:
            key = (-len(late), -max(late, default=0), -len(left), min(left, default=367), not not_consulted, last)
            rows.append(((*key, -increase, position), unit, alerts_count))
    return [(unit, count) for _key, unit, count in sorted(rows)]


def _digest(connection, day: date) -> alerts.Digest:
    return alerts.collect_alerts(alerts.scoped_runner(connection, Scope(None)), day)


def _names(frames, lang: str) -> dict[str, str]:
    units = frames["units"]
    return dict(zip(units["unit_id"], units["name_zh" if lang == "zh" else "name_en"], strict=True))


@pytest.mark.parametrize("day", [date(2020, 12, 31), date(2020, 11, 17), date(2019, 6, 30)])
def test_units_come_worst_first_in_the_terminal_the_mail_and_the_json(scale_frames, scale_store, day):
    """In the units sheet's order the digest of ~500 units began with 长沙 units that had one consultation missing;
    a unit with issues overdue for 900 days came hundreds of lines later (and, in a robot's message, not at all)."""
    expected = expected_order(scale_frames, day)
    digest = _digest(scale_store, day)
    assert [(unit, len(items)) for unit, items in digest.by_unit()] == expected
    assert sum(count for _unit, count in expected) == len(digest.items) > 100
    headings = [
        line for line in digest_text.render_text(digest, "zh").splitlines() if re.search(r"^\S.*（[a-z0-9_-]+）$", line)
    ]
    names = _names(scale_frames, "zh")
    assert headings == [f"{names[unit]}（{unit}）" for unit, _count in expected]
    assert [unit["unit_id"] for unit in digest.as_dict()["units"]] == [unit for unit, _count in expected]


def test_on_the_sample_the_units_with_issues_overdue_lead(frames, connection):
    day = date(2020, 11, 8)
    expected = expected_order(frames, day)
    digest = _digest(connection, day)
    assert [(unit, len(items)) for unit, items in digest.by_unit()] == expected
    # the two units with issues overdue first: 省政府办公厅 two (20 and 1 days), then the one with one
    first = digest.by_unit()[0]
    assert first[0] == "gov_office" and [i.facts.get("days_overdue") for i in first[1][:2]] == [20, 1]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("kind", "limit"), LIMITS)
def test_each_robot_gets_the_worst_units_each_with_its_worst_alert_within_its_own_limit(
    scale_frames, scale_store, lang, kind, limit
):
    """At 300+ units the robots' message named 46 units in sheet order, each "该单位有1条预警", not one issue or day
    overdue; 钉钉 was held to 企业微信's 4,000 bytes though it takes a 20,000-byte request."""
    day = date(2020, 12, 31)
    digest = _digest(scale_store, day)
    expected = expected_order(scale_frames, day)
    title = digest_text.subject(digest, lang)
    markdown = digest_text.render_markdown(digest, lang, limit, budget=push.robot_budget(kind, title))
    message = push.Message("alerts", title, markdown, "", robot_markdown={kind: markdown})
    payload = push.wecom_payload(message) if kind == "wecom" else push.dingtalk_payload(message)
    sent = payload["markdown"]["content" if kind == "wecom" else "text"]
    assert sent == markdown  # within the limit as written: the last guard cut nothing
    size = len(sent.encode()) if kind == "wecom" else len(json.dumps(payload, ensure_ascii=False).encode())
    assert limit - 400 < size <= limit, size  # the room used, not a quarter of it

    lines = markdown.splitlines()
    names = _names(scale_frames, lang)
    headings = [line[2:-2] for line in lines if line.startswith("**")]
    named = len(headings)
    assert headings == [names[unit] for unit, _count in expected[:named]]  # the worst, in order
    assert named >= (15 if kind == "wecom" else 75)
    for index, line in enumerate(lines):  # every unit named shows its worst alert under its name
        if line.startswith("**"):
            assert lines[index + 1].startswith("- **"), lines[index : index + 2]
    # the first unit's first line: its own issue overdue longest, the days recounted
    first_unit = expected[0][0]
    issues = scale_frames["issues"]
    late = issues[(issues["unit"] == first_unit) & (issues["due_date"] < day) & _not_rectified_by(issues, day)]
    worst = max((day - due).days for due in late["due_date"])
    said = f"已逾期{worst:,}天" if lang == "zh" else f"{worst:,} days overdue"
    assert said in lines[lines.index(f"**{headings[0]}**") + 1]
    # what is shown and what is counted add up to every alert, recounted
    shown = sum(line.startswith("- **") for line in lines)
    within = r"该单位另有([\d,]+)条预警" if lang == "zh" else r"… and ([\d,]+) more alerts? for this unit"
    more = sum(int(n.replace(",", "")) for n in re.findall(within, markdown))
    left_out = expected[named:]
    left_items = sum(count for _unit, count in left_out)
    assert shown + more + left_items == sum(count for _unit, count in expected)
    closing = (
        f"……另有{len(left_out):,}家单位的{left_items:,}条预警，请在看板中查看。"
        if lang == "zh"
        else f"… and {left_items:,} more alerts for {len(left_out):,} more units: see the dashboard."
    )
    assert lines[-1] == closing


# ---------------------------------------------------------------- the robots' limits, at the edge


def _lines_of(total: int, line: str = "逾期整改问题一二三四五六七八九十") -> str:
    """A markdown text of exactly ``total`` bytes of UTF-8, lines of three-byte characters, the last one padded."""
    text = ""
    while len((text + line + "\n").encode()) <= total - 30:
        text += line + "\n"
    rest = total - len(text.encode())
    return text + "预" * (rest // 3) + "x" * (rest % 3)


def test_a_wecom_message_of_exactly_its_limit_goes_whole_and_one_byte_over_is_cut_at_a_line():
    exact = _lines_of(push.WECOM_MAX_BYTES)
    assert len(exact.encode()) == push.WECOM_MAX_BYTES
    assert push.wecom_payload(push.Message("alerts", "t", exact, ""))["markdown"]["content"] == exact
    # one byte over, the last line of Chinese straddling the limit: it cut at a byte, mid-character's neighbour,
    # mid-number ("已逾期12" of "已逾期127天"), and said nothing of what was left out
    tail = "\n已逾期127"
    over = _lines_of(push.WECOM_MAX_BYTES + 1 - len(tail.encode()), "已逾期127天，整改期限2020年1月1日") + tail
    assert len(over.encode()) == push.WECOM_MAX_BYTES + 1
    content = push.wecom_payload(push.Message("alerts", "t", over, ""))["markdown"]["content"]
    assert len(content.encode()) <= push.WECOM_MAX_BYTES
    kept, mark = content.rsplit("\n", 1)
    assert mark == push.CUT_MARK and over.startswith(kept + "\n")  # whole lines, then "……"
    assert all(line in over.splitlines() for line in kept.splitlines())


def test_a_dingtalk_request_of_exactly_its_limit_goes_whole_and_one_byte_over_is_cut_at_a_line():
    """钉钉 had no guard at all: a text over its 20,000 bytes was refused (errcode 460101) three times a run."""
    title = "派驻监督预警摘要（截至2020年12月31日）"
    envelope = len(
        json.dumps({"msgtype": "markdown", "markdown": {"title": title, "text": ""}}, ensure_ascii=False).encode()
    )
    # each line break travels as two bytes ("\n" escaped): a text of exactly the limit, counted as the request
    text = _lines_of(push.DINGTALK_MAX_BYTES - envelope)
    while len(json.dumps(text, ensure_ascii=False).encode()) - 2 > push.DINGTALK_MAX_BYTES - envelope:
        text = text[:-1]
    text += "x" * (push.DINGTALK_MAX_BYTES - envelope - (len(json.dumps(text, ensure_ascii=False).encode()) - 2))

    def body(message_text: str) -> tuple[str, int]:
        payload = push.dingtalk_payload(push.Message("alerts", title, message_text, ""))
        return payload["markdown"]["text"], len(json.dumps(payload, ensure_ascii=False).encode())

    assert body(text) == (text, push.DINGTALK_MAX_BYTES)
    over = text[:-1] + "预"  # two bytes more: a Chinese character across the limit
    sent, size = body(over)
    assert size <= push.DINGTALK_MAX_BYTES and sent.endswith("\n" + push.CUT_MARK)
    assert over.startswith(sent.removesuffix(push.CUT_MARK))
    # the robot's own measure is the request's: the same text fits 企业微信 by neither measure
    assert push.robot_fits("dingtalk", title)(text) and not push.robot_fits("dingtalk", title)(over)
    assert not push.robot_fits("wecom", title)(text)


def test_one_unit_left_out_is_said_in_the_singular(frames, connection):
    """ "… and 1 more alerts for 1 more units: see the dashboard." where the last unit did not fit."""
    digest = _digest(connection, date(2020, 11, 8))
    expected = expected_order(frames, date(2020, 11, 8))
    seen = {}
    for budget in range(400, 3000, 10):
        markdown = digest_text.render_markdown(digest, "en", budget)
        named = sum(line.startswith("**") for line in markdown.splitlines())
        if named == len(expected) - 1:
            seen[expected[-1][1]] = (markdown.splitlines()[-1], digest_text.render_markdown(digest, "zh", budget))
    assert seen, "no budget left exactly one unit out"
    for items, (english, chinese) in seen.items():
        alert = "1 more alert" if items == 1 else f"{items} more alerts"
        assert english == f"… and {alert} for 1 more unit: see the dashboard."
        if chinese.count("\n**") == len(expected) - 1:
            assert chinese.splitlines()[-1] == f"……另有1家单位的{items}条预警，请在看板中查看。"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_push_at_scale_reaches_each_robot_within_its_own_limit(
    scale_folder, scale_frames, tmp_path, monkeypatch, capsys, lang
):
    """``alerts --push`` as the timer runs it, to a local stand-in of both robots: each gets the worst units first,
    企业微信 within 4,096 bytes of content, 钉钉 within a 20,000-byte request and with more units named."""
    from oversight.cli.main import main
    from tests.receivers import RobotReceiver

    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(scale_folder))
    settings = tmp_path / "conf" / "alerts.toml"
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(settings))
    settings.parent.mkdir()
    with RobotReceiver() as receiver:
        settings.write_text(
            f"""[push]
attempts = 1

[[channels]]
name = "wecom-group"
kind = "wecom"
url = "{receiver.url("/cgi-bin/webhook/send?key=K")}"

[[channels]]
name = "dingtalk-group"
kind = "dingtalk"
url = "{receiver.url("/robot/send?access_token=T")}"
send = ["alerts"]
""",
            encoding="utf-8",
        )
        settings.chmod(0o600)
        assert main(["alerts", "--as-of", "2020-12-31", "--push", "--lang", lang]) == 0, capsys.readouterr()
        (wecom,) = receiver.on("/cgi-bin/webhook/send")
        (ding,) = receiver.on("/robot/send")
    content, text = wecom.body["markdown"]["content"], ding.body["markdown"]["text"]
    assert len(content.encode()) <= push.WECOM_MAX_BYTES
    assert len(json.dumps(ding.body, ensure_ascii=False).encode()) <= push.DINGTALK_MAX_BYTES
    expected = expected_order(scale_frames, date(2020, 12, 31))
    names = _names(scale_frames, lang)
    for markdown in (content, text):
        headings = [line[2:-2] for line in markdown.splitlines() if line.startswith("**")]
        assert headings == [names[unit] for unit, _count in expected[: len(headings)]]
    assert text.count("\n**") >= 4 * content.count("\n**") > 40


# ---------------------------------------------------------------- the fitting's cost


def _written_whole_for_each_trial(digest, lang: str, max_bytes: int, budget) -> str:
    """The robots' message as it was fitted before: every plan tried written out whole and measured whole, some 500
    times for 500 units (2 s for one robot's message at the million-meeting scale). The same search, the oracle."""
    head = [
        f"### {digest_text.title(digest, lang)}",
        digest_text.as_of_line(digest, lang),
        *digest_text.scope_lines(digest, lang, markdown=True, max_bytes=max_bytes // digest_text.SCOPE_SHARE),
        "",
        *(
            f"> {line}"
            for line in (digest_text.counts_line(digest, lang, bold=True), *digest_text.not_judged_lines(digest, lang))
            if line
        ),
        "",
    ]
    groups = digest.by_unit()
    blocks = [
        (f"**{items[0].unit_name(lang)}**", [digest_text._markdown_item(i, lang, digest) for i in items])
        for _unit, items in groups
    ]

    def assembled(plan: list[int]) -> str:
        body = [
            line
            for (heading, lines), shown in zip(blocks, plan)
            for line in digest_text._unit_lines(heading, lines[:shown], len(lines), lang)
        ]
        left = groups[len(plan) :]
        more = digest_text._more_line(len(left), sum(len(items) for _unit, items in left), lang)
        return "\n".join(head + body + ([more] if more else [])).rstrip()

    def fits(plan: list[int]) -> bool:
        return budget.fits(assembled(plan))

    most = max(len(items) for _, items in blocks)
    first = 1 if fits([1]) else 0
    for named in range(len(blocks), 0, -1):
        sizes = [len(items) for _, items in blocks[:named]]
        if not fits([min(first, n) for n in sizes]):
            continue
        cap = 0
        while cap < most and fits([min(cap + 1, n) for n in sizes]):
            cap += 1
        plan = [min(cap, n) for n in sizes]
        for index, size in enumerate(sizes):
            while plan[index] < size and fits(plan[:index] + [plan[index] + 1] + plan[index + 1 :]):
                plan[index] += 1
        return assembled(plan)
    return assembled([])


class _Counted:
    """A robot's budget that counts what it is asked to measure."""

    def __init__(self, budget: digest_text.Budget):
        self.budget, self.texts = budget, []
        self.counted = digest_text.Budget(self._size, budget.limit)

    def _size(self, text: str) -> int:
        self.texts.append(text)
        return self.budget.size(text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_digest_is_fitted_from_its_lines_measured_once_and_says_what_it_said(
    frames, connection, scale_store, lang, monkeypatch
):
    """Each plan tried was written whole and measured whole: ~500 whole messages of up to 50,000 characters for one
    robot's message of ~500 units, and every one of 8,107 alerts written though 60 are shown. Now each line is
    measured once, a whole message never, alerts are written only as far as a plan tries them — and the text is
    the old one byte for byte, on the sample and at scale, for both robots and budgets from tight to loose."""
    cases = [(connection, date(2020, 11, 8)), (scale_store, date(2020, 12, 31)), (scale_store, date(2019, 6, 30))]
    written = []
    real_item = digest_text._markdown_item
    monkeypatch.setattr(digest_text, "_markdown_item", lambda *args: written.append(1) or real_item(*args))
    for store_connection, day in cases:
        digest = _digest(store_connection, day)
        title = digest_text.subject(digest, lang)
        budgets = [(kind, limit, push.robot_budget(kind, title)) for kind, limit in LIMITS]
        budgets += [("bytes", size, digest_text.Budget(digest_text.utf8_bytes, size)) for size in (250, 700, 1500)]
        for kind, limit, budget in budgets:
            counted = _Counted(budget)
            written.clear()
            markdown = digest_text.render_markdown(digest, lang, limit, budget=counted.counted)
            alerts_shown = sum(line.startswith("- **") for line in markdown.splitlines())
            units = len(digest.by_unit())
            # every unit's worst alert (to name as many units as fit), and at most twice what is shown besides
            assert len(written) <= units + 2 * alerts_shown + 1, (len(written), units, alerts_shown)
            first_line = markdown.splitlines()[0]
            assert sum(first_line in text for text in counted.texts) == 1  # the head, once; no whole message
            assert max(len(text) for text in counted.texts) < 1000
            written.clear()
            assert markdown == _written_whole_for_each_trial(digest, lang, limit, budget)
            assert budget.fits(markdown) or kind == "bytes"  # a head over 250 bytes is the last guard's to cut


def test_a_robots_measure_adds_up_over_its_lines():
    """The fitting adds up lines' sizes: each robot's measure of a text is the sum of its parts' (JSON's escapes
    of a quote, a backslash, a tab and a line break included), and its verdict is the request's."""
    title = "派驻监督预警摘要（截至2020年12月31日）"
    parts = ['- **逾期** "引号" \\ 反斜杠', "\t制表\r", "", "\n", "ascii *x*", "\u2028\x01预"]
    for kind in ("wecom", "dingtalk"):
        budget = push.robot_budget(kind, title)
        assert budget.size("".join(parts)) == sum(budget.size(part) for part in parts)
    text = "预\n" * 3000
    payload = push.dingtalk_payload(push.Message("alerts", title, text, ""))
    envelope = len(json.dumps(payload, ensure_ascii=False).encode()) - push.robot_budget("dingtalk", title).size(text)
    assert envelope + push.robot_budget("dingtalk", title).limit == push.DINGTALK_MAX_BYTES
