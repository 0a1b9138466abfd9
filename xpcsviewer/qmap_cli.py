"""``xpcsviewer qmap``: make a qmap file for the correlator from a script (no Qt).

    xpcsviewer qmap --image RESULT.hdf --dq 18 --dphi 6 --out qmap.hdf
    xpcsviewer qmap --image saxs.npy --geometry energy=10,distance=5,pixel=75e-6,cx=40,cy=150 \\
        --mask mask.npy --dq 36 --sq 360 --out qmap.hdf
    xpcsviewer qmap --image saxs.npy --geometry calib.poni --find-center --out qmap.hdf
    xpcsviewer qmap --image frame.tif --geometry calib.poni --mask mask.tif --out qmap.hdf
    xpcsviewer qmap --image raw.h5 --frames 0:1000 --geometry RESULT.hdf --out qmap.hdf

Exit status 0 on success, 2 on bad input (the message names the file and the problem).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _pair(text: str) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be LO,HI in 1/A, got {text!r}") from None
    return lo, hi


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xpcsviewer qmap",
                                description="Partition a detector into (q, phi) rois and write "
                                "the qmap file boost_corr reads (pySimpleMask's /qmap layout).")
    p.add_argument("--image", required=True, type=Path,
                   help="result file (its SAXS-2D, geometry and mask), a TIFF/EDF/CBF image, "
                   "raw HDF5 frames at /entry/data/data (averaged over --frames) or .npy")
    p.add_argument("--frames", default="", metavar="A:B",
                   help="raw frames A..B-1 to average (half-open, either side may be blank; "
                   "default all)")
    p.add_argument("--geometry",
                   help="energy=KEV,distance=M,pixel=M,cx=PX,cy=PX, a .poni file or a result "
                   "file (default: the image's result file)")
    p.add_argument("--mask", type=Path, help=".npy, TIFF/EDF or HDF5 (/qmap/mask, "
                   "/xpcs/qmap/mask, /mask); nonzero = valid")
    p.add_argument("--dq", type=int, default=36, help="dynamic q bins (default 36)")
    p.add_argument("--dphi", type=int, default=1, help="dynamic phi bins (default 1)")
    p.add_argument("--sq", type=int, help="static q bins (default 10 x dq)")
    p.add_argument("--sphi", type=int, help="static phi bins (default dphi)")
    p.add_argument("--scale", choices=("linear", "log"), default="linear")
    p.add_argument("--phi-offset", type=float, default=0.0, help="degrees")
    p.add_argument("--fold", type=int, default=1, help="phi symmetry fold")
    p.add_argument("--q-range", type=_pair, help="LO,HI in 1/A (default: the valid pixels')")
    p.add_argument("--phi-span", choices=("full", "valid"), default="full",
                   help="phi bins over the full circle (default, as the shipped files) or over "
                   "the valid pixels' phi range (pySimpleMask)")
    p.add_argument("--find-center", action="store_true",
                   help="refine the beam centre from the image's rings first")
    p.add_argument("--backend", choices=("jax", "numpy"), help="array backend")
    p.add_argument("--out", required=True, type=Path, help="qmap file to write (new)")
    p.add_argument("--overwrite", action="store_true", help="replace --out if it exists")
    return p


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    from .io import XpcsFormatError, parse_frames, parse_geometry
    from .qmap_make import make_qmap, resolve_inputs

    try:
        geometry = args.geometry
        if geometry is not None and "=" in geometry:
            geometry = parse_geometry(geometry)
        inputs = resolve_inputs(args.image, geometry, args.mask, parse_frames(args.frames))
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
            phi_span=args.phi_span, out=args.out, source_file=inputs.source,
            overwrite=args.overwrite, backend=args.backend,
        )
    except (XpcsFormatError, ValueError, FileExistsError, OSError) as exc:
        print(f"xpcsviewer qmap: {exc}", file=sys.stderr)
        return 2
    for line in made.geometry.ignored:
        print(f"ignored: {line}")
    qm = made.qmap
    print(f"{made.path}: {int(qm.mask.sum())} valid pixels, "
          f"{qm.dynamic_index_mapping.size} dynamic / {qm.static_index_mapping.size} static rois "
          f"(grids {qm.dynamic_num_pts[0]}x{qm.dynamic_num_pts[1]}, "
          f"{qm.static_num_pts[0]}x{qm.static_num_pts[1]}); hash {made.hash[:12]}")
    return 0
