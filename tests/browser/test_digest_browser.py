"""The pushed digest as a group member reads it: the exact markdown a local 企业微信 receiver got from
``alerts --push``, drawn with the markdown the robots support (headings, quotes, bold, lists, backslash
escapes), checked for stray markup, and saved as test-output/browser/alert_digest.png (README's picture)."""

from __future__ import annotations

import html
import re

from oversight.__main__ import main
from tests.receivers import RobotReceiver

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ESCAPED = re.compile(r"\\([\\`*_\[\]~])")


def _inline(text: str) -> str:
    # escaped characters are set aside first, so an escaped ** is shown, not obeyed
    kept: list[str] = []
    text = _ESCAPED.sub(lambda m: kept.append(m.group(1)) or f"\x00{len(kept) - 1}\x00", text)
    text = _BOLD.sub(lambda m: f"<b>{m.group(1)}</b>", html.escape(text, quote=False))
    return re.sub("\x00(\\d+)\x00", lambda m: html.escape(kept[int(m.group(1))]), text)


def robot_markdown_html(markdown: str) -> str:
    """The subset of markdown 企业微信 and 钉钉 robots render, as HTML in a chat bubble."""
    parts, in_list = [], False
    for line in markdown.splitlines():
        if line.startswith("- "):
            if not in_list:
                parts.append("<ul>")
                in_list = True
            parts.append(f"<li>{_inline(line[2:])}</li>")
            continue
        if in_list:
            parts.append("</ul>")
            in_list = False
        if line.startswith("### "):
            parts.append(f"<h3>{_inline(line[4:])}</h3>")
        elif line.startswith("> "):
            parts.append(f"<blockquote>{_inline(line[2:])}</blockquote>")
        elif line.strip():
            parts.append(f"<p>{_inline(line)}</p>")
    if in_list:
        parts.append("</ul>")
    style = (
        "body{background:#ededed;font-family:'Noto Sans CJK SC',sans-serif;margin:0;padding:24px}"
        ".robot{font-size:13px;color:#888;margin:0 0 6px 60px}"
        ".row{display:flex;gap:12px;align-items:flex-start}"
        ".avatar{width:44px;height:44px;border-radius:6px;background:#2f7de1;color:#fff;font-weight:bold;"
        "display:flex;align-items:center;justify-content:center}"
        ".bubble{background:#fff;border-radius:6px;padding:14px 18px;width:620px;font-size:14px;line-height:1.6;"
        "color:#222}h3{margin:0 0 6px;font-size:17px}p{margin:4px 0}ul{margin:2px 0 10px;padding-left:20px}"
        "blockquote{margin:8px 0;padding:4px 10px;border-left:3px solid #c8c8c8;color:#555}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{style}</style></head><body>"
        f"<div class='robot'>预警机器人</div><div class='row'><div class='avatar'>预</div>"
        f"<div class='bubble' id='bubble'>{''.join(parts)}</div></div></body></html>"
    )


def test_the_pushed_digest_reads_cleanly(page, output_dir, tmp_path, monkeypatch, capsys):
    settings = tmp_path / "alerts.toml"
    with RobotReceiver() as receiver:
        settings.write_text(
            f'[[channels]]\nkind = "wecom"\nname = "group"\nurl = "{receiver.url("/cgi-bin/webhook/send?key=K")}"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("OVERSIGHT_ALERTS_FILE", str(settings))
        assert main(["alerts", "--as-of", "2020-11-08", "--push"]) == 0
    capsys.readouterr()
    markdown = receiver.requests[0].body["markdown"]["content"]
    (output_dir / "alert_digest.md").write_text(markdown + "\n", encoding="utf-8")
    page.set_viewport_size({"width": 760, "height": 900})
    page.set_content(robot_markdown_html(markdown))
    bubble = page.locator("#bubble")
    text = bubble.inner_text()
    assert text.startswith("派驻监督预警摘要\n\n截至2020年11月8日（2020年第4季度）")
    assert "**" not in text and "\\" not in text  # every bold closed, every escape undone
    assert page.locator("#bubble b", has_text="省政府办公厅").count() == 1
    # overdue, due soon, not consulted (9 units as of 8 November), meetings up on Q4 2019 to the same day (2)
    assert page.locator("#bubble li").count() == 5 + 1 + 9 + 2
    bubble.screenshot(path=output_dir / "alert_digest.png")
