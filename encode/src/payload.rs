//! The type-erased value a handler returns, carried in the response extensions.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use http::StatusCode;
use serde::Serialize;

use crate::project::{Project, Projection};
use crate::transcode::{Tokens, TranscodeError};

/// What a [`Payload`] can do with the value it holds: one virtual call, then fully
/// monomorphized serialization (no `erased_serde` indirection on the hot path).
///
/// The writers take an optional [`Projection`]: `Some` writes the value as that model (only
/// for a value that [`fits`](Self::fits) it; see [`Payload::project`]).
trait ErasedValue: Any + Send + Sync + 'static {
    fn as_any(&self) -> &dyn Any;
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    fn write_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error>;
    fn write_pydantic_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error>;
    #[cfg(feature = "fast-json")]
    fn write_fast_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), sonic_rs::Error>;
    fn type_name(&self) -> &'static str;
    fn record(&self, onto: Option<&Projection>, tokens: &mut Tokens) -> Result<(), TranscodeError>;
    fn fits(&self, plan: &Projection) -> bool;
}

/// `f` on the value itself, or on the value written as the model.
macro_rules! onto {
    ($value:expr, $onto:expr, |$v:ident| $body:expr) => {
        match $onto {
            None => {
                let $v = $value;
                $body
            }
            Some(plan) => {
                let $v = &Project::new($value, plan);
                $body
            }
        }
    };
}

impl<T> ErasedValue for T
where
    T: Serialize + Send + Sync + 'static,
{
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }

    fn write_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        onto!(self, onto, |v| crate::json_format::write_python_json(
            v, out
        ))
    }

    fn write_pydantic_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        onto!(self, onto, |v| crate::json_format::write_pydantic_json(
            v, out
        ))
    }

    #[cfg(feature = "fast-json")]
    fn write_fast_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), sonic_rs::Error> {
        onto!(self, onto, |v| sonic_rs::to_writer(out, v))
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }

    fn record(&self, onto: Option<&Projection>, tokens: &mut Tokens) -> Result<(), TranscodeError> {
        onto!(self, onto, |v| tokens.record(v))
    }

    fn fits(&self, plan: &Projection) -> bool {
        plan.fits(self)
    }
}

/// A value written as a response model (see [`Payload::project`]).
struct Projected {
    view: ProjectedView,
}

/// The projection as a plain `Serialize`, for the response classes that take any serializer
/// (through `erased_serde`: the value's own serializer is wrapped).
struct ProjectedView {
    source: Arc<dyn ErasedValue>,
    plan: Arc<Projection>,
}

impl Serialize for ProjectedView {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Project::erased(self.source.as_serialize(), &self.plan).serialize(serializer)
    }
}

/// A projection of a projection is not made ([`fits`](ErasedValue::fits) says no), so the
/// writers only ever get `None`; `Some` is an error rather than a guess.
fn not_projected<E: serde::ser::Error>() -> E {
    E::custom("a projected value is not projected again")
}

impl Projected {
    /// The plan to write the source with: this one's, never another on top of it.
    fn onto<E: serde::ser::Error>(&self, onto: Option<&Projection>) -> Result<&Projection, E> {
        match onto {
            None => Ok(&self.view.plan),
            Some(_) => Err(not_projected()),
        }
    }
}

impl ErasedValue for Projected {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        &self.view
    }

    fn write_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        self.view.source.write_json(Some(self.onto(onto)?), out)
    }

    fn write_pydantic_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        self.view
            .source
            .write_pydantic_json(Some(self.onto(onto)?), out)
    }

    #[cfg(feature = "fast-json")]
    fn write_fast_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), sonic_rs::Error> {
        self.view
            .source
            .write_fast_json(Some(self.onto(onto)?), out)
    }

    fn type_name(&self) -> &'static str {
        self.view.plan.model()
    }

    fn record(&self, onto: Option<&Projection>, tokens: &mut Tokens) -> Result<(), TranscodeError> {
        self.view.source.record(Some(self.onto(onto)?), tokens)
    }

    fn fits(&self, _: &Projection) -> bool {
        false
    }
}

/// The stand-in value while a payload's own is moved out: one shared `()`.
fn unit() -> Arc<dyn ErasedValue> {
    static UNIT: std::sync::OnceLock<Arc<()>> = std::sync::OnceLock::new();
    UNIT.get_or_init(|| Arc::new(())).clone()
}

/// A value lent by a pool (see [`Payload::replace_lent`]): read as the `M` it holds, and handed
/// back through `back` when the last clone of the payload is dropped.
struct Lent<M: Send + Sync + 'static> {
    /// `Some` until dropped.
    value: Option<Box<M>>,
    back: Arc<dyn Fn(Box<M>) + Send + Sync>,
}

impl<M: Serialize + Send + Sync + 'static> Lent<M> {
    #[inline]
    fn inner(&self) -> &dyn ErasedValue {
        match &self.value {
            Some(value) => &**value,
            // Not reachable: the value is only taken in `drop`.
            None => &(),
        }
    }
}

impl<M: Send + Sync + 'static> Drop for Lent<M> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            (self.back)(value);
        }
    }
}

impl<M: Serialize + Send + Sync + 'static> ErasedValue for Lent<M> {
    fn as_any(&self) -> &dyn Any {
        self.inner().as_any()
    }

    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self.inner().as_serialize()
    }

    fn write_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        self.inner().write_json(onto, out)
    }

    fn write_pydantic_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), serde_json::Error> {
        self.inner().write_pydantic_json(onto, out)
    }

    #[cfg(feature = "fast-json")]
    fn write_fast_json(
        &self,
        onto: Option<&Projection>,
        out: &mut Vec<u8>,
    ) -> Result<(), sonic_rs::Error> {
        self.inner().write_fast_json(onto, out)
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<M>()
    }

    fn record(&self, onto: Option<&Projection>, tokens: &mut Tokens) -> Result<(), TranscodeError> {
        self.inner().record(onto, tokens)
    }

    fn fits(&self, plan: &Projection) -> bool {
        self.inner().fits(plan)
    }
}

/// A handler's return value, not yet serialized.
///
/// [`Reply`](crate::Reply) puts a `Payload` into the extensions of the `http::Response` it becomes.
/// The pipeline layers read it there: a response model may check or replace the value, and
/// `SerializeLayer` turns it into bytes with the route's [response class](crate::class).
/// A response without a `Payload` was built by the handler itself and every pipeline layer
/// passes it through untouched.
///
/// The value sits behind an [`Arc`] because `http` 1 extensions must be `Clone`; cloning a
/// `Payload` never clones the value.
#[derive(Clone)]
pub struct Payload {
    value: Arc<dyn ErasedValue>,
    type_id: TypeId,
    status: Option<StatusCode>,
    route_status: Option<StatusCode>,
    from_reply: bool,
}

impl Payload {
    /// Wraps a value.
    pub fn new<T>(value: T) -> Self
    where
        T: Serialize + Send + Sync + 'static,
    {
        Self {
            value: Arc::new(value),
            type_id: TypeId::of::<T>(),
            status: None,
            route_status: None,
            from_reply: false,
        }
    }

    /// The payload of a response that [`Reply`](crate::Reply) built: that response is still
    /// its placeholder (`500`, `text/plain; charset=utf-8`, `Internal Server Error`) until a
    /// `SerializeLayer` renders it.
    pub(crate) fn from_reply<T>(value: T, status: Option<StatusCode>) -> Self
    where
        T: Serialize + Send + Sync + 'static,
    {
        let mut payload = Self::new(value);
        payload.status = status;
        payload.from_reply = true;
        payload
    }

    /// Whether [`Reply`](crate::Reply) built the response that carries this payload, so that
    /// the response is Reply's placeholder: a `500 Internal Server Error`
    /// (`text/plain; charset=utf-8`) that logs, when it is sent, that no `SerializeLayer`
    /// rendered it. The serializing layer replaces its status, content-type and body. A payload
    /// put into a response by hand ([`Payload::new`]) is not.
    pub fn is_from_reply(&self) -> bool {
        self.from_reply
    }

    /// The status the value is to be sent with whatever the route and the class say, given
    /// the status of the response that carries it: the one set on the reply
    /// ([`status`](Self::status)), else, for a [`Reply`](crate::Reply)'s response, any status
    /// other than the placeholder's 500, which was set on the response after the reply became
    /// one (axum's `(StatusCode::CREATED, Reply::new(item))`).
    ///
    /// This is the one place that reads an explicit status: the serializing layer and the
    /// security layers' rejection hooks all ask it.
    pub fn explicit_status(&self, carried_by: StatusCode) -> Option<StatusCode> {
        match self.status {
            Some(status) => Some(status),
            None if self.from_reply && carried_by != StatusCode::INTERNAL_SERVER_ERROR => {
                Some(carried_by)
            }
            None => None,
        }
    }

    /// The [`TypeId`] of the value.
    pub fn type_id(&self) -> TypeId {
        self.type_id
    }

    /// The Rust type name of the value, for logs.
    pub fn type_name(&self) -> &'static str {
        self.value.type_name()
    }

    /// Whether the value is a `T`.
    pub fn is<T: 'static>(&self) -> bool {
        self.type_id == TypeId::of::<T>()
    }

    /// The value, if it is a `T`.
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        self.value.as_any().downcast_ref::<T>()
    }

    /// The value, shared, if it is a `T` (no copy).
    pub fn downcast_arc<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        // The type first: a clone that fails to downcast still costs two atomic operations.
        if !self.is::<T>() {
            return None;
        }
        let any: Arc<dyn Any + Send + Sync> = self.value.clone();
        any.downcast::<T>().ok()
    }

    /// The value itself, if it is a `T` and this payload is its only holder.
    ///
    /// # Errors
    /// Gives the payload back when the value is not a `T` or is shared.
    pub fn take<T: Serialize + Send + Sync + 'static>(mut self) -> Result<T, Self> {
        self.move_out::<T>().ok_or(self)
    }

    /// Replaces a `T` value by `f(value)` when this payload is its only holder, in place: the
    /// statuses and where the payload came from ([`is_from_reply`](Self::is_from_reply)) stay.
    /// This is a response model's `From<T>` conversion, with no copy of the value. Returns
    /// whether it replaced the value; a value that is not a `T`, or is shared, stays as it was.
    pub fn try_map<T, U>(&mut self, f: impl FnOnce(T) -> U) -> bool
    where
        T: Serialize + Send + Sync + 'static,
        U: Serialize + Send + Sync + 'static,
    {
        match self.move_out::<T>() {
            Some(value) => {
                self.value = Arc::new(f(value));
                self.type_id = TypeId::of::<U>();
                true
            }
            None => false,
        }
    }

    /// Moves the value out when it is a `T` held by this payload alone, leaving a shared `()`
    /// in its place (no allocation; the caller puts the next value in). Otherwise the payload
    /// stays as it was.
    fn move_out<T: Serialize + Send + Sync + 'static>(&mut self) -> Option<T> {
        let arc = self.downcast_arc::<T>()?;
        // The payload's own reference goes, so that `arc` can be the only one.
        drop(std::mem::replace(&mut self.value, unit()));
        match Arc::try_unwrap(arc) {
            Ok(value) => Some(value),
            Err(shared) => {
                self.value = shared;
                None
            }
        }
    }

    /// Records the value as a token stream, to be read as another type (see
    /// [`transcode`](crate::transcode)). Monomorphized: no dynamic dispatch per field.
    ///
    /// # Errors
    /// When the value has no JSON form.
    pub fn record_tokens(&self, tokens: &mut Tokens) -> Result<(), TranscodeError> {
        self.value.record(None, tokens)
    }

    /// The value as a `serde` value of unknown type (through `erased_serde`), for response
    /// classes that write a format of their own.
    pub fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self.value.as_serialize()
    }

    /// Replaces the value and keeps the status.
    pub fn replace<T>(&mut self, value: T)
    where
        T: Serialize + Send + Sync + 'static,
    {
        self.replace_arc(Arc::new(value));
    }

    /// Replaces the value by a shared one (no copy of it) and keeps the status.
    pub fn replace_arc<T>(&mut self, value: Arc<T>)
    where
        T: Serialize + Send + Sync + 'static,
    {
        self.value = value;
        self.type_id = TypeId::of::<T>();
    }

    /// Replaces the value by a boxed `M` lent from a pool: the payload reads as an `M`
    /// ([`is`](Self::is), [`downcast_ref`](Self::downcast_ref), serialization), and when its
    /// last clone is dropped the box goes to `back`, which may keep it for reuse. (The box is
    /// not shared out: [`downcast_arc`](Self::downcast_arc) and [`take`](Self::take) decline a
    /// lent value.) [`ResponseModelLayer`'s](https://docs.rs/towerapi-layers) generic path
    /// lends models this way, so that reading the next one reuses their allocations.
    pub fn replace_lent<M>(&mut self, value: Box<M>, back: Arc<dyn Fn(Box<M>) + Send + Sync>)
    where
        M: Serialize + Send + Sync + 'static,
    {
        self.value = Arc::new(Lent {
            value: Some(value),
            back,
        });
        self.type_id = TypeId::of::<M>();
    }

    /// Writes the value as the model of `plan` from now on, if it fits: a struct with each of
    /// the model's fields, once, in the model's order, of the model's own type (other fields
    /// are left out); see [`project`](crate::project). Returns whether it does. The value is
    /// not copied; the payload no longer reads as its old type, and not as the model either
    /// ([`type_name`](Self::type_name) is the model's).
    pub fn project(&mut self, plan: &Arc<Projection>) -> bool {
        if !self.value.fits(plan) {
            return false;
        }
        let source = std::mem::replace(&mut self.value, unit());
        self.value = Arc::new(Projected {
            view: ProjectedView {
                source,
                plan: plan.clone(),
            },
        });
        self.type_id = TypeId::of::<Projected>();
        true
    }

    /// Whether this value, written as the model of `plan`, gives what `model` gives: `model`'s
    /// own `Serialize` writes the plan's fields, in order, each as its own type (so not through
    /// a `serialize_with` wrapper, whatever the value), and the bytes are the same (with
    /// [`write_json`](Self::write_json)'s rules). `None` when this value does not fit the plan
    /// or either cannot be written. For checking, on a sample, that a model's `Serialize`
    /// writes its fields back as they were read.
    pub fn projects_as<M: Serialize + ?Sized>(&self, plan: &Projection, model: &M) -> Option<bool> {
        if !self.value.fits(plan) {
            return None;
        }
        match plan.structs_in(model) {
            None => return Some(false),
            // An empty list shows nothing of how the model writes its fields.
            Some(0) => return None,
            Some(_) => {}
        }
        let mut projected = Vec::new();
        self.value.write_json(Some(plan), &mut projected).ok()?;
        let mut written = Vec::new();
        crate::json_format::write_python_json(model, &mut written).ok()?;
        Some(projected == written)
    }

    /// The status the handler chose explicitly (FastAPI's `response.status_code = ...`), if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// Sets the explicit status.
    pub fn set_status(&mut self, status: Option<StatusCode>) {
        self.status = status;
    }

    /// The route's default status (`StatusLayer::default_status`), when a status layer has seen
    /// this payload before it was serialized.
    pub fn route_status(&self) -> Option<StatusCode> {
        self.route_status
    }

    /// Sets the route's default status, unless a layer closer to the handler already set one
    /// (the route's layer wins over the router's, as the inner one runs first).
    pub fn set_route_status_if_unset(&mut self, status: StatusCode) {
        self.route_status.get_or_insert(status);
    }

    /// Writes the value as compact JSON with FastAPI's rules (see [`Json`](crate::class::Json)).
    ///
    /// # Errors
    /// When the value cannot be represented in JSON: a map with keys that are not strings, a NaN
    /// or infinite float, a `Serialize` impl that fails.
    pub fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        self.value.write_json(None, out)
    }

    /// Writes the value as compact JSON with pydantic-core's rules, as FastAPI writes a route
    /// with a response model (see [`PydanticJson`](crate::class::PydanticJson)): NaN and
    /// infinities are `null`.
    ///
    /// # Errors
    /// When the value cannot be represented in JSON: a map with keys that are not strings, a
    /// `Serialize` impl that fails.
    pub fn write_pydantic_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        self.value.write_pydantic_json(None, out)
    }

    /// Writes the value with sonic-rs (see [`FastJson`](crate::class::FastJson)).
    ///
    /// # Errors
    /// When the value cannot be represented in JSON.
    #[cfg(feature = "fast-json")]
    pub fn write_fast_json(&self, out: &mut Vec<u8>) -> Result<(), sonic_rs::Error> {
        self.value.write_fast_json(None, out)
    }

    /// The value as text, for the response classes whose content is a string (HTML, plain
    /// text, a redirect URL). `None` when the value does not serialize as a string.
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        let any = self.value.as_any();
        if let Some(s) = any.downcast_ref::<String>() {
            return Some(s.as_str().into());
        }
        if let Some(s) = any.downcast_ref::<&'static str>() {
            return Some((*s).into());
        }
        // Any other type that serializes as a string (a newtype, `Cow<str>`, `Box<str>`...):
        // recorded as tokens, no `serde_json::Value` tree. Only the text classes get here.
        let mut tokens = Tokens::default();
        self.record_tokens(&mut tokens).ok()?;
        tokens.as_str().map(|s| s.to_owned().into())
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payload")
            .field("type", &self.type_name())
            .field("status", &self.status)
            .field("route_status", &self.route_status)
            .field("from_reply", &self.from_reply)
            .finish()
    }
}

/// Put into the response extensions by the layer that serialized a [`Payload`], so that an
/// outer status layer knows the response came through the pipeline.
///
/// Both markers are zero-sized: inserting them allocates nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Serialized;

/// Beside [`Serialized`] when the status was chosen explicitly (by the handler, or by a route
/// status layer that saw the payload before serialization): an outer status layer keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusFixed;

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn explicit_status_of_a_reply_and_of_a_payload_put_by_hand() {
        let chosen = Payload::from_reply(1, Some(StatusCode::ACCEPTED));
        assert!(chosen.is_from_reply());
        for carried in [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::CREATED] {
            assert_eq!(chosen.explicit_status(carried), Some(StatusCode::ACCEPTED));
        }

        // Set on the response after the reply became one; the placeholder's 500 is not.
        let reply = Payload::from_reply(1, None);
        assert_eq!(
            reply.explicit_status(StatusCode::CREATED),
            Some(StatusCode::CREATED)
        );
        assert_eq!(
            reply.explicit_status(StatusCode::INTERNAL_SERVER_ERROR),
            None
        );

        // A payload put into a response by hand: the response's status is not the reply's.
        let by_hand = Payload::new(1);
        assert!(!by_hand.is_from_reply());
        assert_eq!(by_hand.explicit_status(StatusCode::CREATED), None);
        let mut by_hand = by_hand;
        by_hand.set_status(Some(StatusCode::GONE));
        assert_eq!(
            by_hand.explicit_status(StatusCode::OK),
            Some(StatusCode::GONE)
        );
    }

    #[test]
    fn try_map_keeps_statuses_and_origin_and_declines_shared_values() {
        let mut payload = Payload::from_reply(2_u32, Some(StatusCode::CREATED));
        payload.set_route_status_if_unset(StatusCode::ACCEPTED);
        assert!(payload.try_map::<u32, String>(|n| n.to_string()));
        assert!(payload.is::<String>());
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("2")
        );
        assert_eq!(payload.status(), Some(StatusCode::CREATED));
        assert_eq!(payload.route_status(), Some(StatusCode::ACCEPTED));
        assert!(payload.is_from_reply());

        assert!(!payload.try_map::<u32, u64>(u64::from), "not a u32");
        assert!(payload.is::<String>());
        let shared = payload.clone();
        assert!(!payload.try_map::<String, usize>(|s| s.len()), "shared");
        assert_eq!(
            payload.downcast_ref::<String>().map(String::as_str),
            Some("2")
        );
        assert!(payload.is_from_reply());
        drop(shared);
        assert!(payload.try_map::<String, usize>(|s| s.len()));
        assert_eq!(payload.downcast_ref::<usize>(), Some(&1));
    }

    #[test]
    fn take_keeps_where_the_payload_came_from() {
        let reply = Payload::from_reply(String::from("x"), None);
        let shared = reply.clone();
        let back = reply.take::<String>().expect_err("shared: given back");
        assert!(back.is_from_reply());
        drop(shared);
        assert_eq!(back.take::<String>().ok(), Some(String::from("x")));
    }

    #[derive(Serialize, Clone)]
    struct Row {
        id: u64,
        secret: &'static str,
        score: f64,
        tags: Vec<String>,
    }

    #[derive(Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Out {
        id: u64,
        score: f64,
        tags: Vec<String>,
    }

    fn projected(score: f64) -> Payload {
        let plan = Arc::new(Projection::of::<Out>().unwrap());
        let mut payload = Payload::from_reply(
            Row {
                id: 1,
                secret: "hunter2",
                score,
                tags: vec!["é".into()],
            },
            Some(StatusCode::CREATED),
        );
        assert!(payload.project(&plan));
        payload
    }

    #[test]
    fn a_projected_payload_writes_the_model_with_every_writer() {
        let payload = projected(1e20);
        assert_eq!(payload.status(), Some(StatusCode::CREATED));
        assert!(payload.is_from_reply());
        assert_eq!(payload.type_name(), std::any::type_name::<Out>());
        let model = Out {
            id: 1,
            score: 1e20,
            tags: vec!["é".into()],
        };
        let expected = |write: fn(&Payload, &mut Vec<u8>) -> Result<(), serde_json::Error>| {
            let mut out = Vec::new();
            write(&Payload::new(clone_out(&model)), &mut out).unwrap();
            out
        };
        let mut out = Vec::new();
        payload.write_json(&mut out).unwrap();
        assert_eq!(out, expected(Payload::write_json));
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"id":1,"score":1e+20,"tags":["é"]}"#
        );
        let mut out = Vec::new();
        payload.write_pydantic_json(&mut out).unwrap();
        assert_eq!(out, expected(Payload::write_pydantic_json));
        // Through erased_serde, for a class of one's own.
        assert_eq!(
            serde_json::to_string(payload.as_serialize()).unwrap(),
            serde_json::to_string(&model).unwrap()
        );
        let mut tokens = Tokens::default();
        payload.record_tokens(&mut tokens).unwrap();
        assert_eq!(tokens.deserialize::<Out>().unwrap(), model);
        // A projection is not projected again.
        let mut again = payload.clone();
        assert!(!again.project(&Arc::new(Projection::of::<Out>().unwrap())));
    }

    fn clone_out(o: &Out) -> Out {
        Out {
            id: o.id,
            score: o.score,
            tags: o.tags.clone(),
        }
    }

    #[test]
    fn a_projected_nan_is_refused_by_json_and_null_in_pydantic_json() {
        let payload = projected(f64::NAN);
        assert!(payload.write_json(&mut Vec::new()).is_err());
        let mut out = Vec::new();
        payload.write_pydantic_json(&mut out).unwrap();
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            r#"{"id":1,"score":null,"tags":["é"]}"#
        );
    }

    #[test]
    fn projects_as_compares_the_projection_with_the_model() {
        let plan = Projection::of::<Out>().unwrap();
        let row = Payload::new(Row {
            id: 2,
            secret: "x",
            score: 0.5,
            tags: vec![],
        });
        let same = Out {
            id: 2,
            score: 0.5,
            tags: vec![],
        };
        assert_eq!(row.projects_as(&plan, &same), Some(true));
        let other = Out { id: 3, ..same };
        assert_eq!(row.projects_as(&plan, &other), Some(false));
        assert_eq!(
            Payload::new(serde_json::json!({"id": 2})).projects_as(&plan, &other),
            None,
            "does not fit: says nothing"
        );
    }
}
