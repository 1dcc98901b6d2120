//! Fused bias + activation: `y = f(x + b)` with a per-feature bias `b`
//! broadcast over the rows of a `[rows, features]` buffer (a linear layer's
//! output), and its backward giving `dx` and the bias gradient
//! `db = Σ_rows dx` in one pass over memory.
//!
//! Results have the bits of the two separate passes (`t = x + b` rounded to
//! f32, then `f(t)`), on every backend. The bias gradient is summed in f64
//! per column over fixed blocks of rows, and the blocks in order, then
//! rounded once: its bits depend neither on the thread count nor on the
//! backend.

use crate::executor::Executor;
use crate::kernel::{validate_all, Elementwise, Kernel};
use crate::lanes::{LaneOp, Lanes};
use crate::par::prelude::*;
use crate::pass::same_len;
use crate::reduce::load_n;
use crate::stores::store_vectors;
use crate::{Activation, ActivationFn, Error};
use alloc::{format, vec, vec::Vec};

/// Elements per block of whole rows of the backward's bias-gradient sums
/// (at least one row per block). Fixed, so `db` never depends on an
/// executor's chunk length. 16 Ki elements, the transcendental functions'
/// chunk: with 64 Ki, a 64 Ki-element call (where they start to split) was
/// one block and ran on one thread (criterion, gelu with 1024 features on
/// 2 threads: fused 300 µs against 179 µs for the unfused passes).
const BLOCK: usize = 1 << 14;

/// A bias call's buffers, lengths already checked against each other.
enum BiasPass<'a> {
    /// `y = f(x + b)`; `x = None`: in place on `y`.
    Forward {
        x: Option<&'a [f32]>,
        y: &'a mut [f32],
    },
    /// `dx = f'(x + b)·dy` and `db`.
    Backward {
        x: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
        db: &'a mut [f32],
    },
}

/// One task of the forward: `(x, y)`, or `(None, x)` in place.
type ForwardTask<'a> = dyn Fn(Option<&[f32]>, &mut [f32]) + Sync + 'a;

/// One block of the backward: `(x, dy, dx)`, returning the block's column
/// sums of `dx`.
type BackwardTask<'a> = dyn Fn(&[f32], &[f32], &mut [f32]) -> Vec<f64> + Sync + 'a;

/// `y = f(x + b)` over whole rows of `b.len()`.
struct Forward<'a, K> {
    k: &'a K,
    b: &'a [f32],
    x: &'a [f32],
    y: &'a mut [f32],
    /// Stream the output (see [`crate::Stores`]).
    stream: bool,
}

impl<K: Elementwise> LaneOp for Forward<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let k = &{ *self.k };
        let cols = self.b.len();
        let b = self.b;
        for (x, y) in self.x.chunks_exact(cols).zip(self.y.chunks_exact_mut(cols)) {
            store_vectors!(l, self.stream, y, |i, c| {
                let t = l.add(load_n(l, x, i, c), load_n(l, b, i, c));
                k.forward(l, t)
            });
        }
        if self.stream {
            l.stream_fence();
        }
    }
}

/// `x = f(x + b)` over whole rows of `b.len()`.
struct ForwardInPlace<'a, K> {
    k: &'a K,
    b: &'a [f32],
    x: &'a mut [f32],
}

impl<K: Elementwise> LaneOp for ForwardInPlace<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let k = &{ *self.k };
        for row in self.x.chunks_exact_mut(self.b.len()) {
            forward_row_inplace(l, k, row, self.b);
        }
    }
}

#[inline(always)]
fn forward_row_inplace<L: Lanes, K: Elementwise>(l: L, k: &K, x: &mut [f32], b: &[f32]) {
    use core::sync::atomic::{compiler_fence, Ordering};
    let w = L::WIDTH;
    let (mut xs, mut bs) = (x.chunks_exact_mut(w), b.chunks_exact(w));
    for (x, b) in (&mut xs).zip(&mut bs) {
        let t = l.add(l.load(x), l.load(b));
        // See driver::map1_inplace: no masked store for select-then-store.
        compiler_fence(Ordering::SeqCst);
        l.store(k.forward(l, t), x);
    }
    let (x, b) = (xs.into_remainder(), bs.remainder());
    if !x.is_empty() {
        let t = l.add(l.load_partial(x), l.load_partial(b));
        l.store_partial(k.forward(l, t), x);
    }
}

/// `dx = f'(x + b)·dy` over one block of whole rows, with the block's
/// column sums of `dx` added (in row order, in f64) to `acc`.
struct Backward<'a, K> {
    k: &'a K,
    b: &'a [f32],
    x: &'a [f32],
    dy: &'a [f32],
    dx: &'a mut [f32],
    acc: &'a mut [f64],
}

impl<K: Elementwise> LaneOp for Backward<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let k = &{ *self.k };
        let (b, cols) = (self.b, self.b.len());
        let rows = self
            .x
            .chunks_exact(cols)
            .zip(self.dy.chunks_exact(cols))
            .zip(self.dx.chunks_exact_mut(cols));
        for ((x, dy), dx) in rows {
            let w = L::WIDTH;
            let (mut xs, mut bs) = (x.chunks_exact(w), b.chunks_exact(w));
            let (mut gs, mut ds) = (dy.chunks_exact(w), dx.chunks_exact_mut(w));
            for (((x, b), g), d) in (&mut xs).zip(&mut bs).zip(&mut gs).zip(&mut ds) {
                let t = l.add(l.load(x), l.load(b));
                l.store(k.backward(l, t, l.load(g)), d);
            }
            let (x, b, g, d) = (
                xs.remainder(),
                bs.remainder(),
                gs.remainder(),
                ds.into_remainder(),
            );
            if !d.is_empty() {
                let t = l.add(l.load_partial(x), l.load_partial(b));
                l.store_partial(k.backward(l, t, l.load_partial(g)), d);
            }
            // Each column's sum runs down the rows in order; the compiler
            // vectorizes across columns, which does not change any sum.
            for (a, &d) in self.acc.iter_mut().zip(dx.iter()) {
                *a += d as f64;
            }
        }
    }
}

/// Checks the bias against the buffer: `Ok(rows)`.
fn rows_of(len: usize, bias: &[f32]) -> Result<usize, Error> {
    let cols = bias.len();
    if cols == 0 {
        return if len == 0 {
            Ok(0)
        } else {
            Err(Error::InvalidShape {
                reason: format!("an empty bias cannot broadcast over {len} elements"),
            })
        };
    }
    if !len.is_multiple_of(cols) {
        return Err(Error::InvalidShape {
            reason: format!(
                "a bias of {cols} features needs whole rows, but the buffer has {len} elements ({} rows and {} left over)",
                len / cols,
                len % cols
            ),
        });
    }
    Ok(len / cols)
}

/// Only elementwise functions fuse with a bias.
fn elementwise_only(name: &str) -> Error {
    Error::InvalidShape {
        reason: format!(
            "bias + activation needs an elementwise function; {name} works on whole rows"
        ),
    }
}

impl Executor {
    /// `y = f(x + bias)`, the bias broadcast over rows of `bias.len()`
    /// features: a linear layer's bias add and its activation in one pass
    /// over memory, with the bits of the two separate passes.
    ///
    /// ```
    /// use simd_activations::{Executor, Relu};
    /// let x = [1.0f32, -1.0, 0.5, -0.5]; // 2 rows of 2 features
    /// let mut y = [0.0f32; 4];
    /// Executor::global()?.forward_bias(&Relu, &x, &[-0.75, 0.75], &mut y)?;
    /// assert_eq!(y, [0.25, 0.0, 0.0, 0.25]);
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    ///
    /// # Errors
    /// If `x` is not whole rows of `bias.len()`, `y` differs in length, the
    /// activation is rowwise (softmax, log_softmax, maxout), or its
    /// parameters are invalid.
    pub fn forward_bias<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        bias: &[f32],
        y: &mut [f32],
    ) -> Result<(), Error> {
        same_len("x", x.len(), "y", y.len())?;
        self.run_bias(&act.activation(), bias, BiasPass::Forward { x: Some(x), y })
    }

    /// [`Executor::forward_bias`] in place: `x = f(x + bias)`.
    ///
    /// # Errors
    /// As [`Executor::forward_bias`].
    pub fn forward_bias_inplace<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &mut [f32],
        bias: &[f32],
    ) -> Result<(), Error> {
        self.run_bias(&act.activation(), bias, BiasPass::Forward { x: None, y: x })
    }

    /// The backward of [`Executor::forward_bias`]: `dx = f'(x + bias)·dy`
    /// and the bias gradient `db[c] = Σ_rows dx[row, c]` (overwritten), in
    /// one pass. `db`'s bits do not depend on the thread count or backend.
    ///
    /// ```
    /// use simd_activations::{Executor, Relu};
    /// let x = [1.0f32, -1.0, 0.5, -0.5];
    /// let dy = [1.0f32, 2.0, 3.0, 4.0];
    /// let (mut dx, mut db) = ([0.0f32; 4], [0.0f32; 2]);
    /// Executor::global()?.backward_bias(&Relu, &x, &[-0.75, 0.75], &dy, &mut dx, &mut db)?;
    /// assert_eq!(dx, [1.0, 0.0, 0.0, 4.0]);
    /// assert_eq!(db, [1.0, 4.0]);
    /// # Ok::<(), simd_activations::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Executor::forward_bias`], and if `dy`, `dx` or `db` has the
    /// wrong length.
    pub fn backward_bias<A: ActivationFn + ?Sized>(
        &self,
        act: &A,
        x: &[f32],
        bias: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        db: &mut [f32],
    ) -> Result<(), Error> {
        same_len("x", x.len(), "dy", dy.len())?;
        same_len("x", x.len(), "dx", dx.len())?;
        same_len("bias", bias.len(), "db", db.len())?;
        self.run_bias(
            &act.activation(),
            bias,
            BiasPass::Backward { x, dy, dx, db },
        )
    }

    /// Checks the activation and the rows, then runs `pass`. Not generic
    /// (the public methods are, over the activation's type), so the kernels
    /// are compiled once, in this crate, rather than again in every crate
    /// that calls them.
    fn run_bias(&self, act: &Activation, bias: &[f32], pass: BiasPass<'_>) -> Result<(), Error> {
        dispatch!(act, k =>
            elementwise: {
                validate_all(k)?;
                match pass {
                    BiasPass::Forward { x, y } => {
                        rows_of(y.len(), bias)?;
                        self.bias_forward(k, x, bias, y);
                    }
                    BiasPass::Backward { x, dy, dx, db } => {
                        rows_of(x.len(), bias)?;
                        self.bias_backward(k, x, bias, dy, dx, db);
                    }
                }
                Ok(())
            },
            rowwise: {
                let _ = k;
                Err(elementwise_only(act.name()))
            },
        )
    }

    /// Runs the forward over blocks of whole rows (in parallel when the
    /// buffer is large enough); `x = None` means in place on `y`.
    fn bias_forward<K: Elementwise + Kernel>(
        &self,
        k: &K,
        x: Option<&[f32]>,
        b: &[f32],
        y: &mut [f32],
    ) {
        if b.is_empty() {
            return;
        }
        let token = self.token();
        // The whole call's length decides, so every task stores alike.
        let stream = x.is_some() && self.streams(y.len());
        let run = |x: Option<&[f32]>, y: &mut [f32]| match x {
            Some(x) => token.vectorize(Forward { k, b, x, y, stream }),
            None => token.vectorize(ForwardInPlace { k, b, x: y }),
        };
        self.for_family(<K as Elementwise>::INFO.family)
            .bias_forward_tasks(b.len(), x, y, &run);
    }

    /// The forward's split into tasks of whole rows. `run` is a trait
    /// object so that rayon's machinery is compiled once, not per kernel.
    fn bias_forward_tasks(
        &self,
        cols: usize,
        x: Option<&[f32]>,
        y: &mut [f32],
        run: &ForwardTask<'_>,
    ) {
        if !self.splits(y.len()) {
            return run(x, y);
        }
        let per_task = (self.chunk_len() / cols).max(1) * cols;
        match x {
            Some(x) => y
                .par_chunks_mut(per_task)
                .zip(x.par_chunks(per_task))
                .for_each(|(y, x)| run(Some(x), y)),
            None => y.par_chunks_mut(per_task).for_each(|y| run(None, y)),
        }
    }

    /// `dx` and `db` over fixed blocks of rows.
    fn bias_backward<K: Elementwise + Kernel>(
        &self,
        k: &K,
        x: &[f32],
        b: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        db: &mut [f32],
    ) {
        let cols = b.len();
        if cols == 0 {
            return;
        }
        let token = self.token();
        let run = |x: &[f32], dy: &[f32], dx: &mut [f32]| -> Vec<f64> {
            let mut acc = vec![0.0f64; cols];
            token.vectorize(Backward {
                k,
                b,
                x,
                dy,
                dx,
                acc: &mut acc,
            });
            acc
        };
        self.for_family(<K as Elementwise>::INFO.family)
            .bias_backward_blocks(cols, x, dy, dx, db, &run);
    }

    /// The backward's blocks (in parallel when the buffer is large enough)
    /// and the bias gradient: block sums are added in block order whether
    /// the blocks ran in parallel or not. `run` is a trait object, as in
    /// [`Executor::bias_forward_tasks`].
    fn bias_backward_blocks(
        &self,
        cols: usize,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        db: &mut [f32],
        run: &BackwardTask<'_>,
    ) {
        let block = (BLOCK / cols).max(1) * cols;
        let mut total = vec![0.0f64; cols];
        let mut add = |part: &[f64]| {
            for (t, p) in total.iter_mut().zip(part) {
                *t += p;
            }
        };
        if self.splits(x.len()) {
            // Groups of blocks keep the partial sums' memory bounded; the
            // sums are still added one block at a time, in order.
            let group = block * 4 * crate::par::current_num_threads();
            for ((x, dy), dx) in x
                .chunks(group)
                .zip(dy.chunks(group))
                .zip(dx.chunks_mut(group))
            {
                let parts: Vec<Vec<f64>> = dx
                    .par_chunks_mut(block)
                    .zip(x.par_chunks(block).zip(dy.par_chunks(block)))
                    .map(|(dx, (x, dy))| run(x, dy, dx))
                    .collect();
                parts.iter().for_each(|p| add(p));
            }
        } else {
            for ((x, dy), dx) in x
                .chunks(block)
                .zip(dy.chunks(block))
                .zip(dx.chunks_mut(block))
            {
                add(&run(x, dy, dx));
            }
        }
        for (d, t) in db.iter_mut().zip(&total) {
            *d = *t as f32;
        }
    }
}
