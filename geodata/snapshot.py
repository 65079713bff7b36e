"""The bundled snapshot's boundary files → rows of the ``boundaries`` table.

The snapshot's GeoJSON files (``data/snapshot/geo``) are written by
:func:`etl.snapshot.build`; reading them into boundary rows is geometry work and
lives here. The command line passes :func:`snapshot_boundaries` to
``etl.snapshot.load`` so ``etl`` never imports ``geodata``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geodata.geometry import boundaries_frame

#: (file, vintage, level, source id, approximate) of every boundary file in the snapshot.
SNAPSHOT_BOUNDARY_FILES: tuple[tuple[str, str, str, str, bool], ...] = (
    ("geo/gemeenten_2022.geojson", "2022", "gemeente", "wijkbuurtkaart-2022@tmap", False),
    ("geo/wijken_2022.geojson", "2022", "wijk", "wijkbuurtkaart-2022@tmap", False),
    ("geo/gemeenten_2013.geojson", "2013", "gemeente", "wijkbuurtkaart-2013@tmap", False),
    ("geo/buurten_2019.geojson", "2019", "buurt", "buurtkaart-2019@emielsanders", False),
    ("geo/buurten_2024_benaderd.geojson", "2024-benaderd", "buurt", "buurtkaart-2024-benaderd@woonikveilig", True),
)


def snapshot_boundaries(snapshot_dir: Path) -> pd.DataFrame:
    """Boundary rows (full and web geometry as GeoJSON text, EPSG:4326)."""
    parts = []
    for rel, vintage, level, sid, approx in SNAPSHOT_BOUNDARY_FILES:
        gdf = gpd.read_file(Path(snapshot_dir) / rel).set_crs(4326, allow_override=True)
        parts.append(boundaries_frame(gdf, vintage=vintage, level=level, source_id=sid, approximate=approx))
    return pd.concat(parts, ignore_index=True)
