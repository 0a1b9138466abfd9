"""``xpcsviewer batch fit | report | snapshot``: the batch commands on the scripting API.

Exit codes: 0 every file was processed, 1 some files failed (each is an error row or a line
on stderr; the run never stops for one), 2 bad arguments (nothing was done: each message
names the option and the value; an existing ``--out`` is kept unless ``--overwrite``). ``fit`` and
``report`` never import Qt; ``snapshot`` renders the viewer offscreen, so it does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._cli_args import at_least_one, check_out, describe, parse, window_size, write_failed
from ._options import DEFAULT_CHUNK, FitOptions
from ._table import SUFFIXES

OK, SOME_FAILED, BAD_ARGS = 0, 1, 2


def _alpha(text: str) -> float | None:
    """tau = tau0 q^-alpha: alpha > 0 (2 for diffusion, ~1 for ballistic flow) or free."""
    if text.strip().lower() in ("free", "fit", "none"):
        return None
    try:
        alpha = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or 'free', got {text!r}") from None
    if not 0 < alpha < float("inf"):
        raise argparse.ArgumentTypeError(
            f"must be > 0 (tau = tau0 q^-alpha: 2 for diffusion, 1 for flow) or 'free', "
            f"got {text!r}")
    return alpha


def _column(text: str) -> int:
    try:
        col = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a g2 column >= 0, got {text!r}") from None
    if col < 0:
        raise argparse.ArgumentTypeError(f"must be a g2 column >= 0 (0-based), got {col}")
    return col


def _fit_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="folder of result files (.hdf, .h5, .hdf5, .nxs)")
    p.add_argument("--model", choices=("single", "stretched", "double"), default="single",
                   help="g2 model (default: single)")
    p.add_argument("--bins", type=_column, nargs="+", metavar="COL",
                   help="g2 columns (0-based) to fit in every file (default: all)")
    p.add_argument("--t-range", type=float, nargs=2, metavar=("TMIN", "TMAX"),
                   help="delays to fit, in s")
    p.add_argument("--alpha", type=_alpha, default=2.0,
                   help="tau(q) exponent held fixed (2: D in A^2/s) or 'free' (default: 2)")
    p.add_argument("--backend", choices=("jax", "numpy"), help="array backend (default: active)")
    p.add_argument("--chunk-size", type=at_least_one, default=DEFAULT_CHUNK, metavar="N",
                   help=f"files per batched fit call (default: {DEFAULT_CHUNK})")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=at_least_one, metavar="N",
                       help="run on a local Dask cluster of N worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on an existing dask.distributed cluster (tcp://host:8786)")
    p.add_argument("--progress", choices=("auto", "bar", "lines", "none"), default="auto",
                   help="progress on stderr: a bar on a terminal, lines otherwise (auto)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xpcsviewer batch",
        description="Fit, report on or snapshot every result file of a folder.",
        epilog="Exit codes: 0 all files processed, 1 some files failed, 2 bad arguments.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    fit = sub.add_parser("fit", help="g2 fits of every file into one table (CSV or Parquet)",
                         description="One row per (file, bin): parameters, errors, status, "
                         "q (1/A), phi (deg) and the file's D from tau(q).")
    _fit_arguments(fit)
    fit.add_argument("--out", type=Path, required=True, metavar="TABLE",
                     help="output table: .csv or .parquet (by extension)")
    fit.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    report = sub.add_parser("report", help="a PDF: trends, then per file SAXS-1D, g2, tau(q)",
                            description="First page: tau at a few bins and D per file; then "
                            "one page per file (more for files with many bins).")
    _fit_arguments(report)
    report.add_argument("--out", type=Path, required=True, metavar="PDF", help="output .pdf")
    report.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    snap = sub.add_parser("snapshot", help="render every tab of the viewer per file (PNG)",
                          description="What `xpcsviewer FOLDER --snapshot DIR` does, once per "
                          "file: DIR/<file stem>/<tab>.png.")
    snap.add_argument("folder", type=Path, help="folder of result files")
    snap.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    snap.add_argument("--backend", choices=("auto", "jax", "numpy"), help="array backend")
    snap.add_argument("--size", type=window_size, metavar="WxH",
                      help="the window size in pixels, as for --snapshot (e.g. 1366x768 for a "
                           "laptop; default 1600x1000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = parse(build_parser(), argv)  # argparse: 2 on bad arguments, 0 after --help
    if isinstance(args, int):
        return args
    if not args.folder.is_dir():
        return _bad(f"not a folder: {args.folder}")
    if args.command == "snapshot":
        from ._snapshot import snapshot_folder

        return snapshot_folder(args.folder, args.out, backend=args.backend, size=args.size)
    try:
        options, entries = _prepare(args)
    except (ValueError, ImportError, RuntimeError) as exc:
        return _bad(describe(exc))
    from ._progress import Progress
    from ._runner import fit_files

    bar = {"auto": None, "bar": True, "lines": False}.get(args.progress)
    progress = None if args.progress == "none" else Progress(len(entries), args.command, bar=bar)
    try:
        table = fit_files(entries, options, workers=args.workers, scheduler=args.scheduler,
                          progress=progress)
    except ImportError as exc:  # distributed absent
        return _bad(str(exc))
    finally:
        if progress is not None:
            progress.close()
    try:
        if args.command == "fit":
            from ._table import write_table

            write_table(table, args.out)
        else:
            from ._report import write_report

            write_report(table, args.out)
    except OSError as exc:  # --out not writable after all (a read-only or virtual file system)
        return _bad(write_failed(args.out, exc))
    _summary(table, args, len(entries))
    return SOME_FAILED if table.failed_files else OK


def _summary(table, args, n_files: int, shown: int = 8) -> None:
    """Files processed, and each failed file with its reason (the first ``shown``) on stderr."""
    failed = table.failed_files
    print(f"{args.out}: {n_files - len(failed)} of {n_files} files processed"
          + (f"; {len(failed)} failed:" if failed else ""), file=sys.stderr)
    if not failed:
        return
    cols = table.columns
    reasons = [f"  {p}: {m}" for p, m, s in zip(cols["path"], cols["message"], cols["status"],
                                                 strict=True) if s == "error"]
    print("\n".join(reasons[:shown]), file=sys.stderr)
    where = (f"in the rows with status 'error' in {args.out}" if args.command == "fit"
             else f"on the first page of {args.out}")
    more = f"{len(reasons) - shown} more; " if len(reasons) > shown else ""
    print(f"  ({more}all are listed {where})", file=sys.stderr)


def _prepare(args) -> tuple[FitOptions, list]:
    """Check everything that can be checked before any fit runs; ValueError when wrong."""
    if args.command == "fit":
        check_out(args.out, suffixes=SUFFIXES, what="the table", overwrite=args.overwrite)
        if args.out.suffix.lower() != ".csv":
            from ._table import _pyarrow

            _pyarrow()
    else:
        check_out(args.out, suffixes=(".pdf",), what="the report", overwrite=args.overwrite)
    if args.t_range is not None and not 0 <= args.t_range[0] < args.t_range[1]:
        lo, hi = args.t_range
        raise ValueError(f"--t-range {lo:g} {hi:g}: must be TMIN TMAX with 0 <= TMIN < TMAX (s)")
    if args.workers is not None or args.scheduler is not None:
        from ._dask import _MISSING

        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise ImportError(_MISSING) from exc
    backend = _set_backend(args.backend)
    options = FitOptions(
        model=args.model,
        bins=None if args.bins is None else tuple(args.bins),
        t_range=None if args.t_range is None else tuple(args.t_range),
        alpha=args.alpha,
        backend=backend,
        chunk_size=args.chunk_size,
    )
    from ._runner import list_files

    entries = list_files(args.folder)
    if not entries:
        raise ValueError(f"{args.folder}: no result files (.hdf, .h5, .hdf5, .nxs) in it")
    return options, entries


def _set_backend(name: str | None) -> str:
    from ..backends import enable_compilation_cache, get_backend, set_backend

    backend = set_backend(name) if name else get_backend()
    if backend.name == "jax":
        enable_compilation_cache()
    backend.device  # noqa: B018 - raises GPUUnavailableError when a GPU is required but absent
    return backend.name


def _bad(message: str) -> int:
    print(f"xpcsviewer batch: {message}", file=sys.stderr)
    return BAD_ARGS
