"""Which least-squares engine runs a fit when the caller names none: the first fit of a
process does not wait for JAX.

A new process spends 1.4-3 s before its first JAX fit returns: importing JAX (0.5-0.9 s,
plus the LAPACK modules jaxlib loads), making the CPU client, then loading the exported
solver or tracing and compiling it (``_kernel_cache.py``). The maths of a one-file fit takes
14-40 ms. The NumPy Levenberg-Marquardt (``_lsq_numpy.py``) needs no JAX at all and fits one
12-59-bin file in 40-280 ms, so a script's or a command's first fit of a small problem runs
there while the JAX program is not yet in memory, when the backend is left to ``auto``
(a backend the user named is always used). Once a JAX fit of that shape has run in
the process (a larger fit, an explicit ``backend="jax"``, or the GUI job process's start-up
warm-up, ``_warmup.py``), later fits of that shape run on JAX, which is 2-3x faster warm.

Agreement, measured on the shipped files (brownian_a, aging_b, phi_c; every bin): the two
engines give the same status for every bin and values within 6.5e-8 relative (single
<= 2.3e-8, stretched <= 6.5e-8); the chi-square of the two points agree to 1e-13 (single)
and 2e-9 (stretched). Both engines then sit on the same flat floor of the cost: a relative
change d of a parameter changes a float64 chi-square by ~d^2, so values below ~1e-7 are not
resolved by it, and optimistix stops at the same points for rtol 1e-8 and 1e-12. The NumPy
engine's Jacobian is a complex step (exact to rounding, as JAX's ``jacfwd``); with central
differences the minimum itself moved by up to 4e-8. The double model is left out: on
single-mode data its minimum is flat and the two engines stop at different points (the
statuses differ), so a double fit always runs on JAX.

``XPCS_FIRST_FIT_NUMPY=false`` turns this off (every fit then runs on the active backend):
for tests that compare one fit with another to 1e-10, and for anyone who wants one engine.
"""

from __future__ import annotations

import os

# Models whose NumPy and JAX fits agree (see above).
FIRST_FIT_MODELS = ("single", "stretched")
# Largest problem (rows x delays, before padding) fitted on NumPy while JAX is cold: 256
# bins of 64 delays. A cold JAX fit costs >= 1.4 s on a 2-core CPU; the NumPy fit of 243
# rows x 48 delays takes 0.14 s (single) to 0.76 s (stretched).
FIRST_FIT_MAX_POINTS = 256 * 64


def choose_engine(problem, backend: str | None, *, max_steps: int, rtol: float,
                  atol: float) -> tuple[str, str]:
    """``(engine, why)`` for :func:`fit_g2`: ``"jax"`` or ``"numpy"`` and a phrase for the
    provenance. A backend named by the caller (``backend=``), by ``set_backend`` or by
    ``XPCS_USE_JAX=true/false`` is always obeyed: the rule applies to ``auto`` only (a
    script that chose nothing; the viewer's window, whose job process names JAX and warms
    it up). Raises ``ValueError`` for an unknown backend name."""
    from ..backends import active_name, backend_chosen

    if backend is not None:
        if backend not in ("jax", "numpy"):
            raise ValueError(f"unknown backend {backend!r}; choose 'jax' or 'numpy'")
        return backend, "asked for (backend=)"
    name = active_name()
    if backend_chosen():
        return name, "the backend named by set_backend or XPCS_USE_JAX"
    if not first_fit_on_numpy() or name != "jax":
        return name, "the active backend"
    if problem.spec.name not in FIRST_FIT_MODELS:
        return "jax", "the active backend"
    if problem.n_rows * problem.g2.shape[1] > FIRST_FIT_MAX_POINTS:
        return "jax", "the active backend"
    from ._lsq_jax import is_warm

    if is_warm(problem, max_steps=max_steps, rtol=rtol, atol=atol):
        return "jax", "the active backend"
    return "numpy", ("first fit of this shape in this process: the JAX program is not in "
                     "memory yet, and the NumPy engine agrees with it to 1e-7")


def first_fit_on_numpy() -> bool:
    """Whether a small cold fit may run on NumPy (``XPCS_FIRST_FIT_NUMPY``, default true);
    raises ``ValueError`` for a value other than true/false/1/0/yes/no/on/off."""
    value = os.environ.get("XPCS_FIRST_FIT_NUMPY", "true").strip().lower()
    if value in ("1", "true", "yes", "on", ""):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"XPCS_FIRST_FIT_NUMPY={value!r} is not one of true, false")
