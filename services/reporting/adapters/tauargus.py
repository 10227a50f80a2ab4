"""Secondary suppression and its audit by tau-argus (`pytauargus`: the Tau-Argus engine with the
HiGHS solver, bundled in the wheel). A table goes in as tabular data (cells with their value and
number of people); the optimal pattern (OPT) and each withheld cell's audited interval come back.

The engine works on files in a scratch folder and is not validated for concurrent calls within
one process, so calls are serialised by a lock; callers run this off the event loop."""

from __future__ import annotations

import contextlib
import tempfile
import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from pytauargus.engine import run_batch

from reporting.adapters.highs_audit import HighsAudit
from reporting.domain.catalogue import Suppression
from reporting.domain.linked import Reason
from reporting.domain.suppression import Interval, Protection, TableCell

_LOCK = threading.Lock()
_TOTAL = "Total"
_METADATA = """<SEPARATOR> ";"
{dimensions}value "" ""
<NUMERIC>
<DECIMALS> 2
people "" ""
<FREQUENCY>
"""
_DIMENSION = 'dim{n} "" ""\n<RECODABLE>\n<TOTCODE> "Total"\n'


class TauArgus(HighsAudit):
    """The `Protector` that production uses: tau-argus chooses each table's pattern; the linked set
    of an indicator's tables is audited by HiGHS (`HighsAudit.intervals`)."""

    def protect(self, cells: Sequence[TableCell], rule: Suppression) -> Protection:
        rows = sorted({c.row for c in cells if c.row is not None})
        columns = sorted({c.column for c in cells if c.column is not None})
        two_way = bool(rows)
        # Codes of one width: the engine pads shorter codes to the longest ("r1" came back " r1" beside
        # "r10", and was read as the total row), so every code has the same length.
        row_code = {r: f"r{i:04d}" for i, r in enumerate(rows)}
        column_code = {c: f"c{i:04d}" for i, c in enumerate(columns)}
        interior = [c for c in cells if (c.row is not None or not two_way) and c.column is not None]
        if not columns:  # a table of organisation totals only: the organisations are its one dimension
            interior = [c for c in cells if c.row is not None]
        with _LOCK, tempfile.TemporaryDirectory(prefix="percorsi-tau-") as scratch:
            folder = Path(scratch)
            n_dims = 2 if (two_way and columns) else 1
            lines = []
            for cell in interior:
                codes = []
                if two_way:
                    codes.append(row_code[cell.row or ""])
                if columns:
                    codes.append(column_code[cell.column or ""])
                lines.append(";".join([*codes, f"{cell.value:.2f}", str(cell.people)]))
            (folder / "t.tab").write_text("\n".join(lines) + "\n")
            (folder / "t.rda").write_text(_METADATA.format(
                dimensions="".join(_DIMENSION.format(n=i) for i in range(n_dims))))
            dims = "".join(f'"dim{i}"' for i in range(n_dims))
            (folder / "t.arb").write_text(
                f'<OPENTABLEDATA> "t.tab"\n<OPENMETADATA> "t.rda"\n<SPECIFYTABLE> {dims}|"value"||\n'
                f"<SAFETYRULE> FREQ({rule.minimum_people},{rule.safety_range_pct})\n<READTABLE> 1\n"
                f'<SUPPRESS> OPT(1)\n<WRITETABLE> (1,5,"SO+","out.tab")\n'
            )
            # The engine's solvers write their logs (FullJJ.log, cspSCIP.*, CSPlogfile.txt) to the
            # working directory, growing with each table: the pattern and its audit are made inside
            # the scratch folder, which goes with them. The working directory is the process's; under
            # the lock only this call uses it, and the service opens no file by a relative path.
            with contextlib.chdir(folder):
                engine = run_batch(str(folder / "t.arb"))
                audit = {row["cell"]: row for row in engine.audit(0)}
            out = (folder / "out.tab").read_text().splitlines()
        return _read_back(out, audit, n_dims, two_way, bool(columns),
                          {v: k for k, v in row_code.items()}, {v: k for k, v in column_code.items()})


def _read_back(out: list[str], audit: dict, n_dims: int, two_way: bool, has_columns: bool,
               rows: dict[str, str], columns: dict[str, str]) -> Protection:
    withheld: dict[tuple[str | None, str | None], Reason] = {}
    intervals: dict[tuple[str | None, str | None], Interval] = {}
    for index, line in enumerate(out):
        fields = [f.strip().strip('"').strip() for f in line.split(";")]
        codes, status = fields[:n_dims], fields[n_dims + 3]
        row = rows.get(codes[0]) if two_way else None
        column = (columns.get(codes[-1]) if has_columns else None)
        if status not in ("U", "M"):
            continue
        key = (row, column)
        withheld[key] = "primary" if status == "U" else "secondary"
        if index in audit:
            intervals[key] = Interval(Decimal(str(audit[index]["min"])), Decimal(str(audit[index]["max"])))
    return Protection(withheld, intervals)
