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
    tools/polyfit.py expm1_core   # and the other names in FITS below
    tools/polyfit.py constants    # the split constants of kernels/math/trig.rs
    tools/polyfit.py --list
"""

import sys

import mpmath as mp

mp.mp.dps = 30


def f32(v):
    """Round an mpf to the nearest float32 (ties to even), as an mpf."""
    import struct

    return mp.mpf(struct.unpack("f", struct.pack("f", float(v)))[0])


def f64(v):
    """Round an mpf to the nearest float64, as an mpf."""
    return mp.mpf(float(v))


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


def fit_f32(f, lo, hi, first, step, count, relative=True, fixed=(), rounding=f32):
    """Minimax, then round to f32 (or `rounding`) coefficient by coefficient,
    refitting the rest."""
    fixed = list(fixed)
    while len(fixed) < count:
        coeffs, _ = minimax(f, lo, hi, first, step, count, relative, fixed)
        fixed.append(rounding(coeffs[len(fixed)]))
    powers = [first + i * step for i in range(count)]
    return fixed, max_error(f, mp.mpf(lo), mp.mpf(hi), powers, fixed, relative)


def show(name, coeffs, worst, first, step, double=False):
    unit, bits, digits, suffix = ("2^-53", 53, 18, "f64") if double else ("2^-24", 24, 10, "f32")
    print(f"// {name}: terms x^{first}, x^{first + step}, ...; max error {float(worst):.3e} = {float(worst * 2**bits):.4f} * {unit}")
    for i, c in enumerate(coeffs):
        print(f"    {mp.nstr(c, digits, min_fixed=-20, max_fixed=20)}_{suffix}, // x^{first + i * step}  ({float(c)!r})")


LN2 = mp.log(2)

# name: (function, lo, hi, first power, step, count, relative?, description)
FITS = {
    # (e^r - 1 - r) / r^2 on |r| <= ln2/2: exp and expm1 share it.
    "expm1_core": (
        lambda r: (mp.expm1(r) - r) / r**2 if abs(r) > 1e-20 else mp.mpf(1) / 2 + r / 6,
        -LN2 / 2 - mp.mpf("0.0001"), LN2 / 2 + mp.mpf("0.0001"), 0, 1, 6, True,
        "q(r) with e^r - 1 = r + r^2 q(r)",
    ),
    # The same one degree lower, for tanh's exponential (exp.rs's Q_SHORT).
    "expm1_core_short": (
        lambda r: (mp.expm1(r) - r) / r**2 if abs(r) > 1e-20 else mp.mpf(1) / 2 + r / 6,
        -LN2 / 2 - mp.mpf("0.0001"), LN2 / 2 + mp.mpf("0.0001"), 0, 1, 5, True,
        "q(r) with e^r - 1 = r + r^2 q(r), degree 4",
    ),
    # log(1+f) = f - f^2/2 + s (f^2/2 + R(z)), s = f/(2+f), z = s^2: R(z)/z.
    "log1p_core": (
        lambda z: (2 * mp.atanh(mp.sqrt(z)) - 2 * mp.sqrt(z)) / mp.sqrt(z) / z
        if z > 1e-20 else mp.mpf(2) / 3 + 2 * z / 5,
        mp.mpf("1e-12"), mp.mpf("0.0295"), 0, 1, 4, True,
        "(2 atanh(s) - 2s)/(s z) as a polynomial in z = s^2",
    ),
    # The same function for log1p_unit_pair: u in [0, 1], so s <= 1/3.
    "log1p_unit_core": (
        lambda z: (2 * mp.atanh(mp.sqrt(z)) - 2 * mp.sqrt(z)) / mp.sqrt(z) / z
        if z > 1e-20 else mp.mpf(2) / 3 + 2 * z / 5,
        mp.mpf("1e-12"), mp.mpf("0.1112"), 0, 1, 5, True,
        "(2 atanh(s) - 2s)/(s z) as a polynomial in z = s^2, s <= 1/3",
    ),
    # The entries below take an options dict before the description: `fixed`
    # (leading coefficients given, not fitted) and `double` (round to f64).
    # (log1p(e) - e)/e^2 on e = e^-|x| in [0, 0.61] (|x| >= 1/2): softplus
    # and logsigmoid's division-free ln(1 + e), log1p_exp_parts (K).
    "log1p_exp_core": (
        lambda e: (mp.log1p(e) - e) / e**2 if e > 1e-12 else -mp.mpf(1) / 2 + e / 3,
        mp.mpf("1e-12"), mp.mpf("0.61"), 0, 1, 8, True, {"fixed": (mp.mpf(-0.5),)},
        "K(e) with ln(1 + e) = e + e^2 K(e), e in [0, 0.61]",
    ),
    # ln(cosh(x/2))/x^2 in u = x^2 on |x| <= 1/2: softplus near 0,
    # ln2 + x/2 + x^2 C(x^2) (log1p_exp_near_zero's C).
    "softplus_near_zero": (
        lambda u: mp.log(mp.cosh(mp.sqrt(u) / 2)) / u if u > 1e-12 else mp.mpf(1) / 8 - u / 192,
        mp.mpf("1e-12"), mp.mpf("0.2501"), 0, 1, 3, True,
        "C(u) with ln(1 + e^x) = ln2 + x/2 + x^2 C(x^2), |x| <= 1/2",
    ),
    # e^r itself on |r| <= ln2/2 (exp.rs's E holds the x^1.. coefficients):
    # expm1_reduced_plus, for callers that need e^r's absolute accuracy only.
    "exp_core": (
        mp.exp, -LN2 / 2 - mp.mpf("0.0001"), LN2 / 2 + mp.mpf("0.0001"), 0, 1, 7, True, {"fixed": (1, 1)},
        "e^r = 1 + r (1 + c2 r + ... + c6 r^5) on |r| <= ln2/2 (f32)",
    ),
    # sin r = r + r^3 S(r^2) on |r| <= 0.8 (pi/4 plus what an f32 quadrant
    # estimate can leave); the fitted x^3.. coefficients are S's.
    "sin_core": (
        mp.sin, mp.mpf("1e-4"), mp.mpf("0.8"), 1, 2, 4, True, {"fixed": (1,)},
        "sin r = r + r^3 S(r^2) on |r| <= 0.8 (f32)",
    ),
    # cos r = 1 - r^2/2 + r^4 C(r^2) on |r| <= 0.8.
    "cos_core": (
        mp.cos, 0, mp.mpf("0.8"), 0, 2, 5, True, {"fixed": (1, mp.mpf(-0.5))},
        "cos r = 1 - r^2/2 + r^4 C(r^2) on |r| <= 0.8 (f32)",
    ),
    # atan t = t + t^3 A(t^2) on [0, 1].
    "atan_core": (
        mp.atan, mp.mpf("1e-4"), 1, 1, 2, 9, True, {"fixed": (1,)},
        "atan t = t + t^3 A(t^2) on [0, 1] (f32)",
    ),
    # (sin r - r)/r^3 and (cos r - 1)/r^2 as polynomials in r^2, relative, in
    # f64: sinc's gradient subtracts x cos x and sin x, so it needs sin and
    # cos (and sin r - r, cos r - 1) to near f64 precision.
    "sin_core_f64": (
        lambda r: (mp.sin(r) - r) / r**3, mp.mpf("1e-4"), mp.mpf("0.8"), 0, 2, 6, True, {"double": True},
        "(sin r - r)/r^3 on |r| <= 0.8 as a polynomial in r^2 (f64)",
    ),
    "cos_core_f64": (
        lambda r: (mp.cos(r) - 1) / r**2, mp.mpf("1e-4"), mp.mpf("0.8"), 0, 2, 6, True, {"double": True},
        "(cos r - 1)/r^2 on |r| <= 0.8 as a polynomial in r^2 (f64)",
    ),
    # tanh(x) = x + x^3 P(x^2) on |x| <= 0.55 (beyond, 1 - 2e/(1+e)).
    "tanh_core": (
        lambda x: (mp.tanh(x) - x) / x**3 if abs(x) > 1e-10 else -mp.mpf(1) / 3 + 2 * x**2 / 15,
        mp.mpf("1e-6"), mp.mpf("0.5625"), 0, 2, 5, True,
        "P(x^2) with tanh(x) = x + x^3 P(x^2) on |x| <= 0.5625",
    ),
    # x - tanh(x) = x^3/3 + x^5 P(x^2) on |x| <= 1 (tanhshrink near 0).
    "tanhshrink_core": (
        lambda x: (x - mp.tanh(x) - x**3 / 3) / x**5 if abs(x) > 1e-8 else -mp.mpf(2) / 15 + 17 * x**2 / 315,
        mp.mpf("1e-6"), mp.mpf("1.0625"), 0, 2, 8, True,
        "P(x^2) with x - tanh(x) = x^3/3 + x^5 P(x^2) on |x| <= 1.0625",
    ),
    # e^r = 1 + r + r^2/2 + r^3 q(r) on |r| <= ln2/2 (the double-f32 exp).
    "exp_dd_core": (
        lambda r: (mp.exp(r) - 1 - r - r**2 / 2) / r**3 if abs(r) > 1e-10 else mp.mpf(1) / 6 + r / 24,
        -LN2 / 2 - mp.mpf("0.0001"), LN2 / 2 + mp.mpf("0.0001"), 0, 1, 5, True,
        "q(r) with e^r = 1 + r + r^2/2 + r^3 q(r)",
    ),
}


def constants():
    """The split constants of kernels/math/trig.rs: pi/2 in three f32 parts
    (for the FMA reduction), in two 36-bit f64 parts and a third (for the
    f64 reduction), and the bits of 2/pi (for the reduction of huge |x|)."""
    mp.mp.dps = 100
    pio2 = mp.pi / 2
    p1 = f32(pio2)
    p2 = f32(pio2 - p1)
    p3 = f32(pio2 - p1 - p2)
    for name, v in (("PIO2_1", p1), ("PIO2_2", p2), ("PIO2_3", p3)):
        import struct

        print(f"{name}: f32::from_bits(0x{struct.unpack('I', struct.pack('f', float(v)))[0]:08X})  ({float(v)!r})")

    def top_bits(v, bits):
        e = mp.floor(mp.log(abs(v), 2))
        q = mp.mpf(2) ** (e - bits + 1)
        return mp.nint(v / q) * q

    c1 = top_bits(pio2, 36)
    c2 = top_bits(pio2 - c1, 36)
    c3 = f64(pio2 - c1 - c2)
    for name, v in (("PIO2_1D", c1), ("PIO2_2D", c2), ("PIO2_3D", c3)):
        print(f"{name}: {float(v).hex()}  ({float(v)!r})")
    bits = int(mp.floor(2 / mp.pi * mp.mpf(2) ** 256))
    words = [(bits >> (256 - 64 * (i + 1))) & ((1 << 64) - 1) for i in range(4)]
    print("2/pi, bits 1..256:", ", ".join(f"0x{w:016X}" for w in words))


# The activations whose derivatives cross zero, and those roots.
def mish_prime(x):
    t = mp.tanh(mp.log1p(mp.exp(x)))
    return t + x / (1 + mp.exp(-x)) * (1 - t * t)


def gelu_prime(x):
    return mp.ncdf(x) + x * mp.npdf(x)


GELU_K = mp.sqrt(2 / mp.pi)
GELU_A = mp.mpf("0.044715")


def gelu_tanh_prime(x):
    u = GELU_K * (x + GELU_A * x**3)
    s = 1 / (1 + mp.exp(-2 * u))
    return s + x * s * (1 - s) * 2 * GELU_K * (1 + 3 * GELU_A * x * x)


ROOTS = {
    "mish": mp.findroot(mish_prime, -1.19),
    "gelu": mp.findroot(gelu_prime, -0.75),
    "gelu_tanh": mp.findroot(gelu_tanh_prime, -0.75),
}


def around_root(fprime, root):
    """f'(root + d)/d: relative accuracy of the derivative near its root."""
    return lambda d: fprime(root + d) / d if abs(d) > mp.mpf("1e-15") else mp.diff(fprime, root)


# Fits whose coefficients stay f64 (evaluated on the f64 lanes), same fields as FITS.
WIDE_FITS = {
    "mish_root": (
        around_root(mish_prime, ROOTS["mish"]), -mp.mpf("0.0625"), mp.mpf("0.0625"), 0, 1, 6, True,
        "R(d) with mish'(x0 + d) = d R(d), x0 the root near -1.19, |d| <= 1/16",
    ),
    "gelu_root": (
        around_root(gelu_prime, ROOTS["gelu"]), -mp.mpf("0.125"), mp.mpf("0.125"), 0, 1, 7, True,
        "R(d) with gelu'(x0 + d) = d R(d), x0 the root near -0.75, |d| <= 1/8",
    ),
    "gelu_tanh_root": (
        around_root(gelu_tanh_prime, ROOTS["gelu_tanh"]), -mp.mpf("0.0625"), mp.mpf("0.0625"), 0, 1, 6, True,
        "R(d) with gelu_tanh'(x0 + d) = d R(d), x0 the root near -0.75, |d| <= 1/16",
    ),
}


# The same about the tanh form's root in f32 (the kernel computes in f32 lanes),
# on a band twice as wide: outside it the derivative's cancellation is mild.
FITS["gelu_tanh_root_f32"] = (
    around_root(gelu_tanh_prime, ROOTS["gelu_tanh"]), -mp.mpf("0.125"), mp.mpf("0.125"), 0, 1, 7, True,
    "R(d) with gelu_tanh'(x0 + d) = d R(d), x0 the root near -0.75, |d| <= 1/8 (f32)",
)


# silu's backward: N = 1 + x + e^x, the factor of silu'(x) = e^x N/(1 + e^x)^2
# that crosses zero at x0 = -1 - W(1/e), as d R(d) about it (f32 lanes).
def silu_factor(x):
    return 1 + x + mp.exp(x)


ROOTS["silu"] = mp.findroot(silu_factor, -1.28)
FITS["silu_root_f32"] = (
    around_root(silu_factor, ROOTS["silu"]), -mp.mpf("0.25"), mp.mpf("0.25"), 0, 1, 7, True,
    "R(d) with 1 + x + e^x = d R(d) at x = x0 + d, x0 = -1.2785 its root, |d| <= 1/4 (f32)",
)


def ratfit(f, lo, hi, nd, dd, p0=None, points=300, iterations=40):
    """Rational P(t)/Q(t) (degrees nd, dd, Q(0) = 1, and P(0) = p0 if given)
    minimizing the max relative error: Loeb's linearization (weights 1/Q of the
    previous pass) inside Lawson's reweighting. Returns (p, q, max error)."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    xs = [(lo + hi) / 2 + (hi - lo) / 2 * mp.cos(mp.pi * (k + mp.mpf(1) / 2) / points) for k in range(points)]
    fx = [f(x) for x in xs]
    weights = [mp.mpf(1)] * points
    qprev = [mp.mpf(1)] * points
    best = None
    for _ in range(iterations):
        first = 0 if p0 is None else 1
        m = nd + 1 - first + dd
        ata, atb = mp.matrix(m, m), mp.matrix(m, 1)
        for x, v, w, qp in zip(xs, fx, weights, qprev):
            row = [x**i for i in range(first, nd + 1)] + [-v * x**j for j in range(1, dd + 1)]
            rhs = v if p0 is None else v - p0
            ww = w / (v * qp) ** 2
            for i in range(m):
                atb[i] += ww * row[i] * rhs
                for j in range(m):
                    ata[i, j] += ww * row[i] * row[j]
        sol = mp.lu_solve(ata, atb)
        p = ([] if p0 is None else [mp.mpf(p0)]) + [sol[i] for i in range(nd + 1 - first)]
        q = [mp.mpf(1)] + [sol[nd + 1 - first + j] for j in range(dd)]
        qv = [mp.polyval(q[::-1], x) for x in xs]
        errs = [abs((mp.polyval(p[::-1], x) / qx - v) / v) for x, qx, v in zip(xs, qv, fx)]
        if best is None or max(errs) < best[2]:
            best = (p, q, max(errs))
        total = sum(w * e for w, e in zip(weights, errs))
        weights = [w * e / total for w, e in zip(weights, errs)]
        qprev = qv
    p, q, _ = best
    worst = mp.mpf(0)
    for i in range(5001):
        x = lo + (hi - lo) * mp.mpf(i) / 5000
        worst = max(worst, abs(mp.polyval(p[::-1], x) / mp.polyval(q[::-1], x) / f(x) - 1))
    return p, q, worst


# Rational fits with f64 coefficients: (function, lo, hi, numerator degree, denominator
# degree, P(0) or None, description).
RATIONAL_FITS = {
    # Phi(-t) = e^(-t^2/2) S(t): the normal tail without its Gaussian factor.
    "normal_tail": (
        lambda t: mp.ncdf(-t) * mp.exp(t * t / 2), 0, 14, 4, 5, mp.mpf(1) / 2,
        "S(t) = Phi(-t) e^(t^2/2) on [0, 14] as P4(t)/Q5(t), S(0) = 1/2 exactly",
    ),
}


# Piecewise fits in a shifted variable s = t - c on consecutive intervals, for
# kernels that pick each lane's coefficients from a table: (function of
# (interval index, t), interval bounds, centers, degree, description).
def gelu_tail(i, t):
    """t*Phi(-t)*e^(t^2/2) on every interval (the first one's fit has no
    constant term, so the relative error stays bounded as t -> 0)."""
    return t * mp.ncdf(-t) * mp.exp(t * t / 2)


def gelu_grad_tail(i, t):
    """G(t) = Phi(-t)*e^(t^2/2) - t/sqrt(2 pi), so gelu'(-t) = e^(-t^2/2) G(t)
    and gelu'(t) = 1 - e^(-t^2/2) G(t); on the second interval, which holds
    G's root t0 = -x0, G(t)/(t - t0) (the kernel multiplies by t - t0)."""
    g = mp.ncdf(-t) * mp.exp(t * t / 2) - t / mp.sqrt(2 * mp.pi)
    if i != 1:
        return g
    t0 = -ROOTS["gelu"]
    d = t - t0
    return g / d if abs(d) > mp.mpf("1e-15") else mp.diff(lambda u: mp.ncdf(-u) * mp.exp(u * u / 2) - u / mp.sqrt(2 * mp.pi), t0)


PIECEWISE_FITS = {
    "gelu_tail": (
        gelu_tail,
        [0, 0.5, 1, 2, 3, 5, 7, 11, 15],
        [0, 0.75, 1.5, 2.5, 4, 6, 9, 13],
        7,
        "T(t) = t Phi(-t) e^(t^2/2) on [0, 15] in 8 pieces (the binades of t + 1 halved), "
        "degree 7 in s = t - c, no constant term on [0, 0.5]",
    ),
    "gelu_grad_tail": (
        gelu_grad_tail,
        [0, 0.5, 1.5, 2.5, 4.5, 6.5, 10.5, 14.5, 19.75],
        [0, 1, 2, 3.5, 5.5, 8.5, 12.5, 17],
        8,
        "G(t) = Phi(-t) e^(t^2/2) - t/sqrt(2 pi) on [0, 19.75] in 8 pieces (G/(t - t0) on [0.5, 1.5], "
        "t0 = 0.7518 its root), degree 8 in s = t - c",
    ),
}


def piecewise(name):
    f, bounds, centers, degree, _ = PIECEWISE_FITS[name]
    columns = []
    for i, (lo, hi, c) in enumerate(zip(bounds, bounds[1:], centers)):
        g = lambda s, i=i, c=c: f(i, s + c)
        if name == "gelu_tail" and i == 0:
            # T(0) = 0: terms s^1..s^degree, the constant 0, relative error
            # from just off 0.
            coeffs, worst = fit_f32(g, 1e-6, hi, 1, 1, degree)
            coeffs = [mp.mpf(0)] + coeffs
            print(f"// piece {i}: [{lo}, {hi}], s = t - {c}: max error {float(worst * 2**24):.4f} * 2^-24")
            columns.append(coeffs)
            continue
        # Start just off 0 on the first piece (only its relative error matters).
        coeffs, worst = fit_f32(g, max(lo - c, 1e-6 - c) if lo == 0 else lo - c, hi - c, 0, 1, degree + 1)
        print(f"// piece {i}: [{lo}, {hi}], s = t - {c}: max error {float(worst * 2**24):.4f} * 2^-24")
        columns.append(coeffs)
    for k in range(degree + 1):
        row = ", ".join(mp.nstr(col[k], 10, min_fixed=-20, max_fixed=20) for col in columns)
        print(f"    [{row}],  // s^{k}")


def show_f64(name, coeffs, worst, label):
    print(f"// {name}: max error {float(worst):.3e} = {float(worst * 2**24):.4f} * 2^-24")
    for i, c in enumerate(coeffs):
        print(f"    {mp.nstr(c, 17, min_fixed=-20, max_fixed=20)}, // {label}^{i}")


def main():
    if len(sys.argv) < 2 or sys.argv[1] == "--list":
        for table in (FITS, WIDE_FITS, RATIONAL_FITS, PIECEWISE_FITS):
            for name, spec in table.items():
                print(f"{name}: {spec[-1]}")
        print("constants: the pi/2 splits and 2/pi bits of trig.rs")
        return
    for name in sys.argv[1:]:
        if name == "constants":
            constants()
        elif name in FITS:
            f, lo, hi, first, step, count, relative = FITS[name][:7]
            opts = FITS[name][7] if len(FITS[name]) == 9 else {}
            double = opts.get("double", False)
            if double:
                mp.mp.dps = 45
            coeffs, worst = fit_f32(
                f, lo, hi, first, step, count, relative, opts.get("fixed", ()), f64 if double else f32
            )
            show(name, coeffs, worst, first, step, double)
        elif name in PIECEWISE_FITS:
            piecewise(name)
        elif name in WIDE_FITS:
            f, lo, hi, first, step, count, relative, _ = WIDE_FITS[name]
            coeffs, worst = minimax(f, lo, hi, first, step, count, relative)
            root = ROOTS[name[: -len("_root")]]
            hi32 = f32(root)
            print(f"// root {mp.nstr(root, 25)} = {float(hi32)!r}_f32 + {float(root - hi32)!r}")
            show_f64(name, coeffs, worst, "d")
        else:
            f, lo, hi, nd, dd, p0, _ = RATIONAL_FITS[name]
            p, q, worst = ratfit(f, lo, hi, nd, dd, p0)
            show_f64(name + " numerator", p, worst, "t")
            show_f64(name + " denominator", q, worst, "t")


if __name__ == "__main__":
    main()
