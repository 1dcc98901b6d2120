//! The portable backend: `wide::f32x8`, eight lanes in whatever the build
//! target guarantees (NEON on aarch64, two SSE2 halves on plain x86-64, AVX
//! when built with `-C target-cpu=native`).
//!
//! `wide` picks its instructions at compile time, so this backend cannot
//! use features detected at run time; that is what the x86 backends are for.
//! Where the target has no FMA instruction, `mul_add` is emulated exactly
//! (see [`fma_exact`]) so this backend gives the same bits as the others.
//! Comparisons, `min` and `max` are written as compare-and-select so their
//! NaN and signed-zero rules are the trait's on every target (NEON's own
//! `fmax` would differ).

use super::{LaneOp, Lanes};
use crate::Backend;
use bytemuck::cast;
use wide::{f32x8, f64x4, i32x8, u32x8};

/// The portable backend's token (always available).
#[derive(Clone, Copy, Debug, Default)]
pub struct Portable {
    _private: (),
}

impl Portable {
    /// The portable token; it runs on every CPU the crate was built for.
    pub fn new() -> Self {
        Portable { _private: () }
    }
}

/// Whether `wide` compiles `mul_add` to a fused instruction on this target.
const HARDWARE_FMA: bool = cfg!(any(
    target_feature = "fma",
    all(target_arch = "aarch64", target_feature = "neon")
));

/// `a·b + c` rounded once, without an FMA instruction: the product is exact
/// in f64 (24 + 24 bits), the sum is rounded to odd (TwoSum gives its
/// error; an inexact even result moves one ulp toward the exact value), and
/// the one rounding to f32 is then the correctly rounded fused result
/// (Boldo & Melquiond, "Emulation of FMA and correctly rounded sums: proved
/// algorithms using rounding to odd", 2008).
#[inline(always)]
pub(crate) fn fma_exact(a: f32, b: f32, c: f32) -> f32 {
    let p = a as f64 * b as f64;
    let c = c as f64;
    let s = p + c;
    if !s.is_finite() {
        return s as f32;
    }
    let back = s - p;
    let error = (p - (s - back)) + (c - back);
    let bits = s.to_bits();
    if error != 0.0 && bits & 1 == 0 {
        let away_from_zero = (error > 0.0) == (s > 0.0);
        let odd = if away_from_zero { bits + 1 } else { bits - 1 };
        return f64::from_bits(odd) as f32;
    }
    s as f32
}

impl Lanes for Portable {
    type F = f32x8;
    type I = i32x8;
    /// All-ones or all-zeros bits per lane.
    type M = f32x8;
    type D = f64x4;
    const WIDTH: usize = 8;
    const BACKEND: Backend = Backend::Portable;
    const D_LANES: usize = 4;

    #[inline(always)]
    fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output {
        op.run(self)
    }

    #[inline(always)]
    fn splat(self, v: f32) -> f32x8 {
        f32x8::splat(v)
    }
    #[inline(always)]
    fn load(self, s: &[f32]) -> f32x8 {
        let lanes: [f32; 8] = s[..8].try_into().expect("slice of 8");
        f32x8::new(lanes)
    }
    #[inline(always)]
    fn load_partial(self, s: &[f32]) -> f32x8 {
        let mut lanes = [0.0f32; 8];
        lanes[..s.len()].copy_from_slice(s);
        f32x8::new(lanes)
    }
    #[inline(always)]
    fn store(self, v: f32x8, d: &mut [f32]) {
        d[..8].copy_from_slice(&v.to_array());
    }
    #[inline(always)]
    fn store_partial(self, v: f32x8, d: &mut [f32]) {
        let n = d.len();
        d.copy_from_slice(&v.to_array()[..n]);
    }
    #[inline(always)]
    fn deinterleave(self, a: f32x8, b: f32x8) -> (f32x8, f32x8) {
        let (a, b) = (a.to_array(), b.to_array());
        let c = |i: usize| if i < 8 { a[i] } else { b[i - 8] };
        (
            f32x8::new(core::array::from_fn(|i| c(2 * i))),
            f32x8::new(core::array::from_fn(|i| c(2 * i + 1))),
        )
    }
    #[inline(always)]
    fn load_strided(self, s: &[f32], stride: usize) -> f32x8 {
        let s = &s[..7 * stride + 1];
        f32x8::new(core::array::from_fn(|i| s[i * stride]))
    }

    #[inline(always)]
    fn add(self, a: f32x8, b: f32x8) -> f32x8 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32x8, b: f32x8) -> f32x8 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32x8, b: f32x8) -> f32x8 {
        a * b
    }
    #[inline(always)]
    fn div(self, a: f32x8, b: f32x8) -> f32x8 {
        a / b
    }
    #[inline(always)]
    fn mul_add(self, a: f32x8, b: f32x8, c: f32x8) -> f32x8 {
        if HARDWARE_FMA {
            a.mul_add(b, c)
        } else {
            let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
            f32x8::new(core::array::from_fn(|i| fma_exact(a[i], b[i], c[i])))
        }
    }
    #[inline(always)]
    fn neg(self, a: f32x8) -> f32x8 {
        a ^ f32x8::splat(-0.0)
    }
    #[inline(always)]
    fn abs(self, a: f32x8) -> f32x8 {
        a.abs()
    }
    #[inline(always)]
    fn min(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_lt(b).select(a, b)
    }
    #[inline(always)]
    fn max(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_gt(b).select(a, b)
    }
    #[inline(always)]
    fn sqrt(self, a: f32x8) -> f32x8 {
        a.sqrt()
    }
    #[inline(always)]
    fn round(self, a: f32x8) -> f32x8 {
        a.round_ties_even()
    }

    #[inline(always)]
    fn lt(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_lt(b)
    }
    #[inline(always)]
    fn le(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_le(b)
    }
    #[inline(always)]
    fn gt(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_gt(b)
    }
    #[inline(always)]
    fn ge(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_ge(b)
    }
    #[inline(always)]
    fn eq(self, a: f32x8, b: f32x8) -> f32x8 {
        a.simd_eq(b)
    }
    #[inline(always)]
    fn is_nan(self, a: f32x8) -> f32x8 {
        a.simd_ne(a)
    }
    #[inline(always)]
    fn select(self, m: f32x8, a: f32x8, b: f32x8) -> f32x8 {
        m.select(a, b)
    }
    #[inline(always)]
    fn and_mask(self, a: f32x8, b: f32x8) -> f32x8 {
        a & b
    }
    #[inline(always)]
    fn or_mask(self, a: f32x8, b: f32x8) -> f32x8 {
        a | b
    }
    #[inline(always)]
    fn andnot_mask(self, a: f32x8, b: f32x8) -> f32x8 {
        a & !b
    }
    #[inline(always)]
    fn any(self, m: f32x8) -> bool {
        m.any()
    }

    #[inline(always)]
    fn to_bits(self, a: f32x8) -> i32x8 {
        cast(a)
    }
    #[inline(always)]
    fn bits_as_float(self, a: i32x8) -> f32x8 {
        cast(a)
    }
    #[inline(always)]
    fn splat_i(self, v: i32) -> i32x8 {
        i32x8::splat(v)
    }
    #[inline(always)]
    fn add_i(self, a: i32x8, b: i32x8) -> i32x8 {
        a + b
    }
    #[inline(always)]
    fn sub_i(self, a: i32x8, b: i32x8) -> i32x8 {
        a - b
    }
    #[inline(always)]
    fn and_i(self, a: i32x8, b: i32x8) -> i32x8 {
        a & b
    }
    #[inline(always)]
    fn or_i(self, a: i32x8, b: i32x8) -> i32x8 {
        a | b
    }
    #[inline(always)]
    fn xor_i(self, a: i32x8, b: i32x8) -> i32x8 {
        a ^ b
    }
    #[inline(always)]
    fn shl_i<const N: i32>(self, a: i32x8) -> i32x8 {
        a << N as u32
    }
    #[inline(always)]
    fn shr_i<const N: i32>(self, a: i32x8) -> i32x8 {
        a >> N as u32
    }
    #[inline(always)]
    fn shr_u<const N: i32>(self, a: i32x8) -> i32x8 {
        cast(cast::<i32x8, u32x8>(a) >> N as u32)
    }
    #[inline(always)]
    fn mul_i(self, a: i32x8, b: i32x8) -> i32x8 {
        // wide's integer multiply wraps (pmulld, or its emulation on SSE2).
        a * b
    }
    #[inline(always)]
    fn to_int(self, a: f32x8) -> i32x8 {
        a.trunc_int()
    }
    #[inline(always)]
    fn to_float(self, a: i32x8) -> f32x8 {
        f32x8::from_i32x8(a)
    }
    #[inline(always)]
    fn lookup8(self, table: &[f32; 8], idx: i32x8) -> f32x8 {
        // `wide` has no lane permute: one scalar load per lane.
        let idx = idx.to_array();
        f32x8::new(core::array::from_fn(|k| table[(idx[k] & 7) as usize]))
    }

    #[inline(always)]
    fn widen(self, a: f32x8) -> (f64x4, f64x4) {
        let v = a.to_array();
        let half = |i: usize| {
            f64x4::new([
                v[i] as f64,
                v[i + 1] as f64,
                v[i + 2] as f64,
                v[i + 3] as f64,
            ])
        };
        (half(0), half(4))
    }
    #[inline(always)]
    fn narrow(self, lo: f64x4, hi: f64x4) -> f32x8 {
        let (lo, hi) = (lo.to_array(), hi.to_array());
        let mut out = [0.0f32; 8];
        for i in 0..4 {
            out[i] = lo[i] as f32;
            out[i + 4] = hi[i] as f32;
        }
        f32x8::new(out)
    }
    #[inline(always)]
    fn splat_d(self, v: f64) -> f64x4 {
        f64x4::splat(v)
    }
    #[inline(always)]
    fn add_d(self, a: f64x4, b: f64x4) -> f64x4 {
        a + b
    }
    #[inline(always)]
    fn sub_d(self, a: f64x4, b: f64x4) -> f64x4 {
        a - b
    }
    #[inline(always)]
    fn mul_d(self, a: f64x4, b: f64x4) -> f64x4 {
        a * b
    }
    #[inline(always)]
    fn div_d(self, a: f64x4, b: f64x4) -> f64x4 {
        a / b
    }
    #[inline(always)]
    fn sqrt_d(self, a: f64x4) -> f64x4 {
        a.sqrt()
    }
    #[inline(always)]
    fn mul_add_d(self, a: f64x4, b: f64x4, c: f64x4) -> f64x4 {
        if HARDWARE_FMA {
            a.mul_add(b, c)
        } else {
            // f64::mul_add is the correctly rounded fma (libm's where the
            // target has no instruction): slow, but the same bits.
            let (a, b, c) = (a.to_array(), b.to_array(), c.to_array());
            f64x4::new(core::array::from_fn(|i| {
                crate::float::fma_f64(a[i], b[i], c[i])
            }))
        }
    }
    #[inline(always)]
    fn load_d(self, s: &[f64]) -> f64x4 {
        let lanes: [f64; 4] = s[..4].try_into().expect("slice of 4");
        f64x4::new(lanes)
    }
    #[inline(always)]
    fn store_d(self, v: f64x4, d: &mut [f64]) {
        d[..4].copy_from_slice(&v.to_array());
    }
}

#[cfg(test)]
mod tests {
    use super::fma_exact;

    /// Checks the emulation against `f32::mul_add` (a true fused
    /// multiply-add, in hardware or libm) on cases built to hit rounding
    /// boundaries: cancellation, tiny addends, ties, denormals, overflow.
    #[test]
    fn fma_emulation_is_exact() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let specials = [
            0.0f32,
            -0.0,
            1.0,
            -1.0,
            0.5,
            3.0,
            f32::MIN_POSITIVE,
            1e-45,
            f32::MAX,
            f32::INFINITY,
            f32::NEG_INFINITY,
            f32::NAN,
            1.0 + f32::EPSILON,
            1.0 - f32::EPSILON / 2.0,
        ];
        let mut checked = 0;
        for i in 0..2_000_000u32 {
            let r = next();
            let a = f32::from_bits(r as u32 & 0xBFFF_FFFF);
            let b = f32::from_bits((r >> 32) as u32 & 0xBFFF_FFFF);
            let c = match i % 5 {
                // Cancel most of the product, leaving the rounding bits.
                0 => -(a * b) * f32::from_bits(0x3F80_0000 + (next() as u32 & 0xFF)),
                // An addend just below half an ulp of the product.
                1 => (a * b) * f32::from_bits(0x3300_0000 + (next() as u32 & 0xFFFF)),
                2 => f32::from_bits(next() as u32),
                3 => specials[next() as usize % specials.len()],
                _ => -(a * b),
            };
            let (a, b) = if i % 7 == 0 {
                (specials[i as usize % specials.len()], b)
            } else {
                (a, b)
            };
            let want = a.mul_add(b, c);
            let got = fma_exact(a, b, c);
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "fma({a:e}, {b:e}, {c:e}) = {got:e}, want {want:e}"
            );
            checked += 1;
        }
        assert_eq!(checked, 2_000_000);
    }

    /// Sums whose f64 rounding lands exactly on an f32 midpoint: a naive
    /// `(a·b + c) as f32` rounds twice and picks the wrong neighbour here.
    #[test]
    fn fma_emulation_survives_double_rounding_traps() {
        // Up to k = 361 the offset below the midpoint is under half an f64 ulp.
        for k in 1..362u32 {
            for scale in [1.0f32, 0.5, 2.0, 1024.0, 1.0 / 1024.0] {
                for sign in [1.0f32, -1.0] {
                    // c has an odd last bit, so the midpoint above it rounds
                    // (ties to even) up; the exact sum lies just below it.
                    let c = sign * scale * (1.0 + f32::EPSILON);
                    let a = sign * scale * (1.0 + k as f32 * f32::EPSILON) / (1u32 << 24) as f32;
                    let b = 1.0 - (2 * k) as f32 * f32::EPSILON / 2.0;
                    let want = a.mul_add(b, c);
                    assert_eq!(fma_exact(a, b, c).to_bits(), want.to_bits(), "k={k}");
                    let naive = (a as f64 * b as f64 + c as f64) as f32;
                    assert_ne!(naive.to_bits(), want.to_bits(), "k={k}: not a trap");
                }
            }
        }
    }
}
