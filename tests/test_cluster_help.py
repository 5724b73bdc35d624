"""``python -m deploy.cluster --help`` speaks as ``python -m oversight --help`` does: Chinese by default, English with
``--lang en`` (or ``OVERSIGHT_LANG=en``, which its messages already followed), and every subcommand says what it
does. It had no descriptions at all, in English only: ``{start,stop,status,render}`` and bare option names."""

from __future__ import annotations

import re

import pytest

from deploy import cluster
from tests.test_cli_help import _CJK, _walk, english_in, flat

SUBCOMMANDS = [path for path in _walk(cluster.build_parser(), ()) if path]


def _help(capsys, monkeypatch, *argv: str, env_lang: str | None = None) -> str:
    if env_lang is None:
        monkeypatch.delenv("OVERSIGHT_LANG", raising=False)
    else:
        monkeypatch.setenv("OVERSIGHT_LANG", env_lang)
    with pytest.raises(SystemExit) as exited:
        cluster.main(list(argv))
    captured = capsys.readouterr()
    assert (exited.value.code, captured.err) == (0, "")
    return captured.out


def _description(out: str) -> str:
    """The paragraph between the usage lines and the first list: what the command does."""
    return flat(out.split("\n\n")[1])


def test_every_subcommand_is_found():
    assert SUBCOMMANDS == [("start",), ("stop",), ("status",), ("render",)]


@pytest.mark.parametrize("command", [(), *SUBCOMMANDS], ids=lambda words: " ".join(words) or "top")
def test_cluster_help_is_all_chinese_by_default(capsys, monkeypatch, command):
    out = _help(capsys, monkeypatch, *command, "--help")
    assert out.startswith("用法：") and "显示本帮助并退出" in out
    assert english_in(out) == []
    assert _CJK.search(_description(out)), out


@pytest.mark.parametrize("command", [(), *SUBCOMMANDS], ids=lambda words: " ".join(words) or "top")
@pytest.mark.parametrize(("spelling", "env_lang"), [(("--lang", "en"), None), (("--lang=en",), "zh"), ((), "en")])
def test_cluster_help_is_all_english_when_asked_for(capsys, monkeypatch, command, spelling, env_lang):
    out = _help(capsys, monkeypatch, *command, "--help", *spelling, env_lang=env_lang)
    assert out.startswith("usage: ") and "show this help message and exit" in out
    assert _CJK.findall(out) == []
    assert len(_description(out).split()) >= 5, out


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_every_option_of_a_subcommand_says_what_it_does(capsys, monkeypatch, command):
    for lang in ("zh", "en"):
        out = _help(capsys, monkeypatch, *command, "--help", "--lang", lang)
        options = out.split("\n\n")[-1].splitlines()[1:]
        # an option's line with nothing after its name and metavar, and no help on the next line either
        bare = [
            line
            for index, line in enumerate(options)
            if re.fullmatch(r"\s+--[\w-]+(?: [A-Z_{},a-z]+)?", line)
            and (index + 1 == len(options) or options[index + 1].lstrip().startswith("-"))
        ]
        assert bare == [], out


def test_a_mistake_is_told_in_the_language_asked_for(capsys, monkeypatch):
    monkeypatch.delenv("OVERSIGHT_LANG", raising=False)
    with pytest.raises(SystemExit):
        cluster.main(["status", "--replicas", "many"])
    assert "“many”不是有效的取值" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cluster.main(["status", "--replicas", "many", "--lang", "en"])
    assert "invalid int value" in capsys.readouterr().err
