//! A once-initialized static for `no_std` builds, where `std::sync::OnceLock`
//! does not exist: the first successful initializer's value is leaked into
//! a `'static` box and published with one compare-and-swap. Racing callers
//! may each build a value; the losers drop theirs.

use alloc::boxed::Box;
use core::sync::atomic::{AtomicPtr, Ordering};

/// A `'static` value made on first use.
pub(crate) struct RaceOnce<T> {
    value: AtomicPtr<T>,
}

impl<T> RaceOnce<T> {
    /// Empty until the first `get_or_init`.
    pub(crate) const fn new() -> Self {
        RaceOnce {
            value: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// The value, made by `init` if no call has made it yet. An `Err` is
    /// returned as is and not kept, so a later call tries again.
    pub(crate) fn get_or_init<E>(
        &'static self,
        init: impl FnOnce() -> Result<T, E>,
    ) -> Result<&'static T, E> {
        let mut current = self.value.load(Ordering::Acquire);
        if current.is_null() {
            let mine = Box::into_raw(Box::new(init()?));
            match self.value.compare_exchange(
                core::ptr::null_mut(),
                mine,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => current = mine,
                Err(theirs) => {
                    // SAFETY: `mine` came from Box::into_raw just above and
                    // was never published, so this is its only owner.
                    drop(unsafe { Box::from_raw(mine) });
                    current = theirs;
                }
            }
        }
        // SAFETY: a non-null pointer here was published by a successful
        // compare_exchange of a Box::into_raw pointer (Acquire pairs with
        // that AcqRel), and published pointers are never freed or written
        // again, so it is valid for reads for 'static.
        Ok(unsafe { &*current })
    }
}
