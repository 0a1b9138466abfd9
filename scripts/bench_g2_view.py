"""Benchmark the g2 workspace at beamline scale (issue 13), offscreen, in one run:

- paging through 100 bins of 5 overlaid files: ms per page (render + the one paint), warm;
- opening a 3,600-bin file on the g2 tab: the longest event-loop gap and the time to show;
- selecting 200 files on the g2 tab: the longest event-loop gap and the time to show.

The files are made in a temporary folder: a 512x512 detector partitioned into n_q x n_phi
cells (compute.make_partitions, compact labels) with g2 = 1 + 0.2 exp(-2 D q^2 t).
Usage: QT_QPA_PLATFORM=offscreen python scripts/bench_g2_view.py [--size 1366x768] [--fit]
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject  # noqa: E402 - after the platform is chosen


def make_file(path: Path, n_q: int, n_phi: int, seed: int = 0) -> Path:
    import xpcsviewer as xv
    from xpcsviewer.compute import compute_qmap, make_partitions
    from xpcsviewer.io import write_result_file
    from xpcsviewer.io._records import QMap

    base = xv.open(Path(__file__).resolve().parents[1] / "tests/data/brownian_a_results.hdf")
    shape = (512, 512)
    geo = compute_qmap(10.0, 4.0, 75e-6, 256.0, 256.0, shape, backend="numpy")
    mask = np.ones(shape, bool)
    parts = make_partitions(geo, mask, dynamic=(n_q, n_phi), static=(n_q * 2, n_phi),
                            backend="numpy")
    d = parts.to_qmap_dict()
    dyn_q = d["dynamic_v_list_dim0"][d["dynamic_index_mapping"] // n_phi]
    qm = QMap(mask, d["dynamic_roi_map"].astype(np.int64), d["static_roi_map"].astype(np.int64),
              d["dynamic_v_list_dim0"], d["dynamic_v_list_dim1"], d["static_v_list_dim0"],
              d["static_v_list_dim1"], d["dynamic_index_mapping"], d["static_index_mapping"],
              dynamic_num_pts=(n_q, n_phi), static_num_pts=(2 * n_q, n_phi),
              beam_center_x=256.0, beam_center_y=256.0, detector_distance_m=4.0,
              pixel_size_m=75e-6, energy_kev=10.0)
    rng = np.random.default_rng(seed)
    tau = base.tau
    g2 = 1 + 0.2 * np.exp(-2 * 3e5 * dyn_q[None, :] ** 2 * tau[:, None])
    err = np.full(g2.shape, 0.002)
    g2 = g2 + rng.normal(0, 0.002, g2.shape)
    n_static = d["static_index_mapping"].size
    return write_result_file(path, metadata=base.metadata, qmap=qm,
                             saxs_2d=np.ones(shape), saxs_1d=np.ones(n_static), tau=tau,
                             g2=g2, g2_err=err)


SETTLE_S = 0.3  # events pumped after a load is idle, so its final render and paints count


class GapMeter:
    """Longest gap between ticks of a 5 ms timer: how long the GUI thread was busy (wall
    time), and the GUI thread's own CPU time within that gap (``gap_cpu``: what the gap
    would be on an idle machine; on a loaded one the wall time is stretched by others)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.gap = self.gap_cpu = 0.0
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        if now - self.last > self.gap:
            self.gap, self.gap_cpu = now - self.last, cpu - self.last_cpu
        self.last, self.last_cpu = now, cpu

    def __enter__(self) -> GapMeter:
        self.last, self.last_cpu = time.perf_counter(), time.thread_time()
        self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.stop()


class PaintCounter(QObject):
    """Counts the paint events of a widget (the grid's viewport), as its child."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1920x1080", help="window size WxH")
    parser.add_argument("--fit", action="store_true", help="page through with fits shown too")
    parser.add_argument("--thread-reads", action="store_true",
                        help="read folder summaries on a job thread (before the reader process)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from xpcsviewer.gui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp(prefix="bench-g2-"))
    five, big, many = tmp / "five", tmp / "big", tmp / "many"
    for folder in (five, big, many):
        folder.mkdir()
    t0 = time.perf_counter()
    for k in range(5):
        make_file(five / f"run_{k}_results.hdf", 25, 4, seed=k)
    make_file(big / "big_3600_results.hdf", 60, 60)
    src = Path(__file__).resolve().parents[1] / "tests/data/brownian_a_results.hdf"
    for k in range(200):
        (many / f"run_{k:03d}_results.hdf").symlink_to(src)
    print(f"files made in {time.perf_counter() - t0:.1f} s in {tmp}")

    window = MainWindow(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(width, height)
    window.show()
    if not args.thread_reads:  # as gui/app.py does: folder summaries read in a process
        window.runner.use_reader_process()
    # As gui/app.py does after start-up: what exists now lives for the session, and a full
    # collection over it (run by whichever thread allocates) stalls the window 40-140 ms
    # while its thread-CPU clock shows nothing (bench_gui_gaps.py measures the same way).
    gc.freeze()
    keys = [d.controller.key for d in window.drivers]

    def idle() -> bool:
        driver = window.current_driver()
        return window.scan_job is None and not driver.busy and not driver.stale

    def wait(condition, timeout=600.0) -> float:
        start = time.perf_counter()
        while not condition():
            app.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - start > timeout:
                raise TimeoutError
        return time.perf_counter() - start

    def load(folder: Path, select: int) -> tuple[float, str]:
        window.tabs.setCurrentIndex(keys.index("g2"))
        with GapMeter() as meter:
            window.load_folder(folder, select=select)
            wait(lambda: window.scan_job is None)
            took = wait(idle)
            # The result is drawn and painted in the last slices: keep ticking until they
            # are over, or the meter stops before it sees the longest gap of all.
            settle = time.perf_counter() + SETTLE_S
            wait(lambda: time.perf_counter() > settle)
        return took, (f"{1e3 * meter.gap:.0f} ms ({1e3 * meter.gap_cpu:.0f} ms of it GUI-thread "
                      "CPU)")

    view = window.drivers[keys.index("g2")].view
    paints = PaintCounter(view.grid.viewport())
    took, gap = load(five, 5)
    view.state.bin_last = 99  # 100 bins of 5 files

    def sweep_pages(label: str) -> None:
        """Page through every page twice; time the second sweep (warm): from the click to the
        end of the one paint that shows the new page, as a user sees it."""
        wait(idle)
        per_page, cpu, counts = [], [], []
        for sweep in range(2):  # the first sweep warms the pooled plots and axis pictures
            view.state.page = 0
            wait(idle)
            app.processEvents()
            while view.next_page.isEnabled():
                paints.count = 0
                start, start_cpu = time.perf_counter(), time.thread_time()
                view.next_page.click()
                while paints.count == 0:  # the posted update paints the viewport once
                    app.processEvents()
                if sweep:
                    per_page.append(time.perf_counter() - start)
                    cpu.append(time.thread_time() - start_cpu)
                    app.processEvents()  # a second paint, if the page asks for one, counts too
                    counts.append(paints.count)
        print(f"window {width}x{height}: {view.grid.per_page} panels per page")
        print(f"paging 100 bins x 5 files{label}, warm: median {1e3 * np.median(per_page):.0f} ms, "
              f"max {1e3 * max(per_page):.0f} ms per page; GUI-thread CPU median "
              f"{1e3 * np.median(cpu):.0f} ms, max {1e3 * max(cpu):.0f} ms ({len(per_page)} "
              f"pages, paints per page {counts})")

    sweep_pages("")
    if args.fit:
        view.state.fit_on = True
        wait(lambda: view.last_data is not None and view.last_data.fit is not None and idle())
        sweep_pages(" with fits")
        view.state.fit_on = False
    view.state.bin_last = None  # every bin of the big file
    took, gap = load(big, 1)
    print(f"3,600-bin file on the g2 tab: shown in {took:.2f} s, longest GUI gap "
          f"{gap} ({view.last_data.n_slots_all} bins, {view.page_label.text()})")
    took, gap = load(many, 200)
    print(f"200 files selected on the g2 tab: shown in {took:.2f} s, longest GUI gap "
          f"{gap} ({len(view.last_data.files)} files)")
    window.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
