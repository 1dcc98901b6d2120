//! `e^x` to well below f32's own rounding, for an argument given as an
//! unevaluated sum `xh + xl`: where a product or a difference involving
//! `e^x` must be right to a fraction of an ULP (the normal tail's
//! `e^(-z²)` with `z²` split exactly, `e^-|x|` near the root of mish's
//! derivative, tanh's `e^-2|x|` far down).
//!
//! The reduction `x = n·ln2 + r` keeps `r` as an exact pair (ln 2 in three
//! parts, the rounding of the subtraction recovered by TwoSum), and
//! `e^r = 1 + r + r²/2 + r³·q(r)` keeps the large terms exact, so only the
//! small ones round. Accuracy: `e^(xh+xl) = (hi + lo)·2^n` with a relative
//! error below 2^-28 (against 2^-25 for [`super::exp::exp_parts2`], whose
//! reduced argument is rounded), for `xh` in [-120, 89]; `|xl|` up to
//! 2^-20·|xh| (a rounding error of `xh`). Below -120 the result is that of
//! -120 (every caller's result underflows there), NaN propagates.

use super::dd::{fast_two_sum, two_prod, two_sum};
use super::exp::{expm1_reduced, reduce};
use super::poly::horner;
use crate::kernel::prelude::*;

const LOG2_E: f32 = core::f32::consts::LOG2_E;
/// `ln 2` rounded to 9 significant bits (0.693359375): `n·LN2_HI` and
/// `x - n·LN2_HI` are exact.
const LN2_HI: f32 = f32::from_bits(0x3F31_8000);
/// `ln 2 - LN2_HI`, rounded to f32.
const LN2_LO: f32 = -2.121_944_4e-4;
/// `ln 2 - LN2_HI - LN2_LO`, rounded to f32 (the rest is 1e-20).
const LN2_LO2: f32 = 1.646_595e-12;

/// `q(r)` with `e^r = 1 + r + r²/2 + r³·q(r)` on `|r| <= ln2/2`
/// (`tools/polyfit.py exp_dd_core`).
const Q: [f32; 5] = [
    0.166_666_67,
    0.041_666_582,
    0.008_333_234,
    0.001_392_344,
    0.000_199_168_94,
];

/// `(hi, lo, n)` with `e^(xh + xl) = (hi + lo)·2^n`, `hi` in [0.7, 1.42],
/// `|lo| < 2^-23·hi`, integral `n` in [-174, 128]; finish with
/// [`super::poly::scale_by_pow2`] (as its callers do; the same bits as
/// [`super::poly::ldexp`], cheaper) after any products, so results in the
/// denormal range round once.
#[inline(always)]
pub fn exp_parts_dd<L: Lanes>(l: L, xh: L::F, xl: L::F) -> (L::F, L::F, L::F) {
    // Clamp (NaN stays NaN as the second operand); drop xl out of range,
    // where it may be a NaN left from an infinite xh.
    let inside = l.le(l.abs(xh), l.splat(120.0));
    let xl = l.select(inside, xl, l.splat(0.0));
    let xh = l.min(l.splat(89.0), l.max(l.splat(-120.0), xh));
    let n = l.round(l.mul(xh, l.splat(LOG2_E)));
    // r = xh - n·ln2 + xl as rh + rl: the first step is exact, the
    // second's rounding is recovered.
    let r1 = l.mul_add(n, l.splat(-LN2_HI), xh);
    let (a, a_err) = two_prod(l, n, l.splat(LN2_LO));
    let (rh, s_err) = two_sum(l, r1, l.neg(a));
    let rl = l.add(l.sub(s_err, a_err), l.mul_add(n, l.splat(-LN2_LO2), xl));
    // e^rh = (1 + rh) + rh²/2 + rh³·q: the first two terms exact pairs.
    let one = l.splat(1.0);
    let (h0, l0) = fast_two_sum(l, one, rh);
    let (sq, sq_err) = two_prod(l, rh, rh);
    let cube = l.mul(sq, rh);
    let small = l.mul_add(cube, horner(l, rh, &Q), l.mul_add(l.splat(0.5), sq_err, l0));
    let (hi, lo) = fast_two_sum(l, h0, l.mul_add(l.splat(0.5), sq, small));
    // e^(rh + rl) = e^rh·(1 + rl): |rl| < 2^-16, its square negligible.
    let (hi, lo) = fast_two_sum(l, hi, l.mul_add(hi, rl, lo));
    (hi, lo, n)
}

/// The cheaper sibling of [`exp_parts_dd`]: [`super::exp::exp_parts2`]'s
/// evaluation (the reduced argument rounded, so about 2^-25.5 relative
/// instead of 2^-28) with the same clamp at -120 and the same pair
/// argument (`e^xl = 1 + xl`). For callers where `e^x` is a common factor
/// rather than a term that cancels.
#[inline(always)]
pub fn exp_parts_sum<L: Lanes>(l: L, xh: L::F, xl: L::F) -> (L::F, L::F, L::F) {
    let inside = l.le(l.abs(xh), l.splat(120.0));
    let xl = l.select(inside, xl, l.splat(0.0));
    let xh = l.min(l.splat(89.0), l.max(l.splat(-120.0), xh));
    let (n, r) = reduce(l, xh);
    let m = expm1_reduced(l, r);
    let one = l.splat(1.0);
    // Fast2Sum: |m| < 1, so hi + lo is exactly 1 + m.
    let hi = l.add(one, m);
    let lo = l.sub(m, l.sub(hi, one));
    (hi, l.mul_add(hi, xl, lo), n)
}
