"""What goes wrong with an input file, located as the user would find it in Excel, in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oversight.contract.schema import TABLES
from oversight.core import i18n, safe_text

# A folder whose ledgers are all header-only: the units load, and no figure has a day to be taken at
NO_RECORDS = "error.no_records"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, located as the user would find it in Excel."""

    file: str
    message_key: str
    params: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # the header as written in the file
    column_letter: str | None = None  # Excel's column letter, e.g. "E"
    field: str | None = None  # the contract's column name, for machines

    def location(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = [shown_text(self.file)] if self.file else []
        if self.sheet:
            where.append(i18n.t("where.sheet", lang, sheet=shown_text(self.sheet)))
        if self.row is not None:
            where.append(i18n.t("where.row", lang, row=self.row))
        if self.column and self.column_letter:
            where.append(i18n.t("where.column_letter", lang, letter=self.column_letter, column=shown_text(self.column)))
        elif self.column:
            where.append(i18n.t("where.column", lang, column=shown_text(self.column)))
        return " · ".join(where)

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return i18n.t(
            self.message_key, lang, **{k: shown_text(_translated_param(k, v, lang)) for k, v in self.params.items()}
        )

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        where = self.location(lang)
        # the location, then the message, with the reader's colon: meetings.xlsx · 第2行：… / meetings.xlsx · row 2: …
        return i18n.t("where.problem", lang, where=where, message=self.message(lang)) if where else self.message(lang)

    def as_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_letter": self.column_letter,
            "field": self.field,
            "key": self.message_key,
            "params": {
                k: v if isinstance(v, (int, float, str, bool)) or v is None else str(_translated_param(k, v, lang))
                for k, v in self.params.items()
            },
            "message": self.message(lang),
        }


def problem_in_sheet(
    file: str,
    sheet: str,
    key: str,
    row: int | None = None,
    column: str | None = None,
    letter: str | None = None,
    field_name: str | None = None,
    **params: Any,
) -> Problem:
    """A problem at a place in a sheet; ``sheet`` is "" for a CSV, which has none."""
    return Problem(
        file=file,
        sheet=sheet or None,
        row=row,
        column=column,
        column_letter=letter,
        field=field_name,
        message_key=key,
        params=params,
    )


def in_reading_order(problems: list[Problem], sheet_names: list[str]) -> list[Problem]:
    """A file's problems sheet by sheet (in the file's order), row by row, left to right, as a reader goes through
    the file fixing them; those of no sheet or row (a missing column) first, the line saying the checking stopped
    last. The checks find them column by column and rule by rule: a date after today came after every other problem
    of the file, whatever its row."""
    position = {name: index for index, name in enumerate(sheet_names)}

    def place(problem: Problem) -> tuple[bool, int, int, int, str]:
        letter = problem.column_letter or ""
        sheet = position.get(problem.sheet, -1) if problem.sheet else -1
        # the line saying the checking stopped closes the file's problems: it is about all of them
        return (
            problem.message_key == CHECKING_STOPPED,
            sheet,
            -1 if problem.row is None else problem.row,
            len(letter),
            letter,
        )

    return sorted(problems, key=place)


_SHOWN_LIMIT = 200


def not_a_folder(folder: Path) -> Problem | None:
    """Why the data folder is none, as one problem naming it (not there, or a file: OVERSIGHT_DATA_DIR mistyped);
    None where it is a folder. One line, not six naming each ledger as missing; the pages, the checks and every
    command say it alike (a file there was said to "not exist" on the pages)."""
    if folder.is_dir():
        return None
    key = "error.folder_is_file" if folder.exists() else "error.folder_missing"
    return Problem(file="", message_key=key, params={"folder": str(folder)})


def shown_text(value: Any) -> Any:
    """Text from a file as a report may show it: control and invisible characters spelled out
    (``safe_text.spelled_out``), and a 30,000-character cell cut to its start."""
    if not isinstance(value, str):
        return value
    text = safe_text.spelled_out(value)
    return text if len(text) <= _SHOWN_LIMIT else text[:_SHOWN_LIMIT] + "…"


@dataclass(frozen=True)
class Choices:
    """An enumeration's accepted values, a message's parameter listed in the reader's language when shown: 党组、党委
    in Chinese; in English comma-separated, each Chinese label beside the English one the importer also accepts
    (办公会议 (Office meeting)). Joined with 、 when made, the English report read "expected one of: 党组、党委"."""

    labels: tuple[tuple[str, str], ...]  # (code, Chinese label), in the contract's order

    @classmethod
    def of(cls, choices: dict[str, str]) -> Choices:
        return cls(tuple(choices.items()))

    def text(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        separator = i18n.t("export.list.separator", lang)
        if i18n.normalise_language(lang) == i18n.CONTRACT_LANGUAGE:
            return separator.join(label for _, label in self.labels)
        english = i18n.catalog(i18n.normalise_language(lang))
        return separator.join(
            f"{label} ({english[f'code.{code}']})" if f"code.{code}" in english else label
            for code, label in self.labels
        )

    def __str__(self) -> str:
        return self.text()


def _translated_param(name: str, value: Any, lang: str) -> Any:
    """Table names travel as their Chinese names (as checked_folder.py passes them) and are shown in the reader's
    language; so are an enumeration's ``Choices``."""
    if isinstance(value, Choices):
        return value.text(lang)
    if isinstance(value, tuple):  # values listed in the reader's punctuation (damaged history ids)
        return i18n.listed(value, lang)
    if name in ("table", "found") and isinstance(value, str):
        table = TABLES.get(value) or next((t for t in TABLES.values() if t.zh == value), None)
        if table is not None:
            return i18n.t(f"data.table.{table.name}", lang)
    return value


# A file's problems a report lists: a sheet of 220,000 rows of nonsense kept 1,759,999 (1.7 GB, some 50 s). Past this
# many the file is checked no further and the report ends with ``CHECKING_STOPPED``, which says so.
MAX_PROBLEMS_PER_FILE = 1_000
CHECKING_STOPPED = "error.checking_stopped"


class ChecksStopped(Exception):
    """Raised by ``ProblemCap.add`` when a file has one problem more than a report lists."""


class ProblemCap:
    """A file's problems, kept up to ``limit``: the next one raises ``ChecksStopped``. Shared by every table and
    sheet read from the file, so the bound is per file."""

    def __init__(self, file: str, limit: int = MAX_PROBLEMS_PER_FILE) -> None:
        self.file, self.limit = file, limit
        self.problems: list[Problem] = []
        self.stopped = False
        # Which table a problem only echoes, one that failed to read (``unchecked_references.echo_test``): such a
        # row is counted by that table, not listed, and counts nothing toward the limit. A suggestions file beside a
        # broken issues file stopped at 1,000 "does not exist" lines, all set aside, its own faults never checked.
        self.echo: Callable[[Problem], str | None] | None = None
        self.echo_rows: dict[str, set[tuple[str | None, int | None]]] = {}

    def add(self, problem: Problem) -> None:
        echoed = self.echo(problem) if self.echo is not None else None
        if echoed is not None:
            self.echo_rows.setdefault(echoed, set()).add((problem.sheet, problem.row))
            return
        if len(self.problems) >= self.limit:
            self.stopped = True
            raise ChecksStopped
        self.problems.append(problem)

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.add(problem)

    def since(self, start: int) -> list[Problem]:
        """The problems kept from position ``start`` on, and the line saying the checking stopped if it has."""
        return [*self.problems[start:], self.stopped_problem()] if self.stopped else self.problems[start:]

    def collect(self, *checks: Iterable[Problem]) -> list[Problem]:
        """The problems ``checks`` find (lazily: a generator is run no further than the cap), as ``since`` gives them;
        none once the file's checking has stopped."""
        if self.stopped:
            return []
        start = len(self.problems)
        try:
            for problems in checks:
                self.extend(problems)
        except ChecksStopped:
            pass
        return self.since(start)

    def take_echoes(self) -> dict[str, set[tuple[str | None, int | None]]]:
        """The rows set aside since the last call, by the table they refer to; the cap forgets them."""
        echoes, self.echo_rows = self.echo_rows, {}
        return echoes

    def stopped_problem(self) -> Problem:
        """The report's line saying the file has more problems than it lists and was checked no further."""
        return Problem(file=self.file, message_key=CHECKING_STOPPED, params={"limit": f"{self.limit:,}"})


class ValidationError(Exception):
    """Raised with every problem found, so the user can fix the file in one pass."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.render("en") for p in problems))

    def render(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        return "\n".join(p.render(lang) for p in self.problems)
