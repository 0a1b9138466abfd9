"""Which g2 curves go in which panel: φ modes and overlays paired by (q, φ). Qt-free.

A file's g2 columns are its compact roi labels (label r is column r - 1), so column k of
one file is in general another (q, φ) cell than column k of the next file. Panels are
therefore built around a reference file's bins (the session's current file when it is
overlaid, else the first one), and each other file contributes the bin nearest in (q, φ)
(``compute.bins.match_bins``); bins without a partner are named and come after the
reference's bins (each kind in q order). Colours follow the files'
order in the selection, whichever file is the reference.

φ modes (``G2State.phi_mode``):
- ``each``: one panel per (q, φ) bin;
- ``per_q``: one panel per q, one curve per φ (colour = φ sector; shape = file);
- ``average``: one panel per q with the pixel-weighted φ average (``compute.bins``);
- ``one``: only the φ sector nearest ``phi_pick`` degrees.
Bins are labelled 1-based, as the file's roi labels and boost_corr's ``-d 2-4`` are.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from xpcsviewer.compute.bins import match_bins, phi_average

from ...export_names import file_stem

PHI_MODES = {"each": "each (q, φ) bin", "per_q": "per q, curve per φ",
             "average": "φ average", "one": "one φ sector"}


@dataclass(frozen=True)
class FileG2:
    """One file's g2 as plotted: ``t`` (n_tau,) s; ``g2``, ``g2_err`` (n_tau, n_bins); ``q``
    (n_bins,) Å⁻¹; ``phi`` (n_bins,) degrees (NaN for a φ average); ``q_index`` (n_bins,)
    q grid index; ``weights`` pixels per bin; ``source`` (n_bins,) the file's own g2 column
    (-1 for an average); ``labels`` per column."""

    name: str
    path: str
    t: np.ndarray
    g2: np.ndarray
    g2_err: np.ndarray
    q: np.ndarray
    phi: np.ndarray
    labels: tuple[str, ...]
    q_index: np.ndarray
    weights: np.ndarray
    source: np.ndarray

    @property
    def n_bins(self) -> int:
        return int(self.g2.shape[1])

    # what fit_g2 reads from a file-like object
    @property
    def tau(self) -> np.ndarray:
        return self.t

    @property
    def dynamic_q(self) -> np.ndarray:
        return self.q


def bin_label(q: float, phi: float, with_phi: bool = True) -> str:
    """``q=… Å⁻¹, φ=…°`` (φ left out for a file with one φ bin; "φ avg" for an average)."""
    if not with_phi:
        return f"q={q:.4g} Å⁻¹"
    where = "φ avg" if not np.isfinite(phi) else f"φ={phi:.3g}°"
    return f"q={q:.4g} Å⁻¹, {where}"


def load(f: Any, weights: bool = False) -> FileG2:
    """A file's g2 with the q ring of each column and, with ``weights`` (the φ average needs
    them), its pixel counts from the qmap (read only then: 200 overlaid files would otherwise
    read 200 detector-sized roi maps for nothing)."""
    from xpcsviewer.compute.bins import column_pixel_counts

    n = f.n_bins
    # A ring's columns share their q value (q_list[index // n_phi]): group by value.
    q_index = np.unique(np.round(np.asarray(f.dynamic_q, np.float64), 12), return_inverse=True)[1]
    counts = np.ones(n)
    if weights:
        try:
            counts = column_pixel_counts(f.qmap.dynamic_roi_map, n).astype(np.float64)
        except Exception:  # noqa: BLE001 - no usable qmap: weigh the bins equally
            counts = np.full(n, np.nan)
    err = f.g2_err if f.g2_err is not None else np.full(f.g2.shape, np.nan)
    with_phi = np.unique(np.asarray(f.dynamic_phi)).size > 1
    labels = tuple(f"roi {c + 1}: {bin_label(f.dynamic_q[c], f.dynamic_phi[c], with_phi)}"
                   for c in range(n))
    return FileG2(f.name, str(f.path), f.tau, f.g2, err, np.asarray(f.dynamic_q, np.float64),
                  np.asarray(f.dynamic_phi, np.float64), labels, np.asarray(q_index, np.int64),
                  np.where(counts > 0, counts, 1.0), np.arange(n))


def _subset(f: FileG2, cols: np.ndarray) -> FileG2:
    return replace(f, g2=f.g2[:, cols], g2_err=f.g2_err[:, cols], q=f.q[cols], phi=f.phi[cols],
                   labels=tuple(f.labels[c] for c in cols), q_index=f.q_index[cols],
                   weights=f.weights[cols], source=f.source[cols])


def transform(f: FileG2, mode: str, phi_pick: float | None) -> FileG2:
    """``f`` as the φ mode shows it: averaged over φ, or only the sector nearest ``phi_pick``."""
    if mode == "average":
        avg = phi_average(f.g2, f.g2_err, f.q, f.q_index, f.weights)
        n = avg.q.size
        return replace(f, g2=avg.g2, g2_err=avg.g2_err, q=avg.q, phi=np.full(n, np.nan),
                       labels=tuple(f"q bin {k + 1}: {bin_label(avg.q[k], np.nan)}" for k in range(n)),
                       q_index=np.unique(f.q_index), weights=avg.n_pixels.astype(np.float64),
                       source=np.full(n, -1))
    if mode == "one":
        target = f.phi[0] if phi_pick is None else phi_pick
        d = np.abs((f.phi - target + 180.0) % 360.0 - 180.0)
        return _subset(f, np.flatnonzero(np.isclose(d, d.min(), atol=1e-6)))
    return f


@dataclass(frozen=True)
class Member:
    """One curve of a panel: column ``column`` of file ``file_index``, its legend ``label``
    and colour index; ``marker``, the index of its points' shape (``line.MARKERS``), and
    ``key``, its colour's name in the key when that is not ``label`` (the per-q mode of
    several files: colour = φ sector, shape = file)."""

    file_index: int
    column: int
    label: str
    colour: int
    marker: int = 0
    key: str = ""


@dataclass(frozen=True)
class Slot:
    """One panel: ``title`` (plain text: the bin; a second line, after a newline, says how
    the other files pair with it: a partner's own q, files without a bin here, "only in …"),
    the curves, a ``note`` shown in the panel, and ``tip``, the whole pairing (each
    partner's bin and q difference, each file without a bin), for the tooltip."""

    title: str
    members: tuple[Member, ...]
    note: str = ""
    tip: str = ""


def reference_index(paths: list[str], reference: str | None) -> int:
    """Index of the reference file among the overlaid ``paths``: the session's current file
    (``reference``) when it is overlaid, else the first file."""
    return paths.index(reference) if reference in paths else 0


def _pairs(files: list[FileG2], r: int) -> dict[int, Any]:
    """{file index: ``match_bins`` of its bins to the reference file ``r``'s}."""
    ref = files[r]
    return {k: match_bins(ref.q, ref.phi, f.q, f.phi) for k, f in enumerate(files) if k != r}


def slots(files: list[FileG2], mode: str, reference: int = 0) -> tuple[list[Slot], list[str], int]:
    """All panels for ``files`` (already transformed), notes on unpaired bins, and the
    number of colours used. Panels are the bins of ``files[reference]`` (the current file
    when it is overlaid), the other files paired to them; a member's colour is its file's
    index (its place in the selection), so colours do not move with the reference."""
    r = reference if 0 <= reference < len(files) else 0
    ref, many = files[r], len(files) > 1
    pairs = _pairs(files, r)
    notes, differ = [], []
    for k, m in pairs.items():
        if m.same_partition:
            continue
        if (m.partner < 0).all() and (np.unique(ref.phi).size > 1) != (np.unique(files[k].phi).size > 1):
            notes.append(f"{files[k].name}: no bin pairs with {ref.name} (one file is "
                         "φ-resolved, the other not): choose φ average")
        elif m.orphans.size or (m.partner < 0).any():
            differ.append(f"{file_stem(files[k].name)} ({m.orphans.size} bins only there, "
                          f"{int((m.partner < 0).sum())} of {file_stem(ref.name)}'s without a partner)")
    if differ:  # one sentence for all files, not one per file
        notes.append(f"partitions differ from {ref.name}'s, bins paired by nearest q, φ: "
                     + "; ".join(differ))
    if mode == "per_q":
        return _per_q(files, pairs, r), notes, max(1, np.unique(np.round(ref.phi, 9)).size)
    out = []
    for c in range(ref.n_bins):
        members = [Member(r, c, ref.name if many else "data", r)]
        shifted, missing = [], []
        for k, m in pairs.items():
            p = int(m.partner[c])
            if p < 0:
                missing.append(file_stem(files[k].name))
                continue
            members.append(Member(k, p, files[k].name, k))
            if abs(m.dq_rel[c]) > 1e-6 or m.dphi[c] > 1e-6:
                shifted.append((k, p, float(m.dq_rel[c]), float(m.dphi[c])))
        members.sort(key=lambda member: member.file_index)  # drawn in selection order
        title, tip = _title(ref.labels[c], files, shifted, missing)
        out.append(((0, *_order(ref.q[c], ref.phi[c])), Slot(title, tuple(members), tip=tip)))
    # A bin of another file with no partner in the reference gets a panel of its own, so
    # every bin of every file is shown (and fitted), after the reference's bins (in q order
    # among them they pushed the current file's bins to page 3 when another file had many
    # bins below its q range). Whose bin it is goes in the title (a note in the panel would
    # sit on its first points).
    for q, phi, members in _orphan_panels(files, pairs):
        f, o = files[members[0].file_index], members[0].column
        names = [file_stem(files[m.file_index].name) for m in members]
        title = f"{f.labels[o]}\nonly in {', '.join(names)}"
        tip = "\n".join(f"{name} {files[m.file_index].labels[m.column]}"
                         for name, m in zip(names, members, strict=True))
        out.append(((1, *_order(q, phi)), Slot(title, tuple(members), tip=tip)))
    out.sort(key=lambda item: item[0])  # stable: equal keys keep their file order
    return [slot for _, slot in out], notes, len(files)


def _orphan_panels(files: list[FileG2], pairs: dict[int, Any]) -> list[tuple[float, float, list[Member]]]:
    """The other files' bins without a partner in the reference, as panels (q, φ, members):
    paired among themselves by the same rule (``match_bins``), so that two files sharing a
    partition the reference lacks show each such bin once, overlaid, not once per file."""
    panels: list[tuple[float, float, list[Member]]] = []
    for k, m in pairs.items():
        f = files[k]
        if not m.orphans.size:
            continue
        orphans = np.asarray(m.orphans, np.int64)
        joined = np.full(orphans.size, False)
        if panels:
            anchor_q = np.array([p[0] for p in panels])
            anchor_phi = np.array([p[1] for p in panels])
            found = match_bins(anchor_q, anchor_phi, f.q[orphans], f.phi[orphans])
            for i, p in enumerate(found.partner):
                if p >= 0 and not joined[p]:  # a coarser bin serves one panel only
                    panels[i][2].append(Member(k, int(orphans[p]), f.name, k))
                    joined[p] = True
        for o in orphans[~joined]:
            panels.append((float(f.q[o]), float(f.phi[o]), [Member(k, int(o), f.name, k)]))
    return panels


def _order(q: float, phi: float) -> tuple[float, float]:
    """A panel's place among its kind: by q, then φ (a φ average, NaN, as 0). Plain
    floats: numpy's ``nan_to_num`` per panel was half of ``slots`` for a 3,600-bin file."""
    q, phi = float(q), float(phi)
    return q, (0.0 if phi != phi else phi)


def _per_q(files: list[FileG2], pairs: dict[int, Any], r: int) -> list[Slot]:
    """One panel per q ring of the reference file. A curve's colour is its φ sector (the
    reference's sector its bin pairs with: the same φ has the same colour in every file)
    and its shape its file (the file's place in the selection): a colour per (file, φ)
    was 24 colours for 4 files of 6 sectors from a palette of 8, repeating."""
    ref = files[r]
    sectors = np.unique(np.round(ref.phi, 9))
    out = []
    for group in np.unique(ref.q_index):
        cols = np.flatnonzero(ref.q_index == group)
        members = []
        for c in cols:
            colour = int(np.searchsorted(sectors, np.round(ref.phi[c], 9)))
            for k, f in enumerate(files):
                p = c if k == r else int(pairs[k].partner[c])
                if p < 0:
                    continue
                name = f"{f.name} " if len(files) > 1 else ""
                members.append(Member(k, p, f"{name}φ={f.phi[p]:.3g}°", colour, k,
                                      f"φ={ref.phi[c]:.3g}°"))
        q = float(np.average(ref.q[cols], weights=ref.weights[cols]))
        out.append(Slot(f"q bin {len(out) + 1}: q={q:.4g} Å⁻¹, {cols.size} φ", tuple(members)))
    return out


def _title(label: str, files: list[FileG2], shifted: list[tuple[int, int, float, float]],
           missing: list[str]) -> tuple[str, str]:
    """(title, tip) of a reference bin's panel. The title (plain text) is the bin and, where
    the other files do not all pair with it at its own q, a second line: a partner's own q
    (one other file) or how far the partners' q (and φ) lie (several), then the files with
    no bin here. Two short lines rather than one long one: at 220 px a panel fits about 35
    characters a line, and a note inside the panel sat on its first points. ``tip`` names
    every partner's bin with its q difference and every file without a bin."""
    tip = [f"{file_stem(files[k].name)} {files[k].labels[p]} (Δq {100 * dq:+.1f}%)"
           for k, p, dq, _ in shifted]
    tip += [f"no bin of {name} near here" for name in missing]
    parts = []
    if len(shifted) == 1:
        k, p, _, _ = shifted[0]
        f = files[k]
        parts.append(f"{file_stem(f.name)}: {bin_label(f.q[p], f.phi[p], np.unique(f.phi).size > 1)}")
    elif shifted:
        worst = max(abs(dq) for _, _, dq, _ in shifted)
        turn = max(dphi for _, _, _, dphi in shifted)
        parts.append(f"{len(shifted)} files: Δq ≤ {100 * worst:.1f}%"
                     + (f", Δφ ≤ {turn:.3g}°" if turn > 1e-6 else ""))
    if missing:
        parts.append(f"no bin of {missing[0]}" if len(missing) == 1 else f"no bin of {len(missing)} files")
    title = "\n".join([label, "; ".join(parts)]) if parts else label
    return title, "\n".join(tip)


def page_of(n_slots: int, per_page: int, page: int) -> tuple[int, int, int]:
    """(page, first, stop) for ``page`` clamped to what exists; slots[first:stop] show."""
    per_page = max(1, int(per_page))
    n_pages = max(1, -(-n_slots // per_page))
    page = min(max(0, int(page)), n_pages - 1)
    return page, page * per_page, min(n_slots, (page + 1) * per_page)
