//! The AVX-512 backend: `__m512`, sixteen lanes, `__mmask16` masks, masked
//! loads and stores for tails, chosen at run time.
//!
//! It requires the AVX-512 F, DQ, BW and VL subsets (every AVX-512 CPU since
//! Skylake-SP and Zen 4 has them) plus FMA. All of this backend's `unsafe`
//! is in this file.

use super::{LaneOp, Lanes};
use crate::Backend;
use core::arch::x86_64::*;

/// The AVX-512 backend's token: exists only on CPUs that have it.
#[derive(Clone, Copy, Debug)]
pub struct Avx512 {
    _proof: (),
}

impl Avx512 {
    /// The token, if this CPU supports AVX-512 F/DQ/BW/VL and FMA.
    pub fn new() -> Option<Self> {
        crate::cpu::has_avx512().then_some(Avx512 { _proof: () })
    }
}

/// Wraps an intrinsic call whose only requirement is the CPU features.
macro_rules! cpu {
    ($e:expr) => {
        // SAFETY: an `Avx512` token exists only after `Avx512::new`
        // confirmed AVX-512 F/DQ/BW/VL and FMA at run time, and this
        // expression has no other requirement (no memory access).
        unsafe { $e }
    };
}

/// `v`, hidden from the optimizer: an empty `asm!` that takes and returns
/// it in a register, so a load that produced `v` cannot be folded into the
/// instruction that uses it (see [`Lanes::zero_where`]).
///
/// # Safety
/// The CPU must have AVX-512 F.
#[target_feature(enable = "avx512f")]
#[inline]
unsafe fn in_register(mut v: __m512) -> __m512 {
    // SAFETY: the template is empty; it reads and writes only the one
    // register it is given and touches no memory, stack or flags.
    unsafe {
        core::arch::asm!("/* {0} */", inout(zmm_reg) v, options(pure, nomem, nostack, preserves_flags));
    }
    v
}

/// A mask with the first `n` (< 16) lanes set.
#[inline(always)]
fn first_lanes(n: usize) -> __mmask16 {
    ((1u32 << n) - 1) as __mmask16
}

impl Lanes for Avx512 {
    type F = __m512;
    type I = __m512i;
    type M = __mmask16;
    type D = __m512d;
    const WIDTH: usize = 16;
    const BACKEND: Backend = Backend::Avx512;
    const STREAMS: bool = true;
    const D_LANES: usize = 8;

    #[inline(always)]
    fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output {
        #[target_feature(enable = "avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")]
        fn entry<Op: LaneOp>(t: Avx512, op: Op) -> Op::Output {
            op.run(t)
        }
        // SAFETY: the token proves the CPU has every feature enabled above.
        unsafe { entry(self, op) }
    }

    #[inline(always)]
    fn splat(self, v: f32) -> __m512 {
        cpu!(_mm512_set1_ps(v))
    }
    #[inline(always)]
    fn load(self, s: &[f32]) -> __m512 {
        assert!(s.len() >= 16);
        // SAFETY: 16 readable f32 checked above; unaligned load; AVX-512 proven.
        unsafe { _mm512_loadu_ps(s.as_ptr()) }
    }
    #[inline(always)]
    fn load_partial(self, s: &[f32]) -> __m512 {
        assert!(s.len() < 16);
        // SAFETY: the mask enables only the first s.len() lanes, which are in
        // bounds; masked-off lanes are not accessed (no fault) and read as 0.
        unsafe { _mm512_maskz_loadu_ps(first_lanes(s.len()), s.as_ptr()) }
    }
    #[inline(always)]
    fn store(self, v: __m512, d: &mut [f32]) {
        assert!(d.len() >= 16);
        // SAFETY: 16 writable f32 checked above; unaligned store; AVX-512 proven.
        unsafe { _mm512_storeu_ps(d.as_mut_ptr(), v) }
    }
    #[inline(always)]
    fn store_stream(self, v: __m512, d: &mut [f32]) {
        assert!(d.len() >= 16);
        if !(d.as_ptr() as usize).is_multiple_of(64) {
            return self.store(v, d);
        }
        // SAFETY: 16 writable f32 checked above, 64-byte aligned as
        // _mm512_stream_ps requires (checked just above); AVX-512 proven.
        unsafe { _mm512_stream_ps(d.as_mut_ptr(), v) }
    }
    #[inline(always)]
    fn prefetch(self, p: *const f32) {
        // SAFETY: a prefetch reads nothing architecturally and never
        // faults, whatever the address.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) }
    }
    #[inline(always)]
    fn stream_fence(self) {
        cpu!(_mm_sfence())
    }
    #[inline(always)]
    fn deinterleave(self, a: __m512, b: __m512) -> (__m512, __m512) {
        let even = cpu!(_mm512_setr_epi32(
            0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30
        ));
        let odd = cpu!(_mm512_setr_epi32(
            1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31
        ));
        cpu!((
            _mm512_permutex2var_ps(a, even, b),
            _mm512_permutex2var_ps(a, odd, b)
        ))
    }
    #[inline(always)]
    fn load_strided(self, s: &[f32], stride: usize) -> __m512 {
        assert!(s.len() > 15 * stride && stride <= (i32::MAX / 16) as usize);
        let index = cpu!(_mm512_mullo_epi32(
            _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
            _mm512_set1_epi32(stride as i32)
        ));
        // SAFETY: the largest index, 15·stride, is in bounds (checked above,
        // and small enough not to overflow i32); AVX-512 proven by the token.
        unsafe { _mm512_i32gather_ps::<4>(index, s.as_ptr()) }
    }
    #[inline(always)]
    fn store_partial(self, v: __m512, d: &mut [f32]) {
        assert!(d.len() < 16);
        // SAFETY: only the first d.len() lanes, all in bounds, are written;
        // AVX-512 proven by the token.
        unsafe { _mm512_mask_storeu_ps(d.as_mut_ptr(), first_lanes(d.len()), v) }
    }

    #[inline(always)]
    fn add(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_add_ps(a, b))
    }
    #[inline(always)]
    fn sub(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_sub_ps(a, b))
    }
    #[inline(always)]
    fn mul(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_mul_ps(a, b))
    }
    #[inline(always)]
    fn div(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_div_ps(a, b))
    }
    #[inline(always)]
    fn mul_add(self, a: __m512, b: __m512, c: __m512) -> __m512 {
        cpu!(_mm512_fmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn neg(self, a: __m512) -> __m512 {
        cpu!(_mm512_xor_ps(a, _mm512_set1_ps(-0.0)))
    }
    #[inline(always)]
    fn abs(self, a: __m512) -> __m512 {
        cpu!(_mm512_abs_ps(a))
    }
    #[inline(always)]
    fn min(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_min_ps(a, b))
    }
    #[inline(always)]
    fn max(self, a: __m512, b: __m512) -> __m512 {
        cpu!(_mm512_max_ps(a, b))
    }
    #[inline(always)]
    fn sqrt(self, a: __m512) -> __m512 {
        cpu!(_mm512_sqrt_ps(a))
    }
    #[inline(always)]
    fn round(self, a: __m512) -> __m512 {
        cpu!(_mm512_roundscale_ps::<
            { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
        >(a))
    }

    #[inline(always)]
    fn lt(self, a: __m512, b: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_LT_OQ>(a, b))
    }
    #[inline(always)]
    fn le(self, a: __m512, b: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_LE_OQ>(a, b))
    }
    #[inline(always)]
    fn gt(self, a: __m512, b: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_GT_OQ>(a, b))
    }
    #[inline(always)]
    fn ge(self, a: __m512, b: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_GE_OQ>(a, b))
    }
    #[inline(always)]
    fn eq(self, a: __m512, b: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_EQ_OQ>(a, b))
    }
    #[inline(always)]
    fn is_nan(self, a: __m512) -> __mmask16 {
        cpu!(_mm512_cmp_ps_mask::<_CMP_UNORD_Q>(a, a))
    }
    #[inline(always)]
    fn select(self, m: __mmask16, a: __m512, b: __m512) -> __m512 {
        // blend takes the second operand where the mask bit is set.
        cpu!(_mm512_mask_blend_ps(m, b, a))
    }
    #[inline(always)]
    fn zero_where(self, m: __mmask16, v: __m512) -> __m512 {
        // SAFETY: the token proves AVX-512 F.
        let v = unsafe { in_register(v) };
        cpu!(_mm512_mask_blend_ps(m, v, _mm512_setzero_ps()))
    }
    #[inline(always)]
    fn and_mask(self, a: __mmask16, b: __mmask16) -> __mmask16 {
        a & b
    }
    #[inline(always)]
    fn or_mask(self, a: __mmask16, b: __mmask16) -> __mmask16 {
        a | b
    }
    #[inline(always)]
    fn andnot_mask(self, a: __mmask16, b: __mmask16) -> __mmask16 {
        a & !b
    }
    #[inline(always)]
    fn any(self, m: __mmask16) -> bool {
        m != 0
    }

    #[inline(always)]
    fn to_bits(self, a: __m512) -> __m512i {
        cpu!(_mm512_castps_si512(a))
    }
    #[inline(always)]
    fn bits_as_float(self, a: __m512i) -> __m512 {
        cpu!(_mm512_castsi512_ps(a))
    }
    #[inline(always)]
    fn splat_i(self, v: i32) -> __m512i {
        cpu!(_mm512_set1_epi32(v))
    }
    #[inline(always)]
    fn add_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_add_epi32(a, b))
    }
    #[inline(always)]
    fn sub_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_sub_epi32(a, b))
    }
    #[inline(always)]
    fn and_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_and_si512(a, b))
    }
    #[inline(always)]
    fn or_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_or_si512(a, b))
    }
    #[inline(always)]
    fn xor_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_xor_si512(a, b))
    }
    #[inline(always)]
    fn shl_i<const N: i32>(self, a: __m512i) -> __m512i {
        cpu!(_mm512_sllv_epi32(a, _mm512_set1_epi32(N)))
    }
    #[inline(always)]
    fn shr_i<const N: i32>(self, a: __m512i) -> __m512i {
        cpu!(_mm512_srav_epi32(a, _mm512_set1_epi32(N)))
    }
    #[inline(always)]
    fn shr_u<const N: i32>(self, a: __m512i) -> __m512i {
        cpu!(_mm512_srlv_epi32(a, _mm512_set1_epi32(N)))
    }
    #[inline(always)]
    fn mul_i(self, a: __m512i, b: __m512i) -> __m512i {
        cpu!(_mm512_mullo_epi32(a, b))
    }
    #[inline(always)]
    fn to_int(self, a: __m512) -> __m512i {
        cpu!(_mm512_cvttps_epi32(a))
    }
    #[inline(always)]
    fn to_float(self, a: __m512i) -> __m512 {
        cpu!(_mm512_cvtepi32_ps(a))
    }
    #[inline(always)]
    fn scale_native(self, v: __m512, n: __m512) -> Option<__m512> {
        // v·2^floor(n), rounded once under the default rounding mode.
        Some(cpu!(_mm512_scalef_ps(v, n)))
    }
    #[inline(always)]
    fn lookup8(self, table: &[f32; 8], idx: __m512i) -> __m512 {
        // SAFETY: `table` is 8 readable f32 (its type); unaligned load;
        // AVX-512 proven.
        let t = unsafe { _mm256_loadu_ps(table.as_ptr()) };
        // The table in both halves: vpermps reads the low four bits of each
        // index, and entry i and i + 8 are the same.
        cpu!(_mm512_permutexvar_ps(idx, _mm512_broadcast_f32x8(t)))
    }

    #[inline(always)]
    fn widen(self, a: __m512) -> (__m512d, __m512d) {
        cpu!((
            _mm512_cvtps_pd(_mm512_castps512_ps256(a)),
            _mm512_cvtps_pd(_mm512_extractf32x8_ps::<1>(a))
        ))
    }
    #[inline(always)]
    fn narrow(self, lo: __m512d, hi: __m512d) -> __m512 {
        cpu!(_mm512_insertf32x8::<1>(
            _mm512_castps256_ps512(_mm512_cvtpd_ps(lo)),
            _mm512_cvtpd_ps(hi)
        ))
    }
    #[inline(always)]
    fn splat_d(self, v: f64) -> __m512d {
        cpu!(_mm512_set1_pd(v))
    }
    #[inline(always)]
    fn add_d(self, a: __m512d, b: __m512d) -> __m512d {
        cpu!(_mm512_add_pd(a, b))
    }
    #[inline(always)]
    fn sub_d(self, a: __m512d, b: __m512d) -> __m512d {
        cpu!(_mm512_sub_pd(a, b))
    }
    #[inline(always)]
    fn mul_d(self, a: __m512d, b: __m512d) -> __m512d {
        cpu!(_mm512_mul_pd(a, b))
    }
    #[inline(always)]
    fn div_d(self, a: __m512d, b: __m512d) -> __m512d {
        cpu!(_mm512_div_pd(a, b))
    }
    #[inline(always)]
    fn sqrt_d(self, a: __m512d) -> __m512d {
        cpu!(_mm512_sqrt_pd(a))
    }
    #[inline(always)]
    fn mul_add_d(self, a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        cpu!(_mm512_fmadd_pd(a, b, c))
    }
    #[inline(always)]
    fn load_d(self, s: &[f64]) -> __m512d {
        assert!(s.len() >= 8);
        // SAFETY: 8 readable f64 checked above; unaligned load; AVX-512 proven.
        unsafe { _mm512_loadu_pd(s.as_ptr()) }
    }
    #[inline(always)]
    fn store_d(self, v: __m512d, d: &mut [f64]) {
        assert!(d.len() >= 8);
        // SAFETY: 8 writable f64 checked above; unaligned store; AVX-512 proven.
        unsafe { _mm512_storeu_pd(d.as_mut_ptr(), v) }
    }
}
