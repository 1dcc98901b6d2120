//! The one door to rayon. With the `parallel` feature these are rayon's
//! `join`, pool size and parallel slice iterators, and [`for_each_piece`]
//! (the elementwise passes' split); without it, serial stand-ins with the
//! same names, so the drivers read the same either way (and
//! [`crate::Executor`] never splits, since the pool has one thread).

#[cfg(feature = "parallel")]
pub(crate) use rayon::{current_num_threads, join};

/// Work that can be cut into consecutive pieces: what
/// [`for_each_piece`] hands out.
pub(crate) trait Divisible: Send + Sized {
    /// Its length.
    fn len(&self) -> usize;
    /// The first `mid` elements and the rest.
    fn split_at(self, mid: usize) -> (Self, Self);
}

/// Runs `run` on consecutive pieces of `whole`, each `piece_len` long (the
/// last may be shorter), so piece boundaries are fixed multiples of
/// `piece_len` whatever the thread count.
///
/// The calling thread takes part: it queues `current_num_threads() - 1`
/// helpers on the pool, and it and they take the next piece from a shared
/// cursor until none is left. A caller outside the pool (the usual case:
/// a training loop's own thread) therefore starts at once instead of
/// waiting for a sleeping worker to wake, and a helper that wakes late
/// finds less to do rather than holding everyone up; with `rayon::join`
/// such a caller slept while two workers woke one after the other (about
/// 0.1 ms per call on a 2-vCPU VM, more than a 64K-element sigmoid takes).
#[cfg(feature = "parallel")]
pub(crate) fn for_each_piece<W: Divisible>(whole: W, piece_len: usize, run: &(dyn Fn(W) + Sync)) {
    use std::sync::{Mutex, PoisonError};
    let rest = Mutex::new(Some(whole));
    let next = || {
        // A panic in `run` poisons nothing here: the lock is not held then.
        let mut rest = rest.lock().unwrap_or_else(PoisonError::into_inner);
        let work = rest.take()?;
        if work.len() > piece_len {
            let (piece, tail) = work.split_at(piece_len);
            *rest = Some(tail);
            Some(piece)
        } else {
            Some(work)
        }
    };
    let work = || {
        while let Some(piece) = next() {
            run(piece);
        }
    };
    rayon::in_place_scope(|scope| {
        for _ in 1..current_num_threads() {
            scope.spawn(|_| work());
        }
        work();
    });
}

/// Runs `run` on consecutive pieces of `whole` on the calling thread.
#[cfg(not(feature = "parallel"))]
pub(crate) fn for_each_piece<W: Divisible>(whole: W, piece_len: usize, run: &(dyn Fn(W) + Sync)) {
    let mut rest = whole;
    while rest.len() > piece_len {
        let (piece, tail) = rest.split_at(piece_len);
        run(piece);
        rest = tail;
    }
    run(rest);
}

#[cfg(feature = "parallel")]
pub(crate) mod prelude {
    pub(crate) use rayon::prelude::*;
}

/// Runs `a` then `b` on the calling thread.
#[cfg(not(feature = "parallel"))]
pub(crate) fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB,
{
    (a(), b())
}

/// One thread: the calling one.
#[cfg(not(feature = "parallel"))]
pub(crate) fn current_num_threads() -> usize {
    1
}

/// Serial iterators under rayon's method names.
#[cfg(not(feature = "parallel"))]
pub(crate) mod prelude {
    /// `par_chunks` as `chunks`.
    pub(crate) trait ParallelSlice<T> {
        fn par_chunks(&self, n: usize) -> core::slice::Chunks<'_, T>;
    }
    impl<T> ParallelSlice<T> for [T] {
        fn par_chunks(&self, n: usize) -> core::slice::Chunks<'_, T> {
            self.chunks(n)
        }
    }

    /// `par_chunks_mut` as `chunks_mut`.
    pub(crate) trait ParallelSliceMut<T> {
        fn par_chunks_mut(&mut self, n: usize) -> core::slice::ChunksMut<'_, T>;
    }
    impl<T> ParallelSliceMut<T> for [T] {
        fn par_chunks_mut(&mut self, n: usize) -> core::slice::ChunksMut<'_, T> {
            self.chunks_mut(n)
        }
    }

    /// `into_par_iter` as `into_iter`.
    pub(crate) trait IntoParallelIterator: IntoIterator + Sized {
        fn into_par_iter(self) -> Self::IntoIter {
            self.into_iter()
        }
    }
    impl<I: IntoIterator> IntoParallelIterator for I {}

    /// `with_min_len` does nothing on one thread.
    pub(crate) trait WithMinLen: Iterator + Sized {
        fn with_min_len(self, _len: usize) -> Self {
            self
        }
    }
    impl<I: Iterator> WithMinLen for I {}
}
