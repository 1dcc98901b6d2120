//! The scalar backend: one lane, plain `f32`.
//!
//! It is the reference the SIMD backends are compared against, so it stays
//! one element at a time: every loaded value passes through an empty
//! register barrier that keeps LLVM from auto-vectorizing the loop. On x86-64
//! CPUs with FMA its kernels are compiled with the `fma` feature, so
//! `mul_add` is one instruction (not a libm call) and rounds exactly like the
//! SIMD backends.

use super::{LaneOp, Lanes};
use crate::Backend;

/// The scalar backend's token (always available).
#[derive(Clone, Copy, Debug)]
pub struct Scalar {
    /// Whether the CPU has hardware FMA (x86-64 only; always false elsewhere,
    /// where only x86-64 reads it).
    #[cfg_attr(not(x86_simd), allow(dead_code))]
    fma: bool,
}

impl Scalar {
    /// The scalar token; it runs on every CPU.
    pub fn new() -> Self {
        Scalar {
            fma: crate::cpu::has_fma(),
        }
    }
}

impl Default for Scalar {
    fn default() -> Self {
        Self::new()
    }
}

/// Hides `v` from the optimizer (no instructions emitted), so loops over it
/// stay scalar.
#[inline(always)]
fn opaque(v: f32) -> f32 {
    // x86-64 without SSE (x86_64-unknown-none) has no xmm registers, and
    // Miri cannot run inline assembly: `black_box` is the barrier there.
    #[cfg(all(target_arch = "x86_64", target_feature = "sse", not(miri)))]
    {
        let mut v = v;
        // SAFETY: the template is empty; it reads and writes only the one
        // register it is given and touches no memory, stack or flags.
        unsafe {
            core::arch::asm!("/* {0} */", inout(xmm_reg) v, options(pure, nomem, nostack, preserves_flags));
        }
        v
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse", not(miri))))]
    {
        core::hint::black_box(v)
    }
}

impl Lanes for Scalar {
    type F = f32;
    type I = i32;
    type M = bool;
    /// The one lane as f64 (the high half of `widen` is unused).
    type D = f64;
    const WIDTH: usize = 1;
    const BACKEND: Backend = Backend::Scalar;
    const D_LANES: usize = 1;

    #[inline(always)]
    fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output {
        #[cfg(x86_simd)]
        if self.fma {
            #[target_feature(enable = "fma")]
            fn with_fma<Op: LaneOp>(t: Scalar, op: Op) -> Op::Output {
                op.run(t)
            }
            // SAFETY: `self.fma` is true only when detection found FMA (at run
            // time with `std`, in the build target without).
            return unsafe { with_fma(self, op) };
        }
        op.run(self)
    }

    #[inline(always)]
    fn splat(self, v: f32) -> f32 {
        v
    }
    #[inline(always)]
    fn load(self, s: &[f32]) -> f32 {
        opaque(s[0])
    }
    #[inline(always)]
    fn load_partial(self, s: &[f32]) -> f32 {
        opaque(s.first().copied().unwrap_or(0.0))
    }
    #[inline(always)]
    fn store(self, v: f32, d: &mut [f32]) {
        d[0] = v;
    }
    #[inline(always)]
    fn store_partial(self, v: f32, d: &mut [f32]) {
        if let Some(slot) = d.first_mut() {
            *slot = v;
        }
    }
    #[inline(always)]
    fn deinterleave(self, a: f32, b: f32) -> (f32, f32) {
        (a, b)
    }
    #[inline(always)]
    fn load_strided(self, s: &[f32], _stride: usize) -> f32 {
        opaque(s[0])
    }

    #[inline(always)]
    fn add(self, a: f32, b: f32) -> f32 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f32, b: f32) -> f32 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f32, b: f32) -> f32 {
        a * b
    }
    #[inline(always)]
    fn div(self, a: f32, b: f32) -> f32 {
        a / b
    }
    #[inline(always)]
    fn mul_add(self, a: f32, b: f32, c: f32) -> f32 {
        crate::float::fma_f32(a, b, c)
    }
    #[inline(always)]
    fn neg(self, a: f32) -> f32 {
        -a
    }
    #[inline(always)]
    fn abs(self, a: f32) -> f32 {
        a.abs()
    }
    #[inline(always)]
    fn min(self, a: f32, b: f32) -> f32 {
        if a < b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn max(self, a: f32, b: f32) -> f32 {
        if a > b {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn sqrt(self, a: f32) -> f32 {
        crate::float::sqrt_f32(a)
    }
    #[inline(always)]
    fn round(self, a: f32) -> f32 {
        crate::float::round_even_f32(a)
    }

    #[inline(always)]
    fn lt(self, a: f32, b: f32) -> bool {
        a < b
    }
    #[inline(always)]
    fn le(self, a: f32, b: f32) -> bool {
        a <= b
    }
    #[inline(always)]
    fn gt(self, a: f32, b: f32) -> bool {
        a > b
    }
    #[inline(always)]
    fn ge(self, a: f32, b: f32) -> bool {
        a >= b
    }
    #[inline(always)]
    fn eq(self, a: f32, b: f32) -> bool {
        a == b
    }
    #[inline(always)]
    fn is_nan(self, a: f32) -> bool {
        a.is_nan()
    }
    #[inline(always)]
    fn select(self, m: bool, a: f32, b: f32) -> f32 {
        if m {
            a
        } else {
            b
        }
    }
    #[inline(always)]
    fn and_mask(self, a: bool, b: bool) -> bool {
        a & b
    }
    #[inline(always)]
    fn or_mask(self, a: bool, b: bool) -> bool {
        a | b
    }
    #[inline(always)]
    fn andnot_mask(self, a: bool, b: bool) -> bool {
        a & !b
    }
    #[inline(always)]
    fn any(self, m: bool) -> bool {
        m
    }

    #[inline(always)]
    fn to_bits(self, a: f32) -> i32 {
        a.to_bits() as i32
    }
    #[inline(always)]
    fn bits_as_float(self, a: i32) -> f32 {
        f32::from_bits(a as u32)
    }
    #[inline(always)]
    fn splat_i(self, v: i32) -> i32 {
        v
    }
    #[inline(always)]
    fn add_i(self, a: i32, b: i32) -> i32 {
        a.wrapping_add(b)
    }
    #[inline(always)]
    fn sub_i(self, a: i32, b: i32) -> i32 {
        a.wrapping_sub(b)
    }
    #[inline(always)]
    fn and_i(self, a: i32, b: i32) -> i32 {
        a & b
    }
    #[inline(always)]
    fn or_i(self, a: i32, b: i32) -> i32 {
        a | b
    }
    #[inline(always)]
    fn xor_i(self, a: i32, b: i32) -> i32 {
        a ^ b
    }
    #[inline(always)]
    fn shl_i<const N: i32>(self, a: i32) -> i32 {
        a << N
    }
    #[inline(always)]
    fn shr_i<const N: i32>(self, a: i32) -> i32 {
        a >> N
    }
    #[inline(always)]
    fn shr_u<const N: i32>(self, a: i32) -> i32 {
        ((a as u32) >> N) as i32
    }
    #[inline(always)]
    fn mul_i(self, a: i32, b: i32) -> i32 {
        a.wrapping_mul(b)
    }
    #[inline(always)]
    fn to_int(self, a: f32) -> i32 {
        a as i32
    }
    #[inline(always)]
    fn to_float(self, a: i32) -> f32 {
        a as f32
    }
    #[inline(always)]
    fn lookup8(self, table: &[f32; 8], idx: i32) -> f32 {
        table[(idx & 7) as usize]
    }

    #[inline(always)]
    fn widen(self, a: f32) -> (f64, f64) {
        (a as f64, 0.0)
    }
    #[inline(always)]
    fn narrow(self, lo: f64, _hi: f64) -> f32 {
        lo as f32
    }
    #[inline(always)]
    fn splat_d(self, v: f64) -> f64 {
        v
    }
    #[inline(always)]
    fn add_d(self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub_d(self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul_d(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn div_d(self, a: f64, b: f64) -> f64 {
        a / b
    }
    #[inline(always)]
    fn sqrt_d(self, a: f64) -> f64 {
        crate::float::sqrt_f64(a)
    }
    #[inline(always)]
    fn mul_add_d(self, a: f64, b: f64, c: f64) -> f64 {
        crate::float::fma_f64(a, b, c)
    }
    #[inline(always)]
    fn load_d(self, s: &[f64]) -> f64 {
        s[0]
    }
    #[inline(always)]
    fn store_d(self, v: f64, d: &mut [f64]) {
        d[0] = v;
    }
}
