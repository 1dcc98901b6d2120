//! The AVX2 + FMA backend: `__m256`, eight lanes, chosen at run time.
//!
//! All of this backend's `unsafe` is in this file. Arithmetic intrinsics are
//! `unsafe` only because they need AVX2/FMA, which the token proves; loads
//! and stores additionally check their slice bounds before touching memory.

use super::{LaneOp, Lanes};
use crate::Backend;
use core::arch::x86_64::*;

/// The AVX2 + FMA backend's token: exists only on CPUs that have both.
#[derive(Clone, Copy, Debug)]
pub struct Avx2 {
    _proof: (),
}

impl Avx2 {
    /// The token, if this CPU supports AVX2 and FMA.
    pub fn new() -> Option<Self> {
        crate::cpu::has_avx2_fma().then_some(Avx2 { _proof: () })
    }
}

/// Wraps an intrinsic call whose only requirement is the CPU features.
macro_rules! cpu {
    ($e:expr) => {
        // SAFETY: an `Avx2` token exists only after `Avx2::new` confirmed
        // AVX2 and FMA at run time, and this expression has no other
        // requirement (no memory access).
        unsafe { $e }
    };
}

/// A mask with the first `n` (< 8) i32 lanes set.
#[inline(always)]
fn first_lanes(t: Avx2, n: usize) -> __m256i {
    let _ = t;
    cpu!(_mm256_cmpgt_epi32(
        _mm256_set1_epi32(n as i32),
        _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
    ))
}

impl Lanes for Avx2 {
    type F = __m256;
    type I = __m256i;
    type M = __m256;
    type D = __m256d;
    const WIDTH: usize = 8;
    const BACKEND: Backend = Backend::Avx2;
    const STREAMS: bool = true;
    const D_LANES: usize = 4;

    #[inline(always)]
    fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output {
        #[target_feature(enable = "avx2,fma")]
        fn entry<Op: LaneOp>(t: Avx2, op: Op) -> Op::Output {
            op.run(t)
        }
        // SAFETY: the token proves the CPU has AVX2 and FMA.
        unsafe { entry(self, op) }
    }

    #[inline(always)]
    fn splat(self, v: f32) -> __m256 {
        cpu!(_mm256_set1_ps(v))
    }
    #[inline(always)]
    fn load(self, s: &[f32]) -> __m256 {
        assert!(s.len() >= 8);
        // SAFETY: 8 readable f32 checked above; unaligned load; AVX proven.
        unsafe { _mm256_loadu_ps(s.as_ptr()) }
    }
    #[inline(always)]
    fn load_partial(self, s: &[f32]) -> __m256 {
        assert!(s.len() < 8);
        let mask = first_lanes(self, s.len());
        // SAFETY: the mask enables only the first s.len() lanes, which are in
        // bounds; masked-off lanes are not accessed and read as zero.
        unsafe { _mm256_maskload_ps(s.as_ptr(), mask) }
    }
    #[inline(always)]
    fn store(self, v: __m256, d: &mut [f32]) {
        assert!(d.len() >= 8);
        // SAFETY: 8 writable f32 checked above; unaligned store; AVX proven.
        unsafe { _mm256_storeu_ps(d.as_mut_ptr(), v) }
    }
    #[inline(always)]
    fn store_stream(self, v: __m256, d: &mut [f32]) {
        assert!(d.len() >= 8);
        if !(d.as_ptr() as usize).is_multiple_of(32) {
            return self.store(v, d);
        }
        // SAFETY: 8 writable f32 checked above, 32-byte aligned as
        // _mm256_stream_ps requires (checked just above); AVX proven.
        unsafe { _mm256_stream_ps(d.as_mut_ptr(), v) }
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
    fn deinterleave(self, a: __m256, b: __m256) -> (__m256, __m256) {
        // Within 128-bit halves: [a0 a2 b0 b2 | a4 a6 b4 b6], then the
        // 64-bit pairs reordered 0, 2, 1, 3.
        let even = cpu!(_mm256_shuffle_ps::<0b10_00_10_00>(a, b));
        let odd = cpu!(_mm256_shuffle_ps::<0b11_01_11_01>(a, b));
        cpu!((
            _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(
                even
            ))),
            _mm256_castpd_ps(_mm256_permute4x64_pd::<0b11_01_10_00>(_mm256_castps_pd(
                odd
            )))
        ))
    }
    #[inline(always)]
    fn load_strided(self, s: &[f32], stride: usize) -> __m256 {
        assert!(s.len() > 7 * stride && stride <= (i32::MAX / 8) as usize);
        let step = stride as i32;
        let index = cpu!(_mm256_mullo_epi32(
            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7),
            _mm256_set1_epi32(step)
        ));
        // SAFETY: the largest index, 7·stride, is in bounds (checked above,
        // and small enough not to overflow i32); AVX2 proven by the token.
        unsafe { _mm256_i32gather_ps::<4>(s.as_ptr(), index) }
    }
    #[inline(always)]
    fn store_partial(self, v: __m256, d: &mut [f32]) {
        assert!(d.len() < 8);
        let mask = first_lanes(self, d.len());
        // SAFETY: only the first d.len() lanes, all in bounds, are written.
        unsafe { _mm256_maskstore_ps(d.as_mut_ptr(), mask, v) }
    }

    #[inline(always)]
    fn add(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_add_ps(a, b))
    }
    #[inline(always)]
    fn sub(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_sub_ps(a, b))
    }
    #[inline(always)]
    fn mul(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_mul_ps(a, b))
    }
    #[inline(always)]
    fn div(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_div_ps(a, b))
    }
    #[inline(always)]
    fn mul_add(self, a: __m256, b: __m256, c: __m256) -> __m256 {
        cpu!(_mm256_fmadd_ps(a, b, c))
    }
    #[inline(always)]
    fn neg(self, a: __m256) -> __m256 {
        cpu!(_mm256_xor_ps(a, _mm256_set1_ps(-0.0)))
    }
    #[inline(always)]
    fn abs(self, a: __m256) -> __m256 {
        cpu!(_mm256_andnot_ps(_mm256_set1_ps(-0.0), a))
    }
    #[inline(always)]
    fn min(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_min_ps(a, b))
    }
    #[inline(always)]
    fn max(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_max_ps(a, b))
    }
    #[inline(always)]
    fn sqrt(self, a: __m256) -> __m256 {
        cpu!(_mm256_sqrt_ps(a))
    }
    #[inline(always)]
    fn round(self, a: __m256) -> __m256 {
        cpu!(_mm256_round_ps::<
            { _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC },
        >(a))
    }

    #[inline(always)]
    fn lt(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_LT_OQ>(a, b))
    }
    #[inline(always)]
    fn le(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_LE_OQ>(a, b))
    }
    #[inline(always)]
    fn gt(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_GT_OQ>(a, b))
    }
    #[inline(always)]
    fn ge(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_GE_OQ>(a, b))
    }
    #[inline(always)]
    fn eq(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_EQ_OQ>(a, b))
    }
    #[inline(always)]
    fn is_nan(self, a: __m256) -> __m256 {
        cpu!(_mm256_cmp_ps::<_CMP_UNORD_Q>(a, a))
    }
    #[inline(always)]
    fn select(self, m: __m256, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_blendv_ps(b, a, m))
    }
    #[inline(always)]
    fn and_mask(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_and_ps(a, b))
    }
    #[inline(always)]
    fn or_mask(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_or_ps(a, b))
    }
    #[inline(always)]
    fn andnot_mask(self, a: __m256, b: __m256) -> __m256 {
        cpu!(_mm256_andnot_ps(b, a))
    }
    #[inline(always)]
    fn any(self, m: __m256) -> bool {
        cpu!(_mm256_movemask_ps(m)) != 0
    }

    #[inline(always)]
    fn to_bits(self, a: __m256) -> __m256i {
        cpu!(_mm256_castps_si256(a))
    }
    #[inline(always)]
    fn bits_as_float(self, a: __m256i) -> __m256 {
        cpu!(_mm256_castsi256_ps(a))
    }
    #[inline(always)]
    fn splat_i(self, v: i32) -> __m256i {
        cpu!(_mm256_set1_epi32(v))
    }
    #[inline(always)]
    fn add_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_add_epi32(a, b))
    }
    #[inline(always)]
    fn sub_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_sub_epi32(a, b))
    }
    #[inline(always)]
    fn and_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_and_si256(a, b))
    }
    #[inline(always)]
    fn or_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_or_si256(a, b))
    }
    #[inline(always)]
    fn xor_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_xor_si256(a, b))
    }
    #[inline(always)]
    fn shl_i<const N: i32>(self, a: __m256i) -> __m256i {
        cpu!(_mm256_slli_epi32::<N>(a))
    }
    #[inline(always)]
    fn shr_i<const N: i32>(self, a: __m256i) -> __m256i {
        cpu!(_mm256_srai_epi32::<N>(a))
    }
    #[inline(always)]
    fn shr_u<const N: i32>(self, a: __m256i) -> __m256i {
        cpu!(_mm256_srli_epi32::<N>(a))
    }
    #[inline(always)]
    fn mul_i(self, a: __m256i, b: __m256i) -> __m256i {
        cpu!(_mm256_mullo_epi32(a, b))
    }
    #[inline(always)]
    fn to_int(self, a: __m256) -> __m256i {
        cpu!(_mm256_cvttps_epi32(a))
    }
    #[inline(always)]
    fn to_float(self, a: __m256i) -> __m256 {
        cpu!(_mm256_cvtepi32_ps(a))
    }
    #[inline(always)]
    fn lookup8(self, table: &[f32; 8], idx: __m256i) -> __m256 {
        // SAFETY: `table` is 8 readable f32 (its type); unaligned load; AVX
        // proven.
        let t = unsafe { _mm256_loadu_ps(table.as_ptr()) };
        // vpermps reads only the low three bits of each index.
        cpu!(_mm256_permutevar8x32_ps(t, idx))
    }

    #[inline(always)]
    fn widen(self, a: __m256) -> (__m256d, __m256d) {
        cpu!((
            _mm256_cvtps_pd(_mm256_castps256_ps128(a)),
            _mm256_cvtps_pd(_mm256_extractf128_ps::<1>(a))
        ))
    }
    #[inline(always)]
    fn narrow(self, lo: __m256d, hi: __m256d) -> __m256 {
        cpu!(_mm256_set_m128(_mm256_cvtpd_ps(hi), _mm256_cvtpd_ps(lo)))
    }
    #[inline(always)]
    fn splat_d(self, v: f64) -> __m256d {
        cpu!(_mm256_set1_pd(v))
    }
    #[inline(always)]
    fn add_d(self, a: __m256d, b: __m256d) -> __m256d {
        cpu!(_mm256_add_pd(a, b))
    }
    #[inline(always)]
    fn sub_d(self, a: __m256d, b: __m256d) -> __m256d {
        cpu!(_mm256_sub_pd(a, b))
    }
    #[inline(always)]
    fn mul_d(self, a: __m256d, b: __m256d) -> __m256d {
        cpu!(_mm256_mul_pd(a, b))
    }
    #[inline(always)]
    fn div_d(self, a: __m256d, b: __m256d) -> __m256d {
        cpu!(_mm256_div_pd(a, b))
    }
    #[inline(always)]
    fn sqrt_d(self, a: __m256d) -> __m256d {
        cpu!(_mm256_sqrt_pd(a))
    }
    #[inline(always)]
    fn mul_add_d(self, a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        cpu!(_mm256_fmadd_pd(a, b, c))
    }
    #[inline(always)]
    fn load_d(self, s: &[f64]) -> __m256d {
        assert!(s.len() >= 4);
        // SAFETY: 4 readable f64 checked above; unaligned load; AVX proven.
        unsafe { _mm256_loadu_pd(s.as_ptr()) }
    }
    #[inline(always)]
    fn store_d(self, v: __m256d, d: &mut [f64]) {
        assert!(d.len() >= 4);
        // SAFETY: 4 writable f64 checked above; unaligned store; AVX proven.
        unsafe { _mm256_storeu_pd(d.as_mut_ptr(), v) }
    }
}
