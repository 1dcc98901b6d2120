//! `e^x` and `e^x - 1` on lanes.
//!
//! Both reduce `x = n·ln2 + r` with `|r| <= ln2/2` (Cody and Waite: `ln2`
//! in two parts, the first with trailing zero bits so `n·LN2_HI` is exact),
//! evaluate `e^r - 1 = r + r²·q(r)` with a degree-5 minimax `q`, and scale by
//! `2^n` in two steps so overflow and denormal results round once.
//!
//! Accuracy (measured over every f32 input by `cargo run --release --
//! accuracy`, see README): [`exp`] and [`expm1`] are within 1 ULP of the
//! correctly rounded result, denormal results included. NaN propagates.

use super::poly::{horner, horner_pairs, pow2i, scale_by_pow2};
use crate::kernel::prelude::*;

const LOG2_E: f32 = core::f32::consts::LOG2_E;
/// `ln 2` rounded to 9 significant bits (0.693359375), so `n·LN2_HI` is
/// exact for `|n| < 2^15`.
const LN2_HI: f32 = f32::from_bits(0x3F31_8000);
/// `ln 2 - LN2_HI`, rounded to f32.
const LN2_LO: f32 = -2.121_944_4e-4;

/// `q(r)` with `e^r - 1 = r + r²·q(r)` on `|r| <= ln2/2`; relative error of
/// the fit 3.9e-9 (`tools/polyfit.py expm1_core`).
const Q: [f32; 6] = [
    0.5,
    0.166_666_67,
    0.041_666_53,
    0.008_333_245,
    0.001_392_874_6,
    0.000_199_087_9,
];

/// Splits `x = n·ln2 + r` with integral `n` and `|r| <= ln2/2` (slightly
/// more after rounding); returns `(n, r)`.
#[inline(always)]
pub fn reduce<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let n = l.round(l.mul(x, l.splat(LOG2_E)));
    let r = l.mul_add(n, l.splat(-LN2_HI), x);
    let r = l.mul_add(n, l.splat(-LN2_LO), r);
    (n, r)
}

/// Splits `x = r - m·ln2` with integral `m` and `|r| <= ln2/2`: [`reduce`]
/// with `m = -n`, for callers that want `e^-x`'s power of two (`2^m`).
#[inline(always)]
pub fn reduce_negated<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let m = l.round(l.mul(x, l.splat(-LOG2_E)));
    let r = l.mul_add(m, l.splat(LN2_HI), x);
    let r = l.mul_add(m, l.splat(LN2_LO), r);
    (m, r)
}

/// `e^r = 1 + r·(1 + c2·r + ... + c6·r^5)` on `|r| <= ln2/2`: the
/// coefficients after the first; relative error of the fit 0.053·2^-24
/// (`tools/polyfit.py exp_core`).
const E: [f32; 6] = [
    1.0,
    0.499_999_94,
    0.166_665_21,
    0.041_668_266,
    0.008_368_674,
    0.001_382_071_8,
];

/// `(e^r - 1) + c` for a reduced `r` (`|r| <= ln2/2`), rounded once: the
/// last step is `r·E(r) + c`, so a caller's `c` (1 for `e^r` itself,
/// `1 + 2^m` in [`super::logistic::over_one_plus_exp`]) costs no rounding
/// of its own. Six operations, against [`expm1_reduced`]'s seven plus an
/// addition, for callers that need `e^r`'s absolute accuracy only: for
/// `c = 1`, within 0.78 of an ULP of `e^r` in the unit test (the last
/// rounding's half, the fit's 0.053·2^-24 and [`reduce_negated`]'s
/// rounding of `r`).
#[inline(always)]
pub fn expm1_reduced_plus<L: Lanes>(l: L, r: L::F, c: L::F) -> L::F {
    l.mul_add(r, horner(l, r, &E), c)
}

/// `t·e^r` for a reduced `r` as `(t·r)·E(r) + t`, rounded once but for
/// the product `t·r` (its rounding weighs at most 0.42·2^-24 of the
/// result): one operation fewer than `t + t·(e^r - 1)` with
/// [`expm1_reduced`].
#[inline(always)]
pub fn expm1_reduced_times_plus<L: Lanes>(l: L, r: L::F, t: L::F) -> L::F {
    l.mul_add(l.mul(t, r), horner(l, r, &E), t)
}

/// `e^r - 1` for a reduced `r` (`|r| <= ln2/2`), with relative accuracy.
#[inline(always)]
pub fn expm1_reduced<L: Lanes>(l: L, r: L::F) -> L::F {
    l.mul_add(l.mul(r, r), horner(l, r, &Q), r)
}

/// [`expm1_reduced`] with `Q` evaluated in pairs ([`horner_pairs`]): one
/// multiply more, a chain two operations shorter; the same accuracy.
#[inline(always)]
fn expm1_reduced_paired<L: Lanes>(l: L, r: L::F) -> L::F {
    l.mul_add(l.mul(r, r), horner_pairs(l, r, &Q), r)
}

/// `(s, v)` with `e^(-2a) = s·(1 - v)`, `s = 2^n` and `v = -m` as
/// [`reduce`] and [`expm1_reduced`] of `-2a` would give them (but for the
/// choice of `n` exactly at a half, below, and a polynomial one degree
/// lower, `Q_SHORT`), for `a` in [0, 43] (tanh's exponential, whose `a`
/// stops at 9.1), with fewer operations: the factor -2 is carried in the
/// constants (every
/// intermediate is the plain one scaled by a power of two), and `n` is
/// rounded by adding `SHIFTER`, which leaves `n + 127` in the low bits of
/// the sum, so `2^n` is one shift away (no conversion). The one rounding
/// of `a·(-2·log2e) + SHIFTER` may pick the other integer where the plain
/// route rounds the product first, exactly at a half: `r` then lies a hair
/// beyond ln2/2, still inside the polynomial's fit.
#[inline(always)]
pub fn exp_parts_of_minus_twice<L: Lanes>(l: L, a: L::F) -> (L::F, L::F) {
    let shifted = l.mul_add(a, l.splat(-2.0 * LOG2_E), l.splat(SHIFTER));
    let n = l.sub(shifted, l.splat(SHIFTER));
    let s = l.bits_as_float(l.shl_i::<23>(l.to_bits(shifted)));
    // r' = -r/2 = a + n·ln2/2; ln2/2 keeps LN2_HI's trailing zeros.
    let h = l.mul_add(n, l.splat(LN2_HI / 2.0), a);
    let h = l.mul_add(n, l.splat(LN2_LO / 2.0), h);
    // -m = -r - r²·Q_SHORT(r) = 2r' + r'²·Q_MINUS_TWICE(r').
    let v = l.mul_add(l.mul(h, h), horner(l, h, &Q_MINUS_TWICE), l.add(h, h));
    (s, v)
}

/// 1.5·2^23 + 127: adding it to a value of magnitude below 2^22 rounds the
/// value to an integer `n` (ties to even) and leaves `n + 127` in the low
/// mantissa bits; shifted left by 23 (the high bits fall off), those are
/// the bits of `2^n` for `n` in [-126, 127].
const SHIFTER: f32 = 12_583_039.0;

/// `q(r)` with `e^r - 1 = r + r²·q(r)` on `|r| <= ln2/2`, one degree
/// below [`Q`]: relative error of the fit 2.1·2^-24, so about 0.4·2^-24
/// of `e^r - 1` (`tools/polyfit.py expm1_core_short`). tanh's forward
/// keeps its 2 ULP with it over every f32, 8% faster.
const Q_SHORT: [f32; 5] = [
    0.5,
    0.166_665_79,
    0.041_666_76,
    0.008_362_957,
    0.001_390_582_1,
];

/// `-4·Q_SHORT(-2t)` as a polynomial in `t`: [`Q_SHORT`]'s coefficients
/// times powers of two, so exact.
const Q_MINUS_TWICE: [f32; 5] = [
    -4.0 * Q_SHORT[0],
    8.0 * Q_SHORT[1],
    -16.0 * Q_SHORT[2],
    32.0 * Q_SHORT[3],
    -64.0 * Q_SHORT[4],
];

/// The range [`exp_parts`] reduces exactly: wider than e^x's own
/// ([-104, 88.7]) so that a product `v·e^x` scaled last still overflows or
/// underflows only where the true value does (for `|v|` up to about 1e30),
/// and narrow enough that `n` stays in [-246, 254], inside `ldexp`'s range.
const PARTS_MIN: f32 = -170.0;
const PARTS_MAX: f32 = 176.0;

/// Clamps `x` to [`min`, `PARTS_MAX`], keeping NaN (the second operand).
#[inline(always)]
fn clamp<L: Lanes>(l: L, min: f32, x: L::F) -> L::F {
    l.min(l.splat(PARTS_MAX), l.max(l.splat(min), x))
}

/// `(p, n)` with `e^x = p·2^n`, `p` in [0.7, 1.42] and integral `n` in
/// [-246, 254]: for callers that multiply before scaling, so a product with
/// `e^x` is not first rounded to a denormal nor overflows early. Finish with
/// [`super::poly::scale_by_pow2`]. Outside [-170, 176] the parts are those of the
/// nearer end.
#[inline(always)]
pub fn exp_parts<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    parts_unclamped(l, clamp(l, PARTS_MIN, x))
}

/// [`exp_parts`] without the clamp, for `x` in [-170, 176].
#[inline(always)]
fn parts_unclamped<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let (n, r) = reduce(l, x);
    (l.add(expm1_reduced(l, r), l.splat(1.0)), n)
}

/// Like [`exp_parts`] but with `p` as an unevaluated sum `hi + lo` (`lo`
/// about 2^-24 of `hi`): `e^x = (hi + lo)·2^n` to about 0.1 ULP, for
/// callers that need e^x to better than its own rounding.
#[inline(always)]
pub fn exp_parts2<L: Lanes>(l: L, x: L::F) -> (L::F, L::F, L::F) {
    parts2_down_to(l, PARTS_MIN, x)
}

/// `(p, n)` with `e^x ≈ p·2^n`: [`exp_parts`] with `p = e^r` from
/// [`expm1_reduced_plus`] (one fused step, within 0.8 ULP of `e^r`), for
/// callers whose bound has room for one rounded value (a gradient
/// `dy·e^x`, multiplied before the power of two).
#[inline(always)]
pub fn exp_rounded<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let (n, r) = reduce(l, clamp(l, PARTS_MIN, x));
    (expm1_reduced_plus(l, r, l.splat(1.0)), n)
}

/// [`exp_rounded`] of an argument given as an unevaluated sum `x + dx`
/// (`|dx|` a rounding error of `x`), `dx` folded into the reduced argument
/// (and ignored outside the clamp range, as in [`exp_parts2_of_sum`]).
#[inline(always)]
pub fn exp_rounded_of_sum<L: Lanes>(l: L, x: L::F, dx: L::F) -> (L::F, L::F) {
    let inside = l.and_mask(l.ge(x, l.splat(PARTS_MIN)), l.le(x, l.splat(PARTS_MAX)));
    let dx = l.select(inside, dx, l.splat(0.0));
    let (n, r) = reduce(l, clamp(l, PARTS_MIN, x));
    (expm1_reduced_plus(l, l.add(r, dx), l.splat(1.0)), n)
}

/// [`exp_parts2`] of `-|x|`, the same bits with one clamp instead of two.
#[inline(always)]
pub fn exp_parts2_of_minus_abs<L: Lanes>(l: L, x: L::F) -> (L::F, L::F, L::F) {
    parts2_unclamped(l, minus_abs_clamped(l, x))
}

/// `max(-|x|, PARTS_MIN)`, as [`clamp`] gives it (NaN kept: `min` returns
/// its second operand).
#[inline(always)]
fn minus_abs_clamped<L: Lanes>(l: L, x: L::F) -> L::F {
    l.neg(l.min(l.splat(-PARTS_MIN), l.abs(x)))
}

/// [`exp_parts2`] with the clamp's lower end at `min`.
#[inline(always)]
fn parts2_down_to<L: Lanes>(l: L, min: f32, x: L::F) -> (L::F, L::F, L::F) {
    parts2_unclamped(l, clamp(l, min, x))
}

/// [`exp_parts2`] without the clamp, for `x` in [-170, 176].
#[inline(always)]
fn parts2_unclamped<L: Lanes>(l: L, x: L::F) -> (L::F, L::F, L::F) {
    let (n, r) = reduce(l, x);
    // The pair's callers are long kernels (softplus, logsigmoid, mish, the
    // gelu and silu backwards), bound by how many vectors the out-of-order
    // window holds: the polynomial in pairs, a shorter chain, makes them
    // 4-12% faster. The short kernels keep expm1_reduced's Horner rule.
    let m = expm1_reduced_paired(l, r);
    let one = l.splat(1.0);
    // Fast2Sum: |m| < 1, so hi + lo is exactly 1 + m.
    let hi = l.add(one, m);
    let lo = l.sub(m, l.sub(hi, one));
    (hi, lo, n)
}

/// [`exp_parts2`] of an argument given as an unevaluated sum `x + dx`
/// (`|dx|` a rounding error of `x`): `e^(x+dx) = (hi + lo)·2^n`, using
/// `e^dx = 1 + dx`.
#[inline(always)]
pub fn exp_parts2_of_sum<L: Lanes>(l: L, x: L::F, dx: L::F) -> (L::F, L::F, L::F) {
    parts2_of_sum_down_to(l, PARTS_MIN, x, dx)
}

/// The most negative argument [`exp_parts2_of_sum_deep`] reduces exactly.
const DEEP_MIN: f32 = -210.0;

/// [`exp_parts2_of_sum`] for arguments down to -210: `n`
/// reaches -303, below [`super::poly::scale_by_pow2`]'s range, for callers
/// that add a shift to `n` first (a gradient scaled by
/// [`super::gradient::tame`]) and clamp what remains at -246, where any
/// product they scale is far below 2^-150.
#[inline(always)]
pub fn exp_parts2_of_sum_deep<L: Lanes>(l: L, x: L::F, dx: L::F) -> (L::F, L::F, L::F) {
    parts2_of_sum_down_to(l, DEEP_MIN, x, dx)
}

/// [`exp_parts2_of_sum`] with the clamp's lower end at `min`.
#[inline(always)]
fn parts2_of_sum_down_to<L: Lanes>(l: L, min: f32, x: L::F, dx: L::F) -> (L::F, L::F, L::F) {
    let (hi, lo, n) = parts2_down_to(l, min, x);
    // Outside the clamp range the parts do not depend on x (nor on dx).
    let inside = l.and_mask(l.ge(x, l.splat(min)), l.le(x, l.splat(PARTS_MAX)));
    let dx = l.select(inside, dx, l.splat(0.0));
    (hi, l.mul_add(hi, dx, lo), n)
}

/// `e^x`.
#[inline(always)]
pub fn exp<L: Lanes>(l: L, x: L::F) -> L::F {
    let (p, n) = exp_parts(l, x);
    scale_by_pow2(l, p, n)
}

/// `e^x - 1`, accurate also for small `|x|` (where `exp(x) - 1` cancels).
#[inline(always)]
pub fn expm1<L: Lanes>(l: L, x: L::F) -> L::F {
    // Below -30 the result rounds to -1; above 89 it is inf.
    let clamped = l.min(l.splat(89.0), l.max(l.splat(-30.0), x));
    let (n, r) = reduce(l, clamped);
    let e = expm1_reduced(l, r);
    // e^x - 1 = 2^n·e + (2^n - 1); n = 128 is done as 2·(2^127·...).
    let capped = l.min(l.splat(127.0), n);
    let t = pow2i(l, capped);
    let y = l.mul_add(t, e, l.sub(t, l.splat(1.0)));
    let y = l.mul(y, pow2i(l, l.sub(n, capped)));
    // Keep the sign of zero (the reduction loses it for x = -0).
    l.select(l.eq(x, l.splat(0.0)), x, y)
}

/// `e^min(x, 0) - 1`: [`expm1`] for the negative half (elu and its
/// kin), within 1 ULP like it but with ten fewer operations. Above 0 it
/// gives 0 (the caller selects its own branch there); NaN propagates and
/// -0 stays -0.
///
/// On [-30, 0] `n` is in [-44, 0], so `2^n` is a normal f32 taken from
/// the bits of `x·log2e + SHIFTER` (as in [`exp_parts_of_minus_twice`], no
/// conversions and no cap at 128), and `q(r)` is `Q_SHORT`: its fit's
/// 2.1·2^-24 of `q` weighs at most `|r|/2·2.1·2^-24 = 0.36·2^-24` of
/// `e^r - 1`.
#[inline(always)]
pub fn expm1_of_nonpositive<L: Lanes>(l: L, x: L::F) -> L::F {
    // Below -30 the result rounds to -1. `max` and `min` keep a NaN `x`
    // (their second operand).
    let clamped = l.min(l.splat(0.0), l.max(l.splat(-30.0), x));
    let shifted = l.mul_add(clamped, l.splat(LOG2_E), l.splat(SHIFTER));
    let n = l.sub(shifted, l.splat(SHIFTER));
    let t = l.bits_as_float(l.shl_i::<23>(l.to_bits(shifted)));
    let r = l.mul_add(n, l.splat(-LN2_HI), clamped);
    let r = l.mul_add(n, l.splat(-LN2_LO), r);
    let e = l.mul_add(l.mul(r, r), horner(l, r, &Q_SHORT), r);
    // e^x - 1 = 2^n·(e^r - 1) + (2^n - 1), the last exact for n >= -24
    // (below, its rounding is under half an ULP of a result near -1).
    let y = l.mul_add(t, e, l.sub(t, l.splat(1.0)));
    // Keep the sign of zero (the reduction loses it for x = -0).
    l.select(l.eq(x, l.splat(0.0)), x, y)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lanes::{binade_sample, map_pairs, on_every_backend, ulps_off, LaneOp};

    /// [`exp_parts_of_minus_twice`] against `e^(-2a)` in f64, on one
    /// backend: `a` over every binade up to tanh's cap (with spread
    /// mantissas), 0 and the cap itself; `s` a power of two and
    /// `s·(1 - v)` within 2^-23 relative.
    #[derive(Clone, Copy)]
    struct AgainstF64;

    impl LaneOp for AgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let a: Vec<f32> = binade_sample(-149..=3, 512, false)
                .into_iter()
                .map(|a| a.min(9.1))
                .collect();
            let (s, v) = map_pairs(l, &a, &a, |a, _| exp_parts_of_minus_twice(l, a));
            let mut worst = 0.0f64;
            for i in 0..a.len() {
                assert_eq!(s[i].to_bits() & 0x807F_FFFF, 0, "s at a = {:e}", a[i]);
                let want = (-2.0 * a[i] as f64).exp();
                let got = s[i] as f64 * (1.0 - v[i] as f64);
                let err = ((got - want) / want).abs();
                assert!(err < 2f64.powi(-23), "off by {err:e} at a = {:e}", a[i]);
                worst = worst.max(err);
            }
            // Not exact everywhere: the test sees real rounding errors.
            assert!(worst > 2f64.powi(-30), "worst {worst:e}");
        }
    }

    #[test]
    fn exp_parts_of_minus_twice_matches_f64() {
        on_every_backend(AgainstF64);
    }

    /// [`reduce_negated`] then [`expm1_reduced_plus`] with `c = 1` (and
    /// [`expm1_reduced_times_plus`]) against `e^x` (`t·e^x`) in f64, on one
    /// backend: `x` over every binade up to 2^7 of both signs; `m`
    /// integral, `|r|` within ln2/2 (and a hair), and `p` within 0.9 of its
    /// ULP of `e^x·2^m` (the last rounding's half, the fit's 0.053·2^-24
    /// and the reduced argument's rounding; 0.78 seen).
    #[derive(Clone, Copy)]
    struct ReducedAgainstF64;

    impl LaneOp for ReducedAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let x = binade_sample(-40..=6, 1024, true);
            let (m, p) = map_pairs(l, &x, &x, |x, _| {
                let (m, r) = reduce_negated(l, x);
                let bound = l.splat(0.3466);
                let r = l.select(l.le(l.abs(r), bound), r, l.splat(f32::NAN));
                (m, expm1_reduced_plus(l, r, l.splat(1.0)))
            });
            let mut worst = 0.0f64;
            for i in 0..x.len() {
                assert_eq!(m[i], m[i].round(), "m at x = {:e}", x[i]);
                // p's error in its own ULPs (p in [0.7, 1.42]).
                let want = (x[i] as f64).exp() * 2f64.powi(m[i] as i32);
                let err = ulps_off(p[i], want);
                assert!(err < 0.9, "off by {err} ULP at x = {:e}", x[i]);
                worst = worst.max(err);
            }
            // Not exact everywhere: the test sees real rounding errors.
            assert!(worst > 0.5, "worst {worst}");
            // t·e^x by expm1_reduced_times_plus, t over a few binades: within
            // 1.5 ULP of the result (the product t·r's rounding on top).
            let t: Vec<f32> = (0..x.len())
                .map(|i| {
                    ((1.0 + (i as f64 * 0.414_214).fract()) * 2f64.powi(i as i32 % 5 - 2)) as f32
                })
                .collect();
            let (m, q) = map_pairs(l, &x, &t, |x, t| {
                let (m, r) = reduce_negated(l, x);
                (m, expm1_reduced_times_plus(l, r, t))
            });
            let mut worst = 0.0f64;
            for i in 0..x.len() {
                let want = t[i] as f64 * (x[i] as f64).exp() * 2f64.powi(m[i] as i32);
                let err = ulps_off(q[i], want);
                assert!(
                    err < 1.5,
                    "off by {err} ULP at x = {:e}, t = {:e}",
                    x[i],
                    t[i]
                );
                worst = worst.max(err);
            }
            assert!(worst > 0.5, "worst {worst}");
        }
    }

    #[test]
    fn expm1_reduced_plus_matches_f64() {
        on_every_backend(ReducedAgainstF64);
    }

    /// [`expm1_of_nonpositive`] against `e^x - 1` in f64, on one backend:
    /// `x` over every binade from the denormals to -2^7 (past the clamp at
    /// -30), within 1 ULP; `-0`, `+0` and positive `x` give the sign of
    /// zero and 0, NaN stays NaN, -inf gives -1.
    #[derive(Clone, Copy)]
    struct NonpositiveAgainstF64;

    impl LaneOp for NonpositiveAgainstF64 {
        type Output = ();

        fn run<L: Lanes>(self, l: L) {
            let x: Vec<f32> = binade_sample(-149..=6, 1024, false)
                .into_iter()
                .map(|x| -x)
                .collect();
            let (y, _) = map_pairs(l, &x, &x, |x, _| (expm1_of_nonpositive(l, x), x));
            let mut worst = 0.0f64;
            for i in 0..x.len() {
                let want = (x[i] as f64).exp_m1();
                let err = ulps_off(y[i], want);
                assert!(err <= 1.0, "off by {err} ULP at x = {:e}", x[i]);
                worst = worst.max(err);
            }
            // Not exact everywhere: the test sees real rounding errors.
            assert!(worst > 0.5, "worst {worst}");
            let special = [-0.0, 0.0, 1e-30, 3.0, f32::MAX, f32::NAN, f32::NEG_INFINITY];
            let (y, _) = map_pairs(l, &special, &special, |x, _| {
                (expm1_of_nonpositive(l, x), x)
            });
            let bits: Vec<u32> = y.iter().map(|v| v.to_bits()).collect();
            assert_eq!(bits[..5], [(-0.0f32).to_bits(), 0, 0, 0, 0]);
            assert!(y[5].is_nan());
            assert_eq!(y[6], -1.0);
        }
    }

    #[test]
    fn expm1_of_nonpositive_matches_f64() {
        on_every_backend(NonpositiveAgainstF64);
    }
}
