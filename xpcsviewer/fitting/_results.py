"""Immutable g2-fit results: parameters, errors, status and the data needed to redraw a panel.

A row is one fitted bin of one file; ``file_index[row]`` and ``column[row]`` say which.
Arrays are NumPy, float64 and read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

import numpy as np

from ._export import check_index, write_csv, write_json
from ._models import g2_model
from ._provenance import Provenance


class FitStatus(StrEnum):
    """Outcome of one bin's fit."""

    CONVERGED = "converged"
    AT_BOUND = "at_bound"  # converged with a free parameter on one of its bounds
    FAILED = "failed"  # see the row's message; parameters are NaN


def frozen(a) -> np.ndarray:
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


@dataclass(frozen=True, eq=False)
class G2FitResult:
    """Least-squares fit of ``n_rows`` bins.

    values, errors, lower, upper: (n_rows, n_params) in model order (:attr:`params`); tau in s.
    errors are one standard deviation from the covariance at the optimum, scaled by the
    reduced chi-square unless ``provenance.solver["absolute_sigma"]``; NaN for fixed
    parameters and failed rows. t (s), g2, g2_err, mask: (n_rows, n_tau) data as fitted
    (t NaN in padding, mask False where a point was left out). chi2_red, n_points, n_steps:
    (n_rows,). status, message: one per row.
    """

    model: str
    params: tuple[str, ...]
    free: tuple[bool, ...]
    values: np.ndarray
    errors: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    chi2_red: np.ndarray
    n_points: np.ndarray
    n_steps: np.ndarray
    status: tuple[FitStatus, ...]
    message: tuple[str, ...]
    file_index: np.ndarray
    column: np.ndarray
    q: np.ndarray
    weighted: np.ndarray
    t: np.ndarray
    g2: np.ndarray
    g2_err: np.ndarray
    mask: np.ndarray
    provenance: Provenance

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def paths(self) -> tuple[str, ...]:
        return self.provenance.inputs

    @property
    def ok(self) -> np.ndarray:
        """(n_rows,) bool: rows that did not fail (converged or at a bound)."""
        return np.array([s is not FitStatus.FAILED for s in self.status])

    def param(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Values and errors of parameter ``name``, each (n_rows,). ValueError for a name the
        model does not have (the message lists those it has)."""
        if name not in self.params:
            raise ValueError(f"the {self.model!r} model has no parameter {name!r}; it has "
                             f"{', '.join(self.params)}")
        i = self.params.index(name)
        return self.values[:, i], self.errors[:, i]

    def rows(self, file_index: int = 0) -> np.ndarray:
        """Row indices belonging to file ``file_index`` (IndexError naming the file count)."""
        return np.flatnonzero(self.file_index == check_index(file_index, len(self.paths), "file"))

    def curve(self, row: int, t: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The fitted g2 of ``row`` at ``t`` (s; default 200 log-spaced delays over its data).
        IndexError naming the row count for a row the fit does not have."""
        row = check_index(row, self.n_rows, "row")
        if t is None:
            tr = self.t[row][self.mask[row]] if self.mask[row].any() else self.t[row]
            tr = tr[np.isfinite(tr) & (tr > 0)]
            t = np.geomspace(tr.min(), tr.max(), 200) if tr.size else np.geomspace(1e-6, 1, 200)
        t = np.asarray(t, dtype=np.float64)
        return t, g2_model(self.model, self.values[row], t, np)

    # -- export -------------------------------------------------------------------------
    def table(self) -> tuple[list[str], list[list]]:
        header = ["file", "column", "q_1_per_A"]
        for p in self.params:
            header += [p, f"{p}_err"]
        header += ["chi2_red", "n_points", "weighted", "status", "message"]
        rows = []
        for r in range(self.n_rows):
            row = [self.paths[self.file_index[r]], int(self.column[r]), float(self.q[r])]
            for i in range(len(self.params)):
                row += [float(self.values[r, i]), float(self.errors[r, i])]
            row += [float(self.chi2_red[r]), int(self.n_points[r]), bool(self.weighted[r]),
                    self.status[r].value]
            rows.append(row + [self.row_message(r)])
        return header, rows

    def row_message(self, row: int) -> str:
        """``message[row]``, plus a warning for a bin fitted unweighted (no usable g2 error
        bar): its chi2_red is the mean squared residual, not a goodness of fit."""
        msg = self.message[row]
        if self.weighted[row] or self.status[row] is FitStatus.FAILED:
            return msg
        scaled = not self.provenance.solver.get("absolute_sigma", False)
        how = "errors scaled by chi2_red" if scaled else "errors assume sigma = 1"
        return (f"{msg}; unweighted (no usable g2 error bar): {how}, chi2_red is the mean "
                "squared residual, not a goodness of fit")

    def to_csv(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        """One line per row (bin), with a ``weighted`` column (False: the bin had no usable
        g2 error bar, see :meth:`row_message`); provenance as ``#`` comment lines in strict
        JSON (an open ``t_range`` side is null, as in :meth:`to_json`). Returns the text."""
        header, rows = self.table()
        return write_csv(header, rows, path, self.provenance.to_dict(), overwrite=overwrite)

    def to_dict(self) -> dict:
        return {
            "kind": "g2_fit",
            "model": self.model,
            "params": list(self.params),
            "free": list(self.free),
            "provenance": self.provenance.to_dict(),
            "rows": [
                {
                    "file": self.paths[self.file_index[r]],
                    "file_index": self.file_index[r],
                    "column": self.column[r],
                    "q_1_per_A": self.q[r],
                    "values": dict(zip(self.params, self.values[r], strict=True)),
                    "errors": dict(zip(self.params, self.errors[r], strict=True)),
                    "lower": dict(zip(self.params, self.lower[r], strict=True)),
                    "upper": dict(zip(self.params, self.upper[r], strict=True)),
                    "chi2_red": self.chi2_red[r],
                    "n_points": self.n_points[r],
                    "n_steps": self.n_steps[r],
                    "weighted": self.weighted[r],
                    "status": self.status[r].value,
                    "message": self.row_message(r),
                    "t_s": self.t[r][self.mask[r]],
                    "g2": self.g2[r][self.mask[r]],
                    "g2_err": self.g2_err[r][self.mask[r]],
                }
                for r in range(self.n_rows)
            ],
        }

    def of_file(self, file_index: int) -> G2FitResult:
        """The rows of file ``file_index`` as a fit of that file alone (``file_index`` 0).
        IndexError naming the file count for a file the fit does not have."""
        rows = self.rows(file_index)
        picked = {name: frozen(getattr(self, name)[rows])
                  for name in ("values", "errors", "lower", "upper", "chi2_red", "n_points",
                               "n_steps", "column", "q", "weighted", "t", "g2", "g2_err", "mask")}
        return replace(self, **picked, status=tuple(self.status[r] for r in rows),
                       message=tuple(self.message[r] for r in rows),
                       file_index=frozen(np.zeros(len(rows), self.file_index.dtype)),
                       provenance=replace(self.provenance, inputs=(self.paths[file_index],)))

    @staticmethod
    def join(parts: list[G2FitResult]) -> G2FitResult:
        """One result from fits of separate file lists, as if they had been fitted together.

        Rows keep their order, part after part; ``file_index`` counts on across parts; the
        data arrays are padded to the longest ``n_tau`` (t, g2, g2_err NaN, mask False), as
        :func:`fit_g2` pads. Every bin's fit is independent of the others in the batch (each
        row has its own Levenberg-Marquardt iteration), so the rows equal those of one call
        on all files to the solver's tolerance (``rtol``, 1e-8 by default), not bit for bit:
        another batch pads the delays to another length, the sums run in another order, and
        the iteration carries that last-digit difference until it stops. Parts fitted on
        different engines (JAX and NumPy, e.g. a script's first fit, ``_engine_choice.py``)
        minimise the same chi-square and agree to 1e-7; the joined provenance names both
        (``backend`` "jax+numpy"). Raises ``ValueError`` for no part or parts fitted
        differently (model, formula, delay range, fixed values, bounds, solver options).
        """
        if not parts:
            raise ValueError("join needs at least one fit")
        first = parts[0].provenance
        how = ("model", "formula", "t_range", "fixed", "bounds")
        for part in parts[1:]:
            for key in how:
                if getattr(part.provenance, key) != getattr(first, key):
                    raise ValueError(f"cannot join fits made with a different {key}")
            if _options(part.provenance.solver) != _options(first.solver):
                raise ValueError("cannot join fits made with a different solver")
        n_tau = max(p.t.shape[1] for p in parts)

        def padded(name: str, fill) -> np.ndarray:
            out = []
            for p in parts:
                a = getattr(p, name)
                pad = np.full((a.shape[0], n_tau - a.shape[1]), fill, dtype=a.dtype)
                out.append(np.concatenate([a, pad], axis=1))
            return frozen(np.concatenate(out))

        offsets = np.cumsum([0] + [len(p.paths) for p in parts[:-1]])
        stacked = {name: frozen(np.concatenate([getattr(p, name) for p in parts]))
                   for name in ("values", "errors", "lower", "upper", "chi2_red", "n_points",
                                "n_steps", "column", "q", "weighted")}
        return replace(
            parts[0], **stacked,
            status=tuple(s for p in parts for s in p.status),
            message=tuple(m for p in parts for m in p.message),
            file_index=frozen(np.concatenate([p.file_index + o for p, o in zip(parts, offsets, strict=True)])),
            t=padded("t", np.nan), g2=padded("g2", np.nan), g2_err=padded("g2_err", np.nan),
            mask=padded("mask", False),
            provenance=replace(first, inputs=tuple(i for p in parts for i in p.paths),
                               created=max(p.provenance.created for p in parts),
                               **_engines([p.provenance for p in parts])),
        )

    def to_json(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        """Everything needed to redraw the fits, with provenance. Returns the text."""
        return write_json(self.to_dict(), path, overwrite=overwrite)


# Solver entries that say which engine ran, not what was asked of it (see join).
_ENGINE_KEYS = ("method", "engine")


def _options(solver: dict) -> dict:
    return {k: v for k, v in solver.items() if k not in _ENGINE_KEYS}


def _engines(provs) -> dict:
    """Provenance fields naming every engine of joined parts, "+"-separated in first use order."""
    def names(values) -> str:
        return "+".join(dict.fromkeys(values))

    solver = dict(provs[0].solver)
    if len({p.backend for p in provs}) > 1:  # say which engine ran, and why, per engine
        solver["method"] = " + ".join(dict.fromkeys(str(p.solver.get("method")) for p in provs))
        solver["engine"] = "; ".join(dict.fromkeys(f"{p.backend}: {p.solver.get('engine')}"
                                                   for p in provs))
    return {"backend": names(p.backend for p in provs),
            "device": names(p.device for p in provs), "solver": solver}
