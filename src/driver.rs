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
    let (w, n) = (L::WIDTH, out.len());
    // Lets the compiler drop the bounds checks below.
    let a = &a[..n];
    let full = n - n % w;
    let mut i = 0;
    while i + UNROLL * w <= full {
        for j in 0..UNROLL {
            let at = i + j * w;
            l.store(f.apply(l, l.load(&a[at..at + w])), &mut out[at..at + w]);
        }
        i += UNROLL * w;
    }
    while i < full {
        l.store(f.apply(l, l.load(&a[i..i + w])), &mut out[i..i + w]);
        i += w;
    }
    if full < n {
        l.store_partial(f.apply(l, l.load_partial(&a[full..])), &mut out[full..]);
    }
}

/// `a[i] = f(a[i])`.
#[inline(always)]
fn map1_inplace<L: Lanes, F: Map1>(l: L, f: F, a: &mut [f32]) {
    let (w, n) = (L::WIDTH, a.len());
    let full = n - n % w;
    let mut i = 0;
    while i + UNROLL * w <= full {
        for j in 0..UNROLL {
            let at = i + j * w;
            let v = f.apply(l, l.load(&a[at..at + w]));
            l.store(v, &mut a[at..at + w]);
        }
        i += UNROLL * w;
    }
    while i < full {
        let v = f.apply(l, l.load(&a[i..i + w]));
        l.store(v, &mut a[i..i + w]);
        i += w;
    }
    if full < n {
        let v = f.apply(l, l.load_partial(&a[full..]));
        l.store_partial(v, &mut a[full..]);
    }
}

/// `out[i] = f(a[i], b[i])`.
#[inline(always)]
fn map2<L: Lanes, F: Map2>(l: L, f: F, a: &[f32], b: &[f32], out: &mut [f32]) {
    let (w, n) = (L::WIDTH, out.len());
    let (a, b) = (&a[..n], &b[..n]);
    let full = n - n % w;
    let mut i = 0;
    while i + UNROLL * w <= full {
        for j in 0..UNROLL {
            let at = i + j * w;
            let v = f.apply(l, l.load(&a[at..at + w]), l.load(&b[at..at + w]));
            l.store(v, &mut out[at..at + w]);
        }
        i += UNROLL * w;
    }
    while i < full {
        let v = f.apply(l, l.load(&a[i..i + w]), l.load(&b[i..i + w]));
        l.store(v, &mut out[i..i + w]);
        i += w;
    }
    if full < n {
        let v = f.apply(l, l.load_partial(&a[full..]), l.load_partial(&b[full..]));
        l.store_partial(v, &mut out[full..]);
    }
}
