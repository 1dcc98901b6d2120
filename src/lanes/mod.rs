//! The lane trait every kernel is written against, and its backends.
//!
//! A [`Lanes`] value is a *token*: a zero-sized proof that the running CPU
//! can execute the backend's instructions. Tokens for the x86 backends are
//! only handed out after runtime detection ([`Avx2::new`], [`Avx512::new`]),
//! which is what makes their safe methods sound.
//!
//! Every operation has one exact meaning, identical on every backend, so a
//! kernel computes the same bits whatever the lane width (see the notes on
//! [`Lanes::min`], [`Lanes::max`] and [`Lanes::mul_add`], which is fused
//! everywhere, emulated exactly where the hardware lacks it).

mod portable;
mod scalar;
#[cfg(x86_simd)]
mod x86_avx2;
#[cfg(x86_simd)]
mod x86_avx512;

pub use portable::Portable;
pub use scalar::Scalar;
#[cfg(x86_simd)]
pub use x86_avx2::Avx2;
#[cfg(x86_simd)]
pub use x86_avx512::Avx512;

use crate::Backend;

/// Work that runs on lanes: [`Lanes::vectorize`] calls [`LaneOp::run`]
/// inside the backend's `#[target_feature]` context.
///
/// Implement `run` with `#[inline(always)]` so the whole body, and the lane
/// operations it calls, compile into that context as one straight loop.
pub trait LaneOp {
    /// What the work returns.
    type Output;
    /// Does the work with the lane token `lanes`.
    fn run<L: Lanes>(self, lanes: L) -> Self::Output;
}

/// A SIMD (or scalar) lane backend: `WIDTH` f32 lanes and the operations on
/// them that kernels need.
///
/// All methods take `self` (the token) so they can only be called where the
/// backend is known to be available.
pub trait Lanes: Copy + Send + Sync + 'static {
    /// A vector of `WIDTH` f32 lanes.
    type F: Copy;
    /// A vector of `WIDTH` i32 lanes (for bit manipulation).
    type I: Copy;
    /// A lane mask: one boolean per lane.
    type M: Copy;
    /// Half of `F` widened to f64 ([`Lanes::widen`] gives two of them), for
    /// the few formulas that need more than f32 precision to round right.
    type D: Copy;
    /// The number of lanes.
    const WIDTH: usize;
    /// Which [`Backend`] this is.
    const BACKEND: Backend;
    /// The number of f64 lanes in [`Lanes::D`]: `WIDTH / 2`, and 1 for the
    /// scalar backend (whose [`Lanes::widen`] puts its one lane in the low
    /// half and 0 in the high half).
    const D_LANES: usize;

    /// Runs `op` with this token inside the backend's `#[target_feature]`
    /// context, so its lane operations inline into vector instructions.
    fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output;

    /// All lanes set to `v`.
    fn splat(self, v: f32) -> Self::F;
    /// Loads the first `WIDTH` elements of `s`.
    ///
    /// # Panics
    /// If `s.len() < WIDTH` (the drivers never call it so).
    fn load(self, s: &[f32]) -> Self::F;
    /// Loads `s.len() < WIDTH` elements; the other lanes are 0.
    fn load_partial(self, s: &[f32]) -> Self::F;
    /// Stores all lanes into the first `WIDTH` elements of `d`.
    ///
    /// # Panics
    /// If `d.len() < WIDTH`.
    fn store(self, v: Self::F, d: &mut [f32]);
    /// Stores the first `d.len() < WIDTH` lanes into `d`.
    fn store_partial(self, v: Self::F, d: &mut [f32]);
    /// Whether [`Lanes::store_stream`] is a streaming store here. Where it
    /// is not, the drivers take their ordinary loops for a streaming pass
    /// rather than compile a second copy that would store the same way.
    const STREAMS: bool = false;
    /// Stores all lanes into the first `WIDTH` elements of `d` with a
    /// non-temporal (streaming) store where the backend has one and `d`
    /// starts on a vector boundary: the line is written without first being
    /// read into the cache. Elsewhere a plain [`Lanes::store`]. A run of
    /// streaming stores ends with [`Lanes::stream_fence`].
    ///
    /// # Panics
    /// If `d.len() < WIDTH`.
    #[inline(always)]
    fn store_stream(self, v: Self::F, d: &mut [f32]) {
        self.store(v, d)
    }
    /// Asks the cache to fetch the line holding `p` (a hint: any address,
    /// never faults, no effect on results). Default: nothing.
    #[inline(always)]
    fn prefetch(self, p: *const f32) {
        let _ = p;
    }
    /// Orders earlier streaming stores before every later store (`sfence`),
    /// so another thread that sees the call finish sees its output.
    #[inline(always)]
    fn stream_fence(self) {}
    /// The even and the odd lanes of the `2·WIDTH` lanes `a` then `b`:
    /// `([c0, c2, ...], [c1, c3, ...])` with `c = a ‖ b` (for grouped
    /// functions: `log2 k` rounds split `k` vectors into the `k` strided
    /// ones).
    fn deinterleave(self, a: Self::F, b: Self::F) -> (Self::F, Self::F);
    /// Loads `s[0], s[stride], ..., s[(WIDTH-1)·stride]` (a gather with a
    /// fixed stride, for grouped functions such as maxout).
    ///
    /// # Panics
    /// If `s.len() <= (WIDTH-1)·stride`, or `stride·WIDTH` exceeds `i32::MAX`.
    fn load_strided(self, s: &[f32], stride: usize) -> Self::F;

    /// `a + b`.
    fn add(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a - b`.
    fn sub(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b`.
    fn mul(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a / b`, correctly rounded.
    fn div(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a * b + c`, rounded once (fused) on every backend.
    fn mul_add(self, a: Self::F, b: Self::F, c: Self::F) -> Self::F;
    /// `-a` (flips the sign bit, also of NaN and zero).
    fn neg(self, a: Self::F) -> Self::F;
    /// `|a|` (clears the sign bit).
    fn abs(self, a: Self::F) -> Self::F;
    /// `a < b ? a : b`: the x86 `minps` rule. If either is NaN, or both are
    /// zero, the result is `b`; put the operand whose NaN must propagate
    /// second.
    fn min(self, a: Self::F, b: Self::F) -> Self::F;
    /// `a > b ? a : b`: the x86 `maxps` rule. If either is NaN, or both are
    /// zero, the result is `b`.
    fn max(self, a: Self::F, b: Self::F) -> Self::F;
    /// Square root, correctly rounded.
    fn sqrt(self, a: Self::F) -> Self::F;
    /// Rounds to the nearest integer, ties to even.
    fn round(self, a: Self::F) -> Self::F;

    /// `a < b` (false if either is NaN).
    fn lt(self, a: Self::F, b: Self::F) -> Self::M;
    /// `a <= b` (false if either is NaN).
    fn le(self, a: Self::F, b: Self::F) -> Self::M;
    /// `a > b` (false if either is NaN).
    fn gt(self, a: Self::F, b: Self::F) -> Self::M;
    /// `a >= b` (false if either is NaN).
    fn ge(self, a: Self::F, b: Self::F) -> Self::M;
    /// `a == b` (false if either is NaN; `-0 == +0`).
    fn eq(self, a: Self::F, b: Self::F) -> Self::M;
    /// `a` is NaN.
    fn is_nan(self, a: Self::F) -> Self::M;
    /// Per lane: `m ? a : b`.
    ///
    /// Where `b` (or `a`) is a vector just loaded and used nowhere else,
    /// and the other side is 0, write [`Lanes::zero_where`] instead.
    fn select(self, m: Self::M, a: Self::F, b: Self::F) -> Self::F;
    /// Per lane: `m ? 0 : v`, for a `v` loaded from memory (the `dy` of a
    /// backward that passes the gradient or zeroes it).
    ///
    /// The same as `select(m, splat(0.0), v)`, but on AVX-512 it keeps the
    /// load of `v` a plain load: LLVM would fold load and select into one
    /// zero-masked load, and on Zen 5 those ran relu's backward at 16M
    /// elements 1.7x slower than a plain load and a masked move.
    #[inline(always)]
    fn zero_where(self, m: Self::M, v: Self::F) -> Self::F {
        self.select(m, self.splat(0.0), v)
    }
    /// Both masks.
    fn and_mask(self, a: Self::M, b: Self::M) -> Self::M;
    /// Either mask.
    fn or_mask(self, a: Self::M, b: Self::M) -> Self::M;
    /// The lanes of `a` that are not in `b`: `a & !b`.
    fn andnot_mask(self, a: Self::M, b: Self::M) -> Self::M;
    /// Whether any lane of `m` is set.
    fn any(self, m: Self::M) -> bool;

    /// The bits of each lane as an i32.
    fn to_bits(self, a: Self::F) -> Self::I;
    /// Each i32 lane reinterpreted as f32 bits.
    fn bits_as_float(self, a: Self::I) -> Self::F;
    /// All i32 lanes set to `v`.
    fn splat_i(self, v: i32) -> Self::I;
    /// Wrapping `a + b` on i32 lanes.
    fn add_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Wrapping `a - b` on i32 lanes.
    fn sub_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise `a & b` on i32 lanes.
    fn and_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise `a | b` on i32 lanes.
    fn or_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Bitwise `a ^ b` on i32 lanes.
    fn xor_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Logical left shift of each i32 lane by `N` bits.
    fn shl_i<const N: i32>(self, a: Self::I) -> Self::I;
    /// Arithmetic right shift of each i32 lane by `N` bits.
    fn shr_i<const N: i32>(self, a: Self::I) -> Self::I;
    /// Logical right shift of each lane, as a u32, by `N` bits (zeros come
    /// in at the top).
    fn shr_u<const N: i32>(self, a: Self::I) -> Self::I;
    /// Wrapping `a * b` on i32 lanes: the low 32 bits of the product (the
    /// same bits for signed and unsigned operands).
    fn mul_i(self, a: Self::I, b: Self::I) -> Self::I;
    /// Each f32 lane (which must hold an integer in i32 range) as i32.
    fn to_int(self, a: Self::F) -> Self::I;
    /// Each i32 lane converted to f32 (rounded to nearest).
    fn to_float(self, a: Self::I) -> Self::F;
    /// Each lane `table[idx & 7]`: a per-lane choice among eight constants
    /// (piecewise polynomial coefficients), one permute where the CPU has
    /// one. Only the low three bits of each index count, so any index is
    /// safe.
    fn lookup8(self, table: &[f32; 8], idx: Self::I) -> Self::F;
    /// `v·2^n` for lanes holding integers `n`, rounded once (denormal and
    /// overflowing results included), where the CPU has one instruction
    /// for it (AVX-512's `vscalefps`); `None` elsewhere, where callers
    /// multiply by exact powers of two instead (`kernels/math/poly.rs`).
    #[inline(always)]
    fn scale_native(self, v: Self::F, n: Self::F) -> Option<Self::F> {
        let _ = (v, n);
        None
    }

    /// The lanes of `a` as f64, low half and high half (exact).
    fn widen(self, a: Self::F) -> (Self::D, Self::D);
    /// The inverse of [`Lanes::widen`]: each f64 lane rounded to the
    /// nearest f32 (ties to even; overflow gives infinity).
    fn narrow(self, lo: Self::D, hi: Self::D) -> Self::F;
    /// All f64 lanes set to `v`.
    fn splat_d(self, v: f64) -> Self::D;
    /// `a + b` on f64 lanes.
    fn add_d(self, a: Self::D, b: Self::D) -> Self::D;
    /// `a - b` on f64 lanes.
    fn sub_d(self, a: Self::D, b: Self::D) -> Self::D;
    /// `a * b` on f64 lanes.
    fn mul_d(self, a: Self::D, b: Self::D) -> Self::D;
    /// `a / b` on f64 lanes.
    fn div_d(self, a: Self::D, b: Self::D) -> Self::D;
    /// The correctly rounded square root on f64 lanes.
    fn sqrt_d(self, a: Self::D) -> Self::D;
    /// `a * b + c` on f64 lanes, rounded once (fused) on every backend.
    fn mul_add_d(self, a: Self::D, b: Self::D, c: Self::D) -> Self::D;
    /// Loads the first [`Lanes::D_LANES`] elements of `s` into f64 lanes.
    ///
    /// # Panics
    /// If `s.len() < D_LANES`.
    fn load_d(self, s: &[f64]) -> Self::D;
    /// Stores the [`Lanes::D_LANES`] f64 lanes of `v` into the first
    /// `D_LANES` elements of `d`.
    ///
    /// # Panics
    /// If `d.len() < D_LANES`.
    fn store_d(self, v: Self::D, d: &mut [f64]);
}

/// The lane width of a token's backend (for macros that only have the
/// token).
#[inline(always)]
pub(crate) fn width<L: Lanes>(_: L) -> usize {
    L::WIDTH
}

/// Whether a token's backend has streaming stores (for macros that only
/// have the token).
#[inline(always)]
pub(crate) fn streams<L: Lanes>(_: L) -> bool {
    L::STREAMS
}

/// A backend token of any kind, obtained once per [`crate::Executor`] after
/// detection, so running work never detects or checks again.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Token {
    Scalar(Scalar),
    Portable(Portable),
    #[cfg(x86_simd)]
    Avx2(Avx2),
    #[cfg(x86_simd)]
    Avx512(Avx512),
}

impl Token {
    /// The token for `backend`, or `None` if this CPU cannot run it.
    pub(crate) fn new(backend: Backend) -> Option<Token> {
        match backend {
            Backend::Scalar => Some(Token::Scalar(Scalar::new())),
            Backend::Portable => Some(Token::Portable(Portable::new())),
            #[cfg(x86_simd)]
            Backend::Avx2 => Avx2::new().map(Token::Avx2),
            #[cfg(x86_simd)]
            Backend::Avx512 => Avx512::new().map(Token::Avx512),
            #[cfg(not(x86_simd))]
            Backend::Avx2 | Backend::Avx512 => None,
        }
    }

    /// Which backend this token is for.
    pub(crate) fn backend(self) -> Backend {
        match self {
            Token::Scalar(_) => Backend::Scalar,
            Token::Portable(_) => Backend::Portable,
            #[cfg(x86_simd)]
            Token::Avx2(_) => Backend::Avx2,
            #[cfg(x86_simd)]
            Token::Avx512(_) => Backend::Avx512,
        }
    }

    /// Runs `op` on this backend.
    #[inline]
    pub(crate) fn vectorize<Op: LaneOp>(self, op: Op) -> Op::Output {
        match self {
            Token::Scalar(t) => t.vectorize(op),
            Token::Portable(t) => t.vectorize(op),
            #[cfg(x86_simd)]
            Token::Avx2(t) => t.vectorize(op),
            #[cfg(x86_simd)]
            Token::Avx512(t) => t.vectorize(op),
        }
    }
}

/// Runs `op` on every backend this CPU has (as [`Backend::supported`]
/// lists them), for the unit tests of lane code in `kernels/math`.
#[cfg(test)]
pub(crate) fn on_every_backend<Op: LaneOp<Output = ()> + Copy>(op: Op) {
    let backends = Backend::supported();
    assert!(backends.len() >= 2, "scalar and portable at least");
    for backend in backends {
        Token::new(backend)
            .expect("a supported backend has a token")
            .vectorize(op);
    }
}

/// Test inputs over every binade `2^e`, `e` in `exponents`: `per_binade`
/// mantissas spread by the golden ratio, signs alternating when `signed`,
/// after a leading 0 (the sample of the unit tests in `kernels/math`).
#[cfg(test)]
pub(crate) fn binade_sample(
    exponents: core::ops::RangeInclusive<i32>,
    per_binade: usize,
    signed: bool,
) -> Vec<f32> {
    let mut out = vec![0.0f32];
    for exponent in exponents {
        for k in 0..per_binade {
            let mantissa = 1.0 + (k as f64 * 0.618_034).fract();
            let sign = if signed && k % 2 == 1 { -1.0 } else { 1.0 };
            out.push((sign * mantissa * 2f64.powi(exponent)) as f32);
        }
    }
    out
}

/// `got`'s error in ULPs of the f32 nearest `want` (the denormal spacing
/// below the normal range): the measure of the unit tests in
/// `kernels/math` that check a lane function against an f64 reference.
#[cfg(test)]
pub(crate) fn ulps_off(got: f32, want: f64) -> f64 {
    let exponent = (want.abs().log2().floor() as i32).max(-126);
    (got as f64 - want).abs() / 2f64.powi(exponent - 23)
}

/// `f` over two whole input slices, one vector of lanes at a time (the
/// tail through partial loads and stores), giving two output slices: the
/// lane plumbing of the unit tests in `kernels/math`, which then check
/// every element against an f64 reference.
#[cfg(test)]
pub(crate) fn map_pairs<L: Lanes>(
    l: L,
    a: &[f32],
    b: &[f32],
    f: impl Fn(L::F, L::F) -> (L::F, L::F),
) -> (Vec<f32>, Vec<f32>) {
    assert_eq!(a.len(), b.len());
    let (mut y, mut z) = (vec![0.0; a.len()], vec![0.0; a.len()]);
    for start in (0..a.len()).step_by(L::WIDTH) {
        let end = (start + L::WIDTH).min(a.len());
        if end - start == L::WIDTH {
            let (u, v) = f(l.load(&a[start..end]), l.load(&b[start..end]));
            l.store(u, &mut y[start..end]);
            l.store(v, &mut z[start..end]);
        } else {
            let (u, v) = f(
                l.load_partial(&a[start..end]),
                l.load_partial(&b[start..end]),
            );
            l.store_partial(u, &mut y[start..end]);
            l.store_partial(v, &mut z[start..end]);
        }
    }
    (y, z)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the integer and strided operations on every lane of a backend
    /// and returns the results lane by lane.
    struct Probe<'a> {
        a: &'a [i32],
        b: &'a [i32],
        strided: &'a [f32],
    }

    impl LaneOp for Probe<'_> {
        type Output = Vec<(i32, i32, i32, f32, f64, f64, f32, f32)>;
        #[inline(always)]
        fn run<L: Lanes>(self, l: L) -> Self::Output {
            let w = L::WIDTH;
            let mut out = Vec::new();
            for start in (0..self.a.len()).step_by(w) {
                let as_int = |s: &[i32]| {
                    let f: Vec<f32> = s[start..start + w]
                        .iter()
                        .map(|&v| f32::from_bits(v as u32))
                        .collect();
                    l.to_bits(l.load(&f))
                };
                let (a, b) = (as_int(self.a), as_int(self.b));
                let mut mul = vec![0.0f32; w];
                let mut shr = vec![0.0f32; w];
                let mut shl = vec![0.0f32; w];
                let mut gathered = vec![0.0f32; w];
                let (mut even, mut odd) = (vec![0.0f32; w], vec![0.0f32; w]);
                let (e, o) = l.deinterleave(
                    l.load(&self.strided[2 * start..]),
                    l.load(&self.strided[2 * start + w..]),
                );
                l.store(e, &mut even);
                l.store(o, &mut odd);
                l.store(l.bits_as_float(l.mul_i(a, b)), &mut mul);
                l.store(l.bits_as_float(l.shr_u::<7>(a)), &mut shr);
                l.store(l.bits_as_float(l.shl_i::<3>(b)), &mut shl);
                l.store(l.load_strided(&self.strided[start * 3..], 3), &mut gathered);
                // widen then store_d: the low half then (SIMD only) the high half.
                let v = l.load(&self.strided[start..start + w]);
                let (lo, hi) = l.widen(v);
                let mut wide = vec![0.0f64; 2 * L::D_LANES];
                l.store_d(lo, &mut wide[..L::D_LANES]);
                l.store_d(hi, &mut wide[L::D_LANES..]);
                for i in 0..w {
                    let (dlo, dhi) = if w == 1 {
                        (wide[0], self.strided[start] as f64)
                    } else {
                        (wide[i], self.strided[start + i] as f64)
                    };
                    out.push((
                        mul[i].to_bits() as i32,
                        shr[i].to_bits() as i32,
                        shl[i].to_bits() as i32,
                        gathered[i],
                        dlo,
                        dhi,
                        even[i],
                        odd[i],
                    ));
                }
            }
            out
        }
    }

    /// `lookup8` of every lane of `idx` (any i32, as bits).
    struct Lookup<'a> {
        idx: &'a [i32],
        table: [f32; 8],
    }

    impl LaneOp for Lookup<'_> {
        type Output = Vec<f32>;
        #[inline(always)]
        fn run<L: Lanes>(self, l: L) -> Vec<f32> {
            let w = L::WIDTH;
            let mut out = vec![0.0f32; self.idx.len()];
            for start in (0..self.idx.len()).step_by(w) {
                let bits: Vec<f32> = self.idx[start..start + w]
                    .iter()
                    .map(|&v| f32::from_bits(v as u32))
                    .collect();
                let idx = l.to_bits(l.load(&bits));
                l.store(l.lookup8(&self.table, idx), &mut out[start..]);
            }
            out
        }
    }

    /// `zero_where(x <= 0, dy)` lane by lane, from vectors loaded just
    /// before (the pattern the AVX-512 override exists for).
    struct ZeroWhere<'a> {
        x: &'a [f32],
        dy: &'a [f32],
    }

    impl LaneOp for ZeroWhere<'_> {
        type Output = Vec<f32>;
        #[inline(always)]
        fn run<L: Lanes>(self, l: L) -> Vec<f32> {
            let w = L::WIDTH;
            let mut out = vec![0.0f32; self.x.len()];
            for start in (0..self.x.len()).step_by(w) {
                let m = l.le(l.load(&self.x[start..]), l.splat(0.0));
                let v = l.zero_where(m, l.load(&self.dy[start..]));
                l.store(v, &mut out[start..]);
            }
            out
        }
    }

    #[test]
    fn zero_where_zeroes_the_masked_lanes_and_keeps_the_others_bit_for_bit() {
        let specials = [0.0, -0.0, 1.0, -1.0, f32::NAN, -f32::NAN, f32::INFINITY];
        let specials = specials.iter().chain(&[f32::NEG_INFINITY, 1e-45, -3e38]);
        let values: Vec<f32> = specials.copied().collect();
        // Every pair of (x, dy) from the list, padded to whole vectors.
        let mut x = Vec::new();
        let mut dy = Vec::new();
        for &a in &values {
            for &b in &values {
                x.push(a);
                dy.push(b);
            }
        }
        x.resize(x.len().next_multiple_of(16), 1.0);
        dy.resize(x.len(), -2.5);
        for backend in Backend::supported() {
            let token = Token::new(backend).unwrap();
            let got = token.vectorize(ZeroWhere { x: &x, dy: &dy });
            for i in 0..x.len() {
                // NaN x compares false: dy passes.
                let want = if x[i] <= 0.0 { 0.0 } else { dy[i] };
                let at = format!("{backend} x {} dy {}", x[i], dy[i]);
                assert_eq!(got[i].to_bits(), want.to_bits(), "{at}");
            }
        }
    }

    #[test]
    fn lookup8_takes_the_low_three_bits_of_any_index() {
        let table = [1.5, -2.0, 3.25, 0.0, -0.0, 7.0, f32::INFINITY, 1e-40];
        let mut idx: Vec<i32> = (-40..88).collect();
        idx.extend([i32::MIN, i32::MAX, 0x7FC0_0000, -9, 1 << 20 | 5]);
        idx.resize(idx.len().next_multiple_of(16), 3);
        for backend in Backend::supported() {
            let token = Token::new(backend).unwrap();
            let got = token.vectorize(Lookup { idx: &idx, table });
            for (&i, g) in idx.iter().zip(got) {
                let want = table[(i & 7) as usize];
                assert_eq!(g.to_bits(), want.to_bits(), "{backend} lookup8 index {i}");
            }
        }
    }

    #[test]
    fn integer_strided_and_f64_store_ops_agree_with_plain_rust() {
        let mut state = 0x1234_5678_9ABC_DEF1u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as i32
        };
        let n = 64;
        let a: Vec<i32> = (0..n).map(|_| next()).collect();
        let b: Vec<i32> = (0..n).map(|_| next()).collect();
        let strided: Vec<f32> = (0..4 * n).map(|i| i as f32 * 0.5 - 3.0).collect();
        for backend in Backend::supported() {
            let token = Token::new(backend).unwrap();
            let got = token.vectorize(Probe {
                a: &a,
                b: &b,
                strided: &strided,
            });
            for (i, &(mul, shr, shl, gathered, dlo, dhi, even, odd)) in got.iter().enumerate() {
                assert_eq!(even, strided[2 * i], "{backend} deinterleave even");
                assert_eq!(odd, strided[2 * i + 1], "{backend} deinterleave odd");
                assert_eq!(mul, a[i].wrapping_mul(b[i]), "{backend} mul_i lane {i}");
                assert_eq!(shr, ((a[i] as u32) >> 7) as i32, "{backend} shr_u");
                assert_eq!(shl, b[i] << 3, "{backend} shl_i");
                assert_eq!(gathered, strided[3 * i], "{backend} load_strided");
                assert_eq!(dlo, dhi, "{backend} store_d lane {i}");
            }
        }
    }
}
