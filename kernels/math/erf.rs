//! The normal distribution, `erf` and `erfc` on lanes, with relative
//! accuracy in the tails (where `1 - erf` would cancel).
//!
//! The tail is `Φ(-t) = e^(-t²/2)·S(t)` with `S` a rational minimax fit
//! (`P4/Q5` on [0, 14], relative error 5.8e-9 = 0.1·2^-24, positive
//! coefficients, `S(0) = 1/2` exactly) evaluated on the f64 lanes, where its many roundings do
//! not show; `t²` is split exactly (FMA) and `e^(-t²/2)` comes from
//! [`super::exp_dd`] (2^-25.5, a common factor), so a rounded argument cannot spoil the tail
//! (a relative error `δ` in `t` would cost `t²·δ` in `e^(-t²/2)`). Results
//! are formed in f64 and rounded once, so denormal results are right too.
//!
//! Accuracy (measured through the `gelu` kernel, and for [`erf`] and
//! [`erfc`] over every f32 input of their own range): within 1 ULP of the
//! correctly rounded result. NaN propagates; `erfc(-inf) = 2`,
//! `erfc(+inf) = 0`.

use super::dd::{pass_nan, two_prod};
use super::exp_dd::exp_parts_sum;
use super::wide::{horner_d, pow2_wide, widen_sum, Wide};
use crate::kernel::prelude::*;

/// Numerator and denominator of `S(t) = Φ(-t)·e^(t²/2)` on [0, 14]
/// (`tools/polyfit.py normal_tail`; `S(0) = 1/2` exactly, so `Φ(0) = 1/2`).
const TAIL_P: [f64; 5] = [
    0.5,
    0.436_565_113_448_629_2,
    0.181_928_720_598_002_6,
    0.040_185_544_366_447_72,
    0.004_047_673_587_838_824,
];
const TAIL_Q: [f64; 6] = [
    1.0,
    1.671_015_053_154_807_6,
    1.197_130_861_032_966_8,
    0.466_015_163_135_303_3,
    0.100_737_164_468_928_7,
    0.010_145_881_467_667_861,
];

/// 2/√π·(-1)^k/(k!·(2k+1)): `erf z = z·Σ ERF_TAYLOR[k]·z^(2k)`; eight
/// terms reach 2e-11 relative for `|z| <= 1/2`.
const ERF_TAYLOR: [f64; 8] = [
    core::f64::consts::FRAC_2_SQRT_PI,
    -0.376_126_389_031_837_5,
    0.112_837_916_709_551_26,
    -0.026_866_170_645_131_25,
    0.005_223_977_625_442_188,
    -0.000_854_832_702_345_085_3,
    0.000_120_553_329_817_896_64,
    -0.000_014_925_650_358_406_25,
];

/// `S(t) = Φ(-t)·e^(t²/2)` for `t` in [0, 30] (the fit covers [0, 14],
/// where every caller's result is still above 2^-150; it stays smooth and
/// positive beyond). `S(0) = 1/2`, `S(t) ≈ 1/(t·√(2π))` for large `t`.
#[inline(always)]
pub fn normal_tail_ratio<L: Lanes>(l: L, t: L::D) -> L::D {
    l.div_d(horner_d(l, t, &TAIL_P), horner_d(l, t, &TAIL_Q))
}

/// `e^(-x²/2)` as f64 halves (relative error 2^-25.5), with `x²` split
/// exactly. Beyond `|x| = 15.49` (where it falls below e^-120) it is
/// e^-120; infinities and huge `x` included.
#[inline(always)]
pub fn half_gauss_wide<L: Lanes>(l: L, x: L::F) -> Wide<L> {
    let (sh, sl) = two_prod(l, x, x);
    let half = l.splat(-0.5);
    gauss_wide(l, l.mul(sh, half), l.mul(sl, half))
}

/// `e^(ah + al)` as f64 halves for a (negative) pair argument.
#[inline(always)]
fn gauss_wide<L: Lanes>(l: L, ah: L::F, al: L::F) -> Wide<L> {
    let (eh, el, n) = exp_parts_sum(l, ah, al);
    let (e0, e1) = widen_sum(l, eh, el);
    let (s0, s1) = pow2_wide(l, n);
    (l.mul_d(e0, s0), l.mul_d(e1, s1))
}

/// `erfc z`, with relative accuracy in both tails: `2·e^(-z²)·S(|z|·√2)`
/// for `z >= 0`, 2 minus that below.
#[inline(always)]
pub fn erfc<L: Lanes>(l: L, z: L::F) -> L::F {
    let (e0, e1) = erfc_wide(l, z);
    pass_nan(l, z, l.narrow(e0, e1))
}

/// `erfc z` as f64 halves (before the final rounding).
#[inline(always)]
fn erfc_wide<L: Lanes>(l: L, z: L::F) -> Wide<L> {
    let (sh, sl) = two_prod(l, z, z);
    let (e0, e1) = gauss_wide(l, l.neg(sh), l.neg(sl));
    // erfc underflows beyond 10.1; the clamp keeps S finite.
    let (t0, t1) = l.widen(l.min(l.splat(20.0), l.abs(z)));
    let m = l.select(l.lt(z, l.splat(0.0)), l.splat(1.0), l.splat(0.0));
    let (m0, m1) = l.widen(m);
    (erfc_d(l, e0, t0, m0), erfc_d(l, e1, t1, m1))
}

/// One f64 half of [`erfc_wide`]: `e = e^(-z²)`, `t = |z|`, `m` = 1 where
/// `z < 0`.
#[inline(always)]
fn erfc_d<L: Lanes>(l: L, e: L::D, t: L::D, m: L::D) -> L::D {
    let s = normal_tail_ratio(l, l.mul_d(t, l.splat_d(core::f64::consts::SQRT_2)));
    let tail = l.mul_d(e, s);
    // z >= 0: 2·tail; z < 0: 2 - 2·tail.
    let sign = l.sub_d(l.splat_d(1.0), l.add_d(m, m));
    l.mul_d(l.splat_d(2.0), l.add_d(m, l.mul_d(tail, sign)))
}

/// `erf z`: a Taylor polynomial for `|z| < 1/2`, `±(1 - erfc|z|)` beyond.
#[inline(always)]
pub fn erf<L: Lanes>(l: L, z: L::F) -> L::F {
    let az = l.abs(z);
    let (c0, c1) = erfc_wide(l, az);
    let (z0, z1) = l.widen(z);
    let one = l.splat_d(1.0);
    let big = l.narrow(l.sub_d(one, c0), l.sub_d(one, c1));
    let small = l.narrow(
        l.mul_d(z0, horner_d(l, l.mul_d(z0, z0), &ERF_TAYLOR)),
        l.mul_d(z1, horner_d(l, l.mul_d(z1, z1), &ERF_TAYLOR)),
    );
    let y = l.select(
        l.lt(az, l.splat(0.5)),
        small,
        super::tanh::with_sign_of(l, big, z),
    );
    pass_nan(l, z, y)
}
