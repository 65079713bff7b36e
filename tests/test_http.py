"""Generic download helpers (core): which errors are retried, backoff, clear messages, staged folders."""

from __future__ import annotations

import pytest
import requests

from dorpenmonitor.http import (
    RECORD_FILE,
    DownloadError,
    clear_dir,
    describe_error,
    is_retryable,
    read_record,
    replace_dir,
    sha256_file,
    with_retries,
)


def _http_error(status: int) -> requests.HTTPError:
    resp = requests.Response()
    resp.status_code = status
    return requests.HTTPError(f"{status}", response=resp)


@pytest.mark.parametrize(
    ("exc", "retry"),
    [
        (requests.ConnectionError("reset"), True),
        (requests.Timeout("slow"), True),
        (_http_error(500), True),
        (_http_error(429), True),
        (_http_error(404), False),
        (ValueError("Expecting value"), True),  # truncated JSON
        (RuntimeError("bug"), False),
    ],
)
def test_only_transient_errors_are_retried(exc, retry):
    assert is_retryable(exc) is retry


def test_with_retries_backs_off_exponentially():
    calls, slept = [], []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise requests.ConnectionError("reset by peer")
        return "ok"

    assert with_retries(flaky, what="x", retries=4, backoff=1.0, sleep=slept.append) == "ok"
    assert slept == [1.0, 2.0]


def test_with_retries_names_what_failed_in_dutch():
    def down() -> None:
        raise requests.Timeout("read timed out")

    with pytest.raises(DownloadError, match=r"Downloaden van tabel X mislukt na 3 poging\(en\): time-out"):
        with_retries(down, what="tabel X", retries=2, sleep=lambda s: None)
    assert describe_error(requests.ConnectionError("x")).startswith("geen verbinding")


def test_not_retryable_fails_at_once():
    calls = []

    def gone() -> None:
        calls.append(1)
        raise _http_error(404)

    with pytest.raises(DownloadError, match="1 poging"):
        with_retries(gone, what="y", retries=5, sleep=lambda s: None)
    assert len(calls) == 1


def test_replace_dir_swaps_and_keeps_old_until_new_is_in_place(tmp_path):
    target = tmp_path / "raw"
    target.mkdir()
    (target / "old.json").write_text("{}")
    new = tmp_path / ".raw.tmp"
    new.mkdir()
    (new / RECORD_FILE).write_text('{"table_id": "T"}')
    assert replace_dir(new, target) == target
    assert [p.name for p in tmp_path.iterdir()] == ["raw"]  # old copy and temp folder gone
    assert read_record(target) == {"table_id": "T"}
    assert len(sha256_file(target / RECORD_FILE)) == 64
    clear_dir(target)
    assert not list(target.iterdir())
