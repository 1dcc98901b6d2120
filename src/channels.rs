//! Per-channel functions with learnable parameters: the [`Layout`] of a
//! buffer's channels, the typed APIs ([`PreluChannels`], [`Srelu`],
//! [`Apl`]) and their driver, whose parameter-gradient reductions are
//! deterministic.
//!
//! Two ways through a buffer, chosen by its shape alone:
//! * **runs**: channels-first `[N, C, inner]` with `inner >= 64`: each
//!   `inner` elements share one channel, so the parameters are splatted
//!   and a gradient sum is a contiguous reduction (`src/reduce.rs`: 16
//!   partials per 4096-element segment, segments in order, runs of a
//!   channel in batch order);
//! * **positions**: channels-last `[N, *, C]` (and channels-first with a
//!   small `inner`, seen as rows of `C·inner` positions): lanes hold
//!   neighbouring positions, each with its own parameters, and each
//!   position's gradient sum runs down the rows in order, in fixed blocks
//!   of rows combined in order; positions of a channel are then added in
//!   order.
//!
//! Gradient terms are computed and summed in f64 (products of two f32 are
//! exact there). Work is split across threads only at boundaries fixed by
//! the shape, so the gradients have the same bits for any thread count and
//! on every backend.

use crate::lanes::{LaneOp, Lanes};
use crate::reduce::{for_blocks, for_vectors, load_n, segments, store_n, Sum16, SEG};
use crate::rows::{map_io, Io};
use crate::stores::store_vectors;
use crate::{Error, Executor};
use alloc::{format, string::ToString, vec, vec::Vec};

/// Where the channel dimension of a buffer is.
///
/// ```
/// use simd_activations::Layout;
/// // PyTorch's NCHW: channel of element i = (i / (H·W)) % C.
/// assert_eq!(
///     Layout::channels_first(&[8, 3, 32, 32])?,
///     Layout::ChannelsFirst { channels: 3, inner: 1024 }
/// );
/// // NHWC: channel of element i = i % C.
/// assert_eq!(Layout::channels_last(&[8, 32, 32, 3])?, Layout::ChannelsLast { channels: 3 });
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `[N, C, *]` (PyTorch's layout): `inner` is the product of the
    /// dimensions after `C` (1 for `[N, C]`); element `i` belongs to
    /// channel `(i / inner) % channels`.
    ChannelsFirst {
        /// `C`.
        channels: usize,
        /// Elements per channel per sample.
        inner: usize,
    },
    /// `[N, *, C]`: element `i` belongs to channel `i % channels`.
    ChannelsLast {
        /// `C`.
        channels: usize,
    },
}

impl Layout {
    /// The layout of a channels-first tensor of shape `[N, C, d2, ...]`.
    /// As in PyTorch, a shape with fewer than two dimensions has one
    /// channel.
    ///
    /// # Errors
    /// If the shape has a zero-sized channel dimension.
    pub fn channels_first(shape: &[usize]) -> Result<Layout, Error> {
        let layout = match shape {
            [] => Layout::ChannelsFirst {
                channels: 1,
                inner: 1,
            },
            [n] => Layout::ChannelsFirst {
                channels: 1,
                inner: *n,
            },
            [_, c, rest @ ..] => Layout::ChannelsFirst {
                channels: *c,
                inner: rest.iter().product(),
            },
        };
        layout.checked()
    }

    /// The layout of a channels-last tensor of shape `[N, ..., C]`; fewer
    /// than two dimensions: one channel.
    ///
    /// # Errors
    /// If the shape has a zero-sized channel dimension.
    pub fn channels_last(shape: &[usize]) -> Result<Layout, Error> {
        let channels = if shape.len() < 2 {
            1
        } else {
            shape[shape.len() - 1]
        };
        Layout::ChannelsLast { channels }.checked()
    }

    /// The number of channels.
    pub fn channels(&self) -> usize {
        match *self {
            Layout::ChannelsFirst { channels, .. } | Layout::ChannelsLast { channels } => channels,
        }
    }

    fn checked(self) -> Result<Layout, Error> {
        if self.channels() == 0 {
            return Err(Error::InvalidShape {
                reason: "a layout needs at least one channel".to_string(),
            });
        }
        Ok(self)
    }

    /// Checks that `len` elements are whole samples of this layout.
    fn check_len(&self, len: usize) -> Result<(), Error> {
        let (per, what) = match *self {
            Layout::ChannelsFirst { channels, inner } => (
                channels * inner,
                format!("samples of {channels} channels × {inner}"),
            ),
            Layout::ChannelsLast { channels } => {
                (channels, format!("groups of {channels} channels"))
            }
        };
        if self.channels() == 0 || (per == 0 && len != 0) || (per != 0 && !len.is_multiple_of(per))
        {
            return Err(Error::InvalidShape {
                reason: format!("a buffer of {len} elements is not a whole number of {what}"),
            });
        }
        Ok(())
    }
}

/// A vector of f64 terms: the two halves of a widened f32 vector.
pub(crate) type Wide<L> = (<L as Lanes>::D, <L as Lanes>::D);

/// The lane math of a per-channel function with `P` parameters per channel
/// and `M` parameter-gradient sums.
pub(crate) trait ChannelMath<const P: usize, const M: usize>: Copy + Send + Sync {
    /// `y` for lanes whose parameters are `p`.
    fn forward<L: Lanes>(&self, l: L, x: L::F, p: &[L::F; P]) -> L::F;
    /// `dx`, and the `M` gradient terms as f64 halves.
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, p: &[L::F; P]) -> (L::F, [Wide<L>; M]);
    /// The parameter gradients of a channel from its parameters and sums.
    fn finish(&self, p: &[f32; P], sums: &[f64; M]) -> [f32; M];
}

/// Rows of positions: below this `inner`, channels-first buffers go the
/// positions way.
const MIN_RUN: usize = 64;
/// Elements per task of the gradient reductions (fixed: the grouping of
/// partial sums must not depend on the executor).
const TASK: usize = 1 << 16;

/// How a call walks the buffer.
#[derive(Clone, Copy, Debug)]
enum Walk {
    /// Runs of `inner` elements of one channel, channels cycling.
    Runs { channels: usize, inner: usize },
    /// Rows of `width` positions, position `j` in channel `j / inner`.
    Positions {
        channels: usize,
        inner: usize,
        width: usize,
    },
}

impl Walk {
    /// The walk for `layout` with `nparams` values per parameter (1: one
    /// set shared by every channel).
    fn new(layout: Layout, shared: bool, len: usize) -> Walk {
        if shared {
            // One channel: the whole buffer is one run.
            return Walk::Runs {
                channels: 1,
                inner: len.max(1),
            };
        }
        match layout {
            Layout::ChannelsFirst { channels, inner } if inner >= MIN_RUN => {
                Walk::Runs { channels, inner }
            }
            Layout::ChannelsFirst { channels, inner } => Walk::Positions {
                channels,
                inner,
                width: channels * inner,
            },
            Layout::ChannelsLast { channels } => Walk::Positions {
                channels,
                inner: 1,
                width: channels,
            },
        }
    }
}

/// Per-position parameter arrays for the positions walk (each channel's
/// values repeated `inner` times), or the channel arrays themselves.
fn expand<const P: usize>(params: &[&[f32]; P], inner: usize) -> Vec<Vec<f32>> {
    params
        .iter()
        .map(|p| {
            p.iter()
                .flat_map(|&v| core::iter::repeat_n(v, inner))
                .collect()
        })
        .collect()
}

/// The parameter vectors of channel `c`, splatted. (Loops, not
/// `array::from_fn`: its closure would not inline into the backend's
/// target-feature context.)
#[inline(always)]
fn splat_params<L: Lanes, const P: usize>(l: L, params: &[&[f32]; P], c: usize) -> [L::F; P] {
    let mut out = [l.splat(0.0); P];
    for (o, p) in out.iter_mut().zip(params) {
        *o = l.splat(p[c]);
    }
    out
}

/// The parameter vectors of positions `at..at + count`.
#[inline(always)]
fn load_params<L: Lanes, const P: usize>(
    l: L,
    params: &[Vec<f32>],
    at: usize,
    count: usize,
) -> [L::F; P] {
    let mut out = [l.splat(0.0); P];
    for (o, p) in out.iter_mut().zip(params) {
        *o = load_n(l, p, at, count);
    }
    out
}

/// Forward over (a piece of) the buffer starting at element `first`.
struct ForwardOp<'a, T, const P: usize, const M: usize> {
    math: T,
    walk: Walk,
    params: &'a [&'a [f32]; P],
    expanded: &'a [Vec<f32>],
    io: Io<'a>,
    first: usize,
    /// Stream an out-of-place output (see [`crate::Stores`]).
    stream: bool,
}

impl<T: ChannelMath<P, M>, const P: usize, const M: usize> LaneOp for ForwardOp<'_, T, P, M> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        let ForwardOp {
            math,
            walk,
            params,
            expanded,
            io,
            first,
            stream,
        } = self;
        let n = io.input().len();
        let w = L::WIDTH;
        let (mut at, mut io) = (0, io);
        // The runs walk's place: channel and offset in its run, divided out
        // once and then advanced (with runs of a few vectors, a division
        // per run cost as much as the run's kernel).
        let (mut channel, mut offset) = match walk {
            Walk::Runs { channels, inner } => ((first / inner) % channels, first % inner),
            Walk::Positions { .. } => (0, 0),
        };
        while at < n {
            let g = first + at;
            match walk {
                Walk::Runs { channels, inner } => {
                    // The rest of the current run: one channel.
                    let len = (inner - offset).min(n - at);
                    let (piece, rest) = io.split_at(len);
                    io = rest;
                    let p = splat_params(l, params, channel);
                    map_io!(l, piece, stream, |x| math.forward(l, x, &p));
                    at += len;
                    offset += len;
                    if offset == inner {
                        offset = 0;
                        channel = if channel + 1 == channels {
                            0
                        } else {
                            channel + 1
                        };
                    }
                }
                Walk::Positions { width, .. } => {
                    // The rest of the current row: parameters per lane.
                    let len = (width - g % width).min(n - at);
                    let (piece, rest) = io.split_at(len);
                    io = rest;
                    let p_at = g % width;
                    match piece {
                        Io::Out { x, y } => {
                            store_vectors!(l, stream, y, |i, c| {
                                let p = load_params::<L, P>(l, expanded, p_at + i, c);
                                math.forward(l, load_n(l, x, i, c), &p)
                            });
                        }
                        Io::InPlace(xy) => {
                            for_vectors!(w, len, |i, c| {
                                let p = load_params::<L, P>(l, expanded, p_at + i, c);
                                let v = math.forward(l, load_n(l, xy, i, c), &p);
                                store_n(l, v, xy, i, c);
                            });
                        }
                    }
                    at += len;
                }
            }
        }
        if stream {
            l.stream_fence();
        }
    }
}

/// The backward of the runs walk over whole segments, starting at element
/// `first`: `dx`, and each segment's `M` sums, in order.
struct RunsOp<'a, T, const P: usize, const M: usize> {
    math: T,
    channels: usize,
    inner: usize,
    params: &'a [&'a [f32]; P],
    x: &'a [f32],
    dy: &'a [f32],
    dx: &'a mut [f32],
    first: usize,
}

impl<T: ChannelMath<P, M>, const P: usize, const M: usize> LaneOp for RunsOp<'_, T, P, M> {
    type Output = Vec<[f64; M]>;

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) -> Vec<[f64; M]> {
        let RunsOp {
            math,
            channels,
            inner,
            params,
            x,
            dy,
            dx,
            first,
        } = self;
        // At most one segment per SEG elements plus one per run touched,
        // written by index into a buffer sized up front: the loop makes no
        // call (with `push`, a possible reallocation inside it made LLVM
        // keep an avx512 accumulator in an unaligned stack slot, a store and
        // reload per vector: twice avx2's time when the slot straddled a
        // cache line, which stack randomization decides per run).
        let mut out = vec![[0.0f64; M]; x.len() / SEG + x.len().div_ceil(inner) + 2];
        let mut segment = 0;
        let mut at = 0;
        while at < x.len() {
            let g = first + at;
            let (run, offset) = (g / inner, g % inner);
            // The segment: up to the next multiple of SEG within the run.
            let len = (SEG - offset % SEG).min(inner - offset).min(x.len() - at);
            let p = splat_params(l, params, run % channels);
            let (xs, gs) = (&x[at..at + len], &dy[at..at + len]);
            let ds = &mut dx[at..at + len];
            let mut sums: [Sum16<L>; M] = [Sum16::new(l); M];
            // Padded lanes have x = dy = 0: every term is a product with dy
            // (or dy itself) and finite parameters, so they add zeros.
            for_blocks!(L::WIDTH, len, |j, i, c| {
                let (d, terms) = math.backward(l, load_n(l, xs, i, c), load_n(l, gs, i, c), &p);
                store_n(l, d, ds, i, c);
                for (sum, (a, b)) in sums.iter_mut().zip(terms) {
                    sum.add_wide(l, j, a, b);
                }
            });
            let mut total = [0.0f64; M];
            for (t, sum) in total.iter_mut().zip(&sums) {
                *t = sum.total(l);
            }
            out[segment] = total;
            segment += 1;
            at += len;
        }
        out.truncate(segment);
        out
    }
}

/// The backward of the positions walk over whole rows (one task): `dx`,
/// and each position's `M` sums down the rows, `m`-major.
struct PositionsOp<'a, T, const P: usize, const M: usize> {
    math: T,
    width: usize,
    expanded: &'a [Vec<f32>],
    x: &'a [f32],
    dy: &'a [f32],
    dx: &'a mut [f32],
}

impl<T: ChannelMath<P, M>, const P: usize, const M: usize> LaneOp for PositionsOp<'_, T, P, M> {
    type Output = Vec<f64>;

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) -> Vec<f64> {
        let PositionsOp {
            math,
            width,
            expanded,
            x,
            dy,
            dx,
        } = self;
        let w = L::WIDTH;
        let rows = x.len() / width;
        // Row by row through contiguous memory; each position's sums live
        // in `acc[m·padded + position]` (L1-resident), added in row order.
        let padded = width.div_ceil(16) * 16;
        let mut acc = vec![0.0f64; M * padded];
        let half = L::D_LANES;
        for r in 0..rows {
            let (xr, gr) = (
                &x[r * width..(r + 1) * width],
                &dy[r * width..(r + 1) * width],
            );
            let dr = &mut dx[r * width..(r + 1) * width];
            for_vectors!(w, width, |at, c| {
                let p = load_params::<L, P>(l, expanded, at, c);
                let (d, terms) = math.backward(l, load_n(l, xr, at, c), load_n(l, gr, at, c), &p);
                store_n(l, d, dr, at, c);
                for (m, t) in terms.into_iter().enumerate() {
                    let a = &mut acc[m * padded + at..];
                    let lo = l.add_d(l.load_d(a), t.0);
                    l.store_d(lo, a);
                    if w > 1 {
                        let hi = l.add_d(l.load_d(&a[half..]), t.1);
                        l.store_d(hi, &mut a[half..]);
                    }
                }
            });
        }
        let mut out = vec![0.0f64; M * width];
        for m in 0..M {
            out[m * width..(m + 1) * width].copy_from_slice(&acc[m * padded..m * padded + width]);
        }
        out
    }
}

/// The parameters of a call: per-channel slices (length `channels`, or 1
/// for one set shared by all channels).
struct Call<'a, const P: usize> {
    params: [&'a [f32]; P],
    layout: Layout,
    exec: Executor,
}

impl<const P: usize> Call<'_, P> {
    fn shared(&self) -> bool {
        self.params[0].len() == 1 && self.layout.channels() != 1
    }

    fn walk(&self, len: usize) -> Walk {
        Walk::new(self.layout, self.shared(), len)
    }

    fn expanded(&self, walk: Walk) -> Vec<Vec<f32>> {
        match walk {
            Walk::Positions { inner, .. } => expand(&self.params, inner),
            Walk::Runs { .. } => Vec::new(),
        }
    }

    fn forward<T: ChannelMath<P, M>, const M: usize>(
        &self,
        math: T,
        io: Io<'_>,
    ) -> Result<(), Error> {
        let n = io.input().len();
        self.layout.check_len(n)?;
        let walk = self.walk(n);
        let expanded = self.expanded(walk);
        // The whole call's length decides, so every piece stores alike.
        let stream = self.exec.streams(n) && matches!(io, Io::Out { .. });
        let token = self.exec.token();
        let op = |io: Io<'_>, first: usize| {
            token.vectorize(ForwardOp::<T, P, M> {
                math,
                walk,
                params: &self.params,
                expanded: &expanded,
                io,
                first,
                stream,
            })
        };
        if self.exec.splits(n) {
            let chunk = self.exec.chunk_len();
            fn split(io: Io<'_>, first: usize, chunk: usize, op: &(impl Fn(Io<'_>, usize) + Sync)) {
                let n = io.input().len();
                if n <= chunk {
                    return op(io, first);
                }
                let mid = n.div_ceil(chunk) / 2 * chunk;
                let (a, b) = io.split_at(mid);
                crate::par::join(
                    || split(a, first, chunk, op),
                    || split(b, first + mid, chunk, op),
                );
            }
            split(io, 0, chunk, &op);
        } else {
            op(io, 0);
        }
        Ok(())
    }

    /// `dx`, and the per-channel gradient sums (one entry if shared).
    fn backward<T: ChannelMath<P, M>, const M: usize>(
        &self,
        math: T,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
    ) -> Result<Vec<[f64; M]>, Error> {
        same(("x", x.len()), ("dy", dy.len()))?;
        same(("x", x.len()), ("dx", dx.len()))?;
        let n = x.len();
        self.layout.check_len(n)?;
        let walk = self.walk(n);
        let token = self.exec.token();
        let parallel = self.exec.splits(n);
        match walk {
            Walk::Runs { channels, inner } => {
                let op = |x: &[f32], dy: &[f32], dx: &mut [f32], first: usize| {
                    token.vectorize(RunsOp::<T, P, M> {
                        math,
                        channels,
                        inner,
                        params: &self.params,
                        x,
                        dy,
                        dx,
                        first,
                    })
                };
                let segs = if parallel {
                    split_at_segments(x, dy, dx, 0, inner, &op)
                } else {
                    op(x, dy, dx, 0)
                };
                // Segments of a run in order, runs of a channel in order.
                let mut out = vec![[0.0f64; M]; channels];
                let mut segs = segs.into_iter();
                for run in 0..n.div_ceil(inner) {
                    let len = inner.min(n - run * inner);
                    let mut total = [0.0f64; M];
                    for _ in segments(len) {
                        let s = segs.next().expect("one result per segment");
                        for m in 0..M {
                            total[m] += s[m];
                        }
                    }
                    let c = run % channels;
                    for m in 0..M {
                        out[c][m] += total[m];
                    }
                }
                Ok(out)
            }
            Walk::Positions {
                channels,
                inner,
                width,
            } => {
                let expanded = self.expanded(walk);
                let task = (TASK / width).max(1) * width;
                let op = |x: &[f32], dy: &[f32], dx: &mut [f32]| {
                    token.vectorize(PositionsOp::<T, P, M> {
                        math,
                        width,
                        expanded: &expanded,
                        x,
                        dy,
                        dx,
                    })
                };
                let parts: Vec<Vec<f64>> = if parallel {
                    use crate::par::prelude::*;
                    dx.par_chunks_mut(task)
                        .zip(x.par_chunks(task).zip(dy.par_chunks(task)))
                        .map(|(dx, (x, dy))| op(x, dy, dx))
                        .collect()
                } else {
                    dx.chunks_mut(task)
                        .zip(x.chunks(task).zip(dy.chunks(task)))
                        .map(|(dx, (x, dy))| op(x, dy, dx))
                        .collect()
                };
                // Tasks in order, then the positions of each channel in order.
                let mut total = vec![0.0f64; M * width];
                for part in &parts {
                    for (t, v) in total.iter_mut().zip(part) {
                        *t += v;
                    }
                }
                let mut out = vec![[0.0f64; M]; channels];
                for (c, sums) in out.iter_mut().enumerate() {
                    for (m, sum) in sums.iter_mut().enumerate() {
                        for j in 0..inner {
                            *sum += total[m * width + c * inner + j];
                        }
                    }
                }
                Ok(out)
            }
        }
    }
}

/// Splits the runs walk's backward across the pool at segment boundaries
/// (the per-segment sums do not depend on where tasks start) and returns
/// the segments' sums in order.
fn split_at_segments<const M: usize>(
    x: &[f32],
    dy: &[f32],
    dx: &mut [f32],
    first: usize,
    inner: usize,
    op: &(impl Fn(&[f32], &[f32], &mut [f32], usize) -> Vec<[f64; M]> + Sync),
) -> Vec<[f64; M]> {
    let n = x.len();
    if n <= TASK {
        return op(x, dy, dx, first);
    }
    // The segment boundary at or below the middle (global index g); the
    // piece spans many segments, so it lies past `first`.
    let g = first + n / 2;
    let mid = g - (g % inner) % SEG - first;
    if mid == 0 {
        return op(x, dy, dx, first);
    }
    let (x0, x1) = x.split_at(mid);
    let (g0, g1) = dy.split_at(mid);
    let (d0, d1) = dx.split_at_mut(mid);
    let (mut a, b) = crate::par::join(
        || split_at_segments(x0, g0, d0, first, inner, op),
        || split_at_segments(x1, g1, d1, first + mid, inner, op),
    );
    a.extend(b);
    a
}

fn same(a: (&'static str, usize), b: (&'static str, usize)) -> Result<(), Error> {
    if a.1 == b.1 {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            expected_name: a.0,
            expected: a.1,
            found_name: b.0,
            found: b.1,
        })
    }
}

/// The executor a typed API runs on.
fn executor(exec: &Option<Executor>) -> Result<Executor, Error> {
    match exec {
        Some(e) => Ok(*e),
        None => Executor::global().copied(),
    }
}

/// Checks per-channel parameter slices: each `channels` long (or all 1
/// long: one set shared by every channel), finite.
fn check_params(
    what: &'static str,
    names: &[&'static str],
    params: &[&[f32]],
    layout: Layout,
    per_channel: usize,
) -> Result<(), Error> {
    let channels = layout.channels();
    let len = params[0].len();
    for (name, p) in names.iter().zip(params) {
        if p.len() != len || (len != channels * per_channel && len != per_channel) {
            let want = if per_channel == 1 {
                format!("{channels} (one per channel) or 1 (shared)")
            } else {
                format!(
                    "{} ({channels} channels × {per_channel}) or {per_channel} (shared)",
                    channels * per_channel
                )
            };
            return Err(Error::InvalidShape {
                reason: format!("{what}: {name} has {} values, expected {want}", p.len()),
            });
        }
        if let Some(v) = p.iter().find(|v| !v.is_finite()) {
            return Err(Error::InvalidParameter {
                activation: what,
                parameter: name,
                value: *v,
                rule: "must be finite".to_string(),
            });
        }
    }
    Ok(())
}

/// Checks that a gradient buffer has the parameters' length.
fn check_grad(name: &'static str, grad: &[f32], want: usize) -> Result<(), Error> {
    if grad.len() == want {
        Ok(())
    } else {
        Err(Error::InvalidShape {
            reason: format!(
                "{name} has {} elements, expected {want} (one per parameter)",
                grad.len()
            ),
        })
    }
}

#[derive(Clone, Copy, Debug)]
struct PreluMath;

impl ChannelMath<1, 1> for PreluMath {
    #[inline(always)]
    fn forward<L: Lanes>(&self, l: L, x: L::F, p: &[L::F; 1]) -> L::F {
        crate::kernels::prelu::forward_w(l, x, p[0])
    }

    #[inline(always)]
    fn backward<L: Lanes>(&self, l: L, x: L::F, dy: L::F, p: &[L::F; 1]) -> (L::F, [Wide<L>; 1]) {
        (
            crate::kernels::prelu::backward_w(l, x, dy, p[0]),
            [crate::kernels::prelu::weight_terms(l, x, dy)],
        )
    }

    fn finish(&self, _: &[f32; 1], sums: &[f64; 1]) -> [f32; 1] {
        [sums[0] as f32]
    }
}

/// PReLU with one weight per channel (or one shared weight):
/// `y = x > 0 ? x : w_c·x`, `dx = x > 0 ? dy : w_c·dy`, and PyTorch's
/// weight gradient `dw_c = Σ over channel c's elements with x <= 0 of
/// x·dy` (PyTorch's mask is `!(x > 0)`, so a NaN input makes its channel's
/// gradient NaN). Made by [`crate::Prelu::per_channel`].
///
/// The weight gradient is a deterministic reduction (exact products summed
/// in f64 in a fixed order, see `src/channels.rs`): the same bits for any
/// thread count, chunk length and backend.
///
/// ```
/// use simd_activations::{Layout, Prelu};
/// // [N=2, C=2, 3] channels-first.
/// let x = [-1.0f32, 2.0, -3.0, /**/ -1.0, -1.0, 5.0, /**/ 4.0, -2.0, 0.0, /**/ -6.0, 1.0, 1.0];
/// let w = [0.25f32, 0.5];
/// let prelu = Prelu::per_channel(&w, Layout::channels_first(&[2, 2, 3])?)?;
/// let mut y = [0.0f32; 12];
/// prelu.forward(&x, &mut y)?;
/// assert_eq!(y[..6], [-0.25, 2.0, -0.75, -0.5, -0.5, 5.0]);
/// let dy = [1.0f32; 12];
/// let (mut dx, mut dw) = ([0.0f32; 12], [0.0f32; 2]);
/// prelu.backward(&x, &dy, &mut dx, &mut dw)?;
/// assert_eq!(dw, [-1.0 - 3.0 - 2.0 + 0.0, -1.0 - 1.0 - 6.0]);
/// assert_eq!(dx[..3], [0.25, 1.0, 0.25]);
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PreluChannels<'w> {
    weights: &'w [f32],
    layout: Layout,
    exec: Option<Executor>,
}

impl crate::Prelu {
    /// PReLU with `weights` (one per channel of `layout`, or one shared by
    /// all channels, PyTorch's `num_parameters=1`).
    ///
    /// # Errors
    /// If `weights` has neither `layout.channels()` nor 1 elements, or
    /// holds a non-finite value.
    pub fn per_channel(weights: &[f32], layout: Layout) -> Result<PreluChannels<'_>, Error> {
        check_params("prelu", &["weights"], &[weights], layout, 1)?;
        Ok(PreluChannels {
            weights,
            layout,
            exec: None,
        })
    }
}

impl PreluChannels<'_> {
    /// The same, running on `exec` (backend, serial or parallel).
    pub fn on(mut self, exec: Executor) -> Self {
        self.exec = Some(exec);
        self
    }

    /// The executor calls run on (the global one unless [`Self::on`]).
    #[cfg(feature = "half")]
    pub(crate) fn executor(&self) -> Result<Executor, Error> {
        executor(&self.exec)
    }

    fn call(&self) -> Result<Call<'_, 1>, Error> {
        Ok(Call {
            params: [self.weights],
            layout: self.layout,
            exec: executor(&self.exec)?,
        })
    }

    /// `y = x > 0 ? x : w_c·x`.
    ///
    /// # Errors
    /// If `x` and `y` differ in length or are not whole samples of the
    /// layout.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        same(("x", x.len()), ("y", y.len()))?;
        self.call()?.forward::<_, 1>(PreluMath, Io::Out { x, y })
    }

    /// `x = x > 0 ? x : w_c·x`, in place.
    ///
    /// # Errors
    /// If `x` is not whole samples of the layout.
    pub fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        self.call()?.forward::<_, 1>(PreluMath, Io::InPlace(x))
    }

    /// `dx = x > 0 ? dy : w_c·dy` and the weight gradient `dw` (as long as
    /// the weights; overwritten).
    ///
    /// # Errors
    /// On a length or shape mismatch.
    pub fn backward(
        &self,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        dw: &mut [f32],
    ) -> Result<(), Error> {
        check_grad("dw", dw, self.weights.len())?;
        let sums = self.call()?.backward::<_, 1>(PreluMath, x, dy, dx)?;
        for (d, s) in dw.iter_mut().zip(&sums) {
            *d = PreluMath.finish(&[0.0], s)[0];
        }
        Ok(())
    }
}

/// SReLU's four per-channel parameters, or their gradients.
#[derive(Debug)]
pub struct SreluParams<T> {
    /// Left threshold `t_l`.
    pub t_left: T,
    /// Left slope `a_l`.
    pub a_left: T,
    /// Right threshold `t_r`.
    pub t_right: T,
    /// Right slope `a_r`.
    pub a_right: T,
}

/// SReLU (S-shaped ReLU) with per-channel learnable thresholds and slopes:
/// `x >= t_r ? t_r + a_r(x - t_r) : x <= t_l ? t_l + a_l(x - t_l) : x`,
/// `dx = x >= t_r ? a_r·dy : x <= t_l ? a_l·dy : dy`, and the gradients
/// `dt_r = Σ_{x>=t_r} (1 - a_r)·dy`, `da_r = Σ_{x>=t_r} (x - t_r)·dy`,
/// likewise on the left. Outer pieces are evaluated in f64 and rounded
/// once; the gradient sums are deterministic like [`PreluChannels`]'s.
///
/// ```
/// use simd_activations::{Layout, Srelu, SreluParams};
/// let layout = Layout::channels_last(&[4, 1])?;
/// let srelu = Srelu::new(
///     SreluParams { t_left: &[-1.0], a_left: &[0.1], t_right: &[1.0], a_right: &[2.0] },
///     layout,
/// )?;
/// let x = [-3.0f32, 0.5, 2.0, 1.0];
/// let mut y = [0.0f32; 4];
/// srelu.forward(&x, &mut y)?;
/// assert_eq!(y, [-1.2, 0.5, 3.0, 1.0]);
/// let (mut dx, mut g) = ([0.0f32; 4], [[0.0f32; 1]; 4]);
/// let [tl, al, tr, ar] = &mut g;
/// srelu.backward(&x, &[1.0; 4], &mut dx, SreluParams { t_left: tl, a_left: al, t_right: tr, a_right: ar })?;
/// assert_eq!(dx, [0.1, 1.0, 2.0, 2.0]);
/// assert_eq!(g, [[0.9], [-2.0], [-2.0], [1.0]]);
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Srelu<'p> {
    params: [&'p [f32]; 4],
    layout: Layout,
    exec: Option<Executor>,
}

impl<'p> Srelu<'p> {
    /// SReLU with one value of each parameter per channel of `layout` (or
    /// one shared by all channels).
    ///
    /// # Errors
    /// If the parameter slices differ in length, match neither the channel
    /// count nor 1, or hold a non-finite value.
    pub fn new(params: SreluParams<&'p [f32]>, layout: Layout) -> Result<Srelu<'p>, Error> {
        let p = [params.t_left, params.a_left, params.t_right, params.a_right];
        check_params(
            "srelu",
            &["t_left", "a_left", "t_right", "a_right"],
            &p,
            layout,
            1,
        )?;
        Ok(Srelu {
            params: p,
            layout,
            exec: None,
        })
    }

    /// The same, running on `exec`.
    pub fn on(mut self, exec: Executor) -> Self {
        self.exec = Some(exec);
        self
    }

    fn call(&self) -> Result<Call<'_, 4>, Error> {
        Ok(Call {
            params: self.params,
            layout: self.layout,
            exec: executor(&self.exec)?,
        })
    }

    /// The forward.
    ///
    /// # Errors
    /// On a length or shape mismatch.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        same(("x", x.len()), ("y", y.len()))?;
        let math = crate::kernels::channel::srelu::SreluMath;
        self.call()?.forward::<_, 4>(math, Io::Out { x, y })
    }

    /// The forward, in place.
    ///
    /// # Errors
    /// On a shape mismatch.
    pub fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        let math = crate::kernels::channel::srelu::SreluMath;
        self.call()?.forward::<_, 4>(math, Io::InPlace(x))
    }

    /// `dx` and the four parameter gradients (each as long as the
    /// parameters; overwritten).
    ///
    /// # Errors
    /// On a length or shape mismatch.
    pub fn backward(
        &self,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        grads: SreluParams<&mut [f32]>,
    ) -> Result<(), Error> {
        let n = self.params[0].len();
        let g = [grads.t_left, grads.a_left, grads.t_right, grads.a_right];
        for (name, grad) in ["t_left", "a_left", "t_right", "a_right"].iter().zip(&g) {
            check_grad(name, grad, n)?;
        }
        let math = crate::kernels::channel::srelu::SreluMath;
        let sums = self.call()?.backward::<_, 4>(math, x, dy, dx)?;
        for (c, s) in sums.iter().enumerate() {
            let p = core::array::from_fn(|k| self.params[k][c]);
            for (k, v) in math.finish(&p, s).into_iter().enumerate() {
                g[k][c] = v;
            }
        }
        Ok(())
    }
}

/// APL (adaptive piecewise linear unit) with `S` hinges per channel (1 to
/// 8): `y = max(0, x) + Σ_s a_s·max(0, b_s - x)`, `dx = (x <= 0 ? 0 : dy)
/// - Σ_{x < b_s} a_s·dy`, `da_s = Σ max(0, b_s - x)·dy`,
/// `db_s = a_s·Σ_{x < b_s} dy`. The parameters are channel-major:
/// `a[c·S + s]`. Sums in f64, rounded once; gradients deterministic like
/// [`PreluChannels`]'s.
///
/// ```
/// use simd_activations::{Apl, Layout};
/// // 2 channels, 1 hinge each: channel 0 has a = 0.5 at b = 1.
/// let apl = Apl::new(&[0.5, 0.0], &[1.0, 0.0], 1, Layout::channels_last(&[2, 2])?)?;
/// let x = [-1.0f32, 3.0, 2.0, -2.0];
/// let mut y = [0.0f32; 4];
/// apl.forward(&x, &mut y)?;
/// assert_eq!(y, [1.0, 3.0, 2.0, 0.0]);
/// let (mut dx, mut da, mut db) = ([0.0f32; 4], [0.0f32; 2], [0.0f32; 2]);
/// apl.backward(&x, &[1.0; 4], &mut dx, &mut da, &mut db)?;
/// assert_eq!(dx, [-0.5, 1.0, 1.0, 0.0]);
/// assert_eq!((da, db), ([2.0, 2.0], [0.5, 0.0]));
/// # Ok::<(), simd_activations::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Apl {
    /// `a` then `b`, each split per hinge: `params[s][c]`, `params[S+s][c]`.
    params: Vec<Vec<f32>>,
    hinges: usize,
    layout: Layout,
    exec: Option<Executor>,
}

impl Apl {
    /// APL with `hinges` hinges and their slopes `a` and positions `b`
    /// (`a[c·hinges + s]`; `channels × hinges` values each, or `hinges`
    /// shared by all channels).
    ///
    /// # Errors
    /// If `hinges` is not in 1..=8, the slices have the wrong length, or
    /// hold a non-finite value.
    pub fn new(a: &[f32], b: &[f32], hinges: usize, layout: Layout) -> Result<Apl, Error> {
        if !(1..=8).contains(&hinges) {
            return Err(Error::InvalidParameter {
                activation: "apl",
                parameter: "hinges",
                value: hinges as f32,
                rule: "must be between 1 and 8".to_string(),
            });
        }
        check_params("apl", &["a", "b"], &[a, b], layout, hinges)?;
        let channels = a.len() / hinges;
        let split = |v: &[f32], s: usize| (0..channels).map(|c| v[c * hinges + s]).collect();
        let mut params: Vec<Vec<f32>> = (0..hinges).map(|s| split(a, s)).collect();
        params.extend((0..hinges).map(|s| split(b, s)));
        Ok(Apl {
            params,
            hinges,
            layout,
            exec: None,
        })
    }

    /// The same, running on `exec`.
    pub fn on(mut self, exec: Executor) -> Self {
        self.exec = Some(exec);
        self
    }

    /// The forward.
    ///
    /// # Errors
    /// On a length or shape mismatch.
    pub fn forward(&self, x: &[f32], y: &mut [f32]) -> Result<(), Error> {
        same(("x", x.len()), ("y", y.len()))?;
        self.dispatch(Pass::Forward(Io::Out { x, y }))
    }

    /// The forward, in place.
    ///
    /// # Errors
    /// On a shape mismatch.
    pub fn forward_inplace(&self, x: &mut [f32]) -> Result<(), Error> {
        self.dispatch(Pass::Forward(Io::InPlace(x)))
    }

    /// `dx` and the gradients `da`, `db` (laid out like `a` and `b`;
    /// overwritten).
    ///
    /// # Errors
    /// On a length or shape mismatch.
    pub fn backward(
        &self,
        x: &[f32],
        dy: &[f32],
        dx: &mut [f32],
        da: &mut [f32],
        db: &mut [f32],
    ) -> Result<(), Error> {
        let n = self.params[0].len() * self.hinges;
        check_grad("da", da, n)?;
        check_grad("db", db, n)?;
        self.dispatch(Pass::Backward { x, dy, dx, da, db })
    }

    fn dispatch(&self, pass: Pass<'_>) -> Result<(), Error> {
        use crate::kernels::channel::apl::AplMath;
        macro_rules! go {
            ($($s:literal => $p:literal),*) => {
                match self.hinges {
                    $($s => self.go::<_, $s, $p>(AplMath::<$s>, pass),)*
                    _ => unreachable!("checked in new"),
                }
            };
        }
        go!(1 => 2, 2 => 4, 3 => 6, 4 => 8, 5 => 10, 6 => 12, 7 => 14, 8 => 16)
    }

    fn go<T: ChannelMath<P, P>, const S: usize, const P: usize>(
        &self,
        math: T,
        pass: Pass<'_>,
    ) -> Result<(), Error> {
        let call = Call::<P> {
            params: core::array::from_fn(|k| self.params[k].as_slice()),
            layout: self.layout,
            exec: executor(&self.exec)?,
        };
        match pass {
            Pass::Forward(io) => call.forward::<_, P>(math, io),
            Pass::Backward { x, dy, dx, da, db } => {
                let sums = call.backward::<_, P>(math, x, dy, dx)?;
                for (c, s) in sums.iter().enumerate() {
                    let p = core::array::from_fn(|k| self.params[k][c]);
                    let g = math.finish(&p, s);
                    for h in 0..S {
                        da[c * S + h] = g[h];
                        db[c * S + h] = g[S + h];
                    }
                }
                Ok(())
            }
        }
    }
}

/// An APL call's buffers.
enum Pass<'a> {
    Forward(Io<'a>),
    Backward {
        x: &'a [f32],
        dy: &'a [f32],
        dx: &'a mut [f32],
        da: &'a mut [f32],
        db: &'a mut [f32],
    },
}
