"""The immutable NUTS result for one bin: draws, summaries, bands and provenance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._export import write_csv, write_json
from ._provenance import Provenance


@dataclass(frozen=True, eq=False)
class NUTSResult:
    """NUTS posterior of one bin (column ``column`` of file ``path``).

    samples: {name: (n_chains, n_draws)} for every free parameter, plus ``rate`` = 2 / tau
    (1/s, the g2 decay rate, models with one tau). summary: {name: {mean, sd, hdi_3%,
    hdi_97%, r_hat, ess_bulk}}. divergences: total over chains (post-warmup).
    band_t (n_band,) s with band_lo/band_mid/band_hi: the 94 % credible band and median of
    the model curve; ppc_lo/ppc_hi (n_tau,) at the data delays: the 94 % posterior-predictive
    band (curve plus measurement noise). lsq: the least-squares values used as the start.
    cancelled: True when stopped early; the draws so far are kept.
    """

    model: str
    params: tuple[str, ...]
    path: str
    column: int
    q: float
    samples: dict
    summary: dict
    divergences: int
    num_chains: int
    num_draws: int
    cancelled: bool
    lsq: dict
    t: np.ndarray
    g2: np.ndarray
    g2_err: np.ndarray
    mask: np.ndarray
    band_t: np.ndarray
    band_lo: np.ndarray
    band_mid: np.ndarray
    band_hi: np.ndarray
    ppc_lo: np.ndarray
    ppc_hi: np.ndarray
    seconds: float
    provenance: Provenance

    def to_dict(self) -> dict:
        return {
            "kind": "nuts",
            "model": self.model,
            "file": self.path,
            "column": self.column,
            "q_1_per_A": self.q,
            "summary": self.summary,
            "divergences": self.divergences,
            "num_chains": self.num_chains,
            "num_draws": self.num_draws,
            "cancelled": self.cancelled,
            "lsq": self.lsq,
            "seconds": self.seconds,
            "band": {
                "t_s": self.band_t,
                "lo": self.band_lo,
                "mid": self.band_mid,
                "hi": self.band_hi,
            },
            "ppc": {
                "t_s": self.t[self.mask],
                "lo": self.ppc_lo[self.mask],
                "hi": self.ppc_hi[self.mask],
            },
            "provenance": self.provenance.to_dict(),
        }

    def to_json(self, path: str | Path | None = None, *, samples: bool = False,
                overwrite: bool = False) -> str:
        doc = self.to_dict()
        if samples:
            doc["samples"] = {k: np.asarray(v) for k, v in self.samples.items()}
        return write_json(doc, path, overwrite=overwrite)

    def to_csv(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        """The summary table, one line per parameter; provenance as ``#`` comments."""
        cols = ["mean", "sd", "hdi_3%", "hdi_97%", "r_hat", "ess_bulk"]
        rows = [[name] + [s[c] for c in cols] for name, s in self.summary.items()]
        return write_csv(["param", *cols], rows, path, self.provenance.to_dict(), overwrite=overwrite)
