//! The portable backend: `wide::f32x8`, eight lanes in whatever the build
//! target guarantees (NEON on aarch64, two SSE2 halves on plain x86-64, AVX
//! when built with `-C target-cpu=native`).
//!
//! `wide` picks its instructions at compile time, so this backend cannot
//! use features detected at run time; that is what the x86 backends are for.
//! Comparisons, `min` and `max` are written as compare-and-select so their
//! NaN and signed-zero rules are the trait's on every target (NEON's own
//! `fmax` would differ).

use super::{LaneOp, Lanes};
use crate::Backend;
use bytemuck::cast;
use wide::{f32x8, f64x4, i32x8};

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
const FUSED: bool = cfg!(any(
    target_feature = "fma",
    all(target_arch = "aarch64", target_feature = "neon")
));

impl Lanes for Portable {
    type F = f32x8;
    type I = i32x8;
    /// All-ones or all-zeros bits per lane.
    type M = f32x8;
    type D = f64x4;
    const WIDTH: usize = 8;
    const BACKEND: Backend = Backend::Portable;
    const FUSED_MUL_ADD: bool = FUSED;

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
        a.mul_add(b, c)
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
    fn to_int(self, a: f32x8) -> i32x8 {
        a.trunc_int()
    }
    #[inline(always)]
    fn to_float(self, a: i32x8) -> f32x8 {
        f32x8::from_i32x8(a)
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
}
