"""A configuration problem shown on a page (``setup_problems``): in full to an admin and in the server log; a plain
sentence to anyone else. A broken alerts.toml put its path and failing setting over every account's 预警 strip."""

from __future__ import annotations

import logging

import pytest

from oversight.auth import accounts, roles
from tests.apptest import run_page

PASSWORD = "correct-horse-battery"
PLAIN = {
    "zh": "预警设置有误，以下预警按默认标准提示；请告知管理员（详情已记入服务器日志）。",
    "en": (
        "The alert settings have an error, so the alerts below use the default thresholds; please tell the administrator"
        " (the details are in the server log)."
    ),
}


@pytest.fixture
def broken_alerts_settings(tmp_path, monkeypatch):
    path = tmp_path / "conf-secret-place" / "alerts.toml"
    path.parent.mkdir()
    path.write_text("[rules.due_soon]\ndayz = 7\n", encoding="utf-8")  # a typo: the setting is `days`
    monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(path))
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    accounts.add_user("bangongting", PASSWORD, roles.UNIT, units=["gov_office"])
    return path


def _signed_in(username: str, lang: str):
    at = run_page("app.py", {"lang": lang})
    at.text_input(key="widget.login_user").input(username)
    at.text_input(key="widget.login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric, "signed in and reading"
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ["bangongting", "leader"])
def test_an_account_that_is_not_an_admin_reads_a_plain_sentence_over_the_alert_strip(
    broken_alerts_settings, username, lang, caplog
):
    from oversight.ui import setup_problems

    setup_problems._log_once.cache_clear()  # logged once per process: this test's page is the first again
    with caplog.at_level(logging.ERROR, logger="oversight.ui.setup_problems"):
        at = _signed_in(username, lang)
    captions = [caption.value for caption in at.caption]
    assert PLAIN[lang] in captions
    shown = " ".join(element.value for element in [*at.caption, *at.markdown, *at.warning, *at.error, *at.info])
    assert str(broken_alerts_settings.parent) not in shown and "dayz" not in shown
    # the operator reads it in the server log, with the path and the setting
    logged = [record.getMessage() for record in caplog.records]
    assert logged == [f"alerts settings refused: {broken_alerts_settings}: rules.due_soon.dayz: unknown setting"]
    assert at.metric, "the strip and the page still show, with the default thresholds"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_admin_reads_the_file_and_the_setting(broken_alerts_settings, lang):
    at = _signed_in("chief", lang)
    detail = {
        "zh": f"预警设置文件 {broken_alerts_settings} 有误：rules.due_soon.dayz：无法识别的设置项",
        "en": f"The alerts settings file {broken_alerts_settings} has a problem: rules.due_soon.dayz: unknown setting",
    }[lang]
    captions = [caption.value.replace("\\", "") for caption in at.caption]
    assert any(detail.replace("\\", "") in caption for caption in captions), captions
    assert PLAIN[lang] not in captions


def test_the_problem_goes_to_the_server_log_once_with_its_path(caplog, tmp_path):
    from oversight.ui import setup_problems

    setup_problems._log_once.cache_clear()
    with caplog.at_level(logging.ERROR, logger="oversight.ui.setup_problems"):
        for account in (None, roles.local_account(), roles.Account("u", roles.UNIT, ("gov_office",))):
            setup_problems.detail_shown_to(account, "alerts settings refused", f"{tmp_path}/alerts.toml: x: bad")
    assert [record.getMessage() for record in caplog.records] == [
        f"alerts settings refused: {tmp_path}/alerts.toml: x: bad"
    ]
