//! `sin x` and `cos x` on lanes, in f32 and (for the few formulas that
//! subtract them) in f64.
//!
//! Reduction: `x = n·π/2 + r` with integral `n` and `|r| <= π/4` (up to
//! 0.796 where the f32 estimate of `n` is off by one). For `|x| < 2^17`,
//! `n = round(x·2/π)` and `r = x - n·P1 - n·P2 - n·P3` by fused
//! multiply-adds with π/2 in three f32 parts (Cody and Waite; the first
//! step is exact, each later one rounds once), so `r` keeps its relative
//! accuracy near the multiples of π/2 (the nearest f32 to one below 2^17,
//! 252.898, is 4.2e-9 away; the parts hold π/2 to 2^-76). Lanes with `|x| >= 2^17`
//! take [`reduce`]'s slow path, only when some lane needs it (`l.any`): an
//! exact Payne–Hanek reduction per lane in 128-bit integer arithmetic on the
//! bits of 2/π, which serves every finite f32 (up to 3.4e38) with `r`
//! accurate to 2^-52 relative, so the accuracy below holds for every input.
//!
//! Polynomials (`tools/polyfit.py sin_core cos_core`): `sin r = r +
//! r³·S(r²)`, `cos r = 1 - r²/2 + r⁴·C(r²)`, fit errors 0.08 and 0.003 in
//! units of 2^-24.
//!
//! Accuracy (measured through `sinusoid`, `sinc` and `arctan`'s backward from
//! the output by `cargo run --release -- accuracy`, and at the f32 nearest
//! the multiples of π/2 by `tests/suite/trig.rs`): [`sin_cos`] is within 2 ULP of
//! the correctly rounded sine and cosine for every finite f32 (1 measured).
//! Infinities and NaN give NaN; [`sin`] keeps the sign of zero.
//!
//! [`reduce_f64`] and [`sin_cos_tails_f64`] give `r`, `(sin r - r)/r³` and
//! `(cos r - 1)/r²` to about 2^-50 relative in f64 lanes (f64 Cody–Waite with
//! 36-bit parts of π/2 below 2^17, the Payne–Hanek result above), for
//! formulas that cancel, like `x cos x - sin x`.

use super::poly::horner;
use crate::kernel::prelude::*;

/// `2/π` rounded to f32.
const FRAC_2_PI: f32 = core::f32::consts::FRAC_2_PI;
/// `π/2` rounded to f32 (above π/2).
pub const PIO2_1: f32 = f32::from_bits(0x3FC9_0FDB);
/// `π/2 - PIO2_1` rounded to f32.
pub const PIO2_2: f32 = f32::from_bits(0xB33B_BD2E);
/// `π/2 - PIO2_1 - PIO2_2` rounded to f32.
const PIO2_3: f32 = f32::from_bits(0xA6F7_2CED);

/// `π/2` to 36 bits, so `n·PIO2_1D` is exact in f64 for `|n| < 2^17`.
const PIO2_1D: f64 = f64::from_bits(0x3FF9_21FB_5444_0000);
/// The next 36 bits of `π/2`.
const PIO2_2D: f64 = f64::from_bits(0x3D86_8C23_4C4C_0000);
/// `π/2 - PIO2_1D - PIO2_2D` rounded to f64.
const PIO2_3D: f64 = f64::from_bits(0x3B29_8A2E_0370_7345);

/// The fast reduction serves `|x|` below this (`n < 2^17`, which also keeps
/// `n·PIO2_1D` exact).
pub const FAST_LIMIT: f32 = 131_072.0;

/// `S(z)` with `sin r = r + r³·S(r²)`, `|r| <= 0.8`; relative error of the
/// fit 4.6e-9 (`tools/polyfit.py sin_core`).
const S: [f32; 3] = [-0.166_666_54, 0.008_332_095, -0.000_195_055_4];
/// `-1/2 + z·C(z)` with `cos r = 1 + r²·(-1/2 + r²·C(r²))`, `|r| <= 0.8`;
/// relative error of the fit 1.5e-10 (`tools/polyfit.py cos_core`).
const C: [f32; 4] = [-0.5, 0.041_666_64, -0.001_388_713, 0.000_024_412_08];

/// `(sin r - r)/r³` as a polynomial in `r²`, `|r| <= 0.8`; relative error
/// 2.2e-16 (`tools/polyfit.py sin_core_f64`).
const SD: [f64; 6] = [
    -0.166_666_666_666_666_63,
    0.008_333_333_333_329_456,
    -0.000_198_412_698_346_312_42,
    2.755_731_505_840_262_6e-6,
    -2.505_092_544_586_736_7e-8,
    1.590_400_194_231_684e-10,
];
/// `(cos r - 1)/r²` as a polynomial in `r²`, `|r| <= 0.8`; relative error
/// 7.8e-16 (`tools/polyfit.py cos_core_f64`).
const CD: [f64; 6] = [
    -0.499_999_999_999_999_6,
    0.041_666_666_666_623_04,
    -0.001_388_888_888_096_956_2,
    2.480_158_203_933_102_7e-5,
    -2.755_573_699_936_137e-7,
    2.065_717_898_457_551_3e-9,
];

/// The bits of `2/π` after the binary point, 1 to 256, most significant
/// first, after one word of zeros (`tools/polyfit.py constants`).
const TWO_OVER_PI: [u64; 5] = [
    0,
    0xA2F9_836E_4E44_1529,
    0xFC27_57D1_F534_DDC0,
    0xDB62_9599_3C43_9041,
    0xFE51_63AB_DEBB_C561,
];

/// The widest lane type (AVX-512: 16 lanes), for the slow path's buffers.
const MAX_WIDTH: usize = 16;

/// `x = n·π/2 + r + r_lo`.
#[derive(Clone, Copy)]
pub struct Reduced<L: Lanes> {
    /// An integer with the quadrant in its low two bits: `round(x·2/π)` on
    /// the fast path, `n mod 4` (0 to 3) on the slow path, 0 for infinities
    /// and NaN.
    pub n: L::F,
    /// The reduced argument, `|r| <= 0.796` (NaN for infinities and NaN).
    pub r: L::F,
    /// The rest of `r` on the slow path (`r + r_lo` is good to 2^-52
    /// relative); 0 on the fast path.
    pub r_lo: L::F,
    /// The lanes the slow path served: `|x| >= 2^17`, infinities included.
    pub slow: L::M,
}

/// Reduces `x` by multiples of π/2 (see the module docs).
#[inline(always)]
pub fn reduce<L: Lanes>(l: L, x: L::F) -> Reduced<L> {
    let zero = l.splat(0.0);
    let n = l.round(l.mul(x, l.splat(FRAC_2_PI)));
    let r = l.mul_add(n, l.splat(-PIO2_1), x);
    let r = l.mul_add(n, l.splat(-PIO2_2), r);
    let r = l.mul_add(n, l.splat(-PIO2_3), r);
    let fast = l.lt(l.abs(x), l.splat(FAST_LIMIT));
    let big = l.ge(l.abs(x), l.splat(FAST_LIMIT));
    let reduced = Reduced {
        // Infinities and NaN get n = 0 (their r is already NaN), so the
        // quadrant, and the result's bits, are the same on every backend.
        n: l.select(fast, n, zero),
        r,
        r_lo: zero,
        slow: big,
    };
    if l.any(big) {
        reduce_slow(l, x, reduced)
    } else {
        reduced
    }
}

/// The slow path of [`reduce`]: the lanes with finite `|x| >= 2^17` through
/// [`reduce_large`], one at a time.
#[inline(always)]
fn reduce_slow<L: Lanes>(l: L, x: L::F, fast: Reduced<L>) -> Reduced<L> {
    const { assert!(L::WIDTH <= MAX_WIDTH) };
    let mut xs = [0.0f32; MAX_WIDTH];
    let mut n = [0.0f32; MAX_WIDTH];
    let mut r = [0.0f32; MAX_WIDTH];
    let mut r_lo = [0.0f32; MAX_WIDTH];
    l.store(x, &mut xs);
    l.store(fast.n, &mut n);
    l.store(fast.r, &mut r);
    l.store(fast.r_lo, &mut r_lo);
    reduce_lanes(&xs[..L::WIDTH], &mut n, &mut r, &mut r_lo);
    Reduced {
        n: l.load(&n),
        r: l.load(&r),
        r_lo: l.load(&r_lo),
        slow: fast.slow,
    }
}

/// Overwrites `n`, `r`, `r_lo` for each finite `xs[i]` with `|xs[i]| >= 2^17`.
#[cold]
#[inline(never)]
fn reduce_lanes(xs: &[f32], n: &mut [f32], r: &mut [f32], r_lo: &mut [f32]) {
    for (i, &x) in xs.iter().enumerate() {
        if x.is_finite() && x.abs() >= FAST_LIMIT {
            let (q, rd) = reduce_large(x);
            n[i] = q as f32;
            r[i] = rd as f32;
            r_lo[i] = (rd - r[i] as f64) as f32;
        }
    }
}

/// `x = q·π/2 + r` (mod 2π) for a finite `|x| >= 2^17`: returns `q` in 0..4
/// and `r` in `[-π/4, π/4]` with a relative error below 2^-52.
///
/// `|x| = m·2^e` with a 24-bit integer `m` and `e >= -6`. The bits of 2/π
/// worth `2^(e-j)` with `e - j >= 2` only add multiples of 4 to `x·2/π`, so
/// the 128 bits from `j = e - 1` on, times `m` modulo 2^128, give `x·2/π`
/// modulo 4 as a fixed-point number with 126 fraction bits (the bits left
/// out are worth less than 2^-102).
pub fn reduce_large(x: f32) -> (u32, f64) {
    let bits = x.to_bits();
    let m = ((bits & 0x007F_FFFF) | 0x0080_0000) as u128;
    let e = ((bits >> 23) & 0xFF) as i32 - 150;
    // Bit j of 2/π is bit j + 63 of the table (counted from the top).
    let first = (e - 1 + 63) as usize;
    let (w, s) = (first / 64, (first % 64) as u32);
    let top = ((TWO_OVER_PI[w] as u128) << 64) | TWO_OVER_PI[w + 1] as u128;
    let window = (top << s) | (((TWO_OVER_PI[w + 2] as u128) << s) >> 64);
    let p = m.wrapping_mul(window);
    // Round to the nearest quadrant; the remainder in [-1/2, 1/2) quadrants.
    let q = (p.wrapping_add(1 << 125) >> 126) as u32;
    let f = p.wrapping_sub((q as u128) << 126) as i128;
    // f·2^-126 quadrants of π/2 each.
    let r = f as f64 * (core::f64::consts::FRAC_PI_2 * f64::from_bits(0x3810_0000_0000_0000));
    if x < 0.0 {
        (q.wrapping_neg() & 3, -r)
    } else {
        (q & 3, r)
    }
}

/// `sin r` for `|r| <= 0.8` and `z = r²`.
#[inline(always)]
pub fn sin_poly<L: Lanes>(l: L, r: L::F, z: L::F) -> L::F {
    l.mul_add(l.mul(r, z), horner(l, z, &S), r)
}

/// `(sin r)/r = 1 + r²·S(r²)` for `|r| <= 0.8` and `z = r²`.
#[inline(always)]
pub fn sinc_poly<L: Lanes>(l: L, z: L::F) -> L::F {
    l.mul_add(z, horner(l, z, &S), l.splat(1.0))
}

/// `S(z) = (sin r - r)/r³` for `|r| <= 0.8` and `z = r²`.
#[inline(always)]
pub fn sin_tail<L: Lanes>(l: L, z: L::F) -> L::F {
    horner(l, z, &S)
}

/// `(cos r - 1)/r²` for `|r| <= 0.8` and `z = r²`.
#[inline(always)]
pub fn cos_tail<L: Lanes>(l: L, z: L::F) -> L::F {
    horner(l, z, &C)
}

/// `cos r` for `|r| <= 0.8` and `z = r²`.
#[inline(always)]
pub fn cos_poly<L: Lanes>(l: L, z: L::F) -> L::F {
    l.mul_add(z, horner(l, z, &C), l.splat(1.0))
}

/// Bit `BIT` of each lane of `n`, moved to the sign position (the other
/// bits cleared).
#[inline(always)]
fn quadrant_bit<L: Lanes, const BIT: i32>(l: L, n: L::I) -> L::I {
    l.shl_i::<31>(l.shr_i::<BIT>(n))
}

/// `(sin x, cos x)` within 2 ULP each; NaN for infinities and NaN.
#[inline(always)]
pub fn sin_cos<L: Lanes>(l: L, x: L::F) -> (L::F, L::F) {
    let red = reduce(l, x);
    let z = l.mul(red.r, red.r);
    let (s, c) = (sin_poly(l, red.r, z), cos_poly(l, z));
    from_quadrant(l, red.n, s, c)
}

/// `(sin x, cos x)` from `sin r` and `cos r` and the quadrant in `n`.
#[inline(always)]
pub fn from_quadrant<L: Lanes>(l: L, n: L::F, s: L::F, c: L::F) -> (L::F, L::F) {
    let n = l.to_int(n);
    // Odd quadrants swap sine and cosine: bit 0 as the sign of ±1.
    let one = l.splat_i(0x3F80_0000);
    let odd = l.lt(
        l.bits_as_float(l.or_i(quadrant_bit::<L, 0>(l, n), one)),
        l.splat(0.0),
    );
    let (sin, cos) = (l.select(odd, c, s), l.select(odd, s, c));
    // sin x is negative in quadrants 2, 3; cos x in quadrants 1, 2.
    let sin = l.bits_as_float(l.xor_i(l.to_bits(sin), quadrant_bit::<L, 1>(l, n)));
    let cos_sign = quadrant_bit::<L, 1>(l, l.add_i(n, l.splat_i(1)));
    let cos = l.bits_as_float(l.xor_i(l.to_bits(cos), cos_sign));
    (sin, cos)
}

/// `sin x` within 2 ULP (`-0` for `-0`); NaN for infinities and NaN.
#[inline(always)]
pub fn sin<L: Lanes>(l: L, x: L::F) -> L::F {
    let (s, _) = sin_cos(l, x);
    l.select(l.eq(x, l.splat(0.0)), x, s)
}

/// The reduced argument in f64 lanes (low half, high half of the lanes),
/// to about 2^-52 relative, and the quadrant in `red.n` (from [`reduce`]).
#[inline(always)]
pub fn reduce_f64<L: Lanes>(l: L, x: L::F, red: &Reduced<L>) -> (L::D, L::D) {
    // From x itself (not from the f32 r), so this does not wait for the
    // f32 reduction's chain of fused multiply-adds.
    let (r0, r1) = reduce_fast_f64(l, x, red.n);
    if l.any(red.slow) {
        // Slow lanes: r + r_lo from the slow path (their n is only a
        // quadrant, so n = 0 here).
        let zero = l.splat(0.0);
        let (x0, x1) = l.widen(l.select(red.slow, red.r, x));
        let (n0, n1) = l.widen(l.select(red.slow, zero, red.n));
        let (l0, l1) = l.widen(l.select(red.slow, red.r_lo, zero));
        (
            l.add_d(reduce_half_f64(l, x0, n0), l0),
            l.add_d(reduce_half_f64(l, x1, n1), l1),
        )
    } else {
        (r0, r1)
    }
}

/// `x - n·π/2` in f64 lanes (low half, high half) for integral `|n| < 2^17`
/// (the lanes of [`reduce`]'s fast path).
#[inline(always)]
pub fn reduce_fast_f64<L: Lanes>(l: L, x: L::F, n: L::F) -> (L::D, L::D) {
    let (x0, x1) = l.widen(x);
    let (n0, n1) = l.widen(n);
    (reduce_half_f64(l, x0, n0), reduce_half_f64(l, x1, n1))
}

/// `x - n·π/2` in f64 lanes, for `|n| < 2^17`. (A function, not a
/// closure: closures do not inherit the backend's target features, and
/// their lane operations would not inline.)
#[inline(always)]
fn reduce_half_f64<L: Lanes>(l: L, x: L::D, n: L::D) -> L::D {
    // n·PIO2_1D and n·PIO2_2D are exact; x - n·PIO2_1D is exact
    // (Sterbenz), the two other steps round once each.
    let r = l.sub_d(x, l.mul_d(n, l.splat_d(PIO2_1D)));
    let r = l.sub_d(r, l.mul_d(n, l.splat_d(PIO2_2D)));
    l.sub_d(r, l.mul_d(n, l.splat_d(PIO2_3D)))
}

/// `c[0] + c[1]·z + ... + c[5]·z⁵` in f64 lanes, by Estrin's scheme (a
/// shorter chain of dependent operations than Horner's rule).
#[inline(always)]
fn estrin6_d<L: Lanes>(l: L, z: L::D, z2: L::D, c: &[f64; 6]) -> L::D {
    // Plain splats, no closure: see math::poly::pow2_of_int.
    let (c0, c1, c2) = (l.splat_d(c[0]), l.splat_d(c[1]), l.splat_d(c[2]));
    let (c3, c4, c5) = (l.splat_d(c[3]), l.splat_d(c[4]), l.splat_d(c[5]));
    let p01 = l.add_d(c0, l.mul_d(c1, z));
    let p23 = l.add_d(c2, l.mul_d(c3, z));
    let p45 = l.add_d(c4, l.mul_d(c5, z));
    let p25 = l.add_d(p23, l.mul_d(z2, p45));
    l.add_d(p01, l.mul_d(z2, p25))
}

/// `((sin r - r)/r³, (cos r - 1)/r²)` in f64 lanes for `|r| <= 0.8` and
/// `z = r²`, each to about 2^-50 relative.
#[inline(always)]
pub fn sin_cos_tails_f64<L: Lanes>(l: L, z: L::D) -> (L::D, L::D) {
    let z2 = l.mul_d(z, z);
    (estrin6_d(l, z, z2, &SD), estrin6_d(l, z, z2, &CD))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_reduction_matches_f64() {
        // Below 2^26 the f64 remainder x - q·π/2 (with q·π/2 from the exact
        // integer q) is accurate enough to check the quadrant and r.
        let mut x = FAST_LIMIT;
        while x < 6.0e7 {
            let (q, r) = reduce_large(x);
            let k = (x as f64 / core::f64::consts::FRAC_PI_2).round();
            let want = x as f64 - k * core::f64::consts::FRAC_PI_2;
            assert_eq!(q, (k as u64 % 4) as u32, "x = {x}");
            assert!((r - want).abs() < 1e-8, "x = {x}: {r} vs {want}");
            let (qn, rn) = reduce_large(-x);
            assert_eq!((qn + q) % 4, 0);
            assert_eq!(rn, -r);
            x = x * 1.37 + 0.25;
        }
    }
}
