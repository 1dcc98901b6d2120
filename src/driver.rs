//! The loops that run an elementwise kernel over a pass's buffers on one
//! lane backend: full vectors, then one masked (or width-1) tail through
//! the very same kernel code, so an element's result never depends on where
//! it sits in the buffer.

use crate::kernel::Elementwise;
use crate::lanes::{LaneOp, Lanes};
use crate::pass::Pass;

/// One pass of kernel `K`, ready to run on any backend.
pub(crate) struct ElementwisePass<'a, K> {
    pub(crate) kernel: &'a K,
    pub(crate) pass: Pass<'a>,
}

impl<K: Elementwise> LaneOp for ElementwisePass<'_, K> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, l: L) {
        // A local copy: the parameters then live in registers instead of
        // being reloaded after every store (which might alias them).
        let k = self.kernel;
        let k = &{ *k };
        match self.pass {
            Pass::Forward { x, y } => map1(l, Forward(k), x, y),
            Pass::ForwardInPlace { xy } => map1_inplace(l, Forward(k), xy),
            Pass::Backward { x, dy, dx } => map2(l, Backward(k), x, dy, dx),
            Pass::BackwardFromOutput { y, dy, dx } => map2(l, BackwardFromOutput(k), y, dy, dx),
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

/// `out[i] = f(a[i])`.
#[inline(always)]
fn map1<L: Lanes, F: Map1>(l: L, f: F, a: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_blocks = a.chunks_exact(UNROLL * w);
    let mut out_blocks = out.chunks_exact_mut(UNROLL * w);
    for (a, out) in (&mut a_blocks).zip(&mut out_blocks) {
        for (a, out) in a.chunks_exact(w).zip(out.chunks_exact_mut(w)) {
            l.store(f.apply(l, l.load(a)), out);
        }
    }
    let mut a_rest = a_blocks.remainder().chunks_exact(w);
    let mut out_rest = out_blocks.into_remainder().chunks_exact_mut(w);
    for (a, out) in (&mut a_rest).zip(&mut out_rest) {
        l.store(f.apply(l, l.load(a)), out);
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
fn map1_inplace<L: Lanes, F: Map1>(l: L, f: F, a: &mut [f32]) {
    use core::sync::atomic::{compiler_fence, Ordering};
    let w = L::WIDTH;
    let mut blocks = a.chunks_exact_mut(UNROLL * w);
    for block in &mut blocks {
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
fn map2<L: Lanes, F: Map2>(l: L, f: F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_blocks = a.chunks_exact(UNROLL * w);
    let mut b_blocks = b.chunks_exact(UNROLL * w);
    let mut out_blocks = out.chunks_exact_mut(UNROLL * w);
    for ((a, b), out) in (&mut a_blocks).zip(&mut b_blocks).zip(&mut out_blocks) {
        let vectors = a.chunks_exact(w).zip(b.chunks_exact(w));
        for ((a, b), out) in vectors.zip(out.chunks_exact_mut(w)) {
            l.store(f.apply(l, l.load(a), l.load(b)), out);
        }
    }
    let mut a_rest = a_blocks.remainder().chunks_exact(w);
    let mut b_rest = b_blocks.remainder().chunks_exact(w);
    let mut out_rest = out_blocks.into_remainder().chunks_exact_mut(w);
    for ((a, b), out) in (&mut a_rest).zip(&mut b_rest).zip(&mut out_rest) {
        l.store(f.apply(l, l.load(a), l.load(b)), out);
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
