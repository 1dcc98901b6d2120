//! The loops that run an elementwise kernel over a pass's buffers on one
//! lane backend: full vectors, then one masked (or width-1) tail through
//! the very same kernel code, so an element's result never depends on where
//! it sits in the buffer.

use crate::kernel::{Elementwise, FromOutput};
use crate::lanes::{LaneOp, Lanes};
use crate::pass::Pass;

/// One pass of kernel `K`, ready to run on any backend.
pub(crate) struct ElementwisePass<'a, K> {
    pub(crate) kernel: &'a K,
    pub(crate) pass: Pass<'a>,
    /// Write an out-of-place output with streaming stores and ask for the
    /// input ahead (the buffers are far larger than the cache). In-place
    /// passes store through the cache (the line was just read) but ask
    /// for their input ahead all the same in the forward pass.
    pub(crate) stream: bool,
}

impl<K: Elementwise> LaneOp for ElementwisePass<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        // A local copy: the parameters then live in registers instead of
        // being reloaded after every store (which might alias them).
        let k = self.kernel;
        let k = &{ *k };
        // Constant per instantiation: the loops a kernel or backend cannot
        // use are not compiled (code size and build time, not speed).
        let stream = self.stream && L::STREAMS;
        let from_output = !matches!(K::INFO.from_output, FromOutput::Never(_));
        match self.pass {
            Pass::Forward { x, y } if stream => map1_streaming(l, Forward(k), x, y),
            Pass::Forward { x, y } => map1::<_, _, Cached>(l, Forward(k), x, y),
            Pass::Backward { x, dy, dx } if stream => map2_streaming(l, Backward(k), x, dy, dx),
            Pass::Backward { x, dy, dx } => map2::<_, _, Cached>(l, Backward(k), x, dy, dx),
            // Never reached for these kernels: `Executor` checks first.
            Pass::BackwardFromOutput { .. } | Pass::BackwardFromOutputInPlace { .. }
                if !from_output => {}
            Pass::BackwardFromOutput { y, dy, dx } if stream => {
                map2_streaming(l, BackwardFromOutput(k), y, dy, dx)
            }
            Pass::BackwardFromOutput { y, dy, dx } => {
                map2::<_, _, Cached>(l, BackwardFromOutput(k), y, dy, dx)
            }
            Pass::ForwardInPlace { xy } if self.stream => {
                map1_inplace::<_, _, true>(l, Forward(k), xy)
            }
            Pass::ForwardInPlace { xy } => map1_inplace::<_, _, false>(l, Forward(k), xy),
            Pass::BackwardInPlace { x, g } => map2_inplace(l, Backward(k), x, g),
            Pass::BackwardFromOutputInPlace { y, g } => {
                map2_inplace(l, BackwardFromOutput(k), y, g)
            }
        }
    }
}

/// A per-vector function of one input.
trait Map1 {
    fn apply<L: Lanes>(&self, l: L, a: L::F) -> L::F;
}

/// A per-vector function of two inputs.
trait Map2 {
    fn apply<L: Lanes>(&self, l: L, a: L::F, b: L::F) -> L::F;
}

struct Forward<'a, K>(&'a K);
struct Backward<'a, K>(&'a K);
struct BackwardFromOutput<'a, K>(&'a K);

impl<K: Elementwise> Map1 for Forward<'_, K> {
    #[inline(always)]
    fn apply<L: Lanes>(&self, l: L, x: L::F) -> L::F {
        self.0.forward(l, x)
    }
}

impl<K: Elementwise> Map2 for Backward<'_, K> {
    #[inline(always)]
    fn apply<L: Lanes>(&self, l: L, x: L::F, dy: L::F) -> L::F {
        self.0.backward(l, x, dy)
    }
}

impl<K: Elementwise> Map2 for BackwardFromOutput<'_, K> {
    #[inline(always)]
    fn apply<L: Lanes>(&self, l: L, y: L::F, dy: L::F) -> L::F {
        self.0.backward_from_output(l, y, dy)
    }
}

/// Vectors per unrolled step of the main loops: enough independent work to
/// hide latency when the buffers sit in L1/L2.
const UNROLL: usize = 4;

/// How far ahead of the block being computed the forward loops ask for
/// their input when it comes from main memory, in elements (4 KiB). There
/// a heavy kernel (sigmoid, gelu) leaves the hardware prefetcher too few
/// requests in flight to keep up; measured on a Zen 5 at 16M elements on 2
/// threads, 512, 1024 and 2048 elements ahead did about as well (gelu
/// 0.19 -> 0.16 ns/elem), 4096 no better than none. The backward loops
/// (two inputs) do without: hints on both inputs made relu's and
/// sigmoid's backward slower on one thread, and given to the
/// transcendental kernels alone they helped on two threads in one set of
/// runs (sigmoid 0.175 -> 0.151) and not in the next, with softplus's
/// backward 7-18% slower on one thread in both.
const PREFETCH_AHEAD: usize = 1024;

/// f32 elements per 64-byte cache line.
const LINE: usize = 16;

/// Asks for the lines of `block` (one unrolled block of an input)
/// [`PREFETCH_AHEAD`] elements on: a hint, whatever the address (past the
/// end of the buffer too), with no effect on results.
#[inline(always)]
fn prefetch_ahead<L: Lanes>(l: L, block: &[f32]) {
    let ahead = block.as_ptr().wrapping_add(PREFETCH_AHEAD);
    for line in 0..block.len().div_ceil(LINE) {
        l.prefetch(ahead.wrapping_add(line * LINE));
    }
}

/// How the out-of-place loops write their full vectors.
trait VectorStore {
    /// Ask for the input ahead ([`prefetch_ahead`]) in [`map1`]: the
    /// streamed outputs are those far larger than the cache, so their
    /// inputs come from main memory (in cache, the hints cost a few percent
    /// on some kernels). [`map2`] does without ([`PREFETCH_AHEAD`] says
    /// why).
    const PREFETCH: bool;
    fn store<L: Lanes>(l: L, v: L::F, d: &mut [f32]);
}

/// Ordinary stores (the line is read into the cache first).
struct Cached;
/// Streaming stores (see [`Lanes::store_stream`]).
struct Streaming;

impl VectorStore for Cached {
    const PREFETCH: bool = false;
    #[inline(always)]
    fn store<L: Lanes>(l: L, v: L::F, d: &mut [f32]) {
        l.store(v, d)
    }
}

impl VectorStore for Streaming {
    const PREFETCH: bool = true;
    #[inline(always)]
    fn store<L: Lanes>(l: L, v: L::F, d: &mut [f32]) {
        l.store_stream(v, d)
    }
}

/// Elements before `out`'s first vector boundary (at most the length),
/// written with a masked store so the full vectors after it are aligned.
#[inline(always)]
fn head_len<L: Lanes>(out: &[f32]) -> usize {
    crate::stores::head_len(L::WIDTH, out).min(out.len())
}

/// [`map1`] with streaming stores: a masked head up to the output's vector
/// boundary, aligned full vectors, the usual tail, then a fence. Every
/// element still goes through the same kernel code, so the bits are those
/// of [`map1`].
#[inline(always)]
fn map1_streaming<L: Lanes, F: Map1>(l: L, f: F, a: &[f32], out: &mut [f32]) {
    let head = head_len::<L>(out);
    let (a0, a) = a.split_at(head);
    let (out0, out) = out.split_at_mut(head);
    if head > 0 {
        l.store_partial(f.apply(l, l.load_partial(a0)), out0);
    }
    map1::<L, F, Streaming>(l, f, a, out);
    l.stream_fence();
}

/// [`map2`] with streaming stores, as [`map1_streaming`].
#[inline(always)]
fn map2_streaming<L: Lanes, F: Map2>(l: L, f: F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let head = head_len::<L>(out);
    let (a0, a) = a.split_at(head);
    let (b0, b) = b.split_at(head);
    let (out0, out) = out.split_at_mut(head);
    if head > 0 {
        l.store_partial(f.apply(l, l.load_partial(a0), l.load_partial(b0)), out0);
    }
    map2::<L, F, Streaming>(l, f, a, b, out);
    l.stream_fence();
}

/// `out[i] = f(a[i])`.
#[inline(always)]
fn map1<L: Lanes, F: Map1, S: VectorStore>(l: L, f: F, a: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_blocks = a.chunks_exact(UNROLL * w);
    let mut out_blocks = out.chunks_exact_mut(UNROLL * w);
    for (a, out) in (&mut a_blocks).zip(&mut out_blocks) {
        if S::PREFETCH {
            prefetch_ahead(l, a);
        }
        for (a, out) in a.chunks_exact(w).zip(out.chunks_exact_mut(w)) {
            S::store(l, f.apply(l, l.load(a)), out);
        }
    }
    let mut a_rest = a_blocks.remainder().chunks_exact(w);
    let mut out_rest = out_blocks.into_remainder().chunks_exact_mut(w);
    for (a, out) in (&mut a_rest).zip(&mut out_rest) {
        S::store(l, f.apply(l, l.load(a)), out);
    }
    let (a, out) = (a_rest.remainder(), out_rest.into_remainder());
    if !out.is_empty() {
        l.store_partial(f.apply(l, l.load_partial(a)), out);
    }
}

/// `a[i] = f(a[i])`.
///
/// The compiler fence after each load keeps LLVM from turning
/// `store(select(m, load(p), v), p)` (leaky_relu, threshold, ... in place)
/// into a masked store, which on AVX2 is `vmaskmovps`: microcoded on AMD
/// and measured 4-7x slower there than the plain store. It emits no
/// instruction.
#[inline(always)]
fn map1_inplace<L: Lanes, F: Map1, const PREFETCH: bool>(l: L, f: F, a: &mut [f32]) {
    use core::sync::atomic::{compiler_fence, Ordering};
    let w = L::WIDTH;
    let mut blocks = a.chunks_exact_mut(UNROLL * w);
    for block in &mut blocks {
        if PREFETCH {
            prefetch_ahead(l, block);
        }
        for v in block.chunks_exact_mut(w) {
            let x = l.load(v);
            compiler_fence(Ordering::SeqCst);
            l.store(f.apply(l, x), v);
        }
    }
    let mut rest = blocks.into_remainder().chunks_exact_mut(w);
    for v in &mut rest {
        let x = l.load(v);
        compiler_fence(Ordering::SeqCst);
        l.store(f.apply(l, x), v);
    }
    let tail = rest.into_remainder();
    if !tail.is_empty() {
        let y = f.apply(l, l.load_partial(tail));
        l.store_partial(y, tail);
    }
}

/// `b[i] = f(a[i], b[i])` (with the same fence as [`map1_inplace`]).
#[inline(always)]
fn map2_inplace<L: Lanes, F: Map2>(l: L, f: F, a: &[f32], b: &mut [f32]) {
    use core::sync::atomic::{compiler_fence, Ordering};
    let w = L::WIDTH;
    let mut a_blocks = a.chunks_exact(UNROLL * w);
    let mut b_blocks = b.chunks_exact_mut(UNROLL * w);
    for (a, b) in (&mut a_blocks).zip(&mut b_blocks) {
        for (a, b) in a.chunks_exact(w).zip(b.chunks_exact_mut(w)) {
            let (va, vb) = (l.load(a), l.load(b));
            compiler_fence(Ordering::SeqCst);
            l.store(f.apply(l, va, vb), b);
        }
    }
    let mut a_rest = a_blocks.remainder().chunks_exact(w);
    let mut b_rest = b_blocks.into_remainder().chunks_exact_mut(w);
    for (a, b) in (&mut a_rest).zip(&mut b_rest) {
        let (va, vb) = (l.load(a), l.load(b));
        compiler_fence(Ordering::SeqCst);
        l.store(f.apply(l, va, vb), b);
    }
    let (a, b) = (a_rest.remainder(), b_rest.into_remainder());
    if !b.is_empty() {
        let y = f.apply(l, l.load_partial(a), l.load_partial(b));
        l.store_partial(y, b);
    }
}

/// `out[i] = f(a[i], b[i])`.
#[inline(always)]
fn map2<L: Lanes, F: Map2, S: VectorStore>(l: L, f: F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_blocks = a.chunks_exact(UNROLL * w);
    let mut b_blocks = b.chunks_exact(UNROLL * w);
    let mut out_blocks = out.chunks_exact_mut(UNROLL * w);
    for ((a, b), out) in (&mut a_blocks).zip(&mut b_blocks).zip(&mut out_blocks) {
        let vectors = a.chunks_exact(w).zip(b.chunks_exact(w));
        for ((a, b), out) in vectors.zip(out.chunks_exact_mut(w)) {
            S::store(l, f.apply(l, l.load(a), l.load(b)), out);
        }
    }
    let mut a_rest = a_blocks.remainder().chunks_exact(w);
    let mut b_rest = b_blocks.remainder().chunks_exact(w);
    let mut out_rest = out_blocks.into_remainder().chunks_exact_mut(w);
    for ((a, b), out) in (&mut a_rest).zip(&mut b_rest).zip(&mut out_rest) {
        S::store(l, f.apply(l, l.load(a), l.load(b)), out);
    }
    let (a, b, out) = (
        a_rest.remainder(),
        b_rest.remainder(),
        out_rest.into_remainder(),
    );
    if !out.is_empty() {
        l.store_partial(f.apply(l, l.load_partial(a), l.load_partial(b)), out);
    }
}
