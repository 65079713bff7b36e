"""The snapshot's boundary files → boundary rows (geodata), as the CLI hands them to etl.snapshot.load."""

from __future__ import annotations

from geodata.geometry import BOUNDARY_COLUMNS
from geodata.snapshot import SNAPSHOT_BOUNDARY_FILES, snapshot_boundaries


def test_every_boundary_file_of_the_snapshot_is_read(snapshot_dir):
    rows = snapshot_boundaries(snapshot_dir)
    assert list(rows.columns) == BOUNDARY_COLUMNS
    got = rows.groupby(["vintage", "level"]).size().to_dict()
    assert set(got) == {(v, lvl) for _, v, lvl, _, _ in SNAPSHOT_BOUNDARY_FILES}
    assert got == {("2013", "gemeente"): 13, ("2019", "buurt"): 733, ("2022", "gemeente"): 13, ("2022", "wijk"): 218,
                   ("2024-benaderd", "buurt"): 753}
    assert rows.loc[rows["vintage"] == "2024-benaderd", "approximate"].all()
    assert not rows.loc[rows["vintage"] != "2024-benaderd", "approximate"].any()
