//! Models kept for reuse by the generic path of [`ResponseModelLayer`](super::ResponseModelLayer).
//!
//! Reading a model from a handler's value (the generic path) allocates every `String` and
//! `Vec` of the model anew, and dropping it after the response frees them again: on a model of
//! a few dozen strings that is most of the path's cost. So a model, once sent, goes back to
//! its layer's pool, and the next request reads into it in place (serde's
//! `deserialize_in_place`: a `String` keeps its buffer, a `Vec` its elements), allocating only
//! where the new value is larger.
//!
//! Bounded: at most [`MAX_KEPT`] models per layer, and a model read from more than
//! [`MAX_TEXT`] bytes of strings is not kept (its buffers would stay that large).

use std::sync::{Arc, Mutex, PoisonError};

/// Models a pool keeps at most (about the number of requests in flight on a route).
pub(crate) const MAX_KEPT: usize = 32;
/// The largest string content (bytes) of a model that is kept.
pub(crate) const MAX_TEXT: usize = 16 * 1024;

/// A layer's pool, and the function its lent models are handed back through (made once, so
/// lending costs a reference count, not an allocation).
pub(crate) struct Pool<M> {
    kept: Arc<Mutex<Vec<Box<M>>>>,
    back: Arc<dyn Fn(Box<M>) + Send + Sync>,
}

impl<M: Send + Sync + 'static> Default for Pool<M> {
    fn default() -> Self {
        let kept: Arc<Mutex<Vec<Box<M>>>> = Arc::default();
        let shelf = Arc::clone(&kept);
        Self {
            kept,
            back: Arc::new(move |model| {
                let mut kept = shelf.lock().unwrap_or_else(PoisonError::into_inner);
                if kept.len() < MAX_KEPT {
                    kept.push(model);
                }
            }),
        }
    }
}

impl<M> Pool<M> {
    /// A kept model to read into, if there is one.
    pub(crate) fn take(&self) -> Option<Box<M>> {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    /// Where a lent model goes when its response is done with it.
    pub(crate) fn back(&self) -> Arc<dyn Fn(Box<M>) + Send + Sync> {
        Arc::clone(&self.back)
    }

    /// How many models are kept (for the tests).
    #[cfg(test)]
    pub(crate) fn kept(&self) -> usize {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
