//! `e^x` in f64 on lanes, for the few places that need the exponential to
//! f64 precision: softmax's and log_softmax's backward, where
//! `dy - e^y·Σdy` (or `dy - Σdy·y`) may cancel to a tiny fraction of its
//! terms and an f32 exponential would leave no correct bit.
//!
//! The argument is an unevaluated f32 sum `hi + lo` (so `x - max` can be
//! passed exactly); the result is the two f64 halves of the vector, as
//! [`Lanes::widen`] lays them out. `x = n·ln2 + r` with `|r| <= ln2/2`
//! (Cody–Waite in f64 with fused multiply-adds, `n·LN2_HI` exact), `e^r` by its Taylor polynomial
//! of degree 13 (truncation below 2^-56), and `2^n` built exactly from f32
//! powers of two. Relative error below 2^-50 for `|x| <= 330`.
//!
//! Outside that range: `x > 330` gives `e^330`, `x < -330` gives `e^-330`
//! (both finite: callers multiply them by sums of f32 values, whose results
//! then round like the true ones), `+inf` gives `+inf`, `-inf` exactly 0,
//! NaN gives NaN.

use super::poly::pow2i;
use crate::kernel::prelude::*;

/// Where arguments are clamped.
const LIMIT: f32 = 330.0;
/// `ln 2` with its low 21 bits zero (fdlibm's `ln2_hi`), so `n·LN2_HI` is
/// exact for `|n| < 2^21`.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000);
/// `ln 2 - LN2_HI`.
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76);

/// `1/k!` for k = 0..=13.
const TAYLOR: [f64; 14] = [
    1.0,
    1.0,
    0.5,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

/// `e^(hi + lo)` as f64 lanes `(low half, high half)`; see the module docs.
#[inline(always)]
pub fn exp_wide<L: Lanes>(l: L, hi: L::F, lo: L::F) -> (L::D, L::D) {
    let (zero, one) = (l.splat(0.0), l.splat(1.0));
    let c = l.min(l.splat(LIMIT), l.max(l.splat(-LIMIT), hi));
    // lo belongs to hi only where hi was not clamped (false for NaN).
    let lo = l.select(l.eq(c, hi), lo, zero);
    let n = l.round(l.mul(c, l.splat(core::f32::consts::LOG2_E)));
    let n = l.select(l.is_nan(n), zero, n);
    // 2^n = (2^q)^4 · 2^s with |q| <= 119 and |s| <= 2, all exact.
    let q = l.round(l.mul(n, l.splat(0.25)));
    let s = l.sub(n, l.mul(q, l.splat(4.0)));
    let infinite = l.select(
        l.eq(hi, l.splat(f32::INFINITY)),
        l.splat(f32::INFINITY),
        l.select(l.eq(hi, l.splat(f32::NEG_INFINITY)), zero, one),
    );
    let (c0, c1) = l.widen(c);
    let (lo0, lo1) = l.widen(lo);
    let (n0, n1) = l.widen(n);
    let (q0, q1) = l.widen(pow2i(l, q));
    let (s0, s1) = l.widen(pow2i(l, s));
    let (f0, f1) = l.widen(infinite);
    (
        half(l, c0, lo0, n0, q0, s0, f0),
        half(l, c1, lo1, n1, q1, s1, f1),
    )
}

/// One f64 half of [`exp_wide`]: reduced argument, polynomial, scaling.
#[inline(always)]
fn half<L: Lanes>(l: L, c: L::D, lo: L::D, n: L::D, q: L::D, s: L::D, f: L::D) -> L::D {
    let r = l.mul_add_d(n, l.splat_d(-LN2_HI), c);
    let r = l.mul_add_d(n, l.splat_d(-LN2_LO), l.add_d(r, lo));
    let mut p = l.splat_d(TAYLOR[13]);
    for &k in TAYLOR[..13].iter().rev() {
        p = l.mul_add_d(p, r, l.splat_d(k));
    }
    let q2 = l.mul_d(q, q);
    let scale = l.mul_d(l.mul_d(q2, q2), s);
    l.mul_d(l.mul_d(p, scale), f)
}
