"""Streamlit's own JavaScript and CSS, gzipped once per process and sent gzipped to browsers that accept it.

Streamlit 1.67 serves its bundle (``/static/...``, ~7.7 MB on a first Overview visit) uncompressed on purpose:
its gzip middleware skips that path because Starlette would compress every response again (see
``streamlit/web/server/starlette/starlette_gzip_middleware.py``). Compressing each file once, in a background
thread at server start (~0.8 s of CPU for all 323 of them at level 9), keeps that cost off every visit and cuts
a first visit's bytes to about a third (issue 15). The files are content-hashed and cached by the browser for a
year, so warm visits do not fetch them at all; the cache headers are the ones Streamlit sends.

``install()`` (called by ``oversight.ui.serve`` before Streamlit's command line) appends the middleware below to
the list Streamlit builds its app from. A request for a file not yet compressed, a browser that does not accept
gzip, and every other path are left to Streamlit as before. Only an exact file of the static folder's
``static/`` tree is answered here (a dictionary lookup, so no path reaches the file system).
"""

from __future__ import annotations

import gzip
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger(__name__)

# Text that compresses; fonts (woff2) and images are compressed already.
COMPRESSIBLE_SUFFIXES = frozenset({".js", ".css", ".svg", ".json", ".map", ".txt", ".html"})
MINIMUM_SIZE = 1000  # Streamlit's own gzip minimum (starlette_server_config.GZIP_MINIMUM_SIZE)
LEVEL = 9  # once per file and process: the smallest zlib makes
HASHED_FOLDER = "static"  # under Streamlit's static folder: the content-hashed bundle, cached for a year


@dataclass(frozen=True)
class CompressedFile:
    body: bytes
    headers: list[tuple[bytes, bytes]]  # without content-length, which depends on the method
    etag: bytes


class CompressedFiles:
    """Gzipped copies of the hashed files under a static folder, by their path relative to it
    (``static/js/index.abc123.js``), filled by ``build()``."""

    def __init__(self, static_dir: Path):
        self.static_dir = static_dir
        self._files: dict[str, CompressedFile] = {}
        self.finished = threading.Event()
        self.seconds = 0.0

    def get(self, relative_path: str) -> CompressedFile | None:
        return self._files.get(relative_path)

    def __len__(self) -> int:
        return len(self._files)

    def build(self) -> None:
        """Compress every compressible file once; each is served gzipped from the moment it is ready."""
        started = time.perf_counter()
        try:
            for path in sorted((self.static_dir / HASHED_FOLDER).rglob("*")):
                if path.suffix in COMPRESSIBLE_SUFFIXES and path.is_file():
                    compressed = _compress(path)
                    if compressed is not None:
                        self._files[path.relative_to(self.static_dir).as_posix()] = compressed
        except OSError:  # a static folder that changed under us: what is ready is served, the rest as before
            log.exception("compressing Streamlit's static files stopped")
        finally:
            self.seconds = time.perf_counter() - started
            self.finished.set()
            log.info("gzipped %d of Streamlit's static files in %.1f s", len(self._files), self.seconds)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.build, name="oversight-static-gzip", daemon=True)
        thread.start()
        return thread


def _compress(path: Path) -> CompressedFile | None:
    from starlette.responses import FileResponse
    from streamlit.web.server.starlette.starlette_server_config import STATIC_ASSET_CACHE_MAX_AGE_SECONDS

    data = path.read_bytes()
    if len(data) < MINIMUM_SIZE:
        return None
    body = gzip.compress(data, LEVEL, mtime=0)
    if len(body) > 0.9 * len(data):
        return None
    # The same content type and Last-Modified as Streamlit's FileResponse; an ETag of its own, since the
    # gzipped bytes are another representation of the file.
    plain = FileResponse(path, stat_result=os.stat(path)).headers
    etag = plain["etag"][:-1].encode() + b'-gzip"'
    headers = [
        (b"content-type", plain["content-type"].encode()),
        (b"content-encoding", b"gzip"),
        (b"vary", b"Accept-Encoding"),
        (b"etag", etag),
        (b"last-modified", plain["last-modified"].encode()),
        (b"cache-control", f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}".encode()),
    ]
    return CompressedFile(body, headers, etag)


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (``gzip``, ``x-gzip`` or ``*``, with a quality above 0)."""
    allowed = {}
    for item in accept_encoding.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            allowed[name.lower()] = quality
    chosen = allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", 0.0)))
    return chosen > 0


class CompressedStaticMiddleware:
    """Answers GET and HEAD for a compressed file with its gzipped bytes when the browser accepts gzip."""

    def __init__(self, app: ASGIApp, *, files: CompressedFiles, base_url: str = ""):
        self.app = app
        self.files = files
        self.base_url = base_url

    def _relative_path(self, scope: Scope) -> str | None:
        path = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
        return path[1:] if path.startswith(f"/{HASHED_FOLDER}/") else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            relative = self._relative_path(scope)
            compressed = self.files.get(relative) if relative is not None else None
            if compressed is not None:
                headers = {name: value for name, value in scope.get("headers", ())}
                if accepts_gzip(headers.get(b"accept-encoding", b"").decode("latin-1")):
                    await answer(compressed, scope["method"], headers.get(b"if-none-match", b""), send)
                    return
        await self.app(scope, receive, send)


async def answer(compressed: CompressedFile, method: str, if_none_match: bytes, send: Send) -> None:
    """A compressed file, or 304 when the browser holds this representation already (its ETag)."""
    if compressed.etag in (tag.strip().removeprefix(b"W/") for tag in if_none_match.split(b",")):
        not_modified = [header for header in compressed.headers if header[0] in (b"etag", b"cache-control", b"vary")]
        await send({"type": "http.response.start", "status": 304, "headers": not_modified})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [*compressed.headers, (b"content-length", str(len(compressed.body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else compressed.body})


_installed: CompressedFiles | None = None


def install() -> CompressedFiles | None:
    """Start compressing Streamlit's static files and add the middleware to the app Streamlit will build.
    Once per process; None (and Streamlit serves as before) if this Streamlit builds its app differently."""
    global _installed
    if _installed is not None:
        return _installed
    from streamlit import config, file_util

    files = CompressedFiles(Path(file_util.get_static_dir()))

    def middleware() -> Any:
        from starlette.middleware import Middleware

        base_url = config.get_option("server.baseUrlPath") or ""
        return Middleware(CompressedStaticMiddleware, files=files, base_url=base_url)

    if not streamlit_middleware.append(middleware, "its static files stay uncompressed"):
        return None
    files.start()
    _installed = files
    return files
