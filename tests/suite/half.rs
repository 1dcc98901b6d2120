//! Half-precision buffers: every conversion path this CPU has gives the
//! `half` crate's bits (and those of an independent nearest-value search),
//! and every pass on f16/bf16 buffers equals converting to f32, running the
//! f32 API and converting back, on every backend, any length and offset,
//! and any thread count.
#![cfg(feature = "half")]

use simd_activations::half::{bf16, f16, HalfFloat};
use simd_activations::{Activation, ActivationFn, Backend, Error, Executor, Layout, Prelu};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }
}

/// The executors to compare: each backend serial, and each backend
/// splitting even tiny buffers into 16-element chunks across the pool.
fn executors() -> Vec<Executor> {
    let mut v = Vec::new();
    for b in Backend::supported() {
        let e = Executor::with_backend(b).unwrap();
        v.push(e.serial());
        v.push(
            e.parallel()
                .with_min_parallel_len(0)
                .with_chunk_len(16)
                .unwrap(),
        );
    }
    v
}

// ---------------------------------------------------------------------------
// Independent references for the conversions.

/// The value of f16 bits `b` (non-negative, up to 0x7C00, which stands for
/// 2^16: the first value past the largest finite one), decoded by hand.
fn f16_value(b: u16) -> f64 {
    let (e, m) = (i32::from(b >> 10), f64::from(b & 0x3FF));
    if e == 0 {
        m * 2f64.powi(-24)
    } else {
        (1024.0 + m) * 2f64.powi(e - 25)
    }
}

/// The value of bf16 bits `b` (non-negative, up to 0x7F80 = 2^128).
fn bf16_value(b: u16) -> f64 {
    let (e, m) = (i32::from(b >> 7), f64::from(b & 0x7F));
    if e == 0 {
        m * 2f64.powi(-133)
    } else {
        (128.0 + m) * 2f64.powi(e - 134)
    }
}

/// `x` rounded to nearest, ties to even mantissa, by binary search over
/// the non-negative bit patterns `0..=inf` in value order; `None` for NaN.
fn nearest(x: f32, value: fn(u16) -> f64, inf: u16) -> Option<u16> {
    if x.is_nan() {
        return None;
    }
    let sign = if x.is_sign_negative() { 0x8000 } else { 0 };
    let a = f64::from(x.abs());
    // Largest b with value(b) <= a.
    let (mut lo, mut hi) = (0u16, inf);
    if value(inf) <= a {
        return Some(sign | inf);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if value(mid) <= a {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // a in [value(lo), value(lo + 1)): compare 2a with the sum (exact).
    let (l, h) = (value(lo), value(lo + 1));
    let b = if 2.0 * a < l + h {
        lo
    } else if 2.0 * a > l + h || lo % 2 == 1 {
        lo + 1
    } else {
        lo
    };
    Some(sign | b)
}

/// Checks a NaN result against IEEE's conversion: NaN, same sign, quiet,
/// the top payload bits kept.
fn check_nan(x: f32, got: u16, mantissa_bits: u32, exp_mask: u16) {
    let xb = x.to_bits();
    let payload = ((xb & 0x007F_FFFF) >> (23 - mantissa_bits)) as u16;
    let quiet = 1u16 << (mantissa_bits - 1);
    let want = ((xb >> 16) as u16 & 0x8000) | exp_mask | quiet | payload;
    assert_eq!(got, want, "NaN {xb:#010x}");
}

/// f32 patterns: a stride through all 2^32, every half value's neighbours
/// and rounding midpoints (±3 f32 ULPs), and special values.
fn f32_sweep() -> Vec<f32> {
    let mut v: Vec<u32> = (0..1u32 << 20).map(|i| i.wrapping_mul(4093)).collect();
    for h in 0..=0x7FFFu16 {
        // bf16: the f32 patterns whose dropped half is 0, 1, the midpoint
        // and its neighbours, all ones.
        for low in [0u32, 1, 0x7FFF, 0x8000, 0x8001, 0xFFFF] {
            v.push((u32::from(h) << 16) | low);
            v.push((u32::from(h | 0x8000) << 16) | low);
        }
        // f16: the value itself and the midpoint to the next one.
        if h < 0x7C00 {
            let at = f16_value(h) as f32;
            let mid = ((f16_value(h) + f16_value(h + 1)) / 2.0) as f32;
            for base in [at.to_bits(), mid.to_bits()] {
                for d in 0..=6u32 {
                    let b = base.wrapping_add(d).wrapping_sub(3);
                    v.push(b);
                    v.push(b ^ 0x8000_0000);
                }
            }
        }
    }
    v.extend([
        0,
        0x8000_0000,
        1,
        0x007F_FFFF,
        0x0080_0000,
        0x7F7F_FFFF,
        0x7F80_0000,
        0xFF80_0000,
        0x7F80_0001,
        0x7F80_1FFF,
        0x7F80_2000,
        0x7FA0_0000,
        0x7FC0_0000,
        0x7FFF_FFFF,
        0xFF80_0001,
        0xFFC0_1234,
        65504f32.to_bits(),
        65519.998f32.to_bits(),
        65520f32.to_bits(),
        65536f32.to_bits(),
    ]);
    v.into_iter().map(f32::from_bits).collect()
}

/// `src` converted by `exec`, in one call and at odd offsets in pieces
/// (so the vector paths' tails see every element).
fn convert_from<H: HalfFloat>(exec: &Executor, src: &[f32]) -> Vec<u16> {
    let mut out = vec![H::default(); src.len()];
    exec.f32_to_half(src, &mut out).unwrap();
    let mut pieces = vec![H::default(); src.len()];
    let mut at = 0;
    for len in (0..).map(|i| i % 23) {
        if at >= src.len() {
            break;
        }
        let end = (at + len).min(src.len());
        exec.f32_to_half(&src[at..end], &mut pieces[at..end])
            .unwrap();
        at = end;
    }
    let bits: Vec<u16> = bytemuck::cast_slice(&out).to_vec();
    assert_eq!(bits, bytemuck::cast_slice::<H, u16>(&pieces), "pieces");
    bits
}

#[test]
fn the_conversion_paths_are_those_the_backend_promises() {
    for b in Backend::supported() {
        let exec = Executor::with_backend(b).unwrap();
        let (f, bf) = (
            exec.half_conversion::<f16>(),
            exec.half_conversion::<bf16>(),
        );
        match b {
            Backend::Scalar | Backend::Portable => assert_eq!((f, bf), ("portable", "portable")),
            _ => {
                let f16c = std::arch::is_x86_feature_detected!("f16c");
                assert_eq!(f, if f16c { "f16c" } else { "portable" }, "{b}");
                assert_eq!(bf, "avx2", "{b}");
            }
        }
    }
}

#[test]
fn f32_to_f16_gives_the_half_crate_bits_and_the_nearest_value() {
    let src = f32_sweep();
    let want: Vec<u16> = src.iter().map(|&v| f16::from_f32(v).to_bits()).collect();
    for (x, &w) in src.iter().zip(&want) {
        match nearest(*x, f16_value, 0x7C00) {
            Some(n) => assert_eq!(w, n, "half crate vs nearest for {:#010x}", x.to_bits()),
            None => check_nan(*x, w, 10, 0x7C00),
        }
    }
    for b in Backend::supported() {
        let exec = Executor::with_backend(b).unwrap().serial();
        let got = convert_from::<f16>(&exec, &src);
        for ((x, g), w) in src.iter().zip(&got).zip(&want) {
            assert_eq!(g, w, "{b} f16 of {:#010x}", x.to_bits());
        }
    }
}

#[test]
fn f32_to_bf16_gives_the_half_crate_bits_and_the_nearest_value() {
    let src = f32_sweep();
    let want: Vec<u16> = src.iter().map(|&v| bf16::from_f32(v).to_bits()).collect();
    for (x, &w) in src.iter().zip(&want) {
        match nearest(*x, bf16_value, 0x7F80) {
            Some(n) => assert_eq!(w, n, "half crate vs nearest for {:#010x}", x.to_bits()),
            None => check_nan(*x, w, 7, 0x7F80),
        }
    }
    for b in Backend::supported() {
        let exec = Executor::with_backend(b).unwrap().serial();
        let got = convert_from::<bf16>(&exec, &src);
        for ((x, g), w) in src.iter().zip(&got).zip(&want) {
            assert_eq!(g, w, "{b} bf16 of {:#010x}", x.to_bits());
        }
    }
}

/// Every one of the 65536 patterns to f32, against the half crate and a
/// hand decoding (NaN: quiet, payload and sign kept).
fn check_all_patterns<H: HalfFloat>(value: fn(u16) -> f64, mantissa_bits: u32) {
    let all: Vec<u16> = (0..=u16::MAX).collect();
    let halves: &[H] = bytemuck::cast_slice(&all);
    for b in Backend::supported() {
        let exec = Executor::with_backend(b).unwrap();
        // Offsets 0..3 so vector blocks and tails cover every pattern.
        for offset in 0..3 {
            let src = &halves[offset..];
            let mut got = vec![0.0f32; src.len()];
            exec.half_to_f32(src, &mut got).unwrap();
            for (&h, g) in src.iter().zip(&got) {
                let bits: u16 = bytemuck::cast(h);
                assert_eq!(g.to_bits(), h.to_f32().to_bits(), "{b} {bits:#06x}");
                let mag = bits & 0x7FFF;
                let inf = 0x7FFFu16 >> mantissa_bits << mantissa_bits;
                if mag > inf {
                    let want = (u32::from(bits & 0x8000) << 16)
                        | 0x7FC0_0000
                        | (u32::from(mag & ((1 << mantissa_bits) - 1)) << (23 - mantissa_bits));
                    assert_eq!(g.to_bits(), want, "{b} NaN {bits:#06x}");
                } else {
                    let v = if mag == inf {
                        f64::INFINITY
                    } else {
                        value(mag)
                    };
                    let v = if bits & 0x8000 != 0 { -v } else { v };
                    assert_eq!(g.to_bits(), (v as f32).to_bits(), "{b} {bits:#06x}");
                }
            }
        }
    }
}

#[test]
fn f16_to_f32_is_exact_for_all_65536_patterns() {
    check_all_patterns::<f16>(f16_value, 10);
}

#[test]
fn bf16_to_f32_is_exact_for_all_65536_patterns() {
    check_all_patterns::<bf16>(bf16_value, 7);
}

// ---------------------------------------------------------------------------
// Passes on half buffers against f32-and-back.

/// Half values: mostly in [-8, 8), some arbitrary bit patterns (NaN,
/// infinities, denormals, huge values).
fn data<H: HalfFloat>(n: usize, seed: u64) -> Vec<H> {
    data_with(n, seed, true)
}

/// Half values in [-8, 8), and arbitrary bit patterns if `specials`.
fn data_with<H: HalfFloat>(n: usize, seed: u64, specials: bool) -> Vec<H> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    (0..n)
        .map(|_| {
            if specials && rng.next().is_multiple_of(8) {
                bytemuck::cast(rng.next() as u16)
            } else {
                H::from_f32(rng.unit() * 16.0 - 8.0)
            }
        })
        .collect()
}

fn widen<H: HalfFloat>(v: &[H]) -> Vec<f32> {
    v.iter().map(|h| h.to_f32()).collect()
}

fn narrow<H: HalfFloat>(v: &[f32]) -> Vec<u16> {
    v.iter().map(|&f| bytemuck::cast(H::from_f32(f))).collect()
}

fn bits<H: HalfFloat>(v: &[H]) -> Vec<u16> {
    bytemuck::cast_slice(v).to_vec()
}

/// `got == want`, or a panic naming the first differing element.
fn same(got: &[u16], want: &[u16], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    if let Some(i) = (0..got.len()).find(|&i| got[i] != want[i]) {
        panic!(
            "{what}: element {i} of {} is {:#06x}, expected {:#06x}",
            got.len(),
            got[i],
            want[i]
        );
    }
}

/// Every pass of `act` on `x`, `dy` (rows of `cols`, or 1-D for `None`)
/// through `exec`'s half methods equals the f32 methods of a serial
/// executor on the same backend, converted back. `out_cols` per row of
/// `cols` is `cols / k` for maxout.
fn check_passes<H: HalfFloat>(
    exec: &Executor,
    act: &Activation,
    x: &[H],
    dy_full: &[H],
    cols: Option<usize>,
    k: usize,
) {
    let reference = Executor::with_backend(exec.backend()).unwrap().serial();
    let n = x.len();
    let m = n / k;
    let dy = &dy_full[..m];
    let ctx = format!("{act} {} n={n} cols={cols:?} on {:?}", H::NAME, exec);
    let xf = widen(x);
    let dyf = widen(dy);

    // Forward.
    let mut yf = vec![0.0f32; m];
    let mut y = vec![H::default(); m];
    match cols {
        None => {
            reference.forward(act, &xf, &mut yf).unwrap();
            exec.forward_half(act, x, &mut y).unwrap();
        }
        Some(c) => {
            reference.forward_rows(act, &xf, &mut yf, c).unwrap();
            exec.forward_rows_half(act, x, &mut y, c).unwrap();
        }
    }
    same(&bits(&y), &narrow::<H>(&yf), &format!("forward {ctx}"));

    // Forward in place (not maxout).
    if k == 1 {
        let mut xy = x.to_vec();
        match cols {
            None => exec.forward_half_inplace(act, &mut xy).unwrap(),
            Some(c) => exec.forward_rows_half_inplace(act, &mut xy, c).unwrap(),
        }
        same(
            &bits(&xy),
            &narrow::<H>(&yf),
            &format!("forward_inplace {ctx}"),
        );
    }

    // Backward from x.
    let mut dxf = vec![0.0f32; n];
    let mut dx = vec![H::default(); n];
    match cols {
        None => {
            reference.backward(act, &xf, &dyf, &mut dxf).unwrap();
            exec.backward_half(act, x, dy, &mut dx).unwrap();
        }
        Some(c) => {
            reference
                .backward_rows(act, &xf, &dyf, &mut dxf, c)
                .unwrap();
            exec.backward_rows_half(act, x, dy, &mut dx, c).unwrap();
        }
    }
    same(&bits(&dx), &narrow::<H>(&dxf), &format!("backward {ctx}"));

    // Backward from y (the half y, as a caller would keep it).
    if act.supports_backward_from_output() {
        let yh = widen(&y);
        match cols {
            None => {
                reference
                    .backward_from_output(act, &yh, &dyf, &mut dxf)
                    .unwrap();
                exec.backward_from_output_half(act, &y, dy, &mut dx)
                    .unwrap();
            }
            Some(c) => {
                reference
                    .backward_from_output_rows(act, &yh, &dyf, &mut dxf, c)
                    .unwrap();
                exec.backward_from_output_rows_half(act, &y, dy, &mut dx, c)
                    .unwrap();
            }
        }
        same(
            &bits(&dx),
            &narrow::<H>(&dxf),
            &format!("backward_from_output {ctx}"),
        );
    }
}

fn elementwise_lengths_and_offsets<H: HalfFloat>() {
    let acts: Vec<Activation> = [
        "relu",
        "sigmoid",
        "gelu",
        "leaky_relu(negative_slope=0.1)",
        "elu",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let x = data::<H>(104, 1);
    let dy = data::<H>(104, 2);
    for exec in executors() {
        for act in &acts {
            for n in 0..=100 {
                for offset in [0, 1, 3] {
                    check_passes(&exec, act, &x[offset..offset + n], &dy[offset..], None, 1);
                }
            }
        }
    }
}

#[test]
fn elementwise_passes_equal_f32_and_back_f16() {
    elementwise_lengths_and_offsets::<f16>();
}

#[test]
fn elementwise_passes_equal_f32_and_back_bf16() {
    elementwise_lengths_and_offsets::<bf16>();
}

fn rowwise<H: HalfFloat>() {
    let acts: Vec<(Activation, usize)> = [
        ("softmax", 1),
        ("log_softmax", 1),
        ("maxout(k=2)", 2),
        ("maxout(k=3)", 3),
        ("relu", 1),
    ]
    .iter()
    .map(|(s, k)| (s.parse().unwrap(), *k))
    .collect();
    let x = data::<H>(104, 3);
    let dy = data::<H>(104, 4);
    for exec in executors() {
        for (act, k) in &acts {
            // One row of every length the function takes.
            for n in (0..=100).filter(|n| n % k == 0) {
                check_passes(&exec, act, &x[1..1 + n], &dy[2..], None, *k);
            }
            // Rows of a few lengths.
            for cols in [*k, 2 * k, 5 * k, 12 * k] {
                for rows in 0..=100 / cols {
                    let n = rows * cols;
                    check_passes(&exec, act, &x[3..3 + n], &dy[1..], Some(cols), *k);
                }
            }
        }
    }
}

#[test]
fn rowwise_passes_equal_f32_and_back_f16() {
    rowwise::<f16>();
}

#[test]
fn rowwise_passes_equal_f32_and_back_bf16() {
    rowwise::<bf16>();
}

fn prelu_channels<H: HalfFloat>() {
    let weights = [0.25f32, -0.5, 2.0];
    for exec in executors() {
        for samples in 0..6 {
            for layout in [
                Layout::channels_first(&[samples, 3, 5]).unwrap(),
                Layout::channels_last(&[samples, 3]).unwrap(),
            ] {
                let n = samples
                    * match layout {
                        Layout::ChannelsFirst { .. } => 15,
                        Layout::ChannelsLast { .. } => 3,
                    };
                let x = data::<H>(n + 1, 5);
                let x = &x[1..];
                let dy = data::<H>(n, 6);
                let prelu = Prelu::per_channel(&weights, layout).unwrap().on(exec);
                let (xf, dyf) = (widen(x), widen(&dy));
                let mut yf = vec![0.0f32; n];
                prelu.forward(&xf, &mut yf).unwrap();
                let mut y = vec![H::default(); n];
                prelu.forward_half(x, &mut y).unwrap();
                same(
                    &bits(&y),
                    &narrow::<H>(&yf),
                    &format!("prelu forward n={n}"),
                );
                let mut xy = x.to_vec();
                prelu.forward_half_inplace(&mut xy).unwrap();
                same(&bits(&xy), &narrow::<H>(&yf), "prelu forward_inplace");
                let (mut dxf, mut dwf) = (vec![0.0f32; n], [0.0f32; 3]);
                prelu.backward(&xf, &dyf, &mut dxf, &mut dwf).unwrap();
                let (mut dx, mut dw) = (vec![H::default(); n], [0.0f32; 3]);
                prelu.backward_half(x, &dy, &mut dx, &mut dw).unwrap();
                same(&bits(&dx), &narrow::<H>(&dxf), "prelu backward");
                assert_eq!(dw.map(f32::to_bits), dwf.map(f32::to_bits), "prelu dw");
            }
        }
    }
}

#[test]
fn per_channel_prelu_equals_f32_and_back() {
    prelu_channels::<f16>();
    prelu_channels::<bf16>();
}

/// Large buffers across 1 and 3 threads (default thresholds and chunks):
/// the same bits as the serial f32 reference. Finite inputs: with NaN in a
/// long row, the f32 API's own parallel row sums may propagate a different
/// NaN payload than its serial ones (which results are NaN agrees).
fn large<H: HalfFloat>() {
    let n = (3 << 20) + 5;
    let x = data_with::<H>(n, 7, false);
    let dy = data_with::<H>(n, 8, false);
    let cases: [(&str, Option<usize>); 4] = [
        ("sigmoid", None),
        ("relu", None),
        ("softmax", Some(1000)),
        ("log_softmax", None), // one row of 3M: split within the row
    ];
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let exec = Executor::global().unwrap();
            for (spec, cols) in cases {
                let act: Activation = spec.parse().unwrap();
                let len = match cols {
                    Some(c) => n / c * c,
                    None => n,
                };
                check_passes(exec, &act, &x[..len], &dy, cols, 1);
            }
        });
    }
}

#[test]
fn large_buffers_split_across_threads_keep_the_bits() {
    large::<f16>();
    large::<bf16>();
}

// ---------------------------------------------------------------------------
// Errors.

#[test]
fn mismatched_lengths_and_shapes_are_errors_not_panics() {
    let exec = Executor::global().unwrap();
    let relu: Activation = "relu".parse().unwrap();
    let softmax: Activation = "softmax".parse().unwrap();
    let maxout: Activation = "maxout(k=2)".parse().unwrap();
    let gelu: Activation = "gelu".parse().unwrap();
    let x = vec![bf16::ONE; 8];
    let mut short = vec![bf16::ZERO; 7];
    let mut ok = vec![bf16::ZERO; 8];

    let err = exec.forward_half(&relu, &x, &mut short).unwrap_err();
    assert!(
        matches!(
            err,
            Error::LengthMismatch {
                expected: 8,
                found: 7,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "length mismatch: x has 8 elements but y has 7"
    );
    assert!(exec.backward_half(&relu, &x, &x[..7], &mut ok).is_err());
    assert!(exec.backward_half(&relu, &x, &x, &mut short).is_err());
    assert!(exec
        .backward_from_output_half(&relu, &x, &x, &mut short)
        .is_err());
    assert!(exec.forward_half(&relu, &x[..0], &mut short).is_err());
    // Rows that do not tile the buffer, or are empty.
    assert!(exec.forward_rows_half(&relu, &x, &mut ok, 3).is_err());
    assert!(exec.forward_rows_half(&softmax, &x, &mut ok, 3).is_err());
    assert!(exec.forward_rows_half(&softmax, &x, &mut ok, 0).is_err());
    assert!(exec.forward_rows_half(&softmax, &x, &mut short, 4).is_err());
    // maxout: output rows k times shorter; not in place; k must divide cols.
    let mut y4 = vec![bf16::ZERO; 4];
    exec.forward_rows_half(&maxout, &x, &mut y4, 4).unwrap();
    assert!(exec.forward_rows_half(&maxout, &x, &mut ok, 4).is_err());
    assert!(exec.forward_half_inplace(&maxout, &mut ok).is_err());
    assert!(exec
        .forward_rows_half(&maxout, &x[..6], &mut y4[..2], 3)
        .is_err());
    assert!(exec
        .backward_rows_half(&maxout, &x, &x, &mut ok, 4)
        .is_err());
    // No backward from the output where y does not determine it.
    let err = exec
        .backward_from_output_half(&gelu, &x, &x, &mut ok)
        .unwrap_err();
    assert!(
        matches!(err, Error::BackwardFromOutputUnsupported { .. }),
        "{err}"
    );
    // Conversions.
    assert!(exec.half_to_f32(&x, &mut [0.0f32; 3]).is_err());
    assert!(exec.f32_to_half(&[0.0f32; 3], &mut ok).is_err());
    // Per-channel prelu.
    let prelu = Prelu::per_channel(&[0.5, 0.5], Layout::channels_last(&[4, 2]).unwrap()).unwrap();
    assert!(prelu.forward_half(&x, &mut short).is_err());
    assert!(prelu.backward_half(&x, &x, &mut ok, &mut [0.0; 1]).is_err());
    assert!(prelu
        .backward_half(&x, &x[..6], &mut ok, &mut [0.0; 2])
        .is_err());
    // An error writes nothing.
    assert!(ok.iter().all(|v| *v == bf16::ZERO));
}
