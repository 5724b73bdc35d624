"""The data contract: six tables, their columns, types, Chinese headers and allowed values.

Everything that reads or writes the office's spreadsheets goes through these
definitions, so the Chinese header a clerk types and the identifier a query
uses are tied together in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds understood by ``oversight.ingest``.
TEXT, SLUG, INT, DATE, BOOL, ENUM, UNIT, REF = "text", "slug", "int", "date", "bool", "enum", "unit", "ref"


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    kind: str
    required: bool = True
    unique: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # code -> Chinese label
    # Further header spellings seen in real ledgers, Chinese and English. The identifier itself always matches
    # (underscores, brackets and case ignored: "Meeting ID" is meeting_id), so only other wordings go here.
    aliases: tuple[str, ...] = ()
    minimum: int | None = None
    # the most a value can be: beyond it the cell is a typing error, and a number past what the store's 64-bit
    # columns hold would pass a check and then stop every page from loading
    maximum: int | None = None
    # text that may run over several lines (a description, a note: Alt+Enter in a cell); any other text is a name or
    # an id, read on one line everywhere: a unit named "第二单位\n省政府研究室 (research)" forged a heading in the digest
    multiline: bool = False
    # a length in minutes: a clerk writes it in hours too (1.5小时, 1小时30分钟, 2h), read as the minutes it is
    minutes: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> Column:
        return self.columns[0]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    @property
    def file_name(self) -> str:
        return f"{self.name}.xlsx"


CATEGORIES = {
    "primary_responsibility": "主体责任落实",
    "conduct": "作风建设",
    "integrity": "廉洁风险",
    "decision_procedure": "决策程序",
    "democratic_centralism": "民主集中制",
    "meeting_discipline": "会风会纪",
    "other": "其他",
}
MEETING_KINDS = {"party_group": "党组（党委）会议", "office": "办公会议", "topical": "专题会议", "other": "其他"}
ISSUE_SOURCES = {
    "consultation": "定期会商",
    "attended_meeting": "列席会议",
    "daily": "日常监督",
    "special_study": "专题研究",
    "other": "其他",
}
ISSUE_STATUSES = {"open": "未整改", "in_progress": "整改中", "rectified": "已整改"}
SUGGESTION_STATUSES = {"proposed": "已提出", "adopted": "已采纳", "implemented": "已落实"}
REMINDER_FORMS = {"written": "书面提醒", "in_person": "面对面提醒", "meeting": "会议提醒"}
ACTIVITY_KINDS = {
    "consultation": "定期会商",
    "special_study": "专题研究",
    "notification": "工作通报",
    "secondment": "抽调参与办案",
}
PARTY_ORGS = {"党组": "党组", "党委": "党委"}

UNITS = Table(
    "units",
    "监督单位",
    (
        Column("unit_id", "单位编码", SLUG, unique=True, aliases=("Unit code", "Code")),
        Column(
            "name_zh", "单位名称", TEXT, unique=True, aliases=("Chinese name", "Name (Chinese)", "Unit name", "Name")
        ),
        Column("name_en", "英文名称", TEXT, aliases=("English name", "Name (English)")),
        Column("short_names", "简称", TEXT, required=False, aliases=("Short name", "Short names", "Abbreviation")),
        Column(
            "party_org",
            "党组织类型",
            ENUM,
            choices=PARTY_ORGS,
            aliases=("Party organisation", "Party organization", "Party org"),
        ),
        # what an English chart shows beside a bar, where the full name would not fit (optional)
        Column(
            "short_name_en", "英文简称", TEXT, required=False, aliases=("English short name", "Short name (English)")
        ),
    ),
)

MEETINGS = Table(
    "meetings",
    "会议",
    (
        Column("meeting_id", "会议编号", TEXT, unique=True),
        Column("unit", "单位", UNIT),
        Column("date", "会议日期", DATE, aliases=("Meeting date",)),
        Column("kind", "会议类型", ENUM, choices=MEETING_KINDS, aliases=("Type", "Meeting type", "Kind of meeting")),
        Column(
            "duration_min",
            "时长(分钟)",
            INT,
            minimum=0,
            maximum=24 * 60,  # a meeting of more than a day is a typing error
            minutes=True,
            aliases=("会议时长", "时长", "Duration", "Duration (minutes)", "Minutes", "Length (min)"),
        ),
        Column("agenda_items", "议题数", INT, minimum=0, maximum=1000, aliases=("议题数量",)),
        Column(
            "agenda_prereviewed",
            "议题提前报送审核",
            BOOL,
            aliases=("Agenda reviewed in advance", "Prereviewed", "Pre-reviewed"),
        ),
        Column(
            "attended_by_team",
            "纪检监察组列席",
            BOOL,
            aliases=("列席", "Attended", "Team attended", "Attended by the team"),
        ),
        Column("merged", "合并召开", BOOL, aliases=("Merged meeting",)),
        Column("notes", "备注", TEXT, required=False, multiline=True),
    ),
)

ISSUES = Table(
    "issues",
    "问题",
    (
        Column("issue_id", "问题编号", TEXT, unique=True),
        Column("unit", "单位", UNIT),
        Column("date_raised", "发现日期", DATE, aliases=("指出日期", "Date", "Raised", "Raised on")),
        Column("source", "问题来源", ENUM, choices=ISSUE_SOURCES, aliases=("Issue source",)),
        Column("category", "问题类别", ENUM, choices=CATEGORIES),
        Column("description", "问题描述", TEXT, multiline=True),
        Column("status", "整改状态", ENUM, choices=ISSUE_STATUSES),
        Column("due_date", "整改期限", DATE, required=False, aliases=("Due", "Deadline")),
        Column(
            "rectified_date",
            "整改完成日期",
            DATE,
            required=False,
            aliases=("Rectified", "Rectified on", "Date rectified"),
        ),
    ),
)

SUGGESTIONS = Table(
    "suggestions",
    "意见建议",
    (
        Column("suggestion_id", "建议编号", TEXT, unique=True),
        Column("unit", "单位", UNIT),
        Column("date_made", "提出日期", DATE, aliases=("Date", "Made on")),
        Column(
            "issue_id",
            "关联问题编号",
            REF,
            required=False,
            aliases=("Linked issue", "Related issue", "Linked issue ID"),
        ),
        Column("category", "类别", ENUM, choices=CATEGORIES, aliases=("建议类别",)),
        Column("content", "建议内容", TEXT, aliases=("Suggestion",), multiline=True),
        Column("status", "采纳状态", ENUM, choices=SUGGESTION_STATUSES),
    ),
)

REMINDERS = Table(
    "reminders",
    "日常提醒",
    (
        Column("reminder_id", "提醒编号", TEXT, unique=True),
        Column("unit", "单位", UNIT),
        Column("date", "提醒日期", DATE),
        Column("form", "提醒方式", ENUM, choices=REMINDER_FORMS, aliases=("Reminder form", "Type")),
        Column("subject", "提醒事项", TEXT, multiline=True),
    ),
)

ACTIVITIES = Table(
    "activities",
    "工作活动",
    (
        Column("activity_id", "活动编号", TEXT, unique=True),
        Column("unit", "单位", UNIT),
        Column("date", "活动日期", DATE),
        Column("kind", "活动类型", ENUM, choices=ACTIVITY_KINDS, aliases=("Type", "Activity type")),
        Column("notes", "备注", TEXT, required=False, multiline=True),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (UNITS, MEETINGS, ISSUES, SUGGESTIONS, REMINDERS, ACTIVITIES)}
# Units first: every other table's ``unit`` column is resolved against it;
# issues before suggestions, whose ``issue_id`` must point at a known issue.
LOAD_ORDER = ("units", "meetings", "issues", "suggestions", "reminders", "activities")


@dataclass(frozen=True)
class RecordDate:
    """A date that records something done (a meeting held, an issue raised): the latest of them is the data date.
    ``status`` limits it to the rows in that status: a 整改完成日期 records a rectification only once 已整改."""

    table: str
    column: str
    status: str | None = None


# What the ledgers cover, each date with the rows it counts for. Due dates are deadlines, not records, so they do not
# move the data date; nor does a 整改完成日期 on an issue still in progress, a planned day: one in March 2021 moved the
# data date there, and the 预警 digest judged every unit "not consulted" in a quarter nothing had been recorded in.
# (So none of them may lie after today: see ``ingest.sheets.future_record_dates``.)
RECORD_DATES = (
    RecordDate("meetings", "date"),
    RecordDate("issues", "date_raised"),
    RecordDate("issues", "rectified_date", status="rectified"),
    RecordDate("suggestions", "date_made"),
    RecordDate("reminders", "date"),
    RecordDate("activities", "date"),
)
