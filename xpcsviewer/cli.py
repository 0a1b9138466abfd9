"""Command line: ``xpcsviewer [FOLDER] [--demo] [--snapshot DIR [--select N]]``,
``xpcsviewer batch fit|report|snapshot ...`` (``xpcsviewer/batch/_cli.py``) and
``xpcsviewer qmap ...`` (``xpcsviewer/qmap_cli.py``).

Parsing, ``--version`` and ``--help`` never import Qt, so they work on a machine without
a display and answer instantly.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from ._cli_args import MIN_SIZE, at_least_one, parse, window_size


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xpcsviewer",
        description="View, fit and compare XPCS result files (APS-8IDI NeXus layout).",
        epilog="Batch work without the window: xpcsviewer batch {fit,report,snapshot} --help; "
        "a qmap file for the correlator: xpcsviewer qmap --help "
        "(a folder named 'batch' or 'qmap' opens as ./batch, ./qmap).",
    )
    parser.add_argument("folder", nargs="?", type=Path, help="folder of result files (.hdf, .h5)")
    parser.add_argument(
        "--version", action="store_true", help="print the version, backend and device, and exit"
    )
    parser.add_argument(
        "--demo", action="store_true", help="open on bundled demo data (made on first use)"
    )
    parser.add_argument(
        "--snapshot",
        type=Path,
        metavar="DIR",
        help="render every tab offscreen to DIR/<tab>.png and exit",
    )
    parser.add_argument(
        "--select",
        type=at_least_one,
        metavar="N",
        help="with --snapshot: select the first N files (default 1)",
    )
    parser.add_argument(
        "--backend", choices=("auto", "jax", "numpy"), help="array backend for this run"
    )
    parser.add_argument(
        "--size", type=window_size, metavar="WxH",
        help=f"with --snapshot: the window size in pixels (e.g. 1366x768 for a laptop; "
        f"default 1600x1000, at least {MIN_SIZE[0]}x{MIN_SIZE[1]})",
    )
    parser.add_argument(
        "--theme", choices=("light", "dark"), help="colour theme for this run (else Preferences)"
    )
    parser.add_argument("--mask-tab", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["batch"]:
        # A subcommand only as the first word, so `xpcsviewer FOLDER` keeps working.
        from .batch._cli import main as batch_main

        return batch_main(argv[1:])
    if argv[:1] == ["qmap"]:
        from .qmap_cli import main as qmap_main

        return qmap_main(argv[1:])
    mask_file = None
    if argv[:1] == ["mask"]:
        # `xpcsviewer mask [FILE]`: the window opened on the Mask tab (with FILE current).
        argv = argv[1:]
        if argv and not argv[0].startswith("-"):
            mask_file, argv = Path(argv[0]), argv[1:]
            if not mask_file.is_file():
                print(f"xpcsviewer mask: {mask_file} is not a file", file=sys.stderr)
                return 2
        argv = ["--mask-tab", *argv]
    args = parse(build_parser(), argv)  # bad option values: argparse says which (2)
    if isinstance(args, int):
        return args
    problem = _check(args)
    if problem:
        print(f"xpcsviewer: {problem}", file=sys.stderr)
        return 2
    try:
        from .backends import configure, enable_compilation_cache, get_backend

        configure(args.backend, changed={"backend"})  # what Preferences does, for this run
        backend = get_backend()
        if backend.name == "jax" and not args.version:
            enable_compilation_cache()
        device = backend.device  # raises GPUUnavailableError when a GPU is required but absent
    except (ImportError, ValueError, RuntimeError) as exc:
        print(f"xpcsviewer: {exc}", file=sys.stderr)
        return 2
    if args.version:
        print(f"xpcsviewer {__version__} (backend: {backend.name}, device: {device})")
        return 0
    from .gui.app import run

    return run(
        folder=args.folder,
        demo=args.demo,
        snapshot=args.snapshot,
        select=args.select or 1,
        backend=args.backend,
        theme=args.theme,
        size=args.size or (1600, 1000),
        **({"file": mask_file, "tab": "mask"} if args.mask_tab else {}),
    )


def _check(args: argparse.Namespace) -> str:
    """What is wrong with the options together ("" when nothing), checked before Qt starts:
    a missing folder would open (or render) an empty window, an option that only --snapshot
    reads would be ignored, an unwritable DIR would fail after the window was built."""
    if args.folder is not None and args.demo:
        return f"give FOLDER or --demo, not both (got {args.folder} and --demo)"
    if args.folder is not None and args.folder.is_file():
        # A result file opens its folder with it current; an image opens in the Mask tab.
        from .io._images import IMAGE_SUFFIXES

        if args.folder.suffix.lower() not in IMAGE_SUFFIXES:
            return (f"FOLDER {args.folder} is a file xpcsviewer cannot open (give a folder, a "
                    f"result file or a detector image: {', '.join(IMAGE_SUFFIXES)})")
    elif args.folder is not None and not args.folder.is_dir():
        what = "is not a folder" if args.folder.exists() else "does not exist"
        return f"FOLDER {args.folder} {what} (give a folder of result files)"
    if args.snapshot is None:
        given = [o for o, v in (("--select", args.select), ("--size", args.size)) if v]
        if given:
            verb = "applies" if len(given) == 1 else "apply"
            return f"{' and '.join(given)} only {verb} with --snapshot DIR"
        return ""
    if args.snapshot.exists() and not args.snapshot.is_dir():
        return f"--snapshot {args.snapshot} is a file; give a folder for the images"
    try:
        args.snapshot.mkdir(parents=True, exist_ok=True)  # what the snapshot does first
    except OSError as exc:
        return f"cannot write --snapshot {args.snapshot}: {exc.strerror or exc}"
    if not os.access(args.snapshot, os.W_OK):
        return f"cannot write --snapshot {args.snapshot}: no permission to write in it"
    return ""
