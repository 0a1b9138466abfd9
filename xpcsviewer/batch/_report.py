"""``batch report``: a PDF of a batch fit. Page 1: trends across files; then per file SAXS-1D,
tau(q) with D, and the g2 grid with fits (continued on further pages for files with many bins).

matplotlib through ``MatplotlibAdapter`` (ADR-001: arrays leave the compute layer through an
adapter) on ``Figure`` objects written by the PDF backend: no pyplot, no Qt. The fits come from
the table (``_chunk.fit_chunk``); the data are read again from each file, one file at a time,
so a report of thousands of files holds one file in memory.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import numpy as np

from ..backends import MatplotlibAdapter
from ._table import BatchTable

_ADAPTER = MatplotlibAdapter()
PAGE = (11.0, 8.5)  # inches, landscape letter
FIRST_GRID = (3, 4)  # g2 panels under SAXS-1D and tau(q) on a file's first page
MORE_GRID = (4, 5)  # g2 panels on each continuation page
N_TREND_BINS = 4
FAILED_ON_FIRST = 8  # failed files listed (with their reason) under the trends
FAILED_PER_PAGE = 60  # on each page after it, for the rest


def failure_pages(n_failed: int) -> int:
    """Pages after the first that list failed files, for ``n_failed`` of them."""
    return -(-max(0, n_failed - FAILED_ON_FIRST) // FAILED_PER_PAGE)


def pages_for(n_bins: int) -> int:
    """Pages one processed file takes for ``n_bins`` fitted bins."""
    first = FIRST_GRID[0] * FIRST_GRID[1]
    more = MORE_GRID[0] * MORE_GRID[1]
    return 1 + max(0, -(-(n_bins - first) // more))


def _by_file(table: BatchTable) -> list[tuple[int, np.ndarray]]:
    idx = table.columns["file_index"]
    return [(int(k), np.flatnonzero(idx == k)) for k in dict.fromkeys(idx.tolist())]


def write_report(table: BatchTable, out: str | Path) -> int:
    """Write the PDF to ``out``; returns its page count (1 + ``pages_for`` per processed file
    + ``failure_pages`` for the failed ones).

    Files with an error row get no page of their own; each is listed with its reason: the
    first ``FAILED_ON_FIRST`` on the first page, the rest on pages after it.
    """
    import matplotlib

    matplotlib.use("Agg")  # only takes effect if pyplot is ever imported; never a GUI backend
    from matplotlib.backends.backend_pdf import PdfPages

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with PdfPages(out, metadata={"Title": "xpcsviewer batch report",
                                 "Creator": table.provenance.get("producer", "xpcsviewer")}) as pdf:
        pdf.savefig(_trends_page(table))
        n += 1
        failed = _failure_lines(table)[FAILED_ON_FIRST:]
        for start in range(0, len(failed), FAILED_PER_PAGE):
            pdf.savefig(_failures_page(failed[start:start + FAILED_PER_PAGE], start, len(failed)))
            n += 1
        groups = _by_file(table)
        for order, (_, rows) in enumerate(groups):
            if table.columns["status"][rows[0]] == "error":
                continue
            for fig in _file_pages(table, rows, order + 1, len(groups)):
                pdf.savefig(fig)
                n += 1
    return n


def _figure(title: str):
    from matplotlib.figure import Figure

    # Fixed margins, not constrained layout: laying out ~20 panels per page that way costs
    # seconds a page, too slow for a report of a whole beamtime.
    fig = Figure(figsize=PAGE)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.06, top=0.92, wspace=0.3, hspace=0.55)
    fig.suptitle(title, fontsize=11)
    return fig


def _style(ax, title: str = "", xlabel: str = "", ylabel: str = "", size: float = 8) -> None:
    ax.set_title(title, fontsize=size)
    ax.set_xlabel(xlabel, fontsize=size)
    ax.set_ylabel(ylabel, fontsize=size)
    ax.tick_params(which="both", labelsize=size - 1)
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    # No minor ticks: their labels collide on log axes under a decade, and making the tick
    # objects was most of the time a page took (a g2 panel spans five decades of delay).
    # Over two decades only the decades are labelled; a shorter log axis gets labels at 2
    # and 5 too (matplotlib's own minor labels collide at this size, and with decades only a
    # short axis may have no label at all).
    for axis, lim in ((ax.xaxis, ax.get_xlim()), (ax.yaxis, ax.get_ylim())):
        span = max(lim) / min(lim) if min(lim) > 0 else 0.0
        if axis.get_scale() != "log":
            axis.set_minor_locator(NullLocator())
        elif span >= 100:
            axis.set_minor_locator(NullLocator())
            axis.set_major_locator(LogLocator(numticks=6))
        else:  # a decade or two: label 2 and 5 of each decade, short (0.002, 0.005)
            axis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
            axis.set_minor_formatter(FuncFormatter(lambda v, _pos: f"{v:.1g}"))


# -- first page -------------------------------------------------------------------------------
def _x_axis(table: BatchTable, groups) -> tuple[np.ndarray, str]:
    """Hours since the first start time when every file has a distinct ISO start time,
    else the file order."""
    order = np.arange(len(groups), dtype=np.float64)
    try:
        times = [_dt.datetime.fromisoformat(table.columns["start_time"][r[0]]) for _, r in groups]
    except ValueError:
        return order, "file order"
    if len(set(times)) < len(times):
        return order, "file order (start times not distinct)"
    t0 = min(times)
    return np.array([(t - t0).total_seconds() / 3600 for t in times]), "hours since first start"


def _integer_x(ax, xlabel: str) -> None:
    if xlabel.startswith("file order"):
        from matplotlib.ticker import MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _trend_bins(table: BatchTable) -> list[int]:
    ok = np.array([s != "error" for s in table.columns["status"]], dtype=bool)
    cols = np.unique(table.columns["column"][ok])
    if cols.size <= N_TREND_BINS:
        return cols.tolist()
    return cols[np.linspace(0, cols.size - 1, N_TREND_BINS).round().astype(int)].tolist()


def _trends_page(table: BatchTable):
    prov = table.provenance
    groups = _by_file(table)
    failed = table.failed_files
    fig = _figure(f"xpcsviewer batch report: {len(groups)} files, model {prov.get('model', '?')}, "
                  f"{len(groups) - len(failed)} fitted, {len(failed)} failed")
    grid = fig.add_gridspec(2, 2, height_ratios=(5, 1), hspace=0.25)
    x, xlabel = _x_axis(table, groups)
    tau_name = "tau" if "tau" in table.columns else "tau1"
    ax = fig.add_subplot(grid[0, 0])
    cols, status = table.columns, table.columns["status"]
    for c in _trend_bins(table):
        xs, ys, es, label = [], [], [], ""
        for j, (_, rows) in enumerate(groups):
            hit = [r for r in rows if cols["column"][r] == c and status[r] != "error"]
            if hit:
                r = hit[0]
                xs.append(x[j]), ys.append(cols[tau_name][r]), es.append(cols[f"{tau_name}_err"][r])
                label = label or f"col {c}: q={cols['q_1_per_A'][r]:.4g} Å⁻¹, φ={cols['phi_deg'][r]:.3g}°"
        if xs:
            px, py = _ADAPTER.curve(xs, ys)
            ax.errorbar(px, py, yerr=_ADAPTER.convert(es, np.float64), fmt="o-", ms=3, lw=0.8,
                        label=label)
    ax.set_yscale("log")
    if ax.get_legend_handles_labels()[1]:  # no fitted file, no curve: a legend would warn
        ax.legend(fontsize=7, frameon=False)
    _style(ax, f"{tau_name} at {N_TREND_BINS} bins (q, φ of the first file that has the column)",
           xlabel, f"{tau_name} (s)", 9)
    _integer_x(ax, xlabel)
    ax = fig.add_subplot(grid[0, 1])
    first = [rows[0] for _, rows in groups]
    d, d_err = cols["D_A2_per_s"][first], cols["D_err_A2_per_s"][first]
    px, py = _ADAPTER.curve(x, d)
    ax.errorbar(px, py, yerr=_ADAPTER.convert(d_err, np.float64), fmt="s-", ms=3, lw=0.8)
    alpha = prov.get("options", {}).get("alpha")
    _style(ax, "D from τ(q) = 1/(D q²)" if alpha == 2 else f"D (needs alpha = 2; run had {alpha})",
           xlabel, "D (Å²/s)", 9)
    _integer_x(ax, xlabel)
    text = fig.add_subplot(grid[1, :])
    text.axis("off")
    lines = [f"{prov.get('producer', '')}, backend {prov.get('backend', '?')} "
             f"({prov.get('device', '?')}), {prov.get('created', '')}",
             f"options: {prov.get('options', {})}"]
    if failed:
        shown = _failure_lines(table)
        lines += ["failed files (no page of their own), with the reason:",
                  *shown[:FAILED_ON_FIRST]]
        if len(shown) > FAILED_ON_FIRST:
            lines.append(f"  ... and {len(shown) - FAILED_ON_FIRST} more, listed on the next "
                         f"page{'s' if failure_pages(len(shown)) > 1 else ''}")
    text.text(0, 1, "\n".join(lines), va="top", ha="left", fontsize=7, family="monospace",
              wrap=True)
    return fig


def _failure_lines(table: BatchTable) -> list[str]:
    cols = table.columns
    return [f"  {Path(p).name}: {m}" for p, m, s in
            zip(cols["path"], cols["message"], cols["status"], strict=True) if s == "error"]


def _failures_page(lines: list[str], start: int, n_rest: int):
    end = start + len(lines)
    fig = _figure(f"failed files {FAILED_ON_FIRST + start + 1}-{FAILED_ON_FIRST + end} "
                  f"of {FAILED_ON_FIRST + n_rest} (no page of their own), with the reason")
    ax = fig.add_subplot(1, 1, 1)
    ax.axis("off")
    ax.text(0, 1, "\n".join(lines), va="top", ha="left", fontsize=7, family="monospace")
    return fig


# -- per-file pages ---------------------------------------------------------------------------
def _file_pages(table: BatchTable, rows: np.ndarray, order: int, n_files: int):
    import xpcsviewer as xv
    from xpcsviewer.fitting import MODELS, g2_model

    cols = table.columns
    path = cols["path"][rows[0]]
    model = table.provenance.get("model", "single")
    params = MODELS[model].params
    d, d_err = cols["D_A2_per_s"][rows[0]], cols["D_err_A2_per_s"][rows[0]]
    title = f"{Path(path).name}  ({order}/{n_files}, start {cols['start_time'][rows[0]]})"
    with xv.open(path) as f:
        q_s, saxs = f.saxs_1d
        t, g2, g2_err = f.tau, f.g2, f.g2_err
    fig = _figure(title)
    rf, cf = FIRST_GRID
    grid = fig.add_gridspec(rf + 1, cf)
    ax = fig.add_subplot(grid[0, : cf // 2])
    keep = np.isfinite(saxs) & (saxs > 0)
    px, py = _ADAPTER.curve(q_s[keep], saxs[keep])
    ax.loglog(px, py, lw=1)
    _style(ax, "SAXS-1D", "q (Å⁻¹)", "I (photons/pixel/frame)")
    _tauq_panel(fig.add_subplot(grid[0, cf // 2:]), table, rows, d, d_err)
    panels = [fig.add_subplot(grid[1 + i // cf, i % cf]) for i in range(rf * cf)]
    figures = [fig]
    for i, r in enumerate(rows):
        if i >= len(panels):
            fig = _figure(f"{title}, g2 continued")
            rm, cm = MORE_GRID
            panels += [fig.add_subplot(rm, cm, k + 1) for k in range(rm * cm)]
            figures.append(fig)
        theta = np.array([cols[p][r] for p in params])
        _g2_panel(panels[i], t, g2[:, cols["column"][r]], g2_err[:, cols["column"][r]],
                  theta, model, cols, r, g2_model)
    for ax in panels[len(rows):]:
        ax.axis("off")
    for i, ax in enumerate(panels[: len(rows)]):
        last_row = i + _columns(i) >= len(rows) or _bottom(i)
        if last_row:
            ax.set_xlabel("t (s)", fontsize=6.5)
    return figures


def _columns(i: int) -> int:
    """Panels per row of the grid that panel ``i`` sits in."""
    first = FIRST_GRID[0] * FIRST_GRID[1]
    return FIRST_GRID[1] if i < first else MORE_GRID[1]


def _bottom(i: int) -> bool:
    """Whether panel ``i`` is in the last row of its page."""
    first = FIRST_GRID[0] * FIRST_GRID[1]
    if i < first:
        return i >= first - FIRST_GRID[1]
    k = (i - first) % (MORE_GRID[0] * MORE_GRID[1])
    return k >= (MORE_GRID[0] - 1) * MORE_GRID[1]


def _tauq_panel(ax, table, rows, d, d_err) -> None:
    cols = table.columns
    tau_name = "tau" if "tau" in cols else "tau1"
    ok = np.array([cols["status"][r] != "failed" for r in rows])
    q, tau, err = (cols[k][rows][ok] for k in ("q_1_per_A", tau_name, f"{tau_name}_err"))
    px, py = _ADAPTER.curve(q, tau)
    ax.errorbar(px, py, yerr=_ADAPTER.convert(err, np.float64), fmt="o", ms=3, lw=0.8)
    tau0, alpha = cols["tauq_tau0"][rows[0]], cols["tauq_alpha"][rows[0]]
    if np.isfinite(tau0) and q.size:
        qq = np.geomspace(q.min(), q.max(), 100)
        lx, ly = _ADAPTER.curve(qq, tau0 * qq ** (-alpha))
        label = (f"D = {d:.4g} ± {d_err:.2g} Å²/s" if np.isfinite(d)
                 else f"τ0 q^-α, α = {alpha:.3g}")
        ax.loglog(lx, ly, "-", lw=1, label=label)
        ax.legend(fontsize=7, frameon=False)
    ax.set_xscale("log"), ax.set_yscale("log")
    _style(ax, f"{tau_name}(q): {cols['tauq_message'][rows[0]]}", "q (Å⁻¹)", f"{tau_name} (s)")


def _g2_panel(ax, t, g2, err, theta, model, cols, r, g2_model) -> None:
    keep = np.isfinite(g2) & (t > 0)
    px, py = _ADAPTER.curve(t[keep], g2[keep])
    ax.errorbar(px, py, yerr=_ADAPTER.convert(err[keep], np.float64), fmt="o", ms=1.5,
                lw=0.5, color="0.35")
    if np.all(np.isfinite(theta)) and keep.any():
        tt = np.geomspace(px.min(), px.max(), 200)
        lx, ly = _ADAPTER.curve(tt, g2_model(model, theta, tt, np))
        ax.plot(lx, ly, "-", color="tab:red", lw=1)
    ax.set_xscale("log")
    tau_name = "tau" if "tau" in cols else "tau1"
    tau = cols[tau_name][r]
    _style(ax, f"q={cols['q_1_per_A'][r]:.4g} φ={cols['phi_deg'][r]:.3g}°  τ={tau:.3g} s"
           + ("" if cols["status"][r] == "converged" else f" [{cols['status'][r]}]"),
           "", "g2", size=6.5)
