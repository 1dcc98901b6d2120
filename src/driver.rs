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
        let k = self.kernel;
        match self.pass {
            Pass::Forward { x, y } => map1(l, Forward(k), x, y),
            Pass::ForwardInPlace { xy } => map1_inplace(l, Forward(k), xy),
            Pass::Backward { x, dy, dx } => map2(l, Backward(k), x, dy, dx),
            Pass::BackwardFromOutput { y, dy, dx } => map2(l, BackwardFromOutput(k), y, dy, dx),
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

/// `out[i] = f(a[i])`.
#[inline(always)]
fn map1<L: Lanes, F: Map1>(l: L, f: F, a: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_chunks = a.chunks_exact(w);
    let mut out_chunks = out.chunks_exact_mut(w);
    for (a, out) in (&mut a_chunks).zip(&mut out_chunks) {
        l.store(f.apply(l, l.load(a)), out);
    }
    let (a, out) = (a_chunks.remainder(), out_chunks.into_remainder());
    if !out.is_empty() {
        l.store_partial(f.apply(l, l.load_partial(a)), out);
    }
}

/// `a[i] = f(a[i])`.
#[inline(always)]
fn map1_inplace<L: Lanes, F: Map1>(l: L, f: F, a: &mut [f32]) {
    let w = L::WIDTH;
    let mut chunks = a.chunks_exact_mut(w);
    for a in &mut chunks {
        let v = f.apply(l, l.load(a));
        l.store(v, a);
    }
    let a = chunks.into_remainder();
    if !a.is_empty() {
        let v = f.apply(l, l.load_partial(a));
        l.store_partial(v, a);
    }
}

/// `out[i] = f(a[i], b[i])`.
#[inline(always)]
fn map2<L: Lanes, F: Map2>(l: L, f: F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let w = L::WIDTH;
    let mut a_chunks = a.chunks_exact(w);
    let mut b_chunks = b.chunks_exact(w);
    let mut out_chunks = out.chunks_exact_mut(w);
    for ((a, b), out) in (&mut a_chunks).zip(&mut b_chunks).zip(&mut out_chunks) {
        l.store(f.apply(l, l.load(a), l.load(b)), out);
    }
    let (a, b, out) = (
        a_chunks.remainder(),
        b_chunks.remainder(),
        out_chunks.into_remainder(),
    );
    if !out.is_empty() {
        l.store_partial(f.apply(l, l.load_partial(a), l.load_partial(b)), out);
    }
}
