//! The generic path's shortcut: a struct whose fields have the model's own types is written as
//! the model ([`Projection`]), without reading a model from it.
//!
//! Reading `M` from a value and writing `M` gives the value's own fields back whenever `M`'s
//! `Serialize` writes each of its fields as read, always, and nothing else: serde's derive
//! without `skip_serializing_if`, `serialize_with`, `skip`, `getter` or a rename that differs
//! between the two directions. The layer turns the shortcut on only when it has seen that:
//! - `M`'s `Deserialize` reads a plain struct, or a list of them ([`Projection::of`]);
//! - `M`'s schema for serialization (schemars, which follows the serde attributes) has exactly
//!   those fields, all required: a `skip_serializing_if` would make one optional;
//! - on the first [`SAMPLES`] values that fit, the model read from each wrote those fields, in
//!   order, each as its own type (a `serialize_with` field is written through a wrapper type of
//!   serde's, whatever its value), and the projection gave the very bytes the model gave.
//!
//! Until then, and for good after a sample that differs, every value takes the full path.
//! Without the `openapi` feature the layer has no schema, and the shortcut stays off.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use towerapi_encode::project::Projection;
use towerapi_encode::Payload;

/// How many values the projection must write as the model did before it is trusted.
pub(crate) const SAMPLES: u32 = 8;
/// The state once a sample differed.
const OFF: u32 = u32::MAX;

/// A layer's shortcut (shared by the clones of a layer, whatever their options).
#[derive(Default)]
pub(crate) struct Fast {
    /// How to make the plan, set when the layer is applied (where the model's schema is at
    /// hand); never set without the `openapi` feature.
    make: OnceLock<fn() -> Option<Projection>>,
    /// Made on the first value the generic path reads (a layer that only ever sees its model,
    /// or a `from` type, never runs the model's `Deserialize` for it): `None` for a model the
    /// shortcut cannot take.
    plan: OnceLock<Option<Arc<Projection>>>,
    /// Matching samples seen so far (`SAMPLES`: on), or [`OFF`].
    state: AtomicU32,
}

impl Fast {
    /// Sets how to make the plan (the first application of the layer decides).
    #[cfg_attr(not(feature = "openapi"), allow(dead_code))]
    pub(crate) fn init(&self, make: fn() -> Option<Projection>) {
        let _ = self.make.set(make);
    }

    fn plan(&self) -> Option<&Arc<Projection>> {
        self.plan
            .get_or_init(|| self.make.get().and_then(|make| make()).map(Arc::new))
            .as_ref()
    }

    /// The plan, once trusted.
    #[inline]
    pub(crate) fn ready(&self) -> Option<&Arc<Projection>> {
        if self.state.load(Ordering::Relaxed) != SAMPLES {
            return None;
        }
        self.plan.get()?.as_ref()
    }

    /// Whether samples are still wanted (the plan is made on the first call).
    #[inline]
    pub(crate) fn sampling(&self) -> bool {
        self.state.load(Ordering::Relaxed) < SAMPLES && self.plan().is_some()
    }

    /// Compares the projection of `source` with `model`, the model read from it.
    pub(crate) fn sample<M: Serialize>(&self, source: &Payload, model: &M) {
        let Some(plan) = self.plan() else {
            return;
        };
        match source.projects_as(plan, model) {
            // Not a value the projection takes: says nothing about the model.
            None => {}
            Some(true) => {
                let _ = self
                    .state
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                        (n < SAMPLES).then_some(n + 1)
                    });
            }
            Some(false) => {
                tracing::debug!(
                    target: "towerapi::response_model",
                    model = plan.model(),
                    payload = source.type_name(),
                    "the model does not write its fields as read: every value takes the full path"
                );
                self.state.store(OFF, Ordering::Relaxed);
            }
        }
    }

    /// The state, for the tests: `(plan made, samples or OFF)`.
    #[cfg(test)]
    pub(crate) fn state(&self) -> (bool, u32) {
        (
            matches!(self.plan.get(), Some(Some(_))),
            self.state.load(Ordering::Relaxed),
        )
    }
}

/// The plan of `M`, if its schema for serialization has exactly the fields its `Deserialize`
/// reads, every one required (always written); for a list model, the schema of its elements,
/// and the list is not a set.
#[cfg(feature = "openapi")]
pub(crate) fn plan_of<M>() -> Option<Projection>
where
    M: serde::de::DeserializeOwned + schemars::JsonSchema,
{
    let plan = Projection::of::<M>()?;
    let root = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<M>();
    let root = root.as_value();
    let schema = if plan.is_list() {
        // A list in the value's order: not a set (`uniqueItems`), which writes its own order.
        if root.get("type")?.as_str()? != "array" || root.get("uniqueItems").is_some() {
            return None;
        }
        let items = root.get("items")?;
        match items.get("$ref") {
            Some(reference) => root
                .get("$defs")?
                .get(reference.as_str()?.strip_prefix("#/$defs/")?)?,
            None => items,
        }
    } else {
        root
    };
    let properties = schema.get("properties")?.as_object()?;
    let required = schema.get("required")?.as_array()?;
    let names: Vec<&str> = plan.field_names().collect();
    let exact = properties.len() == names.len()
        && required.len() == names.len()
        && names.iter().all(|name| {
            properties.contains_key(*name) && required.iter().any(|r| r.as_str() == Some(name))
        });
    exact.then_some(plan)
}
