//! Timing: the best of several runs, with buffers that stay allocated and
//! touched across rows so page faults never land in a measurement.

use simd_activations::lanes::{LaneOp, Lanes};
use simd_activations::Backend;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How long one batch of runs of a small buffer should take.
const BATCH: Duration = Duration::from_millis(2);
/// Batches per small-buffer measurement; the fastest one counts.
const BATCHES: usize = 5;
/// A single run at least this long is timed on its own (large buffers).
const LONG_RUN: Duration = Duration::from_millis(10);
/// Runs per large-buffer measurement after the warm-up; the fastest counts.
const LONG_RUNS: usize = 3;
/// A warm-up at least this long is followed by a single timed run (slow
/// backends on 16M elements: a second run changes little but costs
/// seconds of the report's time).
const VERY_LONG_RUN: Duration = Duration::from_millis(250);

/// Seconds per run of `f`: the fastest batch average (small buffers) or
/// the fastest single run (large ones), after one warm-up run.
pub fn best_seconds(mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    f();
    let warm = start.elapsed();
    if warm >= LONG_RUN {
        let runs = if warm >= VERY_LONG_RUN { 1 } else { LONG_RUNS };
        return (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
    }
    let per_batch = (BATCH.as_secs_f64() / warm.as_secs_f64().max(1e-9)).ceil() as usize;
    let per_batch = per_batch.clamp(1, 1 << 20);
    (0..BATCHES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            t.elapsed().as_secs_f64() / per_batch as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// Seconds per run of an in-place pass, which changes its own input:
/// `f(true)` restores the input (untimed) before every timed `f(false)`, so
/// repeated application never skews the time (leaky_relu applied a
/// thousand times to the same buffer pushes its negative half into the
/// denormal range, which is many times slower). Each run is timed on its
/// own: at 4K elements and more the clock's own cost is a few percent.
pub fn best_seconds_fresh(mut f: impl FnMut(bool)) -> f64 {
    let mut timed = || {
        f(true);
        let t = Instant::now();
        f(false);
        t.elapsed().as_secs_f64()
    };
    let warm = timed();
    let runs = if warm >= VERY_LONG_RUN.as_secs_f64() {
        1
    } else if warm >= LONG_RUN.as_secs_f64() {
        LONG_RUNS
    } else {
        ((BATCH.as_secs_f64() * BATCHES as f64 / warm.max(1e-9)).ceil() as usize).clamp(3, 1 << 16)
    };
    (0..runs).map(|_| timed()).fold(f64::INFINITY, f64::min)
}

/// The buffers of one size: input, output, gradient, and scratch.
pub struct Buffers {
    pub x: Vec<f32>,
    pub y: Vec<f32>,
    pub dy: Vec<f32>,
    pub dx: Vec<f32>,
    pub scratch: Vec<f32>,
}

/// The first `m` elements of each buffer: `(x, y, dy, dx, scratch)`.
pub type Prefix<'a> = (
    &'a [f32],
    &'a mut [f32],
    &'a [f32],
    &'a mut [f32],
    &'a mut [f32],
);

impl Buffers {
    /// The first `m` elements of every buffer, for ops that need whole rows
    /// or channels.
    pub fn prefix(&mut self, m: usize) -> Prefix<'_> {
        (
            &self.x[..m],
            &mut self.y[..m],
            &self.dy[..m],
            &mut self.dx[..m],
            &mut self.scratch[..m],
        )
    }

    /// Buffers of `n` elements; `x` spreads over [-8, 8) (where every
    /// activation does something), `dy` over [-1, 1).
    pub fn new(n: usize) -> Buffers {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32
        };
        let x: Vec<f32> = (0..n).map(|_| next() * 16.0 - 8.0).collect();
        let dy: Vec<f32> = (0..n).map(|_| next() * 2.0 - 1.0).collect();
        Buffers {
            scratch: x.clone(),
            y: vec![0.0; n],
            dx: vec![0.0; n],
            x,
            dy,
        }
    }
}

/// `out[i] = a[i] + b[i]`: the reference for passes that read two buffers
/// and write one, as a plain loop (ordinary stores).
pub fn stream_2r1w(a: &[f32], b: &[f32], out: &mut [f32]) {
    for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
        *o = *a + *b;
    }
    black_box(out);
}

/// [`stream_2r1w`] on `backend`'s lanes with its streaming stores (whole
/// cache lines), as the copy row's lanes loop streams; `None`
/// where the backend has no streaming store.
pub fn stream_2r1w_streaming(
    backend: Backend,
    a: &[f32],
    b: &[f32],
    out: &mut [f32],
) -> Option<()> {
    let op = Add2r1w { a, b, out };
    #[cfg(x86_simd)]
    match backend {
        Backend::Avx2 => return simd_activations::lanes::Avx2::new().map(|l| l.vectorize(op)),
        Backend::Avx512 => return simd_activations::lanes::Avx512::new().map(|l| l.vectorize(op)),
        _ => {}
    }
    // The other backends have no streaming store.
    let _ = (backend, op);
    None
}

/// The lane loop of [`stream_2r1w_streaming`].
struct Add2r1w<'a> {
    a: &'a [f32],
    b: &'a [f32],
    out: &'a mut [f32],
}

impl LaneOp for Add2r1w<'_> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let w = L::WIDTH;
        let n = self.out.len().min(self.a.len()).min(self.b.len());
        let (a, b, out) = (&self.a[..n], &self.b[..n], &mut self.out[..n]);
        // Whole 64-byte lines stream; the partial lines at the ends get
        // plain stores, so no line gets both (slow on AMD, see README).
        let line = 16;
        let head = out.as_ptr().align_offset(64).min(n);
        for i in 0..head {
            out[i] = a[i] + b[i];
        }
        let full = head + (n - head) / line * line;
        // Four vectors per step, as the crate's own loops (src/driver.rs).
        let (a4, b4) = (&a[head..full], &b[head..full]);
        let mut blocks = out[head..full].chunks_exact_mut(4 * w);
        let mut i = 0;
        for block in &mut blocks {
            for o in block.chunks_exact_mut(w) {
                let v = l.add(l.load(&a4[i..i + w]), l.load(&b4[i..i + w]));
                l.store_stream(v, o);
                i += w;
            }
        }
        for o in blocks.into_remainder().chunks_exact_mut(w) {
            let v = l.add(l.load(&a4[i..i + w]), l.load(&b4[i..i + w]));
            l.store_stream(v, o);
            i += w;
        }
        for i in full..n {
            out[i] = a[i] + b[i];
        }
        l.stream_fence();
        black_box(out);
    }
}
