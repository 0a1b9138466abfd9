"""Fit one chunk of files: ONE batched ``fit_g2`` call, then ``fit_tauq`` per file.

This is the unit of work that runs in the main process or on a Dask worker. It takes and
returns plain picklable values (``FileEntry`` in, row dicts out), so a worker needs nothing
but this package. A file that cannot be fitted becomes an error row; nothing here raises for
a bad file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._options import FitOptions

ERROR = "error"  # status of a file-level error row (the fit statuses are FitStatus values)
NO_BIN = -1  # ``column`` of an error row: it belongs to the file, not to a bin


@dataclass(frozen=True)
class FileEntry:
    """One file of the folder: its order in the folder listing, path, and scan summary."""

    index: int
    path: str
    start_time: str = ""
    error: str = ""  # the scan's problem, "" for a readable file


def error_row(entry: FileEntry, message: str) -> dict:
    return {
        "file": Path(entry.path).name,
        "path": entry.path,
        "file_index": entry.index,
        "start_time": entry.start_time,
        "column": NO_BIN,
        "status": ERROR,
        "message": message,
    }


def use_backend(name: str) -> None:
    """Make ``name`` the active backend in this process (workers start from the environment).

    The JAX backend turns float64 on when it is made, so workers compute in float64 as the
    main process does; its on-disk compile cache lets workers share compiled solvers.
    """
    from ..backends import enable_compilation_cache, get_backend, set_backend

    if get_backend().name != name:
        set_backend(name)
    if name == "jax":
        enable_compilation_cache()


def _open(entry: FileEntry, options: FitOptions):
    """The opened file, or the reason it cannot be fitted (a message)."""
    if entry.error:
        return None, entry.error
    import xpcsviewer as xv

    try:
        f = xv.open(entry.path)
    except xv.XpcsFormatError as exc:
        return None, exc.problem  # the row names the file already
    except OSError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop a night's batch
        return None, f"unexpected {type(exc).__name__} while reading: {exc} (please report)"
    if f.g2 is None or f.tau is None:
        kinds = "+".join(sorted(f.kinds)) or "no results"
        return None, f"no multi-tau g2 to fit (the file holds {kinds})"
    if options.bins is not None:
        bad = [b for b in options.bins if b >= f.n_bins]
        if bad:
            return None, f"bins {bad} out of range; the file has {f.n_bins} g2 columns"
    return f, ""


def _fit(files: list, options: FitOptions):
    import xpcsviewer as xv

    result = xv.fit_g2(
        files,
        model=options.model,
        bins=None if options.bins is None else list(options.bins),
        t_range=options.t_range,
        backend=options.backend,
    )
    return result, xv.fit_tauq(result, alpha=options.alpha)


def fit_chunk(entries: list[FileEntry], options: FitOptions) -> list[dict]:
    """Rows for ``entries``: one per fitted (file, bin), one error row per file that failed.

    Rows come back in the order of ``entries``, bins in column order. Each row dict holds
    the keys of :func:`xpcsviewer.batch.table_schema`; per-file D (Å²/s) is repeated on
    each of the file's rows.
    """
    use_backend(options.backend)
    rows: dict[int, list[dict]] = {}
    good: list[tuple[FileEntry, object]] = []
    for entry in entries:
        f, problem = _open(entry, options)
        if f is None:
            rows[entry.index] = [error_row(entry, problem)]
        else:
            good.append((entry, f))
    if good:
        try:
            groups = [(good, _fit([f for _, f in good], options))]
        except Exception:  # noqa: BLE001 - see below
            # Something in the batch was rejected as a whole (e.g. a t_range holding no delay
            # of these files): fit file by file so only the guilty ones become error rows.
            groups = []
            for entry, f in good:
                try:
                    groups.append(([(entry, f)], _fit([f], options)))
                except ValueError as exc:  # what fit_g2 documents for bad input
                    rows[entry.index] = [error_row(entry, str(exc))]
                except Exception as exc:  # noqa: BLE001 - anything else: a bug, kept visible
                    rows[entry.index] = [error_row(
                        entry, f"unexpected {type(exc).__name__} in the fit: {exc} (please report)")]
        for members, (result, tauq) in groups:
            for k, (entry, f) in enumerate(members):
                rows[entry.index] = _file_rows(entry, f, k, result, tauq, options)
    for _, f in good:
        f.close()
    return [row for entry in entries for row in rows[entry.index]]


def _file_rows(entry: FileEntry, f, k: int, result, tauq, options: FitOptions) -> list[dict]:
    per_file = {
        "D_A2_per_s": float(tauq.D[k]),
        "D_err_A2_per_s": float(tauq.D_err[k]),
        "tauq_tau0": float(tauq.tau0[k]),
        "tauq_alpha": float(tauq.alpha[k]),
        "tauq_n_used": int(tauq.n_used[k]),
        "tauq_message": tauq.message[k],
    }
    out = []
    phi = np.asarray(f.dynamic_phi, dtype=np.float64)
    for r in result.rows(k):
        col = int(result.column[r])
        row = error_row(entry, result.message[r])
        row.update(
            column=col,
            q_1_per_A=float(result.q[r]),
            phi_deg=float(phi[col]),
            status=result.status[r].value,
            chi2_red=float(result.chi2_red[r]),
            n_points=int(result.n_points[r]),
        )
        for i, name in enumerate(result.params):
            row[name] = float(result.values[r, i])
            row[f"{name}_err"] = float(result.errors[r, i])
        row.update(per_file)
        out.append(row)
    return out
