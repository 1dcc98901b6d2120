//! How an out-of-place call writes its output: through the cache, or with
//! streaming (non-temporal) stores that skip it.

/// Outputs of at least this many elements (16 Mi: 64 MiB, twice a Zen 3
/// CCX's 32 MiB L3) are written with streaming stores under
/// [`Stores::Auto`]. Measured (README, "Streaming stores"): relu forward
/// gained 10-25% from 4M elements up, but below the last-level cache's size
/// a caller that reads the output next would find it in L3 after ordinary
/// stores and in DRAM after streaming ones, so the switch waits until the
/// output cannot stay cached anyway.
pub const DEFAULT_STREAMING_MIN_LEN: usize = 1 << 24;

/// How out-of-place passes store their output: the elementwise passes
/// (forward, backward, backward from the output), the forward of the
/// per-channel functions (prelu, srelu, apl), rrelu's and noisy_relu's
/// training passes, and the fused bias + activation forward. In-place
/// passes always use ordinary stores (their lines are in the cache
/// already), and so do the rowwise functions and the backward passes that
/// also sum a parameter gradient (they read their output back, or their
/// fixed summation order leaves the stores unaligned). Never changes a
/// result bit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stores {
    /// Streaming from [`DEFAULT_STREAMING_MIN_LEN`] elements up (or the
    /// executor's [`crate::Executor::with_streaming_min_len`]).
    #[default]
    Auto,
    /// Always ordinary stores: right when the caller reads the output again
    /// at once and it fits in the cache.
    Cached,
    /// Always streaming stores (on AVX2 and AVX-512; the scalar and
    /// portable backends have none and store normally).
    Streaming,
}

/// Elements of `out` before its first `width`-lane vector boundary (less
/// than `width`; 0 where `out` starts on one).
#[inline(always)]
pub(crate) fn head_len(width: usize, out: &[f32]) -> usize {
    out.as_ptr()
        .align_offset(width * core::mem::size_of::<f32>())
        .min(width - 1)
}

/// f32 elements per 64-byte cache line.
pub(crate) const LINE: usize = 16;

/// The shortest output [`store_vectors`] streams: below it the ordinary
/// stores at both ends (a cache line each, at most, with a masked store)
/// would be a noticeable share of the work.
pub(crate) const MIN_STREAMED: usize = 1024;

/// `out[at..at + count] = $body` for every vector of `out`: `$at` is the
/// vector's first element and `$count` its valid lanes, as in
/// [`crate::reduce::for_vectors`].
///
/// With `$stream` true on a backend whose stores stream
/// ([`crate::lanes::Lanes::STREAMS`]) and at least [`MIN_STREAMED`]
/// elements, the whole cache lines of `out` are written with streaming
/// stores and the partial lines at both ends with ordinary ones (whole
/// vectors, then a partial one). No line gets both kinds: on AMD a
/// streaming store to a line that an ordinary store just brought into the
/// cache is very slow (measured: prelu channels-last, rows of 64, went from
/// 0.7 to 10.6 ns per element when each row's ends overlapped its streamed
/// vectors). Either way `$body` runs once per element, so a body that also
/// sums its vector sees every element once; vectors start at other
/// elements when streaming, so a body's value (and any sum's order) must
/// depend only on the element's index, not on the vector it falls in. The
/// caller issues one [`crate::lanes::Lanes::stream_fence`] after its last
/// streaming loop.
macro_rules! store_vectors {
    ($l:expr, $stream:expr, $out:expr, |$at:ident, $count:ident| $body:expr) => {{
        let l = $l;
        let out: &mut [f32] = $out;
        let n = out.len();
        let w = $crate::lanes::width(l);
        if $stream && $crate::lanes::streams(l) && n >= $crate::stores::MIN_STREAMED {
            let line = $crate::stores::LINE;
            let head = $crate::stores::head_len(line, out);
            let end = head + (n - head) / line * line;
            // The ordinary ends, [0, head) and [end, n).
            for (lo, hi) in [(0, head), (end, n)] {
                let mut $at = lo;
                while $at < hi {
                    let $count = w.min(hi - $at);
                    let v = $body;
                    $crate::reduce::store_n(l, v, out, $at, $count);
                    $at += w;
                }
            }
            let mut $at = head;
            while $at < end {
                let $count = w;
                l.store_stream($body, &mut out[$at..$at + w]);
                $at += w;
            }
        } else {
            $crate::reduce::for_vectors!(w, n, |$at, $count| {
                let v = $body;
                $crate::reduce::store_n(l, v, out, $at, $count);
            });
        }
    }};
}
pub(crate) use store_vectors;
