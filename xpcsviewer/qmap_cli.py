"""``xpcsviewer qmap``: make a qmap file for the correlator from a script (no Qt).

    xpcsviewer qmap --image RESULT.hdf --dq 18 --dphi 6 --out qmap.hdf
    xpcsviewer qmap --image saxs.npy --geometry energy=10,distance=5,pixel=75e-6,cx=40,cy=150 \\
        --mask mask.npy --dq 36 --sq 360 --out qmap.hdf
    xpcsviewer qmap --image saxs.npy --geometry calib.poni --find-center --out qmap.hdf
    xpcsviewer qmap --image frame.tif --geometry calib.poni --mask mask.tif --out qmap.hdf
    xpcsviewer qmap --image raw.h5 --frames 0:1000 --geometry RESULT.hdf --out qmap.hdf

Exit status 0 on success, 2 on bad input: the message names the option or the file and the
problem (options are checked here, before any work, so no message speaks the API's keywords).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from ._cli_args import at_least_one, check_out, describe, parse, write_failed


def _pair(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be LO,HI in 1/A, got {text!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
        raise argparse.ArgumentTypeError(f"must be LO,HI with 0 <= LO < HI (1/A), got {text!r}")
    return lo, hi


def _frames(text: str):
    from .io import parse_frames

    try:
        return parse_frames(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
    return value


def _geometry(text: str):
    if "=" not in text:
        if not Path(text).is_file():
            raise argparse.ArgumentTypeError(f"no such file: {text} (give key=value pairs, "
                                             "a .poni file or a result file)")
        return text  # a .poni or result file: read (and checked) with the image
    from .io import parse_geometry

    try:
        return parse_geometry(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("geometry: ")) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xpcsviewer qmap",
                                description="Partition a detector into (q, phi) rois and write "
                                "the qmap file boost_corr reads (pySimpleMask's /qmap layout).")
    p.add_argument("--image", required=True, type=Path,
                   help="result file (its SAXS-2D, geometry and mask), a TIFF/EDF/CBF image, "
                   "raw HDF5 frames at /entry/data/data (averaged over --frames) or .npy")
    p.add_argument("--frames", default="", type=_frames, metavar="A:B",
                   help="raw frames A..B-1 to average (half-open, either side may be blank; "
                   "default all)")
    p.add_argument("--geometry", type=_geometry,
                   help="energy=KEV,distance=M,pixel=M,cx=PX,cy=PX, a .poni file or a result "
                   "file (default: the image's result file)")
    p.add_argument("--mask", type=Path, help=".npy, TIFF/EDF or HDF5 (/qmap/mask, "
                   "/xpcs/qmap/mask, /mask); nonzero = valid")
    p.add_argument("--dq", type=at_least_one, default=36, help="dynamic q bins (default 36)")
    p.add_argument("--dphi", type=at_least_one, default=1, help="dynamic phi bins (default 1)")
    p.add_argument("--sq", type=at_least_one, help="static q bins (default 10 x dq)")
    p.add_argument("--sphi", type=at_least_one, help="static phi bins (default dphi)")
    p.add_argument("--scale", choices=("linear", "log"), default="linear")
    p.add_argument("--phi-offset", type=_finite, default=0.0, help="degrees")
    p.add_argument("--fold", type=at_least_one, default=1, help="phi symmetry fold")
    p.add_argument("--q-range", type=_pair, help="LO,HI in 1/A (default: the valid pixels')")
    p.add_argument("--phi-span", choices=("full", "valid"), default="full",
                   help="phi bins over the full circle (default, as the shipped files) or over "
                   "the valid pixels' phi range (pySimpleMask)")
    p.add_argument("--find-center", action="store_true",
                   help="refine the beam centre from the image's rings first")
    p.add_argument("--backend", choices=("jax", "numpy"), help="array backend")
    p.add_argument("--out", required=True, type=Path, help="qmap file to write (.h5, .hdf, .hdf5 or .nxs; new unless --overwrite)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    return p


def main(argv: list[str]) -> int:
    args = parse(build_parser(), argv)  # bad option values: argparse says which (2)
    if isinstance(args, int):
        return args
    from .io import XpcsFormatError, write_qmap_file
    from .io._keys import RESULT_SUFFIXES
    from .qmap_make import make_qmap, resolve_inputs

    try:
        check_out(args.out, suffixes=RESULT_SUFFIXES, what="the qmap file (HDF5)",
                  overwrite=args.overwrite)
        if args.geometry is None and args.image.suffix.lower() not in RESULT_SUFFIXES:
            raise ValueError(f"--image {args.image} is not a result file, so it carries no "
                             "geometry: give --geometry (energy=KEV,distance=M,pixel=M,cx=PX,"
                             "cy=PX, a .poni file or a result file)")
        inputs = resolve_inputs(args.image, args.geometry, args.mask, args.frames)
        geom = inputs.geometry
        if args.find_center:
            from .compute.center import find_beam_center

            found = find_beam_center(inputs.image, inputs.mask,
                                     (geom.beam_center_x, geom.beam_center_y))
            print(f"beam centre: ({geom.beam_center_x:.2f}, {geom.beam_center_y:.2f}) -> "
                  f"({found.x:.2f}, {found.y:.2f}) px")
            geom = geom.with_center(found.x, found.y)
        made = make_qmap(
            inputs.image, geom, mask=inputs.mask, dynamic=(args.dq, args.dphi),
            static=(args.sq or 10 * args.dq, args.sphi or args.dphi), scale=args.scale,
            phi_offset=args.phi_offset, symmetry_fold=args.fold, q_range=args.q_range,
            phi_span=args.phi_span, backend=args.backend,
        )
    except (XpcsFormatError, ValueError, OSError) as exc:
        print(f"xpcsviewer qmap: {describe(exc)}", file=sys.stderr)
        return 2
    try:  # apart from the reads above, so that an OSError here is about --out
        digest = write_qmap_file(args.out, made.qmap, source_file=inputs.source,
                                 overwrite=args.overwrite)
    except OSError as exc:
        print(f"xpcsviewer qmap: {write_failed(args.out, exc)}", file=sys.stderr)
        return 2
    except ValueError as exc:  # roi maps inconsistent with the mask: a bug, said plainly
        print(f"xpcsviewer qmap: cannot write --out {args.out}: {exc}", file=sys.stderr)
        return 2
    for line in made.geometry.ignored:
        print(f"ignored: {line}")
    qm = made.qmap
    print(f"{args.out}: {int(qm.mask.sum())} valid pixels, "
          f"{qm.dynamic_index_mapping.size} dynamic / {qm.static_index_mapping.size} static rois "
          f"(grids {qm.dynamic_num_pts[0]}x{qm.dynamic_num_pts[1]}, "
          f"{qm.static_num_pts[0]}x{qm.static_num_pts[1]}); hash {digest[:12]}")
    return 0
