"""The batch table: one row per (file, bin), its schema, and CSV / Parquet files with provenance.

CSV needs nothing beyond the standard library; provenance is a block of ``# `` comment lines
(JSON) before the header. Parquet goes through pandas + pyarrow (the ``table`` extra) and
keeps the provenance in the file's key-value metadata under ``xpcsviewer``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

PROVENANCE_KEY = "xpcsviewer"  # Parquet metadata key / CSV comment tag
_HEAD = [
    ("file", "str"),  # file name
    ("path", "str"),
    ("file_index", "int"),  # order in the folder listing (by name), 0-based
    ("start_time", "str"),  # as stored by the correlator (ISO 8601)
    ("column", "int"),  # g2 column; -1 on a file-level error row
    ("q_1_per_A", "float"),
    ("phi_deg", "float"),
]
_TAIL = [
    ("chi2_red", "float"),
    ("n_points", "int"),
    ("status", "str"),  # converged, at_bound, failed (the bin), error (the file)
    ("message", "str"),
    ("D_A2_per_s", "float"),  # per file, from fit_tauq with alpha = 2 (NaN otherwise)
    ("D_err_A2_per_s", "float"),
    ("tauq_tau0", "float"),  # tau = tau0 q^-alpha, s Å^-alpha
    ("tauq_alpha", "float"),
    ("tauq_n_used", "int"),
    ("tauq_message", "str"),
]
_MISSING = {"str": "", "int": 0, "float": math.nan}
SUFFIXES = (".csv", ".parquet", ".pq")


def table_schema(params: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, kind) of every column, kind in {"str", "int", "float"}; ``params`` in model order
    (each as value and ``<name>_err``, tau in s)."""
    mid = [(n, "float") for p in params for n in (p, f"{p}_err")]
    return _HEAD + mid + _TAIL


@dataclass(frozen=True, eq=False)
class BatchTable:
    """Columns (each (n_rows,): float64 / int64 arrays, or tuples of str) and provenance."""

    columns: dict[str, Any]
    provenance: dict[str, Any]

    @classmethod
    def from_rows(cls, rows: list[dict], params: tuple[str, ...], provenance: dict) -> BatchTable:
        cols: dict[str, Any] = {}
        for name, kind in table_schema(params):
            values = [row.get(name, _MISSING[kind]) for row in rows]
            cols[name] = _typed(values, kind)
        return cls(cols, dict(provenance))

    @property
    def names(self) -> list[str]:
        return list(self.columns)

    @property
    def n_rows(self) -> int:
        return len(self.columns["file"])

    @property
    def failed_files(self) -> list[str]:
        """Paths of the files that have an error row."""
        return [p for p, s in zip(self.columns["path"], self.columns["status"], strict=True)
                if s == "error"]

    def rows(self) -> list[dict]:
        return [{k: v[i] for k, v in self.columns.items()} for i in range(self.n_rows)]

    def equals(self, other: BatchTable, rtol: float = 0.0) -> bool:
        """Same columns and values (NaN equals NaN; floats within ``rtol``)."""
        if self.names != other.names:
            return False
        for name in self.names:
            a, b = self.columns[name], other.columns[name]
            if isinstance(a, np.ndarray) and a.dtype.kind == "f":
                if not np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True):
                    return False
            elif list(a) != list(b):
                return False
        return True

    def to_pandas(self):
        """A ``pandas.DataFrame`` (needs the ``table`` extra); provenance in ``df.attrs``."""
        import pandas as pd

        df = pd.DataFrame({k: list(v) if isinstance(v, tuple) else v
                           for k, v in self.columns.items()})
        df.attrs[PROVENANCE_KEY] = self.provenance
        return df


def _typed(values: list, kind: str):
    if kind == "str":
        return tuple("" if v is None else str(v) for v in values)
    if kind == "int":
        return np.asarray(values, dtype=np.int64).reshape(-1)
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _kinds(names: list[str]) -> dict[str, str]:
    known = dict(_HEAD + _TAIL)
    return {n: known.get(n, "float") for n in names}


# -- writing ---------------------------------------------------------------------------------
def write_table(table: BatchTable, path: str | Path) -> Path:
    """Write ``table`` as CSV or Parquet (by the suffix of ``path``), atomically.

    Raises ValueError for another suffix, ImportError (naming the extra) when Parquet is
    asked for without pandas and pyarrow.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path}: the table must end in .csv or .parquet")
    if suffix == ".csv":
        data = _csv_text(table).encode("utf-8")
        return _atomic(path, lambda tmp: Path(tmp).write_bytes(data))
    pa, pq = _pyarrow()
    arrow = pa.Table.from_pydict(
        {k: list(v) if isinstance(v, tuple) else v for k, v in table.columns.items()}
    )
    meta = {PROVENANCE_KEY.encode(): json.dumps(table.provenance).encode("utf-8")}
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}), **meta})
    return _atomic(path, lambda tmp: pq.write_table(arrow, tmp))


def _csv_text(table: BatchTable) -> str:
    buf = io.StringIO()
    for line in json.dumps(table.provenance, indent=1).splitlines():
        buf.write(f"# {line}\n")
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(table.names)
    for i in range(table.n_rows):
        writer.writerow([_fmt(table.columns[n][i]) for n in table.names])
    return buf.getvalue()


def _fmt(v: Any) -> Any:
    if isinstance(v, (float, np.floating)):
        return repr(float(v)) if math.isfinite(v) else "nan"  # repr: round-trips exactly
    if isinstance(v, np.integer):
        return int(v)
    return v


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _pyarrow():
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ImportError(
            "Parquet tables need pyarrow: pip install 'xpcsviewer[table]' (or write .csv)"
        ) from exc
    return pa, pq


# -- reading ---------------------------------------------------------------------------------
def read_table(path: str | Path) -> BatchTable:
    """Read a table written by :func:`write_table` (CSV or Parquet), with its provenance."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        comment, body = [], []
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
            (comment if line.startswith("# ") and not body else body).append(line)
        provenance = json.loads("".join(c[2:] for c in comment)) if comment else {}
        reader = csv.reader(io.StringIO("".join(body)))
        names = next(reader)
        records = list(reader)
        kinds = _kinds(names)
        cols = {n: _typed([r[i] for r in records], kinds[n]) for i, n in enumerate(names)}
        return BatchTable(cols, provenance)
    _, pq = _pyarrow()
    arrow = pq.read_table(path)
    meta = (arrow.schema.metadata or {}).get(PROVENANCE_KEY.encode())
    kinds = _kinds(arrow.column_names)
    cols = {n: _typed(arrow.column(n).to_pylist(), kinds[n]) for n in arrow.column_names}
    return BatchTable(cols, json.loads(meta) if meta else {})
