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

/// How elementwise out-of-place passes (forward, backward, backward from
/// the output) store their output. In-place passes and the rowwise, channel
/// and fused-bias paths always use ordinary stores (their output lines are
/// read anyway). Never changes a result bit.
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
