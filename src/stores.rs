//! How an out-of-place call writes its output: through the cache, or with
//! streaming (non-temporal) stores that skip it.

/// Outputs of at least this many elements (64 Mi: 256 MiB) are written with
/// streaming stores under [`Stores::Auto`]: far past any last-level cache,
/// where an ordinary store first reads the line it overwrites. Measured on
/// the machines in README's "Streaming stores" table, where below it the
/// gain was within noise or a loss.
pub const DEFAULT_STREAMING_MIN_LEN: usize = 1 << 26;

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
