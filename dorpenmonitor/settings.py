"""Typed settings, declared once.

Every setting has a default, a docstring-like help text and an environment
variable (``DORPENMONITOR_<NAME>``). The CLI, the app and the docs test read
the same ``SETTINGS_DOC`` list, so an undocumented setting fails a test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from dorpenmonitor.codes import HARDENBERG

PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: The 13 municipalities of the monitor: 12 in Drenthe plus Hardenberg (Overijssel).
GEMEENTEN: dict[str, str] = {
    "GM1680": "Aa en Hunze",
    "GM0106": "Assen",
    "GM1681": "Borger-Odoorn",
    "GM0109": "Coevorden",
    "GM1690": "De Wolden",
    "GM0114": "Emmen",
    "GM0118": "Hoogeveen",
    "GM0119": "Meppel",
    "GM1731": "Midden-Drenthe",
    "GM1699": "Noordenveld",
    "GM1730": "Tynaarlo",
    "GM1701": "Westerveld",
    "GM0160": "Hardenberg",
}
#: Drenthe proper: the benchmark "Drenthe" excludes Hardenberg.
DRENTHE: tuple[str, ...] = tuple(c for c in GEMEENTEN if c != HARDENBERG)

SETTINGS_DOC: dict[str, str] = {
    "database_url": "SQLAlchemy URL of the database. Default: SQLite file data/dorpenmonitor.sqlite.",
    "data_dir": "Folder with the committed snapshot (data/snapshot) and local state.",
    "raw_dir": "Folder where the live ETL keeps raw CBS/PDOK downloads (cbsodata's format).",
    "first_year": "First KWB year the live refresh pulls by default.",
    "last_year": "Last KWB year the live refresh pulls by default.",
    "gemeenten": "Comma-separated GM codes in scope; default all 13.",
    "cbs_catalog_url": "Host of the CBS OData catalogue (cbsodata's catalog_url).",
    "cbs_use_https": "Use https for CBS (off only for a loopback test server).",
    "pdok_base_url": "Base URL of the PDOK OGC API for the CBS wijk- en buurtkaart.",
    "http_timeout": "Seconds before one HTTP request to CBS or PDOK is given up.",
    "http_retries": "How often a failed HTTP request is retried (with exponential backoff).",
    "dorpen_config": "TOML file that overrides or adds villages (groups of buurten); see config/dorpen.toml.",
    "host": "Address the dashboard listens on.",
    "port": "Port the dashboard listens on.",
    "debug": "Run Dash in debug mode (dev tools, reloader off).",
    "url_prefix": "Path the dashboard is served under, e.g. /monitor/ behind a reverse proxy (Dash's "
                  "url_base_pathname; every internal link, asset and map layer follows it). Default /.",
    "workers": "Worker processes of the production server (gunicorn), each with 4 threads and its own "
               "caches (memory grows with every worker). Default: the number of CPU cores.",
    "online_basemap": "Offer an online OpenStreetMap background on the map (loads a larger plotly bundle; "
                      "tiles come from tile.openstreetmap.org). Default off: the app needs nothing online.",
}


def _env(name: str, default: str) -> str:
    return os.environ.get(f"DORPENMONITOR_{name.upper()}", default)


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(_env("data_dir", str(PROJECT_ROOT / "data"))))
    database_url: str = ""
    raw_dir: Path = field(default_factory=lambda: Path(_env("raw_dir", str(PROJECT_ROOT / "data" / "raw"))))
    first_year: int = field(default_factory=lambda: int(_env("first_year", "2013")))
    last_year: int = field(default_factory=lambda: int(_env("last_year", "2025")))
    gemeenten: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            c.strip().upper() for c in _env("gemeenten", ",".join(GEMEENTEN)).split(",") if c.strip()
        )
    )
    cbs_catalog_url: str = field(default_factory=lambda: _env("cbs_catalog_url", "opendata.cbs.nl"))
    cbs_use_https: bool = field(default_factory=lambda: _env("cbs_use_https", "1") not in ("0", "false", "no"))
    pdok_base_url: str = field(
        default_factory=lambda: _env("pdok_base_url", "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1")
    )
    http_timeout: float = field(default_factory=lambda: float(_env("http_timeout", "60")))
    http_retries: int = field(default_factory=lambda: int(_env("http_retries", "4")))
    dorpen_config: Path = field(
        default_factory=lambda: Path(_env("dorpen_config", str(PROJECT_ROOT / "config" / "dorpen.toml")))
    )
    host: str = field(default_factory=lambda: _env("host", "127.0.0.1"))
    port: int = field(default_factory=lambda: int(_env("port", "8050")))
    debug: bool = field(default_factory=lambda: _env("debug", "0") in ("1", "true", "yes"))
    workers: int = field(default_factory=lambda: int(_env("workers", str(os.cpu_count() or 1))))
    online_basemap: bool = field(default_factory=lambda: _env("online_basemap", "0") in ("1", "true", "yes"))
    url_prefix: str = field(default_factory=lambda: _env("url_prefix", "/"))

    def __post_init__(self) -> None:
        if not self.database_url:
            url = _env("database_url", "") or f"sqlite:///{self.data_dir / 'dorpenmonitor.sqlite'}"
            object.__setattr__(self, "database_url", url)
        # Dash wants the prefix with a slash on both ends: 'monitor' and '/monitor' mean '/monitor/'.
        object.__setattr__(self, "url_prefix", "/" + "/".join(p for p in self.url_prefix.split("/") if p) + "/"
                           if self.url_prefix.strip("/") else "/")
        if self.workers < 1:
            raise ValueError(f"DORPENMONITOR_WORKERS moet minstens 1 zijn, niet {self.workers}")
        unknown = [c for c in self.gemeenten if c not in GEMEENTEN]
        if unknown:
            raise ValueError(
                f"Onbekende gemeentecode(s) {', '.join(unknown)}; kies uit {', '.join(GEMEENTEN)}"
            )

    @property
    def snapshot_dir(self) -> Path:
        return self.data_dir / "snapshot"


def setting_names() -> list[str]:
    return [f.name for f in fields(Settings)]


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with keyword overrides (tests, CLI flags)."""
    return Settings(**overrides)  # type: ignore[arg-type]
