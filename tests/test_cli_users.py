"""The CLI's accounts: `user add|passwd|remove|list`, and `import`/`undo` needing an admin once accounts exist."""

from __future__ import annotations

import getpass
import io
import shutil
import stat
import tomllib

import pytest
from argon2 import PasswordHasher

from oversight import config
from oversight.auth import access_mode, accounts, audit
from oversight.cli.main import main
from oversight.data import store
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx


@pytest.fixture(autouse=True)
def private_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "conf" / "audit.jsonl"))
    monkeypatch.setenv("OVERSIGHT_USER", "王秘书")
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    return tmp_path


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


class _Terminal(io.StringIO):
    """Standard input as a person at a terminal gives it: the prompt is theirs to answer."""

    def isatty(self) -> bool:
        return True


def prompts(monkeypatch, *answers: str) -> list[str]:
    monkeypatch.setattr("sys.stdin", _Terminal())
    asked: list[str] = []
    replies = iter(answers)

    def fake_getpass(prompt: str = "Password: ") -> str:
        asked.append(prompt)
        return next(replies)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    return asked


def add(monkeypatch, *argv: str, password: str = "good-pass-1") -> int:
    stdin(monkeypatch, password + "\n")
    return main(["user", "add", *argv, "--password-stdin"])


@pytest.fixture
def admins(monkeypatch, capsys):
    assert add(monkeypatch, "boss", "--role", "admin", password="admin-pass-1") == 0
    assert add(monkeypatch, "lead", "--role", "leader", password="leader-pass-1") == 0
    capsys.readouterr()


def table_files(folder):
    """The data files themselves (not the history or a cache folder)."""
    return {name: digest for name, digest in hash_tree(folder).items() if "/" not in name}


def new_meetings(tmp_path):
    return write_xlsx(tmp_path / "new_meetings.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})


# ---------------------------------------------------------------- user add | passwd | remove | list


def test_add_list_passwd_remove(monkeypatch, capsys, private_paths):
    assert add(monkeypatch, "Boss", "--role", "admin", "--email", "boss@example.org") == 0
    assert capsys.readouterr().out.strip() == "已新增账号“boss”（admin）"
    assert add(monkeypatch, "clerk", "--role", "unit", "--unit", "research", "--unit", "petitions", "--lang", "en") == 0
    assert capsys.readouterr().out.strip() == "Account “clerk” added (unit)"
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "boss\tadmin\t-\tboss@example.org\t启用",
        "clerk\tunit\tresearch,petitions\t-\t启用",
    ]
    users = private_paths / "conf" / "users.toml"
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert "good-pass-1" not in users.read_text(encoding="utf-8")

    asked = prompts(monkeypatch, "brand-new-pass", "brand-new-pass")
    assert main(["user", "passwd", "clerk", "--lang", "en"]) == 0
    assert asked == ["Password: ", "Password again: "]
    assert capsys.readouterr().out.strip() == "Password of “clerk” changed"
    assert accounts.authenticate("clerk", "brand-new-pass").units == ("research", "petitions")
    assert accounts.authenticate("clerk", "good-pass-1") is None

    assert main(["user", "remove", "clerk"]) == 0
    assert capsys.readouterr().out.strip() == "已删除账号“clerk”"
    assert [a.username for a in accounts.list_users()] == ["boss"]

    actions = [(e["action"], e["details"]["username"]) for e in audit.read_audit()]
    assert actions == [
        ("user_added", "boss"),
        ("user_added", "clerk"),
        ("password_changed", "clerk"),
        ("user_removed", "clerk"),
    ]
    assert all(e["account"] == "王秘书" and e["details"]["via"] == "cli" for e in audit.read_audit())
    # 王秘书 is only what OVERSIGHT_USER says (no password is asked): each line names the OS account that did it too
    assert all(e["details"]["os_user"] == config.os_user() for e in audit.read_audit())


def test_no_account_changes_without_its_audit_line(monkeypatch, capsys, private_paths, admins):
    """An audit log that cannot be written (here a folder stands where it should be): the account is not added,
    its password not changed, nobody removed, and the reason is said in the user's language."""
    users = private_paths / "conf" / "users.toml"
    before = users.read_bytes()
    blocked = private_paths / "conf" / "audit-folder"
    blocked.mkdir()
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(blocked))
    assert add(monkeypatch, "mallory", "--role", "admin") == 1
    # the log's file named on a line of its own, with the reason and what to do: the sentence alone named none
    assert capsys.readouterr().err.strip() == (
        f"审计日志无法写入，为保证每项操作都有记录，本次操作未执行。\n审计日志：{blocked}（这是一个文件夹）；"
        "请管理员使其可写入或清理其所在磁盘后再运行本命令。"
    )
    prompts(monkeypatch, "brand-new-pass", "brand-new-pass")
    assert main(["user", "passwd", "lead", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        "The audit log cannot be written; so that every action is recorded, this one was not carried out.\n"
        f"The audit log: {blocked} (it is a folder); an administrator should make it writable or free its disk, "
        "then run the command again."
    )
    assert main(["user", "remove", "lead"]) == 1
    assert users.read_bytes() == before
    assert [a.username for a in accounts.list_users()] == ["boss", "lead"]


def test_an_audit_line_refused_after_the_check_takes_the_account_change_back(
    monkeypatch, capsys, private_paths, admins
):
    """The log passes the check (room on its disk) but refuses the line itself: a quota reached, a disk filled in
    between, or /dev/full, which ran `user add zed` to 账号已按上面所说变更，但随后审计日志写入失败 with zed added and
    no line. The change is taken back: nobody added, no password changed, nobody disabled or removed."""
    users = private_paths / "conf" / "users.toml"
    before = users.read_bytes()
    lines = len(audit.read_audit())
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", "/dev/full")  # opens and stats fine; every write: ENOSPC
    assert add(monkeypatch, "zed", "--role", "admin") == 1
    captured = capsys.readouterr()
    assert captured.out == ""  # no 已新增账号 for an account that is not there
    assert captured.err.strip() == (
        "审计日志无法写入，为保证每项操作都有记录，本次操作未执行。\n审计日志：/dev/full（磁盘空间不足）；"
        "请管理员使其可写入或清理其所在磁盘后再运行本命令。"
    )
    stdin(monkeypatch, "brand-new-pass\n")
    assert main(["user", "passwd", "lead", "--password-stdin"]) == 1
    assert main(["user", "disable", "lead"]) == 1
    assert main(["user", "set", "lead", "--role", "admin"]) == 1
    assert main(["user", "remove", "lead"]) == 1
    assert users.read_bytes() == before
    assert [(a.username, a.role) for a in accounts.list_users()] == [("boss", "admin"), ("lead", "leader")]
    assert accounts.authenticate("lead", "leader-pass-1") is not None
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(private_paths / "conf" / "audit.jsonl"))
    assert len(audit.read_audit()) == lines


def test_list_with_no_accounts_says_local_mode(capsys, private_paths, monkeypatch):
    # local mode: the variable unset and no default file (listing makes none) ...
    monkeypatch.delenv("OVERSIGHT_USERS_FILE")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(private_paths / "xdg"))
    assert main(["user", "list", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("No accounts configured yet (local mode): ")
    assert not (private_paths / "xdg").exists()
    # ... or the users file named, there and empty (named and missing is refused: the test below)
    named = private_paths / "conf" / "users.toml"
    named.parent.mkdir()
    named.touch()
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(named))
    assert main(["user", "list", "--lang", "en"]) == 0
    assert capsys.readouterr().out == f"No accounts configured yet (local mode): {named}\n"


def test_the_prompt_asks_twice_and_refuses_a_mismatch(monkeypatch, capsys):
    prompts(monkeypatch, "good-pass-1", "good-pass-2")
    assert main(["user", "add", "lead", "--role", "leader", "--lang", "en"]) == 1
    assert "The two passwords differ" in capsys.readouterr().err
    assert accounts.list_users() == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "标准输入不是终端，无法提示输入密码；请加 --password-stdin，从标准输入的第一行读取密码。"),
        (
            "en",
            "Standard input is not a terminal, so no password can be asked for; add --password-stdin to read it "
            "from the first line of standard input.",
        ),
    ],
)
def test_a_piped_password_without_password_stdin_is_refused_with_the_option_named(
    monkeypatch, capsys, private_paths, lang, expected
):
    """`echo pass | user add NAME --role admin`: Python's prompt printed GetPassWarning ("Can not control echo on
    the terminal"), read the piped line with the password echoed, then failed on the confirmation with no word."""
    asked = prompts(monkeypatch)  # a prompt asked would be recorded here
    stdin(monkeypatch, "good-pass-1\n")
    assert main(["user", "add", "lead", "--role", "admin", "--lang", lang]) == 1
    captured = capsys.readouterr()
    assert captured.err == expected + "\n" and captured.out == ""
    assert "Warning" not in captured.err and "Traceback" not in captured.err
    assert asked == [] and accounts.list_users() == []


def test_a_piped_password_for_import_without_password_stdin_is_refused_with_the_option_named(
    monkeypatch, capsys, data_folder, admins
):
    """It was exit 3 with nothing said at all."""
    asked = prompts(monkeypatch)
    stdin(monkeypatch, "admin-pass-1\n")
    assert main(["undo", "--user", "boss", "--lang", "en"]) == 3
    captured = capsys.readouterr()
    assert captured.err == (
        "Standard input is not a terminal, so no password can be asked for; add --password-stdin to read it "
        "from the first line of standard input.\n"
    )
    assert asked == [] and not (data_folder / ".history").exists()


def test_a_password_is_never_a_plain_argument(monkeypatch, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["user", "add", "lead", "--role", "leader", "--password", "good-pass-1"])
    assert exited.value.code == 2
    assert accounts.list_users() == []


@pytest.mark.parametrize(
    "argv, password, message",
    [
        (["x1", "--role", "chief"], "good-pass-1", "Unknown role “chief”: choose one of admin, leader, unit."),
        (["x1", "--role", "unit"], "good-pass-1", "A “unit” account needs at least one unit (--unit)."),
        (
            ["x1", "--role", "unit", "--unit", "province_hq"],
            "good-pass-1",
            "Unknown unit ID(s): province_hq",
        ),  # a list of IDs: no stop to copy
        (["x1", "--role", "leader"], "short", "The password is too short: at least 8 characters."),
        (["x1", "--role", "leader"], "", "The password must not be empty."),
    ],
)
def test_add_refuses_with_a_clear_message(monkeypatch, capsys, argv, password, message):
    assert add(monkeypatch, *argv, "--lang", "en", password=password) == 1
    assert capsys.readouterr().err.strip() == message
    assert accounts.list_users() == []


def test_unit_ids_are_checked_against_the_data(monkeypatch, capsys, data_folder):
    assert add(monkeypatch, "clerk", "--role", "unit", "--unit", "research") == 0
    assert add(monkeypatch, "clerk2", "--role", "unit", "--unit", "research-x") == 1
    assert "research-x" in capsys.readouterr().err


def test_duplicates_and_unknown_users(monkeypatch, capsys, admins):
    assert add(monkeypatch, "BOSS", "--role", "leader", "--lang", "en") == 1
    assert capsys.readouterr().err.strip() == "Account “boss” already exists."
    assert main(["user", "remove", "ghost"]) == 1
    assert capsys.readouterr().err.strip() == "账号“ghost”不存在。"
    stdin(monkeypatch, "good-pass-1\n")
    assert main(["user", "passwd", "ghost", "--password-stdin", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == "There is no account “ghost”."


def test_set_changes_role_and_units_keeping_the_password_and_audits_from_what_to_what(monkeypatch, capsys, data_folder):
    """No command changed an account's role or units: an admin removed and re-added it, losing its password and
    leaving a gap in the trail. `user set` changes them in place, audited with the values before and after."""
    assert add(monkeypatch, "boss", "--role", "admin") == 0
    assert add(monkeypatch, "clerk", "--role", "unit", "--unit", "research", password="clerk-pass-1") == 0
    capsys.readouterr()
    assert main(["user", "set", "clerk", "--role", "leader", "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == "Account “clerk” changed (leader)"
    assert accounts.authenticate("clerk", "clerk-pass-1").role == "leader"  # the password it had
    assert main(["user", "set", "clerk", "--role", "unit", "--unit", "petitions", "--unit", "research"]) == 0
    assert capsys.readouterr().out.strip() == "已修改账号“clerk”（unit）"
    assert main(["user", "set", "clerk", "--unit", "gov_office"]) == 0  # the role stays
    assert accounts.load_users()["clerk"].units == ("gov_office",)
    assert main(["user", "set", "clerk", "--unit", "gov_office", "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip().endswith("Account “clerk” is already so; nothing changed")
    changes = [e["details"] for e in audit.read_audit() if e["action"] == "user_changed"]
    assert [(d["role_before"], d["role"], d["units_before"], d["units"]) for d in changes] == [
        ("unit", "leader", ["research"], []),
        ("leader", "unit", [], ["petitions", "research"]),
        ("unit", "unit", ["petitions", "research"], ["gov_office"]),
    ]  # the last set changed nothing and wrote no line
    assert all(d["username"] == "clerk" and d["os_user"] == config.os_user() for d in changes)


@pytest.mark.parametrize(
    ("argv", "zh", "en"),
    [
        (["set", "ghost", "--role", "leader"], "账号“ghost”不存在", "There is no account “ghost”"),
        (["disable", "ghost"], "账号“ghost”不存在", "There is no account “ghost”"),
        (["enable", "ghost"], "账号“ghost”不存在", "There is no account “ghost”"),
        (["set", "lead", "--role", "chief"], "未知角色“chief”：可选 admin、leader、unit", "Unknown role “chief”"),
        (
            ["set", "lead", "--role", "unit"],
            "“单位”角色的账号必须至少指定一个单位（--unit）",
            "needs at least one unit",
        ),
        (["set", "lead", "--role", "unit", "--unit", "province_hq"], "未知单位编码：province_hq", "province_hq"),
        (["set", "lead", "--unit", "research"], "只有“单位”角色的账号才能指定单位", "Only “unit” accounts take units"),
        (["set", "lead"], "请指明要修改的内容", "Say what to change"),
        (["set", "boss", "--role", "leader"], "“boss”是唯一启用的管理员账号", "“boss” is the only enabled admin"),
        (["disable", "boss"], "“boss”是唯一启用的管理员账号", "“boss” is the only enabled admin"),
    ],
)
def test_set_disable_enable_refuse_in_the_users_language(monkeypatch, capsys, admins, data_folder, argv, zh, en):
    before = accounts.users_file().read_bytes()
    lines = len(audit.read_audit())
    assert main(["user", *argv]) == 1
    assert zh in capsys.readouterr().err
    assert main(["user", *argv, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert en in err and "Traceback" not in err
    assert accounts.users_file().read_bytes() == before and len(audit.read_audit()) == lines


def test_disable_and_enable_keep_the_account_and_are_audited(monkeypatch, capsys, admins):
    assert main(["user", "disable", "lead", "--lang", "en"]) == 0
    assert capsys.readouterr().out.startswith("Account “lead” disabled: it cannot sign in")
    assert main(["user", "list", "--lang", "en"]) == 0
    assert capsys.readouterr().out.splitlines() == ["boss\tadmin\t-\t-\tenabled", "lead\tleader\t-\t-\tdisabled"]
    with pytest.raises(accounts.AccountDisabled):
        accounts.authenticate("lead", "leader-pass-1")
    assert accounts.authenticate("lead", "wrong-pass-1") is None  # a wrong password is wrong, as for anyone
    assert main(["user", "disable", "lead"]) == 0
    assert capsys.readouterr().out.strip() == "账号“lead”已是停用状态，未作更改"
    assert main(["user", "enable", "lead"]) == 0
    assert capsys.readouterr().out.strip() == "已启用账号“lead”"
    assert accounts.authenticate("lead", "leader-pass-1").role == "leader"
    actions = [(e["action"], e["details"]["username"]) for e in audit.read_audit() if e["action"] != "user_added"]
    assert actions == [("user_disabled", "lead"), ("user_enabled", "lead")]


def test_the_last_enabled_admin_stays_one(monkeypatch, capsys, admins):
    """A disabled admin is no admin: with two, one may go; the other then may not, and may not be demoted."""
    assert add(monkeypatch, "deputy", "--role", "admin") == 0
    assert main(["user", "disable", "deputy"]) == 0
    assert main(["user", "set", "boss", "--role", "leader"]) == 1
    assert main(["user", "enable", "deputy"]) == 0
    assert main(["user", "set", "boss", "--role", "leader"]) == 0
    assert main(["user", "disable", "deputy"]) == 1
    assert "唯一启用的管理员" in capsys.readouterr().err
    assert [r.username for r in accounts.list_records() if r.role == "admin" and not r.disabled] == ["deputy"]


def test_a_disabled_account_is_not_run_as_by_a_headless_command(monkeypatch, capsys, admins, data_folder, tmp_path):
    assert main(["user", "disable", "lead"]) == 0
    out = tmp_path / "out"
    assert main(["brief", "--as", "lead", "--from", "2020Q3", "--to", "2020Q3", "--out", str(out), "--lang", "en"]) != 0
    assert "The account “lead” is disabled" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
    assert audit.read_audit()[-1]["details"]["reason"] == "account_disabled"


def test_an_oidc_only_account(monkeypatch, capsys):
    assert main(["user", "add", "sso", "--role", "leader", "--no-password", "--lang", "en"]) == 1
    assert capsys.readouterr().err.strip() == (
        "An account without a password signs in through single sign-on (OIDC) only: give its e-mail with --email,"
        " or set a password (leave out --no-password)."
    )
    assert main(["user", "add", "sso", "--role", "leader", "--no-password", "--email", "SSO@gov.example"]) == 0
    records = accounts.load_users()
    assert records["sso"].password_hash is None
    assert accounts.account_for_email("sso@gov.example", records, email_verified=True).role == "leader"


def test_no_password_without_an_email_says_what_is_missing(capsys, private_paths):
    """README's single sign-on account is `user add NAME --role leader --email … --no-password`; left without
    --email it was refused as 密码不能为空 / "the password must not be empty", though no password was asked for."""
    assert main(["user", "add", "lead", "--role", "leader", "--no-password"]) == 1
    assert capsys.readouterr().err.strip() == (
        "不设密码的账号只能通过单点登录（OIDC）登录，须用 --email 给出其邮箱；否则请设密码（去掉 --no-password）。"
    )
    assert main(["user", "add", "lead", "--role", "leader", "--no-password", "--lang", "en"]) == 1
    assert "give its e-mail with --email" in capsys.readouterr().err
    assert not (private_paths / "conf" / "users.toml").exists()


def test_user_list_names_a_users_file_named_but_missing(private_paths, capsys):
    """README: a users file named by OVERSIGHT_USERS_FILE that does not exist is never read as "no accounts". `user
    list` said 尚未配置任何账号（本机模式） of it (exit 0) while `alerts`, `undo` and the app refused it: an admin asking
    why nobody can sign in was told the install had no accounts."""
    missing = private_paths / "conf" / "users.toml"
    assert not missing.exists()
    assert main(["user", "list"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith(
        f"账号文件 {missing}（OVERSIGHT_USERS_FILE 所指）不存在；指定的账号文件缺失不视为“没有账号”"
    )
    assert main(["user", "list", "--lang", "en"]) == 1
    assert "本机模式" not in capsys.readouterr().err


def test_a_users_file_inside_the_repository_is_refused(monkeypatch, capsys):
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(config.PROJECT_ROOT / "users.toml"))
    assert add(monkeypatch, "lead", "--role", "leader", "--lang", "en") == 1
    assert "inside the code repository" in capsys.readouterr().err
    assert not (config.PROJECT_ROOT / "users.toml").exists()
    assert main(["user", "list", "--lang", "en"]) == 1


# ---------------------------------------------------------------- import and undo


def test_local_mode_imports_and_undoes_as_before_and_audits(data_folder, tmp_path, capsys):
    # local mode: a users file with no accounts (a named file that is missing is refused: test_hardening)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "users.toml").touch()
    before = table_files(data_folder)
    assert main(["import", str(new_meetings(tmp_path)), "--table", "meetings", "--mode", "append"]) == 0
    assert main(["undo"]) == 0
    entries = audit.read_audit()
    assert [(e["action"], e["account"], e["role"], e["source"]) for e in entries] == [
        ("import", "王秘书", "admin", "local"),
        ("undo", "王秘书", "admin", "local"),
    ]
    assert entries[0]["details"]["tables"] == {"meetings": {"rows_before": 573, "rows_after": 574}}
    assert entries[0]["details"]["sources"] == ["new_meetings.xlsx"]
    assert entries[1]["details"]["undoes"] == entries[0]["details"]["entry"]
    assert table_files(data_folder) == before


def test_with_accounts_import_needs_an_admin(monkeypatch, data_folder, tmp_path, capsys, admins):
    source = str(new_meetings(tmp_path))
    before = table_files(data_folder)

    assert main(["import", source, "--table", "meetings", "--mode", "append", "--lang", "en"]) == 3
    assert "Import and undo need an admin account" in capsys.readouterr().err

    stdin(monkeypatch, "admin-pass-2\n")
    assert (
        main(
            [
                "import",
                source,
                "--table",
                "meetings",
                "--mode",
                "append",
                "--lang",
                "en",
                "--user",
                "boss",
                "--password-stdin",
            ]
        )
        == 3
    )
    assert capsys.readouterr().err.strip() == "Wrong user name or password."

    stdin(monkeypatch, "leader-pass-1\n")
    assert (
        main(
            [
                "import",
                source,
                "--table",
                "meetings",
                "--mode",
                "append",
                "--lang",
                "en",
                "--user",
                "lead",
                "--password-stdin",
            ]
        )
        == 3
    )
    assert capsys.readouterr().err.strip() == "Account “lead” is not an admin and may not import or undo."
    assert table_files(data_folder) == before  # nothing refused touched the data
    assert not (data_folder / ".history").exists()

    prompts(monkeypatch, "admin-pass-1")
    assert main(["import", source, "--table", "meetings", "--mode", "append", "--user", "boss"]) == 0
    assert "已导入" in capsys.readouterr().out
    assert main(["history", "--lang", "en"]) == 0
    assert f"boss (OS user {getpass.getuser()}) imported new_meetings.xlsx (adding rows)" in capsys.readouterr().out

    stdin(monkeypatch, "admin-pass-1\n")
    assert main(["undo", "--user", "boss", "--password-stdin"]) == 0

    entries = audit.read_audit()[2:]  # after the two user_added lines
    assert [(e["action"], e["account"]) for e in entries] == [
        ("refused", "王秘书"),
        ("sign_in_failed", "boss"),
        ("sign_in", "lead"),
        ("refused", "lead"),
        ("sign_in", "boss"),
        ("import", "boss"),
        ("sign_in", "boss"),
        ("undo", "boss"),
    ]
    me = getpass.getuser()
    assert entries[0]["details"] == {"reason": "sign_in_required", "command": "import", "via": "cli", "os_user": me}
    assert entries[3]["details"] == {"reason": "forbidden_action", "command": "import", "via": "cli", "os_user": me}
    # a password tried at a shell names the OS account that tried it: the lines said only "boss", no address, as a
    # web sign-in from nowhere would (sign_in_failed's details were {}), and a refusal named only the claimed 王秘书
    assert entries[1]["details"] == {"via": "cli", "os_user": me}
    assert all(e["details"]["via"] == "cli" and e["details"]["os_user"] == me for e in entries)
    assert entries[5]["role"] == "admin" and entries[5]["source"] == "password"


def test_the_cli_sign_in_is_throttled_too(monkeypatch, data_folder, capsys, admins):
    for _ in range(5):
        stdin(monkeypatch, "wrong-pass\n")
        assert main(["undo", "--user", "boss", "--password-stdin", "--lang", "en"]) == 3
    stdin(monkeypatch, "admin-pass-1\n")
    assert main(["undo", "--user", "boss", "--password-stdin", "--lang", "en"]) == 3
    assert "Too many failed sign-ins" in capsys.readouterr().err.splitlines()[-1]
    assert audit.read_audit(action="refused")[-1]["details"]["reason"] == "throttled"


def test_the_users_file_written_by_the_cli_is_what_the_app_reads(monkeypatch, admins, private_paths):
    document = tomllib.loads((private_paths / "conf" / "users.toml").read_text(encoding="utf-8"))
    assert {name: entry["role"] for name, entry in document["users"].items()} == {"boss": "admin", "lead": "leader"}
    assert access_mode.auth_mode(accounts.users_file(), {}) == "accounts"


def test_the_last_enabled_admin_cannot_be_removed_either(monkeypatch, capsys, admins):
    """``user remove`` took away the last enabled admin that ``disable`` and ``set --role`` refuse to: nobody was left
    to manage the accounts. Refused with the same sentence, in both languages; with another admin, it may go."""
    assert main(["user", "remove", "boss"]) == 1
    assert "唯一启用的管理员" in capsys.readouterr().err
    assert main(["user", "remove", "boss", "--lang", "en"]) == 1
    assert "the only enabled admin account: it cannot be disabled, removed or given another role" in (
        capsys.readouterr().err
    )
    assert "boss" in accounts.load_users()
    assert add(monkeypatch, "deputy", "--role", "admin") == 0
    assert main(["user", "disable", "deputy"]) == 0
    assert main(["user", "remove", "boss"]) == 1  # a disabled admin is no admin
    assert main(["user", "remove", "deputy"]) == 0  # a disabled admin may go
    assert add(monkeypatch, "deputy", "--role", "admin") == 0
    assert main(["user", "remove", "boss"]) == 0
    assert [r.username for r in accounts.list_records() if r.role == "admin"] == ["deputy"]


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "账号文件无法写入（这是一个文件夹），账号未作改动；请管理员检查：{path}\n"),
        (
            "en",
            "The users file cannot be written (it is a folder); no account was changed. An administrator should check: {path}\n",
        ),
    ],
)
def test_a_users_file_that_is_a_folder_is_named(private_paths, monkeypatch, capsys, lang, said):
    """OVERSIGHT_USERS_FILE naming a folder: ``user add`` said 处理失败（IsADirectoryError），数据未作任何改动, exit 2."""
    folder = private_paths / "conf" / "users.d"
    folder.mkdir(parents=True)
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(folder))
    argv = ["user", "add", "li.ming", "--role", "leader", "--no-password", "--email", "li@example.gov", "--lang", lang]
    assert main(argv) == 1
    assert capsys.readouterr() == ("", said.format(path=folder))
    assert list(folder.iterdir()) == []


def test_a_users_folder_that_is_read_only_is_named(private_paths):
    """The users file's folder read-only to the admin's account (a real mode 555; as root, in a user namespace, where
    root's files are no longer root's to override): ``user disable`` said 处理失败（FileNotFoundError），数据未作任何改动,
    exit 2. Now the file and why, exit 1, and the file as it was."""
    import os
    import subprocess
    import sys

    users = private_paths / "accounts" / "users.toml"  # the audit log stays writable, in conf/
    users.parent.mkdir(parents=True)
    users.write_text('[users.chief]\nrole = "admin"\npassword_hash = ""\n', encoding="utf-8")
    before = users.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT), "OVERSIGHT_USERS_FILE": str(users)}
    env.pop("OVERSIGHT_DEBUG", None)
    users.parent.chmod(0o555)
    try:
        done = subprocess.run(
            [*(["unshare", "--user"] if os.geteuid() == 0 else []), sys.executable, "-m", "oversight"]
            + ["user", "disable", "chief"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        users.parent.chmod(0o755)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.startswith("账号文件无法写入（")
    assert done.stderr.endswith(f"），账号未作改动；请管理员检查：{users}\n")
    assert users.read_bytes() == before


@pytest.mark.parametrize(
    "lang, folder_said, bytes_said",
    [
        ("zh", "账号文件 {path} 无法读取：这是一个文件夹。\n", "账号文件 {path} 无法读取：不是 UTF-8 编码的文本。\n"),
        (
            "en",
            "The users file {path} cannot be read: it is a folder.\n",
            "The users file {path} cannot be read: it is not UTF-8 text.\n",
        ),
    ],
)
def test_a_users_file_that_cannot_be_read_is_said_why_in_the_users_language(
    private_paths, monkeypatch, capsys, lang, folder_said, bytes_said
):
    """``user list`` on a users file that is a folder, or not UTF-8: the sentence carried Python's own English
    ("[Errno 21] Is a directory: '…'", "'utf-8' codec can't decode byte 0xff …") inside the Chinese."""
    folder = private_paths / "conf" / "users.d"
    folder.mkdir(parents=True)
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(folder))
    assert main(["user", "list", "--lang", lang]) == 1
    assert capsys.readouterr() == ("", folder_said.format(path=folder))
    not_text = private_paths / "conf" / "users.toml"
    not_text.write_bytes(b"\xff\xfe[users]\n")
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(not_text))
    assert main(["user", "list", "--lang", lang]) == 1
    assert capsys.readouterr() == ("", bytes_said.format(path=not_text))


# `user …` at the command line, killed (os._exit, as kill -9 or a power cut: no cleanup) the moment the users file is
# in place
_KILLED_ONCE_WRITTEN = """
import os, sys
from pathlib import Path
from oversight.cli.main import main

users, replace = Path(os.environ["OVERSIGHT_USERS_FILE"]), os.replace

def dying(source, target):
    replace(source, target)
    if Path(target) == users:
        os._exit(137)

os.replace = dying
sys.exit(main(["user", *sys.argv[1:]]))
"""


@pytest.mark.slow  # child processes
@pytest.mark.parametrize(
    "argv,action",
    [
        (["add", "chief", "--role", "admin", "--password-stdin"], "user_added"),
        (["passwd", "lead", "--password-stdin"], "password_changed"),
        (["set", "lead", "--role", "admin"], "user_changed"),
        (["disable", "lead"], "user_disabled"),
        (["remove", "lead"], "user_removed"),
    ],
)
def test_an_account_change_killed_once_written_has_its_audit_line(argv, action, monkeypatch, private_paths, admins):
    """The audit line was written after the users file: killed in between, an admin account was added (a password
    changed, an account removed) with no line to say so, nor who did it."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    users = private_paths / "conf" / "users.toml"
    before = users.read_bytes()
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_ONCE_WRITTEN, *argv],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        input="chief-pass-12\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 137, child.stderr
    assert users.read_bytes() != before  # the change is made
    last = audit.read_audit()[-1]
    assert (last["action"], last["details"]["username"]) == (action, argv[1])
    assert last["account"] == "王秘书" and last["details"]["via"] == "cli"
