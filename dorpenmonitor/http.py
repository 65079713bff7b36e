"""Generic download helpers: retries with backoff, clear error texts, checksums, staged folders.

Shared by the CBS extract (:mod:`etl.extract`) and the PDOK fetch
(:mod:`geodata.pdok`), which are siblings and may not import each other.
A download is written to a temporary folder and only then moved into place
with :func:`replace_dir`, so a failure never destroys the previous raw copy;
beside the files sits a ``_download.json`` record (:data:`RECORD_FILE`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import requests

#: The provenance record written beside every raw download.
RECORD_FILE = "_download.json"

T = TypeVar("T")


class DownloadError(RuntimeError):
    """A download failed for good (after retries), naming the table or collection."""


class NotPublished(DownloadError):
    """The source does not publish what was asked for (HTTP 404 on a known API), e.g. a map year."""


def progress_enabled(progress: bool | None = None) -> bool:
    """Progress bars only for a person at a terminal, never in tests."""
    if progress is not None:
        return progress
    return sys.stderr.isatty() and "PYTEST_CURRENT_TEST" not in os.environ


def is_retryable(exc: BaseException) -> bool:
    """Connection errors, timeouts, 5xx and broken JSON are worth another try; 4xx is not."""
    if isinstance(exc, requests.HTTPError):
        # cbsodata re-raises HTTPError without a response; the original is the cause.
        resp = exc.response if exc.response is not None else getattr(exc.__cause__, "response", None)
        return resp is None or resp.status_code >= 500 or resp.status_code == 429
    return isinstance(
        exc,
        (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
            requests.exceptions.ContentDecodingError,
            ValueError,  # json.JSONDecodeError: truncated or non-JSON body
            KeyError,  # a JSON body without 'value' (an error page served as 200)
        ),
    )


def describe_error(exc: BaseException) -> str:
    """Short, human cause of a network failure (Dutch first, technical detail after)."""
    if isinstance(exc, requests.Timeout):
        kind = "time-out"
    elif isinstance(exc, requests.ConnectionError):
        kind = "geen verbinding / connection error"
    elif isinstance(exc, requests.HTTPError):
        kind = "HTTP-fout"
    elif isinstance(exc, ValueError):
        kind = "onleesbare of afgebroken JSON / invalid JSON"
    else:
        kind = type(exc).__name__
    detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    return f"{kind}: {detail}"


def with_retries(
    fn: Callable[[], T],
    *,
    what: str,
    retries: int,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``fn`` up to ``retries + 1`` times with exponential backoff (1, 2, 4 … s).

    Raises :class:`DownloadError` naming ``what`` when every attempt failed or
    the error is not worth retrying (e.g. HTTP 404).
    """
    attempts = max(0, retries) + 1
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except DownloadError:
            raise  # already says what failed (e.g. PDOK 404: the year is not published)
        except Exception as exc:  # noqa: BLE001 - classified below
            if not is_retryable(exc) or attempt == attempts:
                raise DownloadError(
                    f"Downloaden van {what} mislukt na {attempt} poging(en): {describe_error(exc)} "
                    f"[download failed after {attempt} attempt(s)]"
                ) from exc
            sleep(backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def clear_dir(folder: Path) -> None:
    """Empty a staging folder (before a retry writes it again)."""
    for p in folder.iterdir():
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


def replace_dir(new: Path, target: Path) -> Path:
    """Move ``new`` into place at ``target``; the old copy goes only once the new one is there."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(target, old)
    try:
        os.replace(new, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def read_record(folder: Path | str) -> dict[str, Any]:
    """The ``_download.json`` record of a raw download folder."""
    return json.loads((Path(folder) / RECORD_FILE).read_text(encoding="utf-8"))
