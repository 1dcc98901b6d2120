//! The one door to rayon. With the `parallel` feature these are rayon's
//! `join`, pool size and parallel slice iterators; without it, serial
//! stand-ins with the same names, so the drivers read the same either way
//! (and [`crate::Executor`] never splits, since the pool has one thread).

#[cfg(feature = "parallel")]
pub(crate) use rayon::{current_num_threads, join};

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
