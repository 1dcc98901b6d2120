//! Report rows on f16 and bf16 buffers (the `half` feature), and the copy
//! row of 2-byte elements they are compared with.

use super::args::Dtype;
use super::measure::{best_seconds, best_seconds_fresh, Buffers};
use super::on_threads;
use rayon::prelude::*;
use simd_activations::half::{bf16, f16, HalfFloat};
use simd_activations::{Activation, ActivationFn, Executor, Kind, ParamValue, DEFAULT_CHUNK_LEN};

/// One size's buffers as `H`: the f32 buffers rounded.
pub struct HalfBuffers<H> {
    x: Vec<H>,
    y: Vec<H>,
    dy: Vec<H>,
    dx: Vec<H>,
    scratch: Vec<H>,
}

impl<H: HalfFloat> HalfBuffers<H> {
    fn new(buf: &Buffers) -> HalfBuffers<H> {
        let round = |v: &[f32]| v.iter().map(|&f| H::from_f32(f)).collect::<Vec<H>>();
        let x = round(&buf.x);
        HalfBuffers {
            y: vec![H::default(); x.len()],
            dx: vec![H::default(); x.len()],
            dy: round(&buf.dy),
            scratch: x.clone(),
            x,
        }
    }
}

/// The f16 and bf16 buffers of one size, made when first needed.
#[derive(Default)]
pub struct Halves {
    f16: Option<HalfBuffers<f16>>,
    bf16: Option<HalfBuffers<bf16>>,
}

/// Seconds per copy of `n` 2-byte elements (4 bytes moved per element),
/// split over the pool's threads when there is one.
pub fn copy_seconds(n: usize, threads: usize, pool: Option<&rayon::ThreadPool>) -> f64 {
    let src = vec![1u16; n];
    let mut dst = vec![0u16; n];
    on_threads(pool, || {
        best_seconds(|| {
            if threads > 1 {
                dst.par_chunks_mut(DEFAULT_CHUNK_LEN)
                    .zip(src.par_chunks(DEFAULT_CHUNK_LEN))
                    .for_each(|(d, s)| d.copy_from_slice(s));
            } else {
                dst.copy_from_slice(&src);
            }
        })
    })
}

/// Times one pass of `act` on buffers of `dtype`: `(seconds, bytes per
/// element, elements)`, or `None` where the pass is not defined.
#[allow(clippy::too_many_arguments)]
pub fn time(
    exec: &Executor,
    act: &Activation,
    cols: usize,
    dtype: Dtype,
    pass: &str,
    buf: &Buffers,
    halves: &mut Halves,
    pool: Option<&rayon::ThreadPool>,
) -> Option<(f64, f64, usize)> {
    match dtype {
        Dtype::F16 => {
            let h = halves.f16.get_or_insert_with(|| HalfBuffers::new(buf));
            time_typed(exec, act, cols, pass, h, pool)
        }
        Dtype::Bf16 => {
            let h = halves.bf16.get_or_insert_with(|| HalfBuffers::new(buf));
            time_typed(exec, act, cols, pass, h, pool)
        }
        Dtype::F32 => None,
    }
}

fn time_typed<H: HalfFloat>(
    exec: &Executor,
    act: &Activation,
    cols: usize,
    pass: &str,
    hb: &mut HalfBuffers<H>,
    pool: Option<&rayon::ThreadPool>,
) -> Option<(f64, f64, usize)> {
    let k = match act.param("k") {
        Some(ParamValue::Int(k)) => k as usize,
        _ => 1,
    };
    let n = hb.x.len();
    let rows = act.kind() == Kind::Rowwise;
    let (m, cols) = if rows {
        let cols = (cols.min(n) / k * k).max(k);
        (n / cols * cols, Some(cols))
    } else {
        (n, None)
    };
    if m == 0 || (pass == "forward_inplace" && k != 1) {
        return None;
    }
    let out = m / k;
    let ratio = 1.0 / k as f64;
    let bytes = match pass {
        "forward" => 2.0 + 2.0 * ratio,
        "forward_inplace" => 4.0,
        _ => 4.0 + 2.0 * ratio,
    };
    let (x, y, dy, dx, scratch) = (
        &hb.x[..m],
        &mut hb.y[..out],
        &hb.dy[..out],
        &mut hb.dx[..m],
        &mut hb.scratch[..m],
    );
    let forward = |x: &[H], y: &mut [H]| match cols {
        Some(c) => exec.forward_rows_half(act, x, y, c),
        None => exec.forward_half(act, x, y),
    };
    if pass == "backward_from_output" {
        if !act.supports_backward_from_output() {
            return None;
        }
        forward(x, y).expect("forward");
    }
    let secs = on_threads(pool, || {
        if pass == "forward_inplace" {
            return best_seconds_fresh(|reset| {
                if reset {
                    scratch.copy_from_slice(x);
                } else {
                    match cols {
                        Some(c) => exec.forward_rows_half_inplace(act, scratch, c),
                        None => exec.forward_half_inplace(act, scratch),
                    }
                    .expect("validated op");
                }
            });
        }
        best_seconds(|| {
            match (pass, cols) {
                ("forward", _) => forward(x, y),
                ("backward", Some(c)) => exec.backward_rows_half(act, x, dy, dx, c),
                ("backward", None) => exec.backward_half(act, x, dy, dx),
                (_, Some(c)) => exec.backward_from_output_rows_half(act, y, dy, dx, c),
                (_, None) => exec.backward_from_output_half(act, y, dy, dx),
            }
            .expect("validated op")
        })
    });
    Some((secs, bytes, m))
}
