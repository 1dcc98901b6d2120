#!/usr/bin/env python3
"""Minimax polynomial fits for the vector math in kernels/math/.

Fits f(x) ~ sum_i c_i * x**(first + i*step) on [lo, hi] by iteratively reweighted
least squares, minimizing the relative (default) or absolute error, in mpmath's
high precision (Lawson's algorithm); then rounds the coefficients to f32 one at a time, refitting
the remaining ones after each rounding so the rounding costs little. Prints
the coefficients as Rust f32 literals and the fit's error in units of 2^-24.

The kernels' accuracy is not taken from this estimate: it is measured over
every f32 input by `cargo run --release -- accuracy --exhaustive`.

Usage (needs `pip install mpmath`):
    tools/polyfit.py exp        # and the other names in FITS below
    tools/polyfit.py --list
"""

import sys

import mpmath as mp

mp.mp.dps = 30


def f32(v):
    """Round an mpf to the nearest float32 (ties to even), as an mpf."""
    import struct

    return mp.mpf(struct.unpack("f", struct.pack("f", float(v)))[0])


def minimax(f, lo, hi, first, step, count, relative=True, fixed=(), points=400, iterations=60):
    """Coefficients for the terms first + i*step, i = len(fixed)..count-1, with the
    first len(fixed) given, minimizing the max (relative) error by Lawson's
    iteratively reweighted least squares on Chebyshev points. Returns (coeffs, max error)."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    powers = [first + i * step for i in range(count)]
    free = powers[len(fixed):]
    xs = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / points) for k in range(points)]
    fx = [f(x) for x in xs]
    scale = [1 / abs(v) if relative else mp.mpf(1) for v in fx]
    target = [v - sum(c * x ** p for c, p in zip(fixed, powers)) for v, x in zip(fx, xs)]
    basis = [[x ** p for p in free] for x in xs]
    weights = [mp.mpf(1) / points] * points
    coeffs = None
    for _ in range(iterations):
        # Weighted normal equations: sum_i w_i s_i^2 (B c - t)^2 -> min.
        m = len(free)
        ata = mp.matrix(m, m)
        atb = mp.matrix(m, 1)
        for w, sc, row, t in zip(weights, scale, basis, target):
            ww = w * sc * sc
            for i in range(m):
                atb[i] += ww * row[i] * t
                for j in range(m):
                    ata[i, j] += ww * row[i] * row[j]
        sol = mp.lu_solve(ata, atb)
        coeffs = [sol[i] for i in range(m)]
        errs = [abs((t - sum(c * r for c, r in zip(coeffs, row))) * sc) for t, row, sc in zip(target, basis, scale)]
        total = sum(w * e for w, e in zip(weights, errs))
        weights = [w * e / total for w, e in zip(weights, errs)]
    return list(fixed) + coeffs, max_error(f, lo, hi, powers, list(fixed) + coeffs, relative)


def max_error(f, lo, hi, powers, coeffs, relative, samples=5000):
    worst = mp.mpf(0)
    for i in range(samples + 1):
        x = lo + (hi - lo) * mp.mpf(i) / samples
        v = f(x)
        e = v - sum(c * x ** p for c, p in zip(coeffs, powers))
        worst = max(worst, abs(e / v) if relative else abs(e))
    return worst


def fit_f32(f, lo, hi, first, step, count, relative=True, fixed=()):
    """Minimax, then round to f32 coefficient by coefficient, refitting the rest."""
    fixed = list(fixed)
    while len(fixed) < count:
        coeffs, _ = minimax(f, lo, hi, first, step, count, relative, fixed)
        fixed.append(f32(coeffs[len(fixed)]))
    powers = [first + i * step for i in range(count)]
    return fixed, max_error(f, mp.mpf(lo), mp.mpf(hi), powers, fixed, relative)


def show(name, coeffs, worst, first, step):
    print(f"// {name}: terms x^{first}, x^{first + step}, ...; max error {float(worst):.3e} = {float(worst * 2**24):.4f} * 2^-24")
    for i, c in enumerate(coeffs):
        print(f"    {mp.nstr(c, 10, min_fixed=-20, max_fixed=20)}_f32, // x^{first + i * step}  ({float(c)!r})")


LN2 = mp.log(2)

# name: (function, lo, hi, first power, step, count, relative?, description)
FITS = {
    # (e^r - 1 - r) / r^2 on |r| <= ln2/2: exp and expm1 share it.
    "expm1_core": (
        lambda r: (mp.expm1(r) - r) / r**2 if abs(r) > 1e-20 else mp.mpf(1) / 2 + r / 6,
        -LN2 / 2 - mp.mpf("0.0001"), LN2 / 2 + mp.mpf("0.0001"), 0, 1, 6, True,
        "q(r) with e^r - 1 = r + r^2 q(r)",
    ),
    # log(1+f) = f - f^2/2 + s (f^2/2 + R(z)), s = f/(2+f), z = s^2: R(z)/z.
    "log1p_core": (
        lambda z: (2 * mp.atanh(mp.sqrt(z)) - 2 * mp.sqrt(z)) / mp.sqrt(z) / z
        if z > 1e-20 else mp.mpf(2) / 3 + 2 * z / 5,
        mp.mpf("1e-12"), mp.mpf("0.0295"), 0, 1, 4, True,
        "(2 atanh(s) - 2s)/(s z) as a polynomial in z = s^2",
    ),
}


def main():
    if len(sys.argv) < 2 or sys.argv[1] == "--list":
        for name, spec in FITS.items():
            print(f"{name}: {spec[-1]}")
        return
    for name in sys.argv[1:]:
        f, lo, hi, first, step, count, relative, _ = FITS[name]
        coeffs, worst = fit_f32(f, lo, hi, first, step, count, relative)
        show(name, coeffs, worst, first, step)


if __name__ == "__main__":
    main()
