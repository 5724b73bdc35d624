"""HTML → PDF with Debian's Chromium in headless mode: it already has the CJK fonts and embeds them.

One Chromium per process stays open for printing (as kaleido's does for images), driven over the DevTools
protocol by choreographer, kaleido's own browser driver: a print then takes about 0.5 s instead of the 2–3 s
of starting a browser. ``warm_up()`` starts it in the background while the charts render. Kaleido's own
browser is busy in its thread and has no print API, so this is a second one. If the printer cannot be used, it is
closed (``export.browser_thread``: Chromium ended, its profile removed) and a short-lived
``chromium --print-to-pdf`` does the job, as before.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import errno
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from oversight.briefing import pdf_images
from oversight.briefing.pdf_artifacts import mark_furniture
from oversight.briefing.pdf_text import fix_cjk_text_mapping
from oversight.core import atomic
from oversight.export import chromium_leftovers, quiet_chromium
from oversight.export.browser_thread import BrowserThread, open_or_close
from oversight.export.rendering import require_browser

PRINT_TIMEOUT_SECONDS = 120
_PREPARING_THREADS = 2  # the charts' pixels are prepared on the other core while Chromium prints
# What Chromium's --print-to-pdf does, as DevTools parameters: the page's own @page size and margins, no header;
# and the headings as the PDF's bookmarks (its outline), which a reader jumps with: the file had none.
_PRINT_PARAMETERS = {
    "printBackground": True,
    "preferCSSPageSize": True,
    "displayHeaderFooter": False,
    "generateDocumentOutline": True,
}
_log = logging.getLogger(__name__)


class PdfRenderFailed(RuntimeError):
    """Chromium ran but produced no PDF; the message carries its error output for the log."""


class _Printer:
    """A headless Chromium in its own thread and event loop; ``print`` is safe to call from any thread."""

    def __init__(self, browser_path: str) -> None:
        import choreographer

        self._thread = BrowserThread("oversight-pdf-printer", lambda: self._open(choreographer, browser_path))

    @staticmethod
    async def _open(choreographer, browser_path: str):
        quiet_chromium.install()
        chromium_leftovers.install()
        return await open_or_close(choreographer.Browser(browser_path, headless=True))

    async def _print(self, url: str) -> bytes:
        # awaited, not .result(): this runs on the loop that is still opening the browser
        browser = await asyncio.wrap_future(self._thread.browser)
        tab = await browser.create_tab("")
        try:
            await tab.send_command("Page.enable")
            loaded = tab.subscribe_once("Page.loadEventFired")
            await tab.send_command("Page.navigate", params={"url": url})
            await loaded
            response = await tab.send_command("Page.printToPDF", params=dict(_PRINT_PARAMETERS))
            if "error" in response:
                raise PdfRenderFailed(f"Page.printToPDF: {response['error']}")
            return base64.b64decode(response["result"]["data"])
        finally:
            await browser.close_tab(tab.target_id)

    def print(self, url: str) -> bytes:
        return self._thread.call(self._print(url), PRINT_TIMEOUT_SECONDS)

    def close(self) -> None:
        self._thread.close()


_printer: _Printer | None = None
_printer_lock = threading.Lock()


def warm_up() -> _Printer:
    """Start the printing browser now (it takes a second or two), without waiting for it."""
    global _printer
    with _printer_lock:
        if _printer is None:
            _printer = _Printer(require_browser())
        return _printer


def _forget_printer(printer: _Printer) -> None:
    """Close a printer that failed, so that its Chromium and profile do not outlive it; the next print starts one."""
    global _printer
    with _printer_lock:
        if _printer is printer:
            _printer = None
    printer.close()


def _print_with_cli(source: Path, folder: Path, browser: str) -> bytes:
    target, profile = folder / "report.pdf", folder / "profile"
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        # No network at all: nothing in the page needs it, and the machine may have none.
        *quiet_chromium.FLAGS,
        f"--user-data-dir={profile}",
        f"--print-to-pdf={target}",
        "--no-pdf-header-footer",
        "--generate-pdf-document-outline",
        source.as_uri(),
    ]
    started = time.time()
    try:
        result = subprocess.run(command, capture_output=True, timeout=PRINT_TIMEOUT_SECONDS, check=False)
    finally:
        # killed at the timeout, it could not remove its single-instance folder (the profile goes with ``folder``);
        # killed before it linked that folder from its profile, the folder is an empty one found only by its age
        chromium_leftovers.clear(None, chromium_leftovers.folder_of(profile), since=started)
    if not target.is_file() or target.stat().st_size == 0:
        said = result.stderr.decode("utf-8", "replace")
        detail = said.strip().splitlines()[-3:]
        failed = PdfRenderFailed(f"chromium exited {result.returncode}: {' | '.join(detail)}")
        # with no room left for the PDF (its profile took the last of it) Chromium exits 0 and says why only on its
        # error output, in the words of strerror: a failed render on the panel, where the disk is what to free
        for code in (errno.ENOSPC, errno.EDQUOT):
            if os.strerror(code) in said:
                raise atomic.TemporaryFolderFull(code, os.strerror(code), tempfile.gettempdir()) from failed
        raise failed
    return target.read_bytes()


def _print(html: str, browser: str) -> bytes:
    with atomic.temporary_folder("oversight-pdf-") as folder:
        source = Path(folder, "report.html")
        source.write_text(html, encoding="utf-8")
        printer = None
        try:
            printer = warm_up()
            return printer.print(source.as_uri())
        except Exception as error:  # noqa: BLE001 — a dead or stuck printer must not cost the user the PDF
            _log.warning("PDF printer unavailable (%r); printing with a fresh Chromium", error)
            if printer is not None:
                _forget_printer(printer)
            return _print_with_cli(source, Path(folder), browser)


def html_to_pdf(html: str, browser: str | None = None) -> bytes:
    """Print ``html`` (self-contained: images inlined) to A4 PDF bytes; raises ``ImageRendererMissing`` without Chromium."""
    return fix_cjk_text_mapping(mark_furniture(_print(html, browser or require_browser())))


def html_to_pdf_with_images(
    with_placeholders: str, pngs: Sequence[bytes], inlined: Callable[[], str], browser: str | None = None
) -> bytes:
    """The PDF of a page printed from ``with_placeholders`` (numbered placeholders where ``pngs`` go), with the
    PNGs placed afterwards as they are (``pdf_images``), so that Chromium does not encode them again. If a
    placeholder went missing, the page ``inlined()`` (the pictures inlined) is printed instead."""
    browser = browser or require_browser()
    with concurrent.futures.ThreadPoolExecutor(_PREPARING_THREADS, thread_name_prefix="oversight-pdf-images") as pool:
        prepared = [pool.submit(pdf_images.prepare, png) for png in pngs]  # while Chromium prints
        printed = _print(with_placeholders, browser)
        placed = pdf_images.place_images(printed, [image.result() for image in prepared])
    if placed is None:
        _log.warning("PDF placeholders not found as printed; printing the page with its pictures inlined")
        placed = _print(inlined(), browser)
    return fix_cjk_text_mapping(mark_furniture(placed))
