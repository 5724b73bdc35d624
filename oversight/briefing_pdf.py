"""HTML → PDF with Debian's Chromium in headless mode: it already has the CJK fonts and embeds them.

A separate short-lived Chromium (its own profile folder) rather than
kaleido's: kaleido's browser is busy in its own thread and has no print API.
"""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from oversight.briefing_pdf_text import fix_cjk_text_mapping
from oversight.export import require_browser

PRINT_TIMEOUT_SECONDS = 120


class PdfRenderFailed(RuntimeError):
    """Chromium ran but produced no PDF; the message carries its error output for the log."""


def html_to_pdf(html: str, browser: str | None = None) -> bytes:
    """Print ``html`` (self-contained: images inlined) to A4 PDF bytes; raises ``ImageRendererMissing`` without Chromium."""
    browser = browser or require_browser()
    with tempfile.TemporaryDirectory(prefix="oversight-pdf-") as folder:
        source, target, profile = Path(folder, "report.html"), Path(folder, "report.pdf"), Path(folder, "profile")
        source.write_text(html, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            # No network at all: nothing in the page needs it, and the machine may have none.
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", f"--user-data-dir={profile}",
            f"--print-to-pdf={target}", "--no-pdf-header-footer", source.as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
        if not target.is_file() or target.stat().st_size == 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfRenderFailed(f"chromium exited {result.returncode}: {' | '.join(detail)}")
        return fix_cjk_text_mapping(target.read_bytes())
