//! `mish`: x·tanh(softplus(x)).

use super::math::dd::pass_nan;
use super::math::exp::exp_parts2_of_minus_abs;
use super::math::exp_dd::exp_parts_dd;
use super::math::poly::Pow2;
use super::math::wide::{horner_d, pow2_wide, widen_sum, Wide};
use crate::kernel::prelude::*;

/// The root of mish' near -1.19 as `ROOT_HI + ROOT_LO`.
const ROOT_HI: f32 = -1.192_431_2;
const ROOT_LO: f64 = -3.043_937_594_950_088e-9;
/// Half-width of the band around the root where mish' is `d·R(d)`.
const BAND: f32 = 0.0625;
/// `R(d)` with `mish'(x0 + d) = d·R(d)` on `|d| <= 1/16`; relative error
/// 8e-12 (`tools/polyfit.py mish_root`).
const R: [f64; 6] = [
    0.266_947_914_051_572_3,
    0.204_731_264_083_349_05,
    0.041_907_811_654_588_117,
    -0.020_271_832_644_030_782,
    -0.015_814_719_073_312_577,
    -0.003_354_592_656_049_068_5,
];

/// Mish `x·tanh(softplus(x))` (Misra 2019).
///
/// With `v = e^-|x|` (never overflows), `tanh(ln(1 + e^x))` is `M/D` with
/// `M = 1 + 2v`, `D = 1 + 2v + 2v²` for `x >= 0` and `v·M/D` with
/// `M = 2 + v`, `D = 2 + 2v + v²` for `x < 0` (no logarithm, no
/// cancellation). The forward evaluates that in f32, each of `v`, `M`,
/// `D`, the quotient and the products rounded once and `v`'s power of two
/// applied last (so `x·e^x` keeps its accuracy into the denormal range):
/// within 3 ULP. Backward `dy·f·(M·D + 4x(1+v)·s)/D²` with `f = 1, s = v²`
/// for `x >= 0` and `f = v, s = 1` for `x < 0`, with `v` an f32 pair from
/// [`super::math::exp_dd`] (down to e^-120) and the rational part on the
/// f64 lanes, rounded once; its bracket cancels around the root near
/// -1.19, where `d·R(d)` (`d = x - x0`, `x0` as a pair) takes over.
/// Not available from the output (mish is not monotone).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Mish;

impl Elementwise for Mish {
    const INFO: Info = Info {
        name: "mish",
        aliases: &[],
        family: Family::Transcendental,
        forward: "x·tanh(softplus(x))",
        backward: "dy·(t + x·σ(x)·(1 - t²)), t = tanh(softplus(x))",
        params: &[],
        from_output: FromOutput::Never(
            "mish is not monotone (it has a minimum near x = -1.19), so y does not determine x",
        ),
        accuracy: Accuracy::ulps(4, 4),
        examples: &["mish"],
    };

    fn from_params(_: &[ParamValue]) -> Self {
        Mish
    }

    fn param(&self, index: usize) -> ParamValue {
        unreachable!("mish has no parameter {index}")
    }

    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        let (one, two) = (l.splat(1.0), l.splat(2.0));
        let negative = l.lt(x, l.splat(0.0));
        // v = e^-|x| = ph·2^n, ph the pair (ph + pl) rounded once (a
        // Fast2Sum's high part is the sum rounded).
        let (ph, pl, n) = exp_parts2_of_minus_abs(l, x);
        let pow2 = Pow2::new(l, n);
        let v = pow2.scale(l, ph);
        // Below -120, x·e^x underflows; clamping keeps -inf·0 away.
        let xc = l.max(l.splat(-120.0), x);
        // x >= 0: x·M/D with M = 1 + 2v, D = M + 2v². x < 0: f·M/D with
        // f = x·(ph + pl), M = 2 + v, D = 2 + v·M, and 2^n applied last
        // (denormal results round once). Each numerator f·M is one fused
        // multiply-add (2v, 2f exact), so M itself never rounds there.
        let v2 = l.add(v, v);
        let f = l.mul_add(xc, ph, l.mul(xc, pl));
        let num = l.select(
            negative,
            l.mul_add(f, v, l.add(f, f)),
            l.mul_add(xc, v2, xc),
        );
        let d = l.select(
            negative,
            l.mul_add(v, l.add(two, v), two),
            l.mul_add(v2, v, l.mul_add(two, v, one)),
        );
        let y = l.div(num, d);
        let y = l.select(negative, pow2.scale(l, y), y);
        // Beyond 20, mish(x) = x to f32 precision (2v² < 2^-57); this also
        // keeps x = +inf from inf·0 where v underflows.
        pass_nan(l, x, l.select(l.gt(x, l.splat(20.0)), x, y))
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        let (v, m) = parts(l, x);
        let (x0, x1) = l.widen(l.min(l.splat(120.0), l.max(l.splat(-120.0), x)));
        let (dy0, dy1) = l.widen(dy);
        let dx = l.narrow(
            backward_d(l, x0, v.0, m.0, dy0),
            backward_d(l, x1, v.1, m.1, dy1),
        );
        // Around the root: d·R(d), d = x - x0 exactly (Sterbenz, then f64).
        let dh = l.sub(x, l.splat(ROOT_HI));
        let band = l.le(l.abs(dh), l.splat(BAND));
        let dx = if l.any(band) {
            let (d0, d1) = l.widen(dh);
            let near = l.narrow(near_root(l, d0, dy0), near_root(l, d1, dy1));
            l.select(band, near, dx)
        } else {
            dx
        };
        pass_nan(l, x, dx)
    }
}

/// The backward on one f64 half.
#[inline(always)]
fn backward_d<L: Lanes>(l: L, x: L::D, v: L::D, m: L::D, dy: L::D) -> L::D {
    let one = l.splat_d(1.0);
    let (c0, c2, f) = coefficients(l, v, m);
    let mm = l.add_d(c0, l.mul_d(c2, v));
    let d = l.add_d(c0, l.mul_d(v, l.add_d(l.splat_d(2.0), l.mul_d(c2, v))));
    // s = v² for x >= 0, 1 for x < 0.
    let s = l.add_d(l.mul_d(l.sub_d(one, m), l.mul_d(v, v)), m);
    let four_x = l.mul_d(l.splat_d(4.0), x);
    let b = l.add_d(l.mul_d(mm, d), l.mul_d(l.mul_d(four_x, l.add_d(one, v)), s));
    l.mul_d(dy, l.div_d(l.mul_d(f, b), l.mul_d(d, d)))
}

/// `dy·d·R(d)` near the root, `dh = x - ROOT_HI`.
#[inline(always)]
fn near_root<L: Lanes>(l: L, dh: L::D, dy: L::D) -> L::D {
    let d = l.sub_d(dh, l.splat_d(ROOT_LO));
    l.mul_d(dy, l.mul_d(d, horner_d(l, d, &R)))
}

/// `v = e^-|x|` exactly scaled, to 2^-28 relative (the bracket of the
/// derivative cancels near its root), and `m` = 1 where `x < 0` (0
/// elsewhere), both as f64 halves.
#[inline(always)]
fn parts<L: Lanes>(l: L, x: L::F) -> (Wide<L>, Wide<L>) {
    let (ph, pl, n) = exp_parts_dd(l, l.neg(l.abs(x)), l.splat(0.0));
    let (p0, p1) = widen_sum(l, ph, pl);
    let (s0, s1) = pow2_wide(l, n);
    let m = l.select(l.lt(x, l.splat(0.0)), l.splat(1.0), l.splat(0.0));
    let (m0, m1) = l.widen(m);
    ((l.mul_d(p0, s0), l.mul_d(p1, s1)), (m0, m1))
}

/// `(c0, c2, f)` for one half: `M = c0 + c2·v`, `D = c0 + v·(2 + c2·v)`,
/// `f` the factor `v` for `x < 0` and 1 elsewhere (`m·v + (1 - m)`, exact).
#[inline(always)]
fn coefficients<L: Lanes>(l: L, v: L::D, m: L::D) -> (L::D, L::D, L::D) {
    let one = l.splat_d(1.0);
    let c0 = l.add_d(one, m);
    let c2 = l.sub_d(l.splat_d(2.0), m);
    let f = l.add_d(l.mul_d(m, v), l.sub_d(one, m));
    (c0, c2, f)
}
