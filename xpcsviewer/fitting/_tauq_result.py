"""The immutable tau(q) power-law result (one fit per file) and its export."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._export import check_index, write_csv, write_json
from ._provenance import Provenance


@dataclass(frozen=True, eq=False)
class TauQResult:
    """tau = tau0 q^-alpha per file (q in 1/A, tau in s).

    Per file, (n_files,): tau0 (s A^-alpha), alpha, their errors, D and D_err (A^2/s, only
    when alpha was fixed at 2, else NaN), chi2_red, n_used, message. Per g2-fit row,
    (n_rows,): used (which rows entered), file_index, column, q, tau, tau_err.
    """

    param: str
    alpha_fixed: float | None
    q_range: tuple[float, float] | None
    tau0: np.ndarray
    tau0_err: np.ndarray
    alpha: np.ndarray
    alpha_err: np.ndarray
    D: np.ndarray
    D_err: np.ndarray
    chi2_red: np.ndarray
    n_used: np.ndarray
    message: tuple[str, ...]
    used: np.ndarray
    file_index: np.ndarray
    column: np.ndarray
    q: np.ndarray
    tau: np.ndarray
    tau_err: np.ndarray
    provenance: Provenance

    @property
    def paths(self) -> tuple[str, ...]:
        return self.provenance.inputs

    def curve(self, file_index: int = 0, q: np.ndarray | None = None):
        """The fitted power law of one file at ``q`` (default: 100 points over its used q).
        IndexError naming the file count for a file the fit does not have."""
        file_index = check_index(file_index, len(self.paths), "file")
        if q is None:
            qs = self.q[self.used & (self.file_index == file_index)]
            q = np.geomspace(qs.min(), qs.max(), 100) if qs.size else np.geomspace(1e-3, 1e-1, 100)
        q = np.asarray(q, dtype=np.float64)
        return q, self.tau0[file_index] * q ** (-self.alpha[file_index])

    def to_dict(self) -> dict:
        keys = ("tau0", "tau0_err", "alpha", "alpha_err", "D", "D_err", "chi2_red", "n_used")
        return {
            "kind": "tauq_fit",
            "param": self.param,
            "alpha_fixed": self.alpha_fixed,
            "q_range_1_per_A": self.q_range,
            "provenance": self.provenance.to_dict(),
            "files": [
                {
                    "file": p,
                    "message": self.message[k],
                    **{key: getattr(self, key)[k] for key in keys},
                }
                for k, p in enumerate(self.paths)
            ],
            "points": [
                {
                    "file_index": self.file_index[r],
                    "column": self.column[r],
                    "q_1_per_A": self.q[r],
                    "tau_s": self.tau[r],
                    "tau_err_s": self.tau_err[r],
                    "used": self.used[r],
                }
                for r in range(self.q.size)
            ],
        }

    def to_json(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        return write_json(self.to_dict(), path, overwrite=overwrite)

    def to_csv(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        """One line per file; provenance as ``#`` comment lines."""
        header = [
            "file",
            "tau0",
            "tau0_err",
            "alpha",
            "alpha_err",
            "D_A2_per_s",
            "D_err",
            "chi2_red",
            "n_used",
            "message",
        ]
        rows = [
            [
                p,
                self.tau0[k],
                self.tau0_err[k],
                self.alpha[k],
                self.alpha_err[k],
                self.D[k],
                self.D_err[k],
                self.chi2_red[k],
                int(self.n_used[k]),
                self.message[k],
            ]
            for k, p in enumerate(self.paths)
        ]
        return write_csv(header, rows, path, self.provenance.to_dict(), overwrite=overwrite)
