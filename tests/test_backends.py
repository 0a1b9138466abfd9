"""Every BackendProtocol method: JAX and NumPy agree to 1e-12 (float64)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from xpcsviewer.backends import BackendProtocol, get_backend

RNG = np.random.default_rng(7)
A = RNG.uniform(0.1, 2.0, size=(4, 5))
B = RNG.uniform(0.1, 2.0, size=(4, 5))
V = RNG.uniform(-1.0, 1.0, size=6)
SQ = A[:4, :4] + 4 * np.eye(4)
IDX = np.array([0, 2, 2, 5, 1, 0])
SORTED = np.sort(RNG.uniform(0, 10, size=8))

# name -> builder of (args, kwargs) from the backend; arrays go in as backend arrays.
CASES = {
    "array": lambda b: ((A,), {}),
    "asarray": lambda b: ((A,), {}),
    "zeros": lambda b: (((2, 3),), {}),
    "ones": lambda b: (((2, 3),), {}),
    "full": lambda b: (((2, 3), 1.5), {}),
    "zeros_like": lambda b: ((b.asarray(A),), {}),
    "ones_like": lambda b: ((b.asarray(A),), {}),
    "arange": lambda b: ((0.0, 3.0, 0.5), {}),
    "linspace": lambda b: ((0.0, 1.0, 7), {}),
    "logspace": lambda b: ((-3.0, 1.0, 9), {}),
    "eye": lambda b: ((3,), {}),
    "meshgrid": lambda b: ((b.asarray(V[:3]), b.asarray(V[:4])), {"indexing": "ij"}),
    "exp": lambda b: ((b.asarray(A),), {}),
    "log": lambda b: ((b.asarray(A),), {}),
    "log10": lambda b: ((b.asarray(A),), {}),
    "sqrt": lambda b: ((b.asarray(A),), {}),
    "sin": lambda b: ((b.asarray(A),), {}),
    "cos": lambda b: ((b.asarray(A),), {}),
    "tan": lambda b: ((b.asarray(A),), {}),
    "arcsin": lambda b: ((b.asarray(V),), {}),
    "arctan": lambda b: ((b.asarray(V),), {}),
    "arctan2": lambda b: ((b.asarray(A), b.asarray(B)), {}),
    "hypot": lambda b: ((b.asarray(A), b.asarray(B)), {}),
    "abs": lambda b: ((b.asarray(V),), {}),
    "sign": lambda b: ((b.asarray(V),), {}),
    "square": lambda b: ((b.asarray(V),), {}),
    "power": lambda b: ((b.asarray(A), 1.7), {}),
    "floor": lambda b: ((b.asarray(3 * V),), {}),
    "ceil": lambda b: ((b.asarray(3 * V),), {}),
    "round": lambda b: ((b.asarray(3 * V),), {"decimals": 2}),
    "clip": lambda b: ((b.asarray(V), -0.5, 0.5), {}),
    "maximum": lambda b: ((b.asarray(A), b.asarray(B)), {}),
    "minimum": lambda b: ((b.asarray(A), b.asarray(B)), {}),
    "deg2rad": lambda b: ((b.asarray(V * 180),), {}),
    "rad2deg": lambda b: ((b.asarray(V),), {}),
    "isnan": lambda b: ((b.asarray([1.0, np.nan]),), {}),
    "isfinite": lambda b: ((b.asarray([1.0, np.inf, np.nan]),), {}),
    "nan_to_num": lambda b: ((b.asarray([1.0, np.nan]),), {"nan": -1.0}),
    "sum": lambda b: ((b.asarray(A),), {"axis": 0}),
    "prod": lambda b: ((b.asarray(A),), {"axis": 1}),
    "mean": lambda b: ((b.asarray(A),), {"axis": 1}),
    "std": lambda b: ((b.asarray(A),), {"ddof": 1}),
    "var": lambda b: ((b.asarray(A),), {"axis": 0}),
    "min": lambda b: ((b.asarray(A),), {"axis": 0}),
    "max": lambda b: ((b.asarray(A),), {}),
    "argmin": lambda b: ((b.asarray(V),), {}),
    "argmax": lambda b: ((b.asarray(A),), {"axis": 1}),
    "median": lambda b: ((b.asarray(A),), {"axis": 0}),
    "percentile": lambda b: ((b.asarray(V), 30.0), {}),
    "nansum": lambda b: ((b.asarray([1.0, np.nan, 2.0]),), {}),
    "nanmean": lambda b: ((b.asarray([1.0, np.nan, 2.0]),), {}),
    "cumsum": lambda b: ((b.asarray(V),), {}),
    "any": lambda b: ((b.asarray(V > 0.9),), {}),
    "all": lambda b: ((b.asarray(A > 0),), {}),
    "reshape": lambda b: ((b.asarray(A), (5, 4)), {}),
    "transpose": lambda b: ((b.asarray(A),), {}),
    "concatenate": lambda b: (([b.asarray(A), b.asarray(B)],), {"axis": 1}),
    "stack": lambda b: (([b.asarray(A), b.asarray(B)],), {}),
    "where": lambda b: ((b.asarray(A > 1), b.asarray(A), b.asarray(B)), {}),
    "take": lambda b: ((b.asarray(V), b.asarray(IDX)), {}),
    "set_at": lambda b: ((b.asarray(V), 2, 9.0), {}),
    "sort": lambda b: ((b.asarray(V),), {}),
    "argsort": lambda b: ((b.asarray(V),), {}),
    "searchsorted": lambda b: ((b.asarray(SORTED), b.asarray([0.5, 5.0])), {}),
    "digitize": lambda b: ((b.asarray([0.5, 5.0, 11.0]), b.asarray(SORTED)), {}),
    "diag": lambda b: ((b.asarray(SQ),), {}),
    "diagonal": lambda b: ((b.asarray(SQ),), {"offset": 1}),
    "triu": lambda b: ((b.asarray(SQ),), {"k": 1}),
    "tril": lambda b: ((b.asarray(SQ),), {}),
    "interp": lambda b: ((b.asarray([0.3, 4.4]), b.asarray(SORTED), b.asarray(SORTED**2)), {}),
    "bincount": lambda b: ((b.asarray(IDX),), {"weights": b.asarray(V), "length": 7}),
    "segment_sum": lambda b: ((b.asarray(V), b.asarray(IDX), 7), {}),
    "dot": lambda b: ((b.asarray(V), b.asarray(V)), {}),
    "matmul": lambda b: ((b.asarray(A), b.asarray(B.T)), {}),
    "outer": lambda b: ((b.asarray(V), b.asarray(V)), {}),
    "solve": lambda b: ((b.asarray(SQ), b.asarray(V[:4])), {}),
    "inv": lambda b: ((b.asarray(SQ),), {}),
    "fft": lambda b: ((b.asarray(V),), {}),
    "ifft": lambda b: ((b.asarray(V),), {}),
    "rfft": lambda b: ((b.asarray(V),), {}),
    "irfft": lambda b: ((b.asarray(np.fft.rfft(V)),), {"n": 6}),
    "rfftfreq": lambda b: ((6, 0.1), {}),
    "to_numpy": lambda b: ((b.asarray(A),), {}),
    "from_numpy": lambda b: ((A,), {}),
    "device_put": lambda b: ((A,), {}),
}
TRANSFORMS = {"jit", "grad", "value_and_grad", "vmap", "scan", "fori_loop"}
PROPERTIES = {"name", "supports_grad", "supports_jit", "device"}


def _protocol_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(BackendProtocol)
        if not name.startswith("_") and (callable(member) or isinstance(member, property))
    }


@pytest.fixture(scope="module")
def backends():
    return get_backend("jax"), get_backend("numpy")


def _close(a, b) -> None:
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _close(x, y)
        return
    x, y = np.asarray(a), np.asarray(b)
    assert x.shape == y.shape
    if x.dtype.kind in "fc":
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-14)
        assert x.dtype == y.dtype, (x.dtype, y.dtype)
    else:
        np.testing.assert_array_equal(x, y)


def test_every_protocol_method_has_a_case():
    missing = _protocol_methods() - set(CASES) - TRANSFORMS - PROPERTIES
    assert not missing, f"protocol methods without a parity case: {sorted(missing)}"


def test_both_backends_satisfy_protocol(backends):
    for b in backends:
        assert isinstance(b, BackendProtocol)
    assert [b.name for b in backends] == ["jax", "numpy"]
    assert backends[0].supports_grad and backends[0].supports_jit
    assert not backends[1].supports_grad and not backends[1].supports_jit
    assert all(b.device == "cpu" for b in backends)


@pytest.mark.parametrize("name", sorted(CASES))
def test_method_parity(backends, name):
    results = []
    for b in backends:
        args, kwargs = CASES[name](b)
        results.append(getattr(b, name)(*args, **kwargs))
    _close(*results)


def test_float64_is_default(backends):
    for b in backends:
        assert np.asarray(b.array([1.0, 2.0])).dtype == np.float64
        assert np.asarray(b.zeros(3)).dtype == np.float64
        assert np.asarray(b.exp(b.asarray(A))).dtype == np.float64


def test_jit_and_vmap_parity(backends):
    t = np.linspace(0, 1, 9)
    params = np.array([[1.0, 0.2, 0.3], [1.1, 0.25, 0.05], [0.9, 0.1, 2.0]])

    results = []
    for b in backends:

        def g2(p, t, b=b):
            return p[0] + p[1] * b.exp(-2.0 * t / p[2])

        fn = b.jit(b.vmap(g2, in_axes=(0, None)))
        results.append(fn(b.asarray(params), b.asarray(t)))
    _close(*results)
    expected = params[:, :1] + params[:, 1:2] * np.exp(-2 * t / params[:, 2:3])
    _close(results[1], expected)


def test_vmap_tuple_outputs(backends):
    results = []
    for b in backends:
        fn = b.vmap(lambda x, y, b=b: (b.sum(x) * y, b.max(x)), in_axes=(0, None))
        results.append(fn(b.asarray(A), 2.0))
    _close(*results)


def test_scan_parity(backends):
    results = []
    for b in backends:

        def step(carry, x, b=b):
            new = carry * 0.5 + x
            return new, b.square(new)

        results.append(b.scan(step, b.asarray(0.0), b.asarray(V)))
    _close(*results)
    carry, ys = results[1]
    acc = 0.0
    for i, x in enumerate(V):
        acc = acc * 0.5 + x
        assert ys[i] == pytest.approx(acc**2, rel=1e-14)
    assert carry == pytest.approx(acc, rel=1e-14)


def test_fori_loop_parity(backends):
    results = [b.fori_loop(0, 10, lambda i, acc: acc + i * 0.5, 1.0) for b in backends]
    _close(*results)
    assert float(results[1]) == pytest.approx(1.0 + 0.5 * 45)


def test_jax_grad_matches_finite_differences(backends):
    jaxb = backends[0]
    t = jaxb.asarray(np.linspace(0.0, 2.0, 30))
    y = 1.0 + 0.25 * np.exp(-2 * np.asarray(t) / 0.4)

    def loss(p):
        model = p[0] + p[1] * jaxb.exp(-2.0 * t / p[2])
        return jaxb.sum(jaxb.square(model - jaxb.asarray(y)))

    p0 = np.array([1.02, 0.2, 0.5])
    analytic = np.asarray(jaxb.grad(loss)(jaxb.asarray(p0)))
    value, grad2 = jaxb.value_and_grad(loss)(jaxb.asarray(p0))
    h = 1e-6
    numeric = np.array(
        [
            (float(loss(jaxb.asarray(p0 + h * e))) - float(loss(jaxb.asarray(p0 - h * e))))
            / (2 * h)
            for e in np.eye(3)
        ]
    )
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6)
    np.testing.assert_allclose(np.asarray(grad2), analytic, rtol=1e-14)
    assert float(value) == pytest.approx(float(loss(jaxb.asarray(p0))))


@pytest.mark.parametrize("method", ["grad", "value_and_grad"])
def test_numpy_grad_raises_clearly(backends, method):
    with pytest.raises(NotImplementedError, match="cannot differentiate"):
        getattr(backends[1], method)(lambda p: p)


def test_numpy_set_at_does_not_mutate(backends):
    x = np.arange(3.0)
    y = backends[1].set_at(x, 0, 5.0)
    assert x[0] == 0.0 and y[0] == 5.0
