//! Half <-> f32 conversion of whole slices: F16C and AVX2 on x86-64 where
//! the CPU has them (detected at run time), the `half` crate's own
//! conversions elsewhere. Every path gives the bits of `half::f16::from_f32`,
//! `half::bf16::from_f32` and their `to_f32` (round to nearest even; NaN
//! stays NaN, made quiet, with its sign and top payload bits).
//!
//! AVX-512 BF16's `vcvtneps2bf16` is not used even where the CPU has it: it
//! flushes f32 denormals to zero, which `bf16::from_f32` keeps (bf16 has
//! f32's exponent range, so they stay denormal bf16 values); the AVX2
//! integer sequence below is a few instructions per eight elements, far
//! below what memory delivers, on AVX-512 machines too.

use super::sealed::Format;
use super::HalfFloat;
use crate::Backend;

/// Which conversion code a call uses, fixed per executor from its backend:
/// the scalar and portable backends convert portably (so tests can force
/// that path); avx2 and avx512 use the x86 instructions the CPU has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Conv {
    /// `half`'s element-by-element conversions.
    Portable,
    /// AVX2 integer code for bf16; F16C for f16 when `f16c` (else portable).
    /// Only made after detection confirmed AVX2 (and F16C when set).
    #[cfg(x86_simd)]
    X86 { f16c: bool },
}

impl Conv {
    /// The conversions for `backend` on this CPU.
    pub(crate) fn new(backend: Backend) -> Conv {
        match backend {
            Backend::Scalar | Backend::Portable => Conv::Portable,
            #[cfg(x86_simd)]
            Backend::Avx2 | Backend::Avx512 if crate::cpu::has_avx2_fma() => Conv::X86 {
                f16c: crate::cpu::has_f16c(),
            },
            _ => Conv::Portable,
        }
    }

    /// The name of the path for `H`, for the report and tests.
    pub(crate) fn path<H: HalfFloat>(self) -> &'static str {
        match (self, H::FORMAT) {
            (Conv::Portable, _) => "portable",
            #[cfg(x86_simd)]
            (Conv::X86 { f16c: true }, Format::F16) => "f16c",
            #[cfg(x86_simd)]
            (Conv::X86 { f16c: false }, Format::F16) => "portable",
            #[cfg(x86_simd)]
            (Conv::X86 { .. }, Format::Bf16) => "avx2",
        }
    }

    /// `dst[i] = src[i] as f32`.
    ///
    /// # Panics
    /// If the lengths differ (callers check them first).
    #[inline]
    pub(crate) fn load_f32<H: HalfFloat>(self, src: &[H], dst: &mut [f32]) {
        self.load_bits(H::FORMAT, bytemuck::cast_slice(src), dst)
    }

    /// [`Conv::load_f32`] on the bits of `format` values.
    pub(crate) fn load_bits(self, format: Format, bits: &[u16], dst: &mut [f32]) {
        assert_eq!(bits.len(), dst.len());
        match (self, format) {
            #[cfg(x86_simd)]
            (Conv::X86 { f16c: true }, Format::F16) => {
                // SAFETY: `Conv::X86 { f16c: true }` is only made after
                // detection confirmed AVX and F16C.
                unsafe { x86::f16_to_f32_f16c(bits, dst) }
            }
            #[cfg(x86_simd)]
            (Conv::X86 { .. }, Format::Bf16) => {
                // SAFETY: `Conv::X86` is only made after detection
                // confirmed AVX2.
                unsafe { x86::bf16_to_f32_avx2(bits, dst) }
            }
            (_, Format::F16) => {
                for (d, &b) in dst.iter_mut().zip(bits) {
                    *d = half::f16::from_bits(b).to_f32();
                }
            }
            (_, Format::Bf16) => {
                for (d, &b) in dst.iter_mut().zip(bits) {
                    *d = half::bf16::from_bits(b).to_f32();
                }
            }
        }
    }

    /// `dst[i] = src[i]` rounded to the nearest `H` (ties to even).
    ///
    /// # Panics
    /// If the lengths differ (callers check them first).
    #[inline]
    pub(crate) fn store_f32<H: HalfFloat>(self, src: &[f32], dst: &mut [H]) {
        self.store_bits(H::FORMAT, src, bytemuck::cast_slice_mut(dst))
    }

    /// [`Conv::store_f32`] into the bits of `format` values.
    pub(crate) fn store_bits(self, format: Format, src: &[f32], bits: &mut [u16]) {
        assert_eq!(src.len(), bits.len());
        match (self, format) {
            #[cfg(x86_simd)]
            (Conv::X86 { f16c: true }, Format::F16) => {
                // SAFETY: as in `load_f32`: AVX and F16C were detected.
                unsafe { x86::f32_to_f16_f16c(src, bits) }
            }
            #[cfg(x86_simd)]
            (Conv::X86 { .. }, Format::Bf16) => {
                // SAFETY: as in `load_f32`: AVX2 was detected.
                unsafe { x86::f32_to_bf16_avx2(src, bits) }
            }
            (_, Format::F16) => {
                for (d, &v) in bits.iter_mut().zip(src) {
                    *d = half::f16::from_f32(v).to_bits();
                }
            }
            (_, Format::Bf16) => {
                for (d, &v) in bits.iter_mut().zip(src) {
                    *d = half::bf16::from_f32(v).to_bits();
                }
            }
        }
    }
}

/// The x86 conversions: eight elements per step, and the last few through
/// the same instructions on a zero-padded copy, so an element's bits never
/// depend on its position.
#[cfg(x86_simd)]
mod x86 {
    use core::arch::x86_64::*;

    /// The bf16 <-> f32 constants: NaN test and quiet bit.
    const ABS_MASK: i32 = 0x7FFF_FFFF;
    const INF_BITS: i32 = 0x7F80_0000;
    const QUIET_F32: i32 = 0x0040_0000;

    /// Eight bf16 as f32: the bits shifted up 16; NaN made quiet (as
    /// `bf16::to_f32` does).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn bf16x8_to_f32(h: __m128i) -> __m256i {
        let w = _mm256_slli_epi32::<16>(_mm256_cvtepu16_epi32(h));
        let abs = _mm256_and_si256(w, _mm256_set1_epi32(ABS_MASK));
        let nan = _mm256_cmpgt_epi32(abs, _mm256_set1_epi32(INF_BITS));
        _mm256_or_si256(w, _mm256_and_si256(nan, _mm256_set1_epi32(QUIET_F32)))
    }

    /// Eight f32 (as bits) rounded to bf16, ties to even; NaN keeps its sign
    /// and top payload bits and gets the quiet bit (as `bf16::from_f32`).
    #[inline]
    #[target_feature(enable = "avx2")]
    fn f32x8_to_bf16(x: __m256i) -> __m128i {
        let high = _mm256_srli_epi32::<16>(x);
        let lsb = _mm256_and_si256(high, _mm256_set1_epi32(1));
        // + 0x7FFF + lsb carries into the kept bits exactly when the dropped
        // half is above the midpoint, or on it with an odd result: ties to
        // even; the largest finite values carry into infinity.
        let bias = _mm256_add_epi32(lsb, _mm256_set1_epi32(0x7FFF));
        let rounded = _mm256_srli_epi32::<16>(_mm256_add_epi32(x, bias));
        let abs = _mm256_and_si256(x, _mm256_set1_epi32(ABS_MASK));
        let nan = _mm256_cmpgt_epi32(abs, _mm256_set1_epi32(INF_BITS));
        let quiet = _mm256_or_si256(high, _mm256_set1_epi32(0x40));
        let r = _mm256_blendv_epi8(rounded, quiet, nan);
        // Every lane is below 2^16, so the saturating pack is exact; it packs
        // within 128-bit halves, and the permute joins the two halves' low
        // quadwords.
        let packed = _mm256_packus_epi32(r, r);
        _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b00_00_10_00>(packed))
    }

    /// Runs `$body` with `$s`, `$d` bound to each eight-element block of
    /// `$src`, `$dst` (equal lengths), then to zero-padded copies of the
    /// remainder. A macro, not a function taking a closure, so the body
    /// compiles inside the caller's `#[target_feature]` context and the
    /// intrinsics inline (a closure's calls of them did not: relu on 1M f16
    /// elements took 0.33 ns per element instead of 0.21 on Zen 3).
    macro_rules! blocks {
        ($src:ident, $dst:ident, $zero_s:expr, $zero_d:expr, |$s:ident, $d:ident| $body:block) => {{
            let mut s_blocks = $src.chunks_exact(8);
            let mut d_blocks = $dst.chunks_exact_mut(8);
            for ($s, $d) in (&mut s_blocks).zip(&mut d_blocks) {
                $body
            }
            let (s_rest, d_rest) = (s_blocks.remainder(), d_blocks.into_remainder());
            if !d_rest.is_empty() {
                let mut s_pad = [$zero_s; 8];
                let mut d_pad = [$zero_d; 8];
                s_pad[..s_rest.len()].copy_from_slice(s_rest);
                {
                    let ($s, $d) = (&s_pad[..], &mut d_pad[..]);
                    $body
                }
                d_rest.copy_from_slice(&d_pad[..d_rest.len()]);
            }
        }};
    }

    /// f16 -> f32 with `vcvtph2ps`.
    #[target_feature(enable = "avx,f16c")]
    pub(super) fn f16_to_f32_f16c(src: &[u16], dst: &mut [f32]) {
        blocks!(src, dst, 0u16, 0f32, |s, d| {
            // SAFETY: `s` is 8 u16 (16 bytes), `d` 8 f32 (32 bytes), both
            // valid for the unaligned load and store.
            unsafe {
                let h = _mm_loadu_si128(s.as_ptr().cast());
                _mm256_storeu_ps(d.as_mut_ptr(), _mm256_cvtph_ps(h));
            }
        });
    }

    /// f32 -> f16 with `vcvtps2ph`, rounding to nearest even (the immediate,
    /// not MXCSR, sets the rounding).
    #[target_feature(enable = "avx,f16c")]
    pub(super) fn f32_to_f16_f16c(src: &[f32], dst: &mut [u16]) {
        blocks!(src, dst, 0f32, 0u16, |s, d| {
            // SAFETY: `s` is 8 f32, `d` 8 u16 (16 bytes), both valid for the
            // unaligned load and store.
            unsafe {
                let v = _mm256_loadu_ps(s.as_ptr());
                let h = _mm256_cvtps_ph::<_MM_FROUND_TO_NEAREST_INT>(v);
                _mm_storeu_si128(d.as_mut_ptr().cast(), h);
            }
        });
    }

    /// bf16 -> f32 with AVX2 integer operations.
    #[target_feature(enable = "avx2")]
    pub(super) fn bf16_to_f32_avx2(src: &[u16], dst: &mut [f32]) {
        blocks!(src, dst, 0u16, 0f32, |s, d| {
            // SAFETY: `s` is 8 u16 (16 bytes), `d` 8 f32 (32 bytes), both
            // valid for the unaligned load and store.
            unsafe {
                let h = _mm_loadu_si128(s.as_ptr().cast());
                _mm256_storeu_si256(d.as_mut_ptr().cast(), bf16x8_to_f32(h));
            }
        });
    }

    /// f32 -> bf16 with AVX2 integer operations.
    #[target_feature(enable = "avx2")]
    pub(super) fn f32_to_bf16_avx2(src: &[f32], dst: &mut [u16]) {
        blocks!(src, dst, 0f32, 0u16, |s, d| {
            // SAFETY: `s` is 8 f32 (32 bytes), `d` 8 u16 (16 bytes), both
            // valid for the unaligned load and store.
            unsafe {
                let x = _mm256_loadu_si256(s.as_ptr().cast());
                _mm_storeu_si128(d.as_mut_ptr().cast(), f32x8_to_bf16(x));
            }
        });
    }
}
