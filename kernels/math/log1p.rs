//! `ln(1 + u)` on lanes.
//!
//! `1 + u = 2^k·m` with `m` in [√2/2, √2) and `f = m - 1`; then
//! `ln(1+f) = f - f²/2 + s·(f²/2 + R(s²))` with `s = f/(2+f)` and a degree-3
//! minimax `R(z)/z`, plus `k·ln2` and a correction for the rounding of
//! `1 + u` (the scheme of fdlibm's `log1p`, with our own fit).
//!
//! Accuracy: within 1 ULP of the correctly rounded result for every
//! `u > -1` (measured through softplus and logsigmoid before they moved to
//! [`log1p_unit_pair`], see README); `-1` gives -inf, below it NaN, +inf
//! gives +inf, NaN propagates.
//!
//! [`log1p_unit_pair`] is the narrow sibling for `u` in [0, 1] given as an
//! unevaluated sum (`e^-|x|` in softplus with `β != 1`): no exponent
//! split, one division instead of three, and the input's low part folded
//! in for free. Through it, softplus and logsigmoid were within 1 ULP
//! over every f32 (it was 2 with [`log1p`]).
//!
//! [`log1p_exp_minus_abs`] and [`log1p_exp_near_zero`] are what softplus
//! (`β = 1`) and logsigmoid use now: `ln(1 + e^-|x|)` without a division,
//! from the exponential's parts for `|x| >= 1/2` and from a series in `x`
//! below. Through them both are within 1 ULP over every f32, and about 30%
//! faster (measured on 2026-11-29, see README).

use super::exp::exp_parts2_of_minus_abs;
use super::poly::{horner, horner_pairs, Pow2};
use crate::kernel::prelude::*;

/// `ln 2` with 7 trailing zero bits (0.693138123), so `k·LN2_HI` is exact.
const LN2_HI: f32 = f32::from_bits(0x3F31_7180);
/// `ln 2 - LN2_HI`, rounded to f32.
const LN2_LO: f32 = 9.058_001e-6;

/// `R(z)/z` on `z = s²` in [0, 0.0295]; relative error 3e-8 (`tools/polyfit.py log1p_core`).
const R: [f32; 4] = [0.666_666_7, 0.399_988_92, 0.286_602, 0.208_817_14];

/// `R(z)/z` as [`R`], fitted on `z` in [0, 0.1112] (`s <= 1/3`, `u <= 1`):
/// relative error 2^-25 (`tools/polyfit.py log1p_unit_core`).
const R_UNIT: [f32; 5] = [
    0.666_666_7,
    0.399_992_8,
    0.286_132_16,
    0.213_873_2,
    0.247_289_96,
];

/// `K(e) = (ln(1 + e) - e)/e²` on `e` in [0, 0.61] (`e^-|x|` for
/// `|x| >= 1/2`): relative error 0.33·2^-24 (`tools/polyfit.py
/// log1p_exp_core`).
const K: [f32; 8] = [
    -0.5,
    0.333_332_03,
    -0.249_943_78,
    0.199_163_97,
    -0.160_611_53,
    0.118_287,
    -0.065_031_19,
    0.018_269_934,
];

/// `C(u) = ln(cosh(x/2))/x²` as a polynomial in `u = x²` on `|x| <= 1/2`:
/// relative error 2·2^-24, `x²·C` at most 0.03 (`tools/polyfit.py
/// softplus_near_zero`).
const C: [f32; 3] = [0.124_999_985, -0.005_207_326_3, 0.000_337_010_2];

/// `ln 2` rounded to f32, and the rest.
const LN2_F32: f32 = core::f32::consts::LN_2;
const LN2_F32_LO: f32 = -1.904_654_3e-9;

/// `ln(1 + u)`, accurate also for small `|u|`.
#[inline(always)]
pub fn log1p<L: Lanes>(l: L, u: L::F) -> L::F {
    let one = l.splat(1.0);
    let t = l.add(u, one);
    let (k, f) = split(l, t);
    // What the rounding of 1 + u lost, relative to t.
    let lost = l.select(
        l.gt(k, l.splat(0.0)),
        l.sub(one, l.sub(t, u)),
        l.sub(u, l.sub(t, one)),
    );
    let y = ln_of_split(l, k, f, l.div(lost, t));

    // -1 -> -inf, below -1 -> NaN, +inf -> +inf; NaN passes through `y`'s
    // arithmetic, and 0 keeps its sign.
    let y = l.select(l.eq(t, l.splat(0.0)), l.splat(f32::NEG_INFINITY), y);
    let y = l.select(l.lt(t, l.splat(0.0)), l.splat(f32::NAN), y);
    let y = l.select(l.eq(u, l.splat(f32::INFINITY)), u, y);
    l.select(l.eq(u, l.splat(0.0)), u, y)
}

/// `ln v` for `v >= 0`, denormals included (scaled by 2^32 first): the
/// same scheme as [`log1p`] with nothing lost to a rounding of `1 + u`.
/// `0` gives -inf, a negative `v` NaN, +inf +inf; NaN propagates. Within
/// 1.38 ULP in its unit test (the most where `k·ln2` is large).
#[inline(always)]
pub fn ln<L: Lanes>(l: L, v: L::F) -> L::F {
    let tiny = l.lt(v, l.splat(f32::MIN_POSITIVE));
    let t = l.select(tiny, l.mul(v, l.splat(4_294_967_296.0)), v);
    let (k, f) = split(l, t);
    let k = l.sub(k, l.select(tiny, l.splat(32.0), l.splat(0.0)));
    let y = ln_of_split(l, k, f, l.splat(0.0));
    let y = l.select(l.eq(v, l.splat(0.0)), l.splat(f32::NEG_INFINITY), y);
    // Negative or NaN (the split above makes a NaN's bits finite).
    let y = l.select(l.ge(v, l.splat(0.0)), y, l.splat(f32::NAN));
    l.select(l.eq(v, l.splat(f32::INFINITY)), v, y)
}

/// `t = 2^k·m` with `m` in [√2/2, √2), as `(k, f = m - 1)` (`f` exact).
#[inline(always)]
fn split<L: Lanes>(l: L, t: L::F) -> (L::F, L::F) {
    // Shift the exponent boundary to √2/2 so m lands in [√2/2, √2).
    let bits = l.add_i(l.to_bits(t), l.splat_i(0x3F80_0000 - 0x3F35_04F3));
    let k = l.to_float(l.sub_i(l.shr_i::<23>(bits), l.splat_i(127)));
    let m = l.bits_as_float(l.add_i(
        l.and_i(bits, l.splat_i(0x007F_FFFF)),
        l.splat_i(0x3F35_04F3),
    ));
    (k, l.sub(m, l.splat(1.0)))
}

/// `k·ln2 + ln(1 + f) + c` for `f` in [√2/2 - 1, √2 - 1) and a small
/// correction `c`.
#[inline(always)]
fn ln_of_split<L: Lanes>(l: L, k: L::F, f: L::F, c: L::F) -> L::F {
    let s = l.div(f, l.add(l.splat(2.0), f));
    let z = l.mul(s, s);
    let r = l.mul(z, horner(l, z, &R));
    let hfsq = l.mul(l.splat(0.5), l.mul(f, f));
    // k·ln2 + f - f²/2 + s·(f²/2 + R): the large part k·LN2_HI + f is exact
    // for k in {0, 1} (both on a 2^-24 grid, below 1); the rest is small.
    let hi = l.mul_add(k, l.splat(LN2_HI), f);
    let tail = l.mul_add(s, l.add(hfsq, r), l.neg(hfsq));
    let lo = l.add(tail, l.mul_add(k, l.splat(LN2_LO), c));
    l.add(hi, lo)
}

/// `ln(1 + u + du)` for `u` in [0, 1] (zero or normal) and `|du|` within
/// a few ULPs of `u`, as `(y, e)`: `y` the rounded result, `y + e` within
/// 2^-26 relative. For softplus and logsigmoid, where `u = e^-|x|`
/// arrives as a pair from the exponential.
///
/// `ln(1 + u) = 2·atanh(s) = 2s + s·z·R(z)` with `s = u/(2 + u)` in
/// [0, 1/3] and `z = s²`: one division, whose rounding error (together
/// with `du` and the rounding of `2 + u`) is recovered exactly as a
/// remainder and scaled by a reciprocal good to 0.2%, since it is only a
/// correction.
#[inline(always)]
pub fn log1p_unit_pair<L: Lanes>(l: L, u: L::F, du: L::F) -> (L::F, L::F) {
    let two = l.splat(2.0);
    // 2 + u + du = dh + dl: Fast2Sum (u <= 2), then du into the tiny part.
    let dh = l.add(two, u);
    let dl = l.add(l.sub(u, l.sub(dh, two)), du);
    let s = l.div(u, dh);
    // s + ds = (u + du)/(dh + dl): the remainder u - s·dh is exact, and the
    // rest is tiny, so a reciprocal of dh in [2, 3] good to 1/485 will do
    // (the minimax quadratic: 1 - d·p(d) = T3(2d - 5)/T3(-5)).
    let rem = l.add(l.mul_add(l.neg(s), dh, u), l.mul_add(l.neg(s), dl, du));
    let recip = l.mul_add(dh, l.splat(32.0 / 485.0), l.splat(-240.0 / 485.0));
    let recip = l.mul_add(recip, dh, l.splat(594.0 / 485.0));
    let ds = l.mul(rem, recip);
    let z = l.mul(s, s);
    // 2s is exact; the rest is small, so its roundings are too. The cubic
    // term is at most 8% of the result but moves three times as fast as s,
    // so ds enters it too, to first order (R = 2/3 is close enough there):
    // d(2s + s³R) = (2 + 3zR)·ds ≈ 2(1 + z)·ds.
    let hi = l.add(s, s);
    let ds2 = l.mul_add(ds, z, ds);
    let lo = l.mul_add(l.mul(s, z), horner(l, z, &R_UNIT), l.add(ds2, ds2));
    let y = l.add(hi, lo);
    // Fast2Sum: |hi| >= |lo|.
    (y, l.add(l.sub(hi, y), lo))
}

/// `ln(1 + e^x)` for `|x| <= 1/2` as `ln2 + x/2 + ln(cosh(x/2))`, an
/// unevaluated sum `(s, rest)`: `s = ln2 + x/2` rounded (Fast2Sum, so its
/// error is in `rest`) and `rest` small, so `s + rest` rounds once more
/// and lands within 0.65 ULP of `ln(1 + e^x)` (0.62 in the unit test).
/// The even part needs only a cubic in `x²`, and no exponential: near 0
/// softplus is `x + ln(1 + e^-|x|)`, a sum of two terms of the result's
/// size, which the general path cannot round to 1 ULP without carrying
/// both exactly.
#[inline(always)]
pub fn log1p_exp_near_zero<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let half = l.mul(x, l.splat(0.5));
    let s = l.add(l.splat(LN2_F32), half);
    let err = l.sub(half, l.sub(s, l.splat(LN2_F32)));
    let u = l.mul(x, x);
    let even = l.mul_add(u, horner(l, u, &C), l.splat(LN2_F32_LO));
    (s, l.add(err, even))
}

/// `ln(1 + e^-|x|)` for `|x| >= 1/2`, without a division: the
/// exponential's parts through `log1p_exp_parts`, scaled last, so a
/// result below the normal range rounds once. Within 1.3 ULP (1.18 in the
/// unit test). Below `|x| = 1/2` callers take [`log1p_exp_near_zero`]
/// (there this is finite but about 2^-15 off); NaN propagates (the
/// exponential's clamp keeps it).
#[inline(always)]
pub fn log1p_exp_minus_abs<L: Lanes>(l: L, x: L::F) -> L::F {
    let (hi, lo, n) = exp_parts2_of_minus_abs(l, x);
    let pow2 = Pow2::new(l, n);
    pow2.scale(l, log1p_exp_parts(l, hi, lo, &pow2))
}

/// `ln(1 + e)/2^n` for `e = (hi + lo)·2^n` in [0, 0.61], the parts of
/// [`exp_parts2_of_minus_abs`] (`hi` in [√2/2, √2], `lo` its Fast2Sum
/// tail), rounded once.
///
/// `ln(1 + e) = e·(1 + w)` with `w = e·K(e)` in [-0.22, 0], so
/// `ln(1 + e)/2^n = hi + (lo + (hi + lo)·w)`: the small sum carries the
/// roundings of `w`, damped by `|w|/(1 + w) <= 0.28`. For `e` up to 1
/// (`|x| < 1/2`) `K` still gives a finite value, about 2^-15 off.
#[inline(always)]
fn log1p_exp_parts<L: Lanes>(l: L, hi: L::F, lo: L::F, pow2: &Pow2<L>) -> L::F {
    let e = pow2.scale(l, hi);
    let w = l.mul(e, horner_pairs(l, e, &K));
    let t = l.mul_add(hi, w, l.mul_add(lo, w, lo));
    l.add(hi, t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{binade_sample, map_pairs, on_every_backend, ulps_off, LaneOp};

    /// [`log1p_unit_pair`] against `ln(1 + u + du)` in f64, on one backend:
    /// `u` over every binade from 2^-70 to 1 (with mantissas spread over
    /// each), `du` from 0 to four ULPs of `u` either way; the pair within
    /// 2^-26 relative and its high part within 1 ULP.
    #[derive(Clone, Copy)]
    struct AgainstF64;

    impl LaneOp for AgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let (mut us, mut dus) = (Vec::new(), Vec::new());
            for exponent in -70..=0 {
                for step in 0..64 {
                    for i in 0..16 {
                        let mantissa = 1.0 + ((step * 16 + i) as f32 * 0.618_034).fract();
                        let u = (mantissa * 2f32.powi(exponent - 1)).min(1.0);
                        us.push(u);
                        // A low part like an exponential's: a few ULPs.
                        let ulps = ((step + i) % 9) as f32 - 4.0;
                        dus.push(ulps * u * f32::EPSILON / 2.0);
                    }
                }
            }
            // u = 0 gives exact zeros.
            us.push(0.0);
            dus.push(0.0);
            let (ys, es) = map_pairs(l, &us, &dus, |u, du| log1p_unit_pair(l, u, du));
            let mut worst = 0.0f64;
            for i in 0..us.len() - 1 {
                let want = (us[i] as f64 + dus[i] as f64).ln_1p();
                let pair = (ys[i] as f64 + es[i] as f64 - want) / want;
                let ulp = (want as f32).abs().to_bits();
                let ulp = (f32::from_bits(ulp + 1) - f32::from_bits(ulp)) as f64;
                let at = format!("u {:e} du {:e}", us[i], dus[i]);
                assert!(pair.abs() < 2f64.powi(-26), "pair off by {pair:e} at {at}");
                assert!(
                    ((ys[i] as f64 - want) / ulp).abs() <= 1.0,
                    "high part at {at}"
                );
                worst = worst.max(pair.abs());
            }
            // The test must have seen errors near the bound's scale, not
            // passed a constant.
            assert!(worst > 2f64.powi(-40), "worst {worst:e}");
            assert_eq!((ys[us.len() - 1], es[us.len() - 1]), (0.0, 0.0));
        }
    }

    #[test]
    fn log1p_unit_pair_matches_f64() {
        on_every_backend(AgainstF64);
    }

    /// [`log1p_exp_minus_abs`] (for `|x| >= 1/2`) against
    /// `ln(1 + e^-|x|)` in f64, and [`log1p_exp_near_zero`]'s sum (below)
    /// against `ln(1 + e^x)`, on one backend: `x` over every binade from
    /// 2^-40 to 2^7, both signs; within 1.3 and 0.65 ULP (1.18 and 0.62
    /// seen).
    #[derive(Clone, Copy)]
    struct SoftplusPiecesAgainstF64;

    impl LaneOp for SoftplusPiecesAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let mut x = binade_sample(-40..=7, 2048, true);
            x.extend([0.5, -0.5, 0.499_999_97, -0.499_999_97, 103.0, -103.0]);
            let (far, near) = map_pairs(l, &x, &x, |x, _| {
                let (s, rest) = log1p_exp_near_zero(l, x);
                (log1p_exp_minus_abs(l, x), l.add(s, rest))
            });
            let (mut worst_far, mut worst_near) = (0.0f64, 0.0f64);
            for i in 0..x.len() {
                let a = (x[i] as f64).abs();
                if a >= 0.5 {
                    let err = ulps_off(far[i], (-a).exp().ln_1p());
                    assert!(err <= 1.3, "far: {err} ULP at x = {:e}", x[i]);
                    worst_far = worst_far.max(err);
                } else {
                    let err = ulps_off(near[i], (x[i] as f64).exp().ln_1p());
                    assert!(err <= 0.65, "near: {err} ULP at x = {:e}", x[i]);
                    worst_near = worst_near.max(err);
                }
            }
            // The sample must reach the bounds' scale, not pass constants.
            assert!(
                worst_far > 0.5 && worst_near > 0.4,
                "{worst_far} {worst_near}"
            );
        }
    }

    #[test]
    fn softplus_pieces_match_f64() {
        on_every_backend(SoftplusPiecesAgainstF64);
    }

    /// [`ln`] against f64 on one backend: every binade of positive f32,
    /// denormals included, within 1.5 ULP (1.38 seen); and its special
    /// values.
    #[derive(Clone, Copy)]
    struct LnAgainstF64;

    impl LaneOp for LnAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let v: Vec<f32> = binade_sample(-149..=127, 256, false)
                .into_iter()
                .filter(|v| v.is_finite() && *v > 0.0)
                .collect();
            let (y, _) = map_pairs(l, &v, &v, |v, _| (ln(l, v), v));
            let mut worst = 0.0f64;
            for i in 0..v.len() {
                let err = ulps_off(y[i], (v[i] as f64).ln());
                assert!(err <= 1.5, "off by {err} ULP at v = {:e}", v[i]);
                worst = worst.max(err);
            }
            assert!(worst > 0.5, "worst {worst}");
            let special = [0.0, -0.0, -1.0, 1.0, f32::INFINITY, f32::NAN];
            let (y, _) = map_pairs(l, &special, &special, |v, _| (ln(l, v), v));
            assert_eq!(y[..2], [f32::NEG_INFINITY; 2]);
            assert!(y[2].is_nan() && y[5].is_nan());
            assert_eq!(y[3].to_bits(), 0);
            assert_eq!(y[4], f32::INFINITY);
        }
    }

    #[test]
    fn ln_matches_f64() {
        on_every_backend(LnAgainstF64);
    }
}
