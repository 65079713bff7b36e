"""pytest fixtures for the live ETL: fake CBS and PDOK servers and settings pointing at them.

Enable with ``pytest_plugins = ["tests.fakes.fixtures"]`` (root conftest or a test module).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dorpenmonitor.settings import Settings, get_settings
from tests.fakes.cbs_odata import CbsState, FakeCbs
from tests.fakes.kwb_years import FakeKwbYears
from tests.fakes.pdok import FakePdok, PdokState


@pytest.fixture()
def fake_cbs() -> Iterator[FakeCbs]:
    """A fresh fake CBS OData feed serving 85984NED (2024) and 85618NED (2023, a clone)."""
    with FakeCbs(CbsState(tables={"85984NED": "2024", "85618NED": "2023"})) as server:
        yield server


@pytest.fixture()
def fake_pdok() -> Iterator[FakePdok]:
    """A fresh fake PDOK OGC API with the 2024 wijk- en buurtkaart (2023 is 'not published')."""
    with FakePdok(PdokState(years={2024})) as server:
        yield server


@pytest.fixture()
def live_settings(tmp_path: Path, fake_cbs: FakeCbs, fake_pdok: FakePdok) -> Settings:
    """Settings aimed at the fakes: short time-out, one retry, raw copies under tmp_path."""
    return get_settings(
        data_dir=tmp_path / "data",
        raw_dir=tmp_path / "raw",
        database_url=f"sqlite:///{tmp_path / 't.sqlite'}",
        cbs_catalog_url=fake_cbs.catalog_url,
        cbs_use_https=False,
        pdok_base_url=fake_pdok.base_url,
        http_timeout=0.5,
        http_retries=1,
    )


@pytest.fixture()
def fake_kwb_years() -> Iterator[FakeKwbYears]:
    """The multi-year fake CBS: KWB 2013-2025 (real key lists, synthetic values)."""
    with FakeKwbYears() as server:
        yield server


@pytest.fixture()
def fake_pdok_years() -> Iterator[FakePdok]:
    """PDOK publishing every year's map 2014-2025 (the same real polygons); 2013 is 'not published'."""
    with FakePdok(PdokState(years=set(range(2014, 2026)))) as server:
        yield server


@pytest.fixture()
def years_settings(tmp_path: Path, fake_kwb_years: FakeKwbYears, fake_pdok_years: FakePdok) -> Settings:
    """Settings aimed at the multi-year fakes."""
    return get_settings(
        data_dir=tmp_path / "data",
        raw_dir=tmp_path / "raw",
        database_url=f"sqlite:///{tmp_path / 'y.sqlite'}",
        cbs_catalog_url=fake_kwb_years.catalog_url,
        cbs_use_https=False,
        pdok_base_url=fake_pdok_years.base_url,
        # Generous: the fakes answer at once, but shared cores under a parallel test run can stall a response.
        http_timeout=15.0,
        http_retries=0,
    )
