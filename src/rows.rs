//! Functions of whole rows ([`Rowwise`] kernels: softmax, log_softmax,
//! maxout): the shape checks, the [`RowCall`] a kernel runs, and the split
//! of rows (and of long rows) across threads.
//!
//! A buffer is `rows × cols` elements, row-major; the function applies to
//! each row (the last dimension). The 1-D methods of
//! [`crate::ActivationFn`] pass the whole buffer as one row.

use crate::kernel::{validate_all, Kernel, Rowwise};
use crate::lanes::{LaneOp, Lanes, Token};
use crate::pass::Pass;
use crate::reduce::{dd_add, segments, SEG};
use crate::{Error, Executor};
use alloc::{format, string::String, vec::Vec};

/// One call of a [`Rowwise`] kernel, its buffers and shape already checked
/// (`x`, `dx`: `rows × cols`; `y`, `dy`: `rows × out_cols`).
pub struct RowCall<'a> {
    pub(crate) exec: Executor,
    pub(crate) pass: Pass<'a>,
    pub(crate) rows: usize,
    pub(crate) cols: usize,
    pub(crate) out_cols: usize,
}

impl RowCall<'_> {
    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Input elements per row.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Output elements per row.
    pub fn out_cols(&self) -> usize {
        self.out_cols
    }
}

fn shape_error(reason: String) -> Error {
    Error::InvalidShape { reason }
}

/// `len` elements as rows of `cols`: the row count, or the error.
fn row_count(what: &str, len: usize, cols: usize) -> Result<usize, Error> {
    if cols == 0 {
        return if len == 0 {
            Ok(0)
        } else {
            Err(shape_error(format!(
                "{what} has {len} elements but rows of 0 columns were asked for"
            )))
        };
    }
    if !len.is_multiple_of(cols) {
        return Err(shape_error(format!(
            "{what} has {len} elements, not a whole number of rows of {cols}"
        )));
    }
    Ok(len / cols)
}

/// For an elementwise kernel called through a `*_rows` method: the rows
/// must tile the buffer (lengths already checked equal).
pub(crate) fn check_rows<K: Kernel>(_: &K, len: usize, cols: usize) -> Result<(), Error> {
    row_count("the buffer", len, cols).map(|_| ())
}

/// Checks a call of the rowwise kernel `k` and runs it.
pub(crate) fn run<K: Rowwise + Kernel>(
    exec: &Executor,
    k: &K,
    pass: Pass<'_>,
    cols: Option<usize>,
) -> Result<(), Error> {
    validate_all(k)?;
    let name = crate::spec::spec_string(k);
    // Backward in place: a row's dx needs sums over the whole row of dy
    // first, and the long-row path reads dy again after other segments'
    // dx are written, so these run out of place on a copy of dy.
    let pass = match pass {
        Pass::BackwardInPlace { g, .. } | Pass::BackwardFromOutputInPlace { g, .. }
            if !k.supports_inplace() =>
        {
            let _ = g;
            return Err(shape_error(format!(
                "{name} cannot run its backward in place: its dy rows are shorter than its dx rows"
            )));
        }
        Pass::BackwardInPlace { x, g } => {
            let dy = g.to_vec();
            return run(exec, k, Pass::Backward { x, dy: &dy, dx: g }, cols);
        }
        Pass::BackwardFromOutputInPlace { y, g } => {
            let dy = g.to_vec();
            return run(
                exec,
                k,
                Pass::BackwardFromOutput { y, dy: &dy, dx: g },
                cols,
            );
        }
        other => other,
    };
    let (input_name, input_len) = match &pass {
        Pass::Forward { x, .. } | Pass::Backward { x, .. } => ("x", x.len()),
        Pass::ForwardInPlace { xy } => ("x", xy.len()),
        Pass::BackwardFromOutput { dx, .. } => ("dx", dx.len()),
        Pass::BackwardInPlace { .. } | Pass::BackwardFromOutputInPlace { .. } => {
            unreachable!("converted to out-of-place passes above")
        }
    };
    if let Pass::BackwardFromOutput { .. } = pass {
        Rowwise::check_backward_from_output(k).map_err(|reason| {
            Error::BackwardFromOutputUnsupported {
                activation: name.clone(),
                reason,
            }
        })?;
    }
    if let Pass::ForwardInPlace { .. } = pass {
        if !k.supports_inplace() {
            return Err(shape_error(format!(
                "{name} cannot run in place: its output rows are shorter than its input rows"
            )));
        }
    }
    // The 1-D methods: the whole buffer is one row.
    let cols = cols.unwrap_or(input_len);
    let rows = row_count(input_name, input_len, cols)?;
    let out_cols = k
        .output_cols(cols)
        .map_err(|why| shape_error(format!("{name} on rows of {cols}: {why}")))?;
    let want_out = rows * out_cols;
    let expect = |what: &str, len: usize, want: usize| {
        if len == want {
            Ok(())
        } else {
            let per_row = if rows == 1 {
                String::new()
            } else {
                format!(" ({rows} rows of {})", want / rows.max(1))
            };
            Err(shape_error(format!(
                "{name} with {input_name} of {rows} × {cols}: {what} must have {want} elements{per_row}, found {len}"
            )))
        }
    };
    match &pass {
        Pass::Forward { y, .. } => expect("y", y.len(), want_out)?,
        Pass::ForwardInPlace { .. } => {}
        Pass::Backward { dy, dx, .. } => {
            expect("dy", dy.len(), want_out)?;
            expect("dx", dx.len(), input_len)?;
        }
        Pass::BackwardFromOutput { y, dy, .. } => {
            expect("y", y.len(), want_out)?;
            expect("dy", dy.len(), want_out)?;
        }
        Pass::BackwardInPlace { .. } | Pass::BackwardFromOutputInPlace { .. } => {
            unreachable!("converted to out-of-place passes above")
        }
    }
    if rows == 0 {
        return Ok(());
    }
    k.run(RowCall {
        exec: *exec,
        pass,
        rows,
        cols,
        out_cols,
    });
    Ok(())
}

/// Input and output of a forward pass: separate buffers or one in place.
pub(crate) enum Io<'a> {
    Out { x: &'a [f32], y: &'a mut [f32] },
    InPlace(&'a mut [f32]),
}

impl<'a> Io<'a> {
    /// The input.
    pub(crate) fn input(&self) -> &[f32] {
        match self {
            Io::Out { x, .. } => x,
            Io::InPlace(xy) => xy,
        }
    }

    /// The elements `r`, reborrowed.
    pub(crate) fn sub(&mut self, r: core::ops::Range<usize>) -> Io<'_> {
        match self {
            Io::Out { x, y } => Io::Out {
                x: &x[r.clone()],
                y: &mut y[r],
            },
            Io::InPlace(xy) => Io::InPlace(&mut xy[r]),
        }
    }

    /// The output buffer.
    pub(crate) fn output(self) -> &'a mut [f32] {
        match self {
            Io::Out { y, .. } => y,
            Io::InPlace(xy) => xy,
        }
    }

    /// Cuts off the first `mid` elements.
    pub(crate) fn split_at(self, mid: usize) -> (Io<'a>, Io<'a>) {
        match self {
            Io::Out { x, y } => {
                let (x0, x1) = x.split_at(mid);
                let (y0, y1) = y.split_at_mut(mid);
                (Io::Out { x: x0, y: y0 }, Io::Out { x: x1, y: y1 })
            }
            Io::InPlace(xy) => {
                let (a, b) = xy.split_at_mut(mid);
                (Io::InPlace(a), Io::InPlace(b))
            }
        }
    }
}

/// `y[i] = $body(x[i])` over an [`Io`] (whole vectors, then one partial
/// tail), `$x` bound to each input vector. A macro so the body inlines (see
/// `reduce::for_blocks`). With a `$stream` flag, an out-of-place output is
/// written as [`crate::stores::store_vectors`] writes it.
macro_rules! map_io {
    ($l:expr, $io:expr, |$x:ident| $body:expr) => {
        $crate::rows::map_io!($l, $io, false, |$x| $body)
    };
    ($l:expr, $io:expr, $stream:expr, |$x:ident| $body:expr) => {{
        let l = $l;
        match $io {
            $crate::rows::Io::Out { x: xs, y: ys } => {
                let xs = &xs[..ys.len()];
                $crate::stores::store_vectors!(l, $stream, ys, |i, c| {
                    let $x = $crate::reduce::load_n(l, xs, i, c);
                    $body
                });
            }
            $crate::rows::Io::InPlace(xy) => {
                $crate::reduce::for_vectors!($crate::lanes::width(l), xy.len(), |i, c| {
                    let $x = $crate::reduce::load_n(l, xy, i, c);
                    let v = $body;
                    $crate::reduce::store_n(l, v, xy, i, c);
                });
            }
        }
    }};
}
pub(crate) use map_io;

/// `out[i] = $body(a[i], b[i])` over whole vectors and one partial tail.
macro_rules! map2 {
    ($l:expr, $a:expr, $b:expr, $out:expr, |$x:ident, $y:ident| $body:expr) => {{
        let l = $l;
        let out: &mut [f32] = $out;
        let n = out.len();
        let (a, b): (&[f32], &[f32]) = (&$a[..n], &$b[..n]);
        $crate::reduce::for_vectors!($crate::lanes::width(l), n, |i, c| {
            let $x = $crate::reduce::load_n(l, a, i, c);
            let $y = $crate::reduce::load_n(l, b, i, c);
            let v = $body;
            $crate::reduce::store_n(l, v, out, i, c);
        });
    }};
}
pub(crate) use map2;

/// Rows per parallel task: whole rows, about one executor chunk of elements.
fn rows_per_task(exec: &Executor, cols: usize) -> usize {
    (exec.chunk_len() / cols.max(1)).max(1)
}

/// Runs `f` on the pass cut into whole rows: on the calling thread, or in
/// tasks of whole rows on the current rayon pool when the executor splits
/// calls this large. Only for passes whose buffers all have `cols` per row.
pub(crate) fn for_row_chunks(
    exec: &Executor,
    pass: Pass<'_>,
    cols: usize,
    f: &(impl Fn(Token, Pass<'_>) + Sync),
) {
    let per_task = rows_per_task(exec, cols) * cols;
    fn split(token: Token, pass: Pass<'_>, per_task: usize, f: &(impl Fn(Token, Pass<'_>) + Sync)) {
        let len = pass.len();
        if len <= per_task {
            return f(token, pass);
        }
        let mid = len.div_ceil(per_task) / 2 * per_task;
        let (a, b) = pass.split_at(mid);
        crate::par::join(
            || split(token, a, per_task, f),
            || split(token, b, per_task, f),
        );
    }
    if exec.splits(pass.len()) {
        split(exec.token(), pass, per_task, f);
    } else {
        f(exec.token(), pass);
    }
}

/// Whether a call's rows are so few and long that each row's phases
/// should run in parallel over its segments.
pub(crate) fn split_within_rows(exec: &Executor, rows: usize, cols: usize) -> bool {
    exec.splits(rows * cols)
        && rows < 2 * crate::par::current_num_threads()
        && cols >= 4 * crate::reduce::SEG
}

/// Runs `op` for each segment of a row of `n` elements, in parallel, and
/// returns the results in segment order.
pub(crate) fn par_segments<R: Send>(
    token: Token,
    n: usize,
    op: &(impl Fn(Token, core::ops::Range<usize>) -> R + Sync),
) -> Vec<R> {
    use crate::par::prelude::*;
    let ranges: Vec<_> = crate::reduce::segments(n).collect();
    ranges
        .into_par_iter()
        .with_min_len(4)
        .map(|r| op(token, r))
        .collect()
}

/// Defines a [`LaneOp`] struct whose `run` evaluates `$body` with its
/// fields bound and the lane token as `$l`.
macro_rules! lane_op {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? } -> $out:ty, |$l:ident| $body:expr) => {
        struct $name<'a> {
            $($field: $ty,)*
            _life: core::marker::PhantomData<&'a ()>,
        }
        impl LaneOp for $name<'_> {
            type Output = $out;
            #[inline(always)]
            #[allow(unused_variables)]
            fn run<L: Lanes>(self, $l: L) -> $out {
                let $name { $($field,)* .. } = self;
                $body
            }
        }
    };
}

/// Builds a [`lane_op!`] value.
macro_rules! op {
    ($name:ident { $($field:ident $(: $value:expr)?),* $(,)? }) => {
        $name { $($field $(: $value)?,)* _life: core::marker::PhantomData }
    };
}

mod softmax_ops {
    use super::*;
    use crate::kernels::softmax as sm;

    lane_op!(MaxOp { x: &'a [f32] } -> f32, |l| sm::seg_max(l, x));
    lane_op!(ExpSumsOp { x: &'a [f32], m: f32 } -> (f64, f64), |l| sm::seg_exp_sums(l, x, m));
    lane_op!(ExpStoreOp { io: Io<'a>, m: f32 } -> (f64, f64), |l| sm::seg_exp_store(l, io, m));
    lane_op!(ForwardOp { log: bool, io: Io<'a>, k: sm::Forward } -> (), |l| sm::seg_forward(l, log, io, &k));
    lane_op!(OutSumOp { log: bool, y: &'a [f32], dy: &'a [f32] } -> (f64, f64), |l| {
        if log { sm::seg_sum(l, dy) } else { sm::seg_dot(l, y, dy) }
    });
    lane_op!(FromOutputOp { log: bool, y: &'a [f32], dy: &'a [f32], dx: &'a mut [f32], s: (f64, f64) } -> (),
        |l| sm::seg_backward_from_output(l, log, y, dy, dx, s));
    lane_op!(BackwardSumsOp { log: bool, x: &'a [f32], dy: &'a [f32], m: f32, c: f32 } -> (f64, (f64, f64)),
        |l| sm::seg_backward_sums(l, log, x, dy, m, c));
    lane_op!(BackwardOp { log: bool, x: &'a [f32], dy: &'a [f32], dx: &'a mut [f32], k: sm::Backward } -> (),
        |l| sm::seg_backward(l, log, x, dy, dx, &k));
    lane_op!(RowsOp { log: bool, pass: Pass<'a>, cols: usize } -> (), |l| rows(l, log, pass, cols));

    /// Every row of `pass` on the calling thread.
    #[inline(always)]
    fn rows<L: Lanes>(l: L, log: bool, pass: Pass<'_>, cols: usize) {
        match pass {
            Pass::BackwardInPlace { .. } | Pass::BackwardFromOutputInPlace { .. } => {
                unreachable!("converted to out-of-place passes in run")
            }
            Pass::Forward { x, y } => {
                for (x, y) in x.chunks_exact(cols).zip(y.chunks_exact_mut(cols)) {
                    forward_row(l, log, Io::Out { x, y });
                }
            }
            Pass::ForwardInPlace { xy } => {
                for row in xy.chunks_exact_mut(cols) {
                    forward_row(l, log, Io::InPlace(row));
                }
            }
            Pass::BackwardFromOutput { y, dy, dx } => {
                for ((y, dy), dx) in y
                    .chunks_exact(cols)
                    .zip(dy.chunks_exact(cols))
                    .zip(dx.chunks_exact_mut(cols))
                {
                    let mut s = (0.0, 0.0);
                    for r in segments(cols) {
                        let part = if log {
                            sm::seg_sum(l, &dy[r])
                        } else {
                            sm::seg_dot(l, &y[r.clone()], &dy[r])
                        };
                        s = dd_add(s, part);
                    }
                    sm::seg_backward_from_output(l, log, y, dy, dx, s);
                }
            }
            Pass::Backward { x, dy, dx } => {
                for ((x, dy), dx) in x
                    .chunks_exact(cols)
                    .zip(dy.chunks_exact(cols))
                    .zip(dx.chunks_exact_mut(cols))
                {
                    let m = row_max(l, x);
                    let c = sm::Backward::centre(x, dy, m);
                    let (mut total, mut other) = (0.0, (0.0, 0.0));
                    for r in segments(cols) {
                        let (a, b) = sm::seg_backward_sums(l, log, &x[r.clone()], &dy[r], m, c);
                        total += a;
                        other = dd_add(other, b);
                    }
                    let k = sm::Backward::new(log, m, c, total, other);
                    sm::seg_backward(l, log, x, dy, dx, &k);
                }
            }
        }
    }

    /// The maximum of a row, segment by segment (a loop, not a closure, so
    /// the lane code inlines).
    #[inline(always)]
    fn row_max<L: Lanes>(l: L, x: &[f32]) -> f32 {
        let mut m = f32::NEG_INFINITY;
        for r in segments(x.len()) {
            m = sm::fold_max([m, sm::seg_max(l, &x[r])]);
        }
        m
    }

    #[inline(always)]
    fn forward_row<L: Lanes>(l: L, log: bool, io: Io<'_>) {
        let m = row_max(l, io.input());
        let n = io.input().len();
        let (mut rest, mut count) = (0.0, 0.0);
        if log {
            let x = io.input();
            for r in segments(n) {
                let (a, b) = sm::seg_exp_sums(l, &x[r], m);
                rest += a;
                count += b;
            }
            sm::seg_forward(l, log, io, &sm::Forward::new(m, rest, count));
        } else {
            // The exponentials go to the output, which the last phase scales.
            let mut io = io;
            for r in segments(n) {
                let (a, b) = sm::seg_exp_store(l, io.sub(r), m);
                rest += a;
                count += b;
            }
            let k = sm::Forward::new(m, rest, count);
            sm::seg_forward(l, log, Io::InPlace(io.output()), &k);
        }
    }

    /// Elements per parallel task of the elementwise phases of a long row.
    const APPLY: usize = 4 * SEG;

    /// One long row, its phases split over segments in parallel. The
    /// results are those of [`rows`]: the same segment sums, combined in
    /// the same order.
    pub(super) fn long_row(token: Token, log: bool, pass: Pass<'_>) {
        use crate::par::prelude::*;
        let n = pass.len();
        let maximum = |x: &[f32]| {
            sm::fold_max(par_segments(token, n, &|t, r| {
                t.vectorize(op!(MaxOp { x: &x[r] }))
            }))
        };
        match pass {
            Pass::BackwardInPlace { .. } | Pass::BackwardFromOutputInPlace { .. } => {
                unreachable!("converted to out-of-place passes in run")
            }
            Pass::Forward { x, y } => long_forward(token, log, Io::Out { x, y }, maximum(x)),
            Pass::ForwardInPlace { xy } => {
                let m = maximum(xy);
                long_forward(token, log, Io::InPlace(xy), m)
            }
            Pass::BackwardFromOutput { y, dy, dx } => {
                let s = par_segments(token, n, &|t, r| {
                    t.vectorize(op!(OutSumOp {
                        log,
                        y: &y[r.clone()],
                        dy: &dy[r]
                    }))
                })
                .into_iter()
                .fold((0.0, 0.0), dd_add);
                dx.par_chunks_mut(APPLY)
                    .zip(y.par_chunks(APPLY).zip(dy.par_chunks(APPLY)))
                    .for_each(|(dx, (y, dy))| {
                        token.vectorize(op!(FromOutputOp { log, y, dy, dx, s }))
                    });
            }
            Pass::Backward { x, dy, dx } => {
                let m = maximum(x);
                let c = sm::Backward::centre(x, dy, m);
                let parts = par_segments(token, n, &|t, r| {
                    t.vectorize(op!(BackwardSumsOp {
                        log,
                        x: &x[r.clone()],
                        dy: &dy[r],
                        m,
                        c
                    }))
                });
                let (mut total, mut other) = (0.0, (0.0, 0.0));
                for (a, b) in parts {
                    total += a;
                    other = dd_add(other, b);
                }
                let k = sm::Backward::new(log, m, c, total, other);
                dx.par_chunks_mut(APPLY)
                    .zip(x.par_chunks(APPLY).zip(dy.par_chunks(APPLY)))
                    .for_each(|(dx, (x, dy))| {
                        token.vectorize(op!(BackwardOp { log, x, dy, dx, k }))
                    });
            }
        }
    }

    fn long_forward(token: Token, log: bool, io: Io<'_>, m: f32) {
        use crate::par::prelude::*;
        let n = io.input().len();
        let (mut rest, mut count) = (0.0, 0.0);
        let io = if log {
            let x = io.input();
            for (a, b) in par_segments(token, n, &|t, r| {
                t.vectorize(op!(ExpSumsOp { x: &x[r], m }))
            }) {
                rest += a;
                count += b;
            }
            io
        } else {
            // Each segment stores its exponentials in the output.
            let (sums, y): (Vec<(f64, f64)>, &mut [f32]) = match io {
                Io::Out { x, y } => (
                    x.par_chunks(SEG)
                        .zip(y.par_chunks_mut(SEG))
                        .with_min_len(4)
                        .map(|(x, y)| {
                            token.vectorize(op!(ExpStoreOp {
                                io: Io::Out { x, y },
                                m
                            }))
                        })
                        .collect(),
                    y,
                ),
                Io::InPlace(xy) => (
                    xy.par_chunks_mut(SEG)
                        .with_min_len(4)
                        .map(|xy| {
                            token.vectorize(op!(ExpStoreOp {
                                io: Io::InPlace(xy),
                                m
                            }))
                        })
                        .collect(),
                    xy,
                ),
            };
            for (a, b) in sums {
                rest += a;
                count += b;
            }
            Io::InPlace(y)
        };
        let k = sm::Forward::new(m, rest, count);
        fn apply(token: Token, log: bool, io: Io<'_>, k: sm::Forward) {
            let n = io.input().len();
            if n <= APPLY {
                return token.vectorize(op!(ForwardOp { log, io, k }));
            }
            let (a, b) = io.split_at(n.div_ceil(APPLY) / 2 * APPLY);
            crate::par::join(|| apply(token, log, a, k), || apply(token, log, b, k));
        }
        apply(token, log, io, k);
    }

    pub(super) fn run(call: RowCall<'_>, log: bool) {
        let RowCall {
            exec,
            pass,
            rows,
            cols,
            ..
        } = call;
        if split_within_rows(&exec, rows, cols) {
            let mut pass = pass;
            for _ in 0..rows {
                let (row, rest) = pass.split_at(cols);
                long_row(exec.token(), log, row);
                pass = rest;
            }
        } else {
            for_row_chunks(&exec, pass, cols, &|token, pass| {
                token.vectorize(op!(RowsOp { log, pass, cols }))
            });
        }
    }
}

/// softmax (`log = false`) and log_softmax (`log = true`): see
/// `kernels/softmax.rs` for the math.
pub(crate) fn softmax_family(call: RowCall<'_>, log: bool) {
    softmax_ops::run(call, log);
}

mod maxout_ops {
    use super::*;
    use crate::kernels::maxout as mo;

    lane_op!(ForwardOp { x: &'a [f32], y: &'a mut [f32], k: usize } -> (), |l| mo::forward(l, x, y, k));
    lane_op!(BackwardOp { x: &'a [f32], dy: &'a [f32], dx: &'a mut [f32], k: usize } -> (),
        |l| mo::backward(l, x, dy, dx, k));

    /// Groups per parallel task.
    fn groups_per_task(exec: &Executor, k: usize) -> usize {
        (exec.chunk_len() / k).max(16)
    }

    pub(super) fn run(call: RowCall<'_>, k: usize) {
        use crate::par::prelude::*;
        let RowCall { exec, pass, .. } = call;
        let token = exec.token();
        let g = groups_per_task(&exec, k);
        match pass {
            Pass::BackwardInPlace { .. } | Pass::BackwardFromOutputInPlace { .. } => {
                unreachable!("converted to out-of-place passes in run")
            }
            Pass::Forward { x, y } => {
                if exec.splits(x.len()) {
                    y.par_chunks_mut(g)
                        .zip(x.par_chunks(g * k))
                        .for_each(|(y, x)| token.vectorize(op!(ForwardOp { x, y, k })));
                } else {
                    token.vectorize(op!(ForwardOp { x, y, k }));
                }
            }
            // k = 1: the identity.
            Pass::ForwardInPlace { .. } => {}
            Pass::Backward { x, dy, dx } => {
                if exec.splits(x.len()) {
                    dx.par_chunks_mut(g * k)
                        .zip(x.par_chunks(g * k).zip(dy.par_chunks(g)))
                        .for_each(|(dx, (x, dy))| {
                            token.vectorize(op!(BackwardOp { x, dy, dx, k }))
                        });
                } else {
                    token.vectorize(op!(BackwardOp { x, dy, dx, k }));
                }
            }
            Pass::BackwardFromOutput { .. } => unreachable!("refused by the checks"),
        }
    }
}

/// maxout with groups of `k`: see `kernels/maxout.rs`. Groups never
/// straddle rows (rows are whole groups), so the rows need no care.
pub(crate) fn maxout(call: RowCall<'_>, k: usize) {
    maxout_ops::run(call, k);
}
