//! The half-precision driver: a call's half buffers go through the f32
//! kernels a block at a time. Each block is converted into small f32
//! buffers (a few KiB, reused for the whole call or parallel task), the
//! existing serial f32 pass runs on them, and the result is converted back,
//! so the data makes one trip through memory as 2-byte values.
//!
//! Elementwise functions take blocks of [`TILE`] elements and run the lane
//! kernel in place on the converted block. Rowwise functions (softmax,
//! log_softmax, maxout) take blocks of whole rows through the f32 `*_rows`
//! API. Large calls split into tasks of whole blocks on the current rayon
//! pool exactly where the f32 API would split; since elementwise results
//! never depend on an element's position and rowwise ones never on how the
//! rows are grouped, the bits do not depend on the thread count.

use super::convert::Conv;
use super::sealed::Format;
use super::HalfFloat;
use crate::driver::ElementwisePass;
use crate::kernel::Elementwise;
use crate::lanes::Token;
use crate::pass::Pass;
use crate::{Activation, Error, Executor};
use alloc::{vec, vec::Vec};

/// Elements per block of an elementwise call: 4 KiB per f32 buffer, so a
/// backward block's five buffers (two f32, three half) sit in L1.
pub(crate) const TILE: usize = 1024;

/// Elements per block of a rowwise call (whole rows; at least one row).
pub(crate) const ROW_BLOCK: usize = 16 * 1024;

/// Which pass a half call runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// `out = f(a)`.
    Forward,
    /// `out = f(out)`.
    ForwardInPlace,
    /// `out = f'(a)·b`: `a` is `x`, `b` is `dy`.
    Backward,
    /// `out` from the output `a` and `b = dy`.
    BackwardFromOutput,
}

/// One call's half buffers, as bits (`a`, `b` empty where the pass has
/// none), and their elements per row. Bits and a run-time format rather
/// than a type parameter: the public methods are generic, this driver is
/// not, so the kernels are compiled once, in this crate, not again in
/// every crate that calls them.
pub(crate) struct Job<'a> {
    pub(crate) op: Op,
    pub(crate) format: Format,
    pub(crate) a: &'a [u16],
    pub(crate) b: &'a [u16],
    pub(crate) out: &'a mut [u16],
    /// Elements per row of `a`, `b` and `out`.
    pub(crate) per_row: [usize; 3],
}

impl<'a> Job<'a> {
    fn rows(&self) -> usize {
        self.out.len().checked_div(self.per_row[2]).unwrap_or(0)
    }

    /// Elements per row of the pass's input (what the first f32 buffer
    /// holds).
    fn in_row(&self) -> usize {
        match self.op {
            Op::ForwardInPlace => self.per_row[2],
            _ => self.per_row[0],
        }
    }

    fn split_at(self, rows: usize) -> (Job<'a>, Job<'a>) {
        let [ra, rb, ro] = self.per_row;
        let (a0, a1) = self.a.split_at(rows * ra);
        let (b0, b1) = self.b.split_at(rows * rb);
        let (o0, o1) = self.out.split_at_mut(rows * ro);
        let job = |a, b, out| Job {
            op: self.op,
            format: self.format,
            a,
            b,
            out,
            per_row: self.per_row,
        };
        (job(a0, b0, o0), job(a1, b1, o1))
    }
}

/// The f32 work on one converted block.
pub(crate) trait Runner: Sync {
    /// Rows per block.
    fn rows_per_block(&self) -> usize;
    /// Whether the passes need a separate f32 output buffer.
    fn needs_out(&self) -> bool;
    /// `f(x)`, in `x` or in `y`; returns the one holding it.
    fn forward<'s>(&self, x: &'s mut [f32], y: &'s mut [f32]) -> Result<&'s [f32], Error>;
    /// The gradient from `a` (input or output) and `dy`, in `dy` or `dx`;
    /// returns the one holding it.
    fn backward<'s>(
        &self,
        from_output: bool,
        a: &'s mut [f32],
        dy: &'s mut [f32],
        dx: &'s mut [f32],
    ) -> Result<&'s [f32], Error>;
}

/// An elementwise kernel, run in place on each block by the lane code.
pub(crate) struct Elementwise1<'k, K> {
    pub(crate) token: Token,
    pub(crate) kernel: &'k K,
}

impl<K: Elementwise> Elementwise1<'_, K> {
    /// Runs one in-place pass on an L1 block (nothing to stream).
    fn run(&self, pass: Pass<'_>) {
        self.token.vectorize(ElementwisePass {
            kernel: self.kernel,
            pass,
            stream: false,
        });
    }
}

impl<K: Elementwise> Runner for Elementwise1<'_, K> {
    fn rows_per_block(&self) -> usize {
        TILE
    }

    fn needs_out(&self) -> bool {
        false
    }

    fn forward<'s>(&self, x: &'s mut [f32], _: &'s mut [f32]) -> Result<&'s [f32], Error> {
        self.run(Pass::ForwardInPlace { xy: &mut *x });
        Ok(x)
    }

    fn backward<'s>(
        &self,
        from_output: bool,
        a: &'s mut [f32],
        dy: &'s mut [f32],
        _: &'s mut [f32],
    ) -> Result<&'s [f32], Error> {
        self.run(if from_output {
            Pass::BackwardFromOutputInPlace { y: a, g: &mut *dy }
        } else {
            Pass::BackwardInPlace { x: a, g: &mut *dy }
        });
        Ok(dy)
    }
}

/// A rowwise function on blocks of whole rows, through the f32 `*_rows`
/// API on `exec`.
pub(crate) struct Rows {
    pub(crate) exec: Executor,
    pub(crate) act: Activation,
    pub(crate) cols: usize,
}

impl Runner for Rows {
    fn rows_per_block(&self) -> usize {
        (ROW_BLOCK / self.cols.max(1)).max(1)
    }

    fn needs_out(&self) -> bool {
        true
    }

    fn forward<'s>(&self, x: &'s mut [f32], y: &'s mut [f32]) -> Result<&'s [f32], Error> {
        self.exec.forward_rows(&self.act, x, y, self.cols)?;
        Ok(y)
    }

    fn backward<'s>(
        &self,
        from_output: bool,
        a: &'s mut [f32],
        dy: &'s mut [f32],
        dx: &'s mut [f32],
    ) -> Result<&'s [f32], Error> {
        if from_output {
            self.exec
                .backward_from_output_rows(&self.act, a, dy, dx, self.cols)?;
        } else {
            self.exec.backward_rows(&self.act, a, dy, dx, self.cols)?;
        }
        Ok(dx)
    }
}

/// Runs `job`, split into tasks of `rows_per_task` rows on the current
/// rayon pool when `parallel`.
pub(crate) fn run<R: Runner>(
    conv: Conv,
    runner: &R,
    job: Job<'_>,
    rows_per_task: usize,
    parallel: bool,
) -> Result<(), Error> {
    let rows = job.rows();
    if !parallel || rows <= rows_per_task {
        return blocks(conv, runner, job);
    }
    // The same split points as the f32 driver: multiples of the task size.
    let mid = rows.div_ceil(rows_per_task) / 2 * rows_per_task;
    let (left, right) = job.split_at(mid);
    let (l, r) = crate::par::join(
        || run(conv, runner, left, rows_per_task, parallel),
        || run(conv, runner, right, rows_per_task, parallel),
    );
    l.and(r)
}

/// Runs `job` on the calling thread, block by block.
fn blocks<R: Runner>(conv: Conv, runner: &R, job: Job<'_>) -> Result<(), Error> {
    let rows = job.rows();
    if rows == 0 {
        return Ok(());
    }
    let per_block = runner.rows_per_block().min(rows);
    let in_row = job.in_row();
    let Job {
        op,
        format,
        a,
        b,
        out,
        per_row: [ra, rb, ro],
    } = job;
    let backward = matches!(op, Op::Backward | Op::BackwardFromOutput);
    let mut fa = vec![0.0f32; per_block * in_row];
    let mut fb = vec![0.0f32; if backward { per_block * rb } else { 0 }];
    let mut fo = vec![
        0.0f32;
        if runner.needs_out() {
            per_block * ro
        } else {
            0
        }
    ];
    let mut r0 = 0;
    while r0 < rows {
        let n = per_block.min(rows - r0);
        let fa = &mut fa[..n * in_row];
        let fo = &mut fo[..if runner.needs_out() { n * ro } else { 0 }];
        let out = &mut out[r0 * ro..(r0 + n) * ro];
        let result = match op {
            Op::Forward => {
                conv.load_bits(format, &a[r0 * ra..(r0 + n) * ra], fa);
                runner.forward(fa, fo)?
            }
            Op::ForwardInPlace => {
                conv.load_bits(format, out, fa);
                runner.forward(fa, fo)?
            }
            Op::Backward | Op::BackwardFromOutput => {
                let fb = &mut fb[..n * rb];
                conv.load_bits(format, &a[r0 * ra..(r0 + n) * ra], fa);
                conv.load_bits(format, &b[r0 * rb..(r0 + n) * rb], fb);
                runner.backward(op == Op::BackwardFromOutput, fa, fb, fo)?
            }
        };
        conv.store_bits(format, result, out);
        r0 += n;
    }
    Ok(())
}

/// `f(src, dst)` over the two slices (of equal length), split into
/// chunks of the executor's chunk length across the current pool where the
/// executor splits a call this long.
pub(crate) fn par_zip<S: Sync, D: Send>(
    exec: &Executor,
    src: &[S],
    dst: &mut [D],
    f: &(impl Fn(&[S], &mut [D]) + Sync),
) {
    fn split<S: Sync, D: Send>(
        src: &[S],
        dst: &mut [D],
        chunk: usize,
        f: &(impl Fn(&[S], &mut [D]) + Sync),
    ) {
        let len = dst.len();
        if len <= chunk {
            return f(src, dst);
        }
        let mid = len.div_ceil(chunk) / 2 * chunk;
        let (s0, s1) = src.split_at(mid);
        let (d0, d1) = dst.split_at_mut(mid);
        crate::par::join(|| split(s0, d0, chunk, f), || split(s1, d1, chunk, f));
    }
    if exec.splits(dst.len()) {
        split(src, dst, exec.chunk_len(), f);
    } else {
        f(src, dst);
    }
}

/// A half buffer converted to f32 (whole), in parallel where the executor
/// splits.
pub(crate) fn to_vec<H: HalfFloat>(exec: &Executor, conv: Conv, src: &[H]) -> Vec<f32> {
    let mut v = vec![0.0f32; src.len()];
    par_zip(exec, src, &mut v, &|s, d| conv.load_f32(s, d));
    v
}

/// `dst = src` rounded to `H`, in parallel where the executor splits.
pub(crate) fn store<H: HalfFloat>(exec: &Executor, conv: Conv, src: &[f32], dst: &mut [H]) {
    par_zip(exec, src, dst, &|s, d| conv.store_f32(s, d));
}
