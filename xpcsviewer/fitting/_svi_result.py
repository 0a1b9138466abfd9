"""The immutable SVI result (all bins) and the tau(q) / D credible bands drawn from it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._export import check_index, write_csv, write_json
from ._provenance import Provenance
from ._results import G2FitResult
from ._tauq import check_q_alpha, tau_param, too_few_bins


@dataclass(frozen=True, eq=False)
class TauQBand:
    """tau(q) = tau0 q^-alpha with credible bands, from SVI draws of every bin's tau.

    Each posterior draw of the taus gets the same weighted log-log line as :func:`fit_tauq`
    (weights: the posterior sd of log tau per bin), so alpha, tau0 and D come as draws.
    q (n_q,) 1/A; tau_lo/tau_mid/tau_hi (n_q,) s: 94 % band and median. D in A^2/s (alpha = 2).
    message: ``"ok"``, or why there is no band (too few bins, the rule of :func:`fit_tauq`);
    then every number is NaN and q, tau_lo, tau_mid, tau_hi are empty.
    """

    alpha_mean: float
    alpha_sd: float
    tau0_mean: float
    tau0_sd: float
    D_mean: float
    D_sd: float
    D_lo: float
    D_hi: float
    q: np.ndarray
    tau_lo: np.ndarray
    tau_mid: np.ndarray
    tau_hi: np.ndarray
    rows: np.ndarray
    message: str = "ok"


@dataclass(frozen=True, eq=False)
class SVIResult:
    """Approximate posterior of every row of ``lsq`` (same rows, same order).

    mean, sd, ci_lo, ci_hi: (n_rows, n_params), natural units (tau in s), 94 % central
    interval. samples: (n_draws, n_rows, n_params). losses: (num_steps,) negative ELBO.
    """

    model: str
    params: tuple[str, ...]
    mean: np.ndarray
    sd: np.ndarray
    ci_lo: np.ndarray
    ci_hi: np.ndarray
    samples: np.ndarray
    losses: np.ndarray
    lsq: G2FitResult
    seconds: float
    provenance: Provenance

    def param(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and sd of ``name``, each (n_rows,); ValueError naming the model's
        parameters for a name it does not have."""
        if name not in self.params:
            raise ValueError(f"the {self.model!r} model has no parameter {name!r}; it has "
                             f"{', '.join(self.params)}")
        i = self.params.index(name)
        return self.mean[:, i], self.sd[:, i]

    def tauq(
        self,
        file_index: int = 0,
        q_range=None,
        alpha: float | None = None,
        param: str | None = None,
    ) -> TauQBand:
        """tau(q) band for one file; ``alpha`` None fits it, a number fixes it (2 gives D).

        With too few bins (as :func:`fit_tauq`: more bins than free parameters) the band is
        NaN and ``message`` says why; nothing is raised for that. A wrong argument raises, as
        in :func:`fit_tauq`: ``file_index`` out of range (IndexError), NaN/inf ``alpha``, a
        reversed ``q_range`` (a None side: no limit), a ``param`` that is no tau (ValueError)."""
        file_index = check_index(file_index, len(self.lsq.paths), "file")
        q_range, alpha = check_q_alpha(q_range, alpha)
        param = tau_param(self, param)
        i = self.params.index(param)
        q = np.asarray(self.lsq.q)
        rows = (
            (np.asarray(self.lsq.file_index) == file_index) & np.isfinite(self.mean[:, i]) & (q > 0)
        )
        if q_range is not None:
            rows &= (q >= q_range[0]) & (q <= q_range[1])
        rows = np.flatnonzero(rows)
        refusal = too_few_bins(int(rows.size), alpha)
        if refusal:
            nan, empty = float("nan"), np.zeros(0)
            return TauQBand(*([nan] * 8), empty, empty, empty, empty, rows, message=refusal)
        x = np.log(q[rows])
        y = np.log(self.samples[:, rows, i])  # (S, n)
        w = 1.0 / np.var(y, axis=0, ddof=1)
        if alpha is None:
            A = np.stack([np.ones_like(x), -x], axis=-1)
            sol = np.linalg.solve(A.T @ (A * w[:, None]), (A * w[:, None]).T @ y.T)  # (2, S)
            log_tau0, al = sol[0], sol[1]
        else:
            al = np.full(y.shape[0], float(alpha))
            log_tau0 = np.sum(w * (y + al[:, None] * x), axis=1) / w.sum()
        tau0 = np.exp(log_tau0)
        qg = np.geomspace(q[rows].min(), q[rows].max(), 100)
        curves = tau0[:, None] * qg[None, :] ** (-al[:, None])
        lo, mid, hi = np.quantile(curves, [0.03, 0.5, 0.97], axis=0)
        d = 1.0 / tau0 if alpha is not None and float(alpha) == 2.0 else np.full_like(tau0, np.nan)
        d_lo, d_hi = np.quantile(d, [0.03, 0.97])
        return TauQBand(
            float(al.mean()),
            float(al.std(ddof=1)),
            float(tau0.mean()),
            float(tau0.std(ddof=1)),
            float(d.mean()),
            float(d.std(ddof=1)),
            float(d_lo),
            float(d_hi),
            qg,
            lo,
            mid,
            hi,
            rows,
        )

    def to_dict(self) -> dict:
        return {
            "kind": "svi",
            "model": self.model,
            "params": list(self.params),
            "provenance": self.provenance.to_dict(),
            "final_loss": float(self.losses[-1]),
            "rows": [
                {
                    "file": self.lsq.paths[self.lsq.file_index[r]],
                    "column": self.lsq.column[r],
                    "q_1_per_A": self.lsq.q[r],
                    "mean": dict(zip(self.params, self.mean[r], strict=True)),
                    "sd": dict(zip(self.params, self.sd[r], strict=True)),
                    "ci94_lo": dict(zip(self.params, self.ci_lo[r], strict=True)),
                    "ci94_hi": dict(zip(self.params, self.ci_hi[r], strict=True)),
                }
                for r in range(self.mean.shape[0])
            ],
        }

    def to_json(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        return write_json(self.to_dict(), path, overwrite=overwrite)

    def to_csv(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        header = ["file", "column", "q_1_per_A"]
        for p in self.params:
            header += [p, f"{p}_sd", f"{p}_ci94_lo", f"{p}_ci94_hi"]
        rows = []
        for r in range(self.mean.shape[0]):
            row = [
                self.lsq.paths[self.lsq.file_index[r]],
                int(self.lsq.column[r]),
                float(self.lsq.q[r]),
            ]
            for i in range(len(self.params)):
                row += [self.mean[r, i], self.sd[r, i], self.ci_lo[r, i], self.ci_hi[r, i]]
            rows.append(row)
        return write_csv(header, rows, path, self.provenance.to_dict(), overwrite=overwrite)
