//! A struct written as its response model without building the model: the fields the model
//! declares, when they have the model's own types, are written as they are, in the model's
//! order, and the others are left out.
//!
//! A response model's generic path reads the model from the value's serde form
//! ([`transcode`](crate::transcode)) and then writes the model: two passes over every token
//! and a copy of every string. When the value is a struct whose fields that the model keeps
//! have exactly the model's field types (a row and its public model, `User` and `UserOut`),
//! the model would be built from those very values and written back as they are, so a
//! [`Projection`] writes them straight from the value instead.
//!
//! A [`Projection`] is learnt from the model's derived `Deserialize` (its field names, in
//! order, and the type each is read as). Whether the model's `Serialize` writes those fields
//! back unchanged is for the caller to establish; towerapi-layers' `ResponseModelLayer` checks
//! it on the model's schema and on sample values before it projects anything.
//!
//! # Example
//! ```
//! use serde::{Deserialize, Serialize};
//! use towerapi_encode::{project::Projection, Payload};
//!
//! #[derive(Serialize)]
//! struct User { id: u64, name: String, password_hash: String }
//! #[derive(Serialize, Deserialize)]
//! struct UserOut { id: u64, name: String }
//!
//! let plan = std::sync::Arc::new(Projection::of::<UserOut>().unwrap());
//! assert_eq!(plan.field_names().collect::<Vec<_>>(), ["id", "name"]);
//!
//! let mut payload = Payload::new(User { id: 7, name: "alice".into(), password_hash: "x".into() });
//! assert!(payload.project(&plan));
//! let mut out = Vec::new();
//! payload.write_json(&mut out).unwrap();
//! assert_eq!(out, br#"{"id":7,"name":"alice"}"#);
//! ```

use std::any::TypeId;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Impossible, Serialize, SerializeSeq, SerializeStruct, Serializer};

/// A model's fields as its `Deserialize` reads them: the plan for writing a struct (or a list
/// of structs) as that model (see the [module](self)).
#[derive(Clone, Debug)]
pub struct Projection {
    model: &'static str,
    name: &'static str,
    fields: Box<[Field]>,
    /// The model is a list of those structs (`Vec<M>`, FastAPI's `list[M]`).
    list: bool,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    name: &'static str,
    type_id: TypeId,
}

/// Where a value's field goes in the model.
enum Place {
    /// It is the model's next field, with the model's type.
    Next,
    /// The model has no such field: left out.
    Dropped,
    /// A model field out of order, twice, or of another type.
    Unfit,
}

impl Projection {
    /// The plan of a model whose `Deserialize` reads a struct with named fields, ignoring
    /// fields it does not know (serde's derive, without `deny_unknown_fields` or `flatten`), or
    /// a sequence of such structs (`Vec<M>`; a set reads as a sequence too, which the caller
    /// must tell apart: its order is not the value's). `None` for any other model: a map, an
    /// enum, a list of lists, a hand-written impl that reads something else.
    ///
    /// A field read with `deserialize_with` is read as a type of serde's making, which no
    /// value's field has: such a model has a plan, but no value fits it. serde lists a field's
    /// aliases among the names, so a value fits such a model only if it has those names too.
    pub fn of<M: DeserializeOwned>() -> Option<Self> {
        let first = trace::<M>(None);
        let (name, names) = first.shape?;
        let list = first.list;
        if names.is_empty() {
            return None;
        }
        let mut fields = Vec::with_capacity(names.len());
        for (i, &field) in names.iter().enumerate() {
            if names[..i].contains(&field) {
                return None;
            }
            let traced = trace::<M>(Some(field));
            // The same struct every time, and the key read as this field's value.
            if traced.shape != Some((name, names)) || traced.list != list {
                return None;
            }
            fields.push(Field {
                name: field,
                type_id: traced.value?,
            });
        }
        // A value's extra fields (a row's password hash) must be ones the model ignores.
        let unknown = trace::<M>(Some("\u{0}towerapi: a field no model declares"));
        if unknown.value != Some(TypeId::of::<de::IgnoredAny>()) {
            return None;
        }
        Some(Self {
            model: std::any::type_name::<M>(),
            name,
            fields: fields.into(),
            list,
        })
    }

    /// Whether the model is a list of structs.
    pub fn is_list(&self) -> bool {
        self.list
    }

    /// The model's field names (serde names), in order.
    pub fn field_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }

    /// The model's Rust type.
    pub fn model(&self) -> &'static str {
        self.model
    }

    /// Whether a value of type `T` that serializes as a struct with these fields (or, for a
    /// list model, as a sequence of such structs) is written as the model would be: every
    /// model field present once, in the model's order, each of the model's own type (other
    /// fields are left out). Only the field names and types are looked at; no value is
    /// serialized.
    pub(crate) fn fits<T: Serialize + ?Sized>(&self, value: &T) -> bool {
        self.structs_in(value).is_some()
    }

    /// [`fits`](Self::fits), with the number of structs checked (a list's elements).
    pub(crate) fn structs_in<T: Serialize + ?Sized>(&self, value: &T) -> Option<usize> {
        let seen = Cell::new(0);
        Project::new(value, self)
            .serialize(Discard(&seen))
            .ok()
            .map(|()| seen.get())
    }

    fn place(&self, next: usize, key: &str, type_id: Option<TypeId>) -> Place {
        if let Some(field) = self.fields.get(next) {
            if field.name == key {
                return if type_id.is_none_or(|t| t == field.type_id) {
                    Place::Next
                } else {
                    Place::Unfit
                };
            }
        }
        if self.has(key) {
            Place::Unfit
        } else {
            Place::Dropped
        }
    }

    fn has(&self, key: &str) -> bool {
        self.fields.iter().any(|f| f.name == key)
    }
}

/// A value written as its model: `T`'s own `Serialize`, with the fields the model does not
/// have left out. Only for a value that [fits](Projection::fits); any other fails to
/// serialize.
pub(crate) struct Project<'a, T: ?Sized> {
    value: &'a T,
    at: At<'a>,
}

/// How a value is written as its model, at one level.
#[derive(Clone, Copy)]
struct At<'a> {
    plan: &'a Projection,
    /// Whether the fields' types are checked (not through `erased_serde`, which hides them).
    types: bool,
    /// Inside a list model's sequence: a struct is expected, not another sequence.
    in_list: bool,
}

impl<'a, T: ?Sized> Project<'a, T> {
    /// The value at the model's top level.
    pub(crate) fn new(value: &'a T, plan: &'a Projection) -> Self {
        Self {
            value,
            at: At {
                plan,
                types: true,
                in_list: false,
            },
        }
    }
}

impl<'a> Project<'a, dyn erased_serde::Serialize + 'a> {
    /// A value behind `erased_serde`, whose fields' types are erased too: only the names and
    /// their order are checked again (the types were, by [`Projection::fits`], on the value
    /// itself).
    pub(crate) fn erased(
        value: &'a (dyn erased_serde::Serialize + 'a),
        plan: &'a Projection,
    ) -> Self {
        Self {
            at: At {
                types: false,
                ..Self::new(value, plan).at
            },
            value,
        }
    }
}

impl<T: Serialize + ?Sized> Serialize for Project<'_, T> {
    #[inline]
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Onto {
            inner: serializer,
            at: self.at,
        })
    }
}

const NOT_A_STRUCT: &str = "the value no longer has the fields of the response model";

/// The serializer `T` writes to: a struct becomes the model's struct on `inner` (for a list
/// model, a sequence becomes a sequence of them); anything else is an error.
struct Onto<'a, S> {
    inner: S,
    at: At<'a>,
}

impl At<'_> {
    /// Whether a struct is what the plan expects here (else a sequence is).
    fn wants_struct(&self) -> bool {
        !self.plan.list || self.in_list
    }
}

macro_rules! refuse {
    ($($name:ident($($ty:ty),*) -> $ret:ty;)*) => {
        $(
            fn $name(self, $(_: $ty),*) -> Result<$ret, Self::Error> {
                Err(ser::Error::custom(NOT_A_STRUCT))
            }
        )*
    };
}

macro_rules! refuse_generic {
    ($($name:ident($($ty:ty),*);)*) => {
        $(
            fn $name<T: Serialize + ?Sized>(self, $(_: $ty,)* _: &T) -> Result<Self::Ok, Self::Error> {
                Err(ser::Error::custom(NOT_A_STRUCT))
            }
        )*
    };
}

/// Every method but `serialize_struct` and `serialize_seq`, refused.
macro_rules! only_structs {
    () => {
        refuse! {
            serialize_bool(bool) -> Self::Ok;
            serialize_i8(i8) -> Self::Ok;
            serialize_i16(i16) -> Self::Ok;
            serialize_i32(i32) -> Self::Ok;
            serialize_i64(i64) -> Self::Ok;
            serialize_u8(u8) -> Self::Ok;
            serialize_u16(u16) -> Self::Ok;
            serialize_u32(u32) -> Self::Ok;
            serialize_u64(u64) -> Self::Ok;
            serialize_f32(f32) -> Self::Ok;
            serialize_f64(f64) -> Self::Ok;
            serialize_char(char) -> Self::Ok;
            serialize_str(&str) -> Self::Ok;
            serialize_bytes(&[u8]) -> Self::Ok;
            serialize_none() -> Self::Ok;
            serialize_unit() -> Self::Ok;
            serialize_unit_struct(&'static str) -> Self::Ok;
            serialize_unit_variant(&'static str, u32, &'static str) -> Self::Ok;
            serialize_tuple(usize) -> Self::SerializeTuple;
            serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
            serialize_map(Option<usize>) -> Self::SerializeMap;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
        }
        refuse_generic! {
            serialize_some();
            serialize_newtype_struct(&'static str);
            serialize_newtype_variant(&'static str, u32, &'static str);
        }
    };
}

impl<'a, S: Serializer> Serializer for Onto<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = OntoSeq<'a, S::SerializeSeq>;
    type SerializeTuple = Impossible<S::Ok, S::Error>;
    type SerializeTupleStruct = Impossible<S::Ok, S::Error>;
    type SerializeTupleVariant = Impossible<S::Ok, S::Error>;
    type SerializeMap = Impossible<S::Ok, S::Error>;
    type SerializeStruct = OntoStruct<'a, S::SerializeStruct>;
    type SerializeStructVariant = Impossible<S::Ok, S::Error>;

    only_structs!();

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> {
        if self.at.wants_struct() {
            return Err(ser::Error::custom(NOT_A_STRUCT));
        }
        Ok(OntoSeq {
            inner: self.inner.serialize_seq(len)?,
            at: At {
                in_list: true,
                ..self.at
            },
        })
    }

    #[inline]
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Self::Error> {
        if !self.at.wants_struct() {
            return Err(ser::Error::custom(NOT_A_STRUCT));
        }
        let plan = self.at.plan;
        Ok(OntoStruct {
            inner: self.inner.serialize_struct(plan.name, plan.fields.len())?,
            at: self.at,
            next: 0,
        })
    }
}

/// A list model's sequence: each element written as the model's struct.
struct OntoSeq<'a, I> {
    inner: I,
    /// The elements' level (`in_list`).
    at: At<'a>,
}

impl<I: SerializeSeq> SerializeSeq for OntoSeq<'_, I> {
    type Ok = I::Ok;
    type Error = I::Error;

    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), I::Error> {
        self.inner
            .serialize_element(&Project { value, at: self.at })
    }

    #[inline]
    fn end(self) -> Result<I::Ok, I::Error> {
        self.inner.end()
    }
}

/// The value's fields, written as the model's.
struct OntoStruct<'a, I> {
    inner: I,
    at: At<'a>,
    next: usize,
}

impl<I: SerializeStruct> SerializeStruct for OntoStruct<'_, I> {
    type Ok = I::Ok;
    type Error = I::Error;

    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error> {
        let plan = self.at.plan;
        let type_id = self.at.types.then(typeid::of::<T>);
        match plan.place(self.next, key, type_id) {
            Place::Next => {
                self.inner
                    .serialize_field(plan.fields[self.next].name, value)?;
                self.next += 1;
                Ok(())
            }
            Place::Dropped => Ok(()),
            Place::Unfit => Err(ser::Error::custom(NOT_A_STRUCT)),
        }
    }

    #[inline]
    fn skip_field(&mut self, key: &'static str) -> Result<(), Self::Error> {
        if self.at.plan.has(key) {
            Err(ser::Error::custom(NOT_A_STRUCT))
        } else {
            Ok(())
        }
    }

    #[inline]
    fn end(self) -> Result<Self::Ok, Self::Error> {
        if self.next == self.at.plan.fields.len() {
            self.inner.end()
        } else {
            Err(ser::Error::custom(NOT_A_STRUCT))
        }
    }
}

/// The error of [`Discard`] and of the tracer: no message, only "not this way".
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// A serializer that takes a struct (or a sequence of them) and looks at nothing in it, for
/// [`Projection::fits`]: the checks are [`OntoStruct`]'s, on field names and types only. It
/// counts the structs.
#[derive(Clone, Copy)]
struct Discard<'c>(&'c Cell<usize>);

impl<'c> Serializer for Discard<'c> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Discard<'c>;
    type SerializeTuple = Impossible<(), Stop>;
    type SerializeTupleStruct = Impossible<(), Stop>;
    type SerializeTupleVariant = Impossible<(), Stop>;
    type SerializeMap = Impossible<(), Stop>;
    type SerializeStruct = Discard<'c>;
    type SerializeStructVariant = Impossible<(), Stop>;

    only_structs!();

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }
}

impl SerializeSeq for Discard<'_> {
    type Ok = ();
    type Error = Stop;

    /// The element is a [`Project`]: serializing it runs the checks on the struct.
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Stop> {
        value.serialize(*self)
    }

    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl SerializeStruct for Discard<'_> {
    type Ok = ();
    type Error = Stop;

    #[inline]
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Ok(())
    }

    fn end(self) -> Result<(), Stop> {
        self.0.set(self.0.get() + 1);
        Ok(())
    }
}

/// What one run of a model's `Deserialize` against the tracer showed.
#[derive(Default)]
struct Traced {
    /// The struct name and field names it asked for.
    shape: Option<(&'static str, &'static [&'static str])>,
    /// The type it read the probed key's value as.
    value: Option<TypeId>,
    /// It asked for a sequence first (a list model), then for the struct inside.
    list: bool,
}

/// Runs `M`'s `Deserialize` once: it is shown a struct holding only `key` (nothing when
/// `None`), and stopped when it asks for that key's value.
fn trace<M: DeserializeOwned>(key: Option<&'static str>) -> Traced {
    let mut traced = Traced::default();
    // Always an error: the tracer never gives a value.
    let _ = M::deserialize(Tracer {
        key,
        traced: &mut traced,
        in_list: false,
    });
    traced
}

struct Tracer<'a> {
    key: Option<&'static str>,
    traced: &'a mut Traced,
    in_list: bool,
}

impl<'de> de::Deserializer<'de> for Tracer<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.traced.shape = Some((name, fields));
        match self.key {
            None => Err(Stop),
            Some(key) => visitor.visit_map(Probe {
                key: Some(key),
                traced: self.traced,
            }),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if self.in_list {
            return Err(Stop);
        }
        self.traced.list = true;
        visitor.visit_seq(ProbeList {
            key: self.key,
            traced: Some(self.traced),
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The sequence a tracer shows a list model: one element, traced as the top level is.
struct ProbeList<'a> {
    key: Option<&'static str>,
    /// `Some` until the element is asked for.
    traced: Option<&'a mut Traced>,
}

impl<'de> SeqAccess<'de> for ProbeList<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.traced.take() {
            Some(traced) => seed
                .deserialize(Tracer {
                    key: self.key,
                    traced,
                    in_list: true,
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The map a tracer shows: one key, whose value is never given.
struct Probe<'a> {
    key: Option<&'static str>,
    traced: &'a mut Traced,
}

impl<'de> MapAccess<'de> for Probe<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed
                .deserialize(de::value::BorrowedStrDeserializer::<Stop>::new(key))
                .map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, _: V) -> Result<V::Value, Stop> {
        self.traced.value = Some(typeid::of::<V::Value>());
        Err(Stop)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Item {
        id: u32,
        tags: Vec<String>,
    }

    #[derive(Serialize, Deserialize)]
    struct Out {
        id: u64,
        #[serde(rename = "userName")]
        name: String,
        email: Option<String>,
        items: Vec<Item>,
    }

    #[derive(Serialize)]
    struct Row {
        id: u64,
        #[serde(rename = "userName")]
        name: String,
        password_hash: String,
        email: Option<String>,
        items: Vec<Item>,
        extra: f64,
    }

    fn row() -> Row {
        Row {
            id: 3,
            name: "ann".into(),
            password_hash: "secret".into(),
            email: None,
            items: vec![Item {
                id: 1,
                tags: vec!["a".into()],
            }],
            extra: 1.5,
        }
    }

    fn json<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn a_derived_model_gives_its_fields_in_order_with_their_types() {
        let plan = Projection::of::<Out>().unwrap();
        assert_eq!(
            plan.field_names().collect::<Vec<_>>(),
            ["id", "userName", "email", "items"]
        );
        let types: Vec<TypeId> = plan.fields.iter().map(|f| f.type_id).collect();
        assert_eq!(
            types,
            [
                TypeId::of::<u64>(),
                TypeId::of::<String>(),
                TypeId::of::<Option<String>>(),
                TypeId::of::<Vec<Item>>()
            ]
        );
        assert_eq!(plan.name, "Out");
        assert!(plan.model().ends_with("Out"));
    }

    #[test]
    fn models_it_cannot_project_onto() {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Strict {
            id: u64,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Flat {
            id: u64,
            #[serde(flatten)]
            rest: std::collections::HashMap<String, u64>,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Aliased {
            #[serde(alias = "mail")]
            email: String,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Unit;
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Tuple(u64, String);

        assert!(Projection::of::<Strict>().is_none(), "deny_unknown_fields");
        assert!(Projection::of::<Flat>().is_none(), "flatten");
        // serde lists an alias among the field names: a value with only the main name does
        // not fit (the layer's schema check also turns such a model down).
        #[derive(Serialize)]
        struct Mail {
            email: String,
        }
        let aliased = Projection::of::<Aliased>().unwrap();
        assert_eq!(aliased.field_names().collect::<Vec<_>>(), ["email", "mail"]);
        assert!(!aliased.fits(&Mail {
            email: "a@b".into()
        }));
        assert!(Projection::of::<Unit>().is_none());
        assert!(Projection::of::<Tuple>().is_none());
        assert!(
            Projection::of::<Vec<Vec<Item>>>().is_none(),
            "a list of lists"
        );
        assert!(Projection::of::<Vec<u64>>().is_none(), "a list of numbers");
        assert!(Projection::of::<serde_json::Value>().is_none());
        assert!(Projection::of::<std::collections::HashMap<String, u64>>().is_none());
        assert!(Projection::of::<u64>().is_none());
    }

    #[test]
    fn a_struct_with_the_models_fields_is_written_as_the_model() {
        let plan = Projection::of::<Out>().unwrap();
        let row = row();
        assert!(plan.fits(&row));
        assert_eq!(
            json(&Project::new(&row, &plan)),
            r#"{"id":3,"userName":"ann","email":null,"items":[{"id":1,"tags":["a"]}]}"#
        );
        // The model itself, read and written back: the same bytes.
        let out: Out = serde_json::from_str(&json(&row)).unwrap();
        assert_eq!(json(&out), json(&Project::new(&row, &plan)));
    }

    #[test]
    fn values_that_do_not_fit() {
        let plan = Projection::of::<Out>().unwrap();

        #[derive(Serialize)]
        struct OtherType {
            id: u32,
            #[serde(rename = "userName")]
            name: String,
            email: Option<String>,
            items: Vec<Item>,
        }
        #[derive(Serialize)]
        struct Missing {
            id: u64,
            #[serde(rename = "userName")]
            name: String,
            items: Vec<Item>,
        }
        #[derive(Serialize)]
        struct Reordered {
            #[serde(rename = "userName")]
            name: String,
            id: u64,
            email: Option<String>,
            items: Vec<Item>,
        }
        #[derive(Serialize)]
        struct Skipping {
            id: u64,
            #[serde(rename = "userName")]
            name: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            email: Option<String>,
            items: Vec<Item>,
        }
        #[derive(Serialize)]
        struct Borrowed<'a> {
            id: u64,
            #[serde(rename = "userName")]
            name: &'a str,
            email: Option<String>,
            items: Vec<Item>,
        }
        let items = Vec::new;
        assert!(!plan.fits(&OtherType {
            id: 1,
            name: String::new(),
            email: None,
            items: items()
        }));
        assert!(!plan.fits(&Missing {
            id: 1,
            name: String::new(),
            items: items()
        }));
        assert!(!plan.fits(&Reordered {
            id: 1,
            name: String::new(),
            email: None,
            items: items()
        }));
        let skipping = |email| Skipping {
            id: 1,
            name: String::new(),
            email,
            items: items(),
        };
        assert!(!plan.fits(&skipping(None)), "a skipped model field");
        assert!(plan.fits(&skipping(Some("a@b".into()))));
        assert!(!plan.fits(&Borrowed {
            id: 1,
            name: "x",
            email: None,
            items: items()
        }));
        assert!(!plan.fits(&serde_json::json!({"id": 1, "userName": "x"})));
        assert!(!plan.fits(&Some(row())), "an Option is not a struct");
        assert!(!plan.fits(&7_u64));

        // Writing a value that does not fit fails: nothing half-written is sent as the model.
        let mut out = Vec::new();
        let written = Project::new(&skipping(None), &plan)
            .serialize(&mut serde_json::Serializer::new(&mut out));
        assert!(written.is_err());
    }

    #[test]
    fn a_list_model_takes_a_sequence_of_structs_that_fit() {
        let plan = Projection::of::<Vec<Out>>().unwrap();
        assert!(plan.is_list());
        assert_eq!(
            plan.field_names().collect::<Vec<_>>(),
            ["id", "userName", "email", "items"]
        );
        assert!(!Projection::of::<Out>().unwrap().is_list());
        let rows = vec![row(), row()];
        assert_eq!(plan.structs_in(&rows), Some(2));
        assert_eq!(plan.structs_in(&Vec::<Row>::new()), Some(0));
        let written = json(&Project::new(&rows, &plan));
        let read: Vec<Out> = serde_json::from_str(&json(&rows)).unwrap();
        assert_eq!(written, json(&read));
        assert!(written.starts_with(r#"[{"id":3,"userName":"ann","email":null"#));
        // A struct where a list is expected, a list where a struct is, a list of lists.
        assert!(!plan.fits(&row()));
        assert!(!Projection::of::<Out>().unwrap().fits(&rows));
        assert!(!plan.fits(&vec![vec![row()]]));
        // One element that does not fit is enough.
        #[derive(Serialize)]
        #[serde(untagged)]
        enum Either {
            Row(Row),
            Id(u64),
        }
        assert!(!plan.fits(&vec![Either::Row(row()), Either::Id(1)]));
    }

    #[test]
    fn a_field_read_with_deserialize_with_fits_no_value() {
        fn upper<'de, D: de::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
            String::deserialize(d).map(|s| s.to_uppercase())
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Shouting {
            #[serde(deserialize_with = "upper")]
            name: String,
        }
        #[derive(Serialize)]
        struct Named {
            name: String,
        }
        let plan = Projection::of::<Shouting>().unwrap();
        assert!(!plan.fits(&Named { name: "a".into() }));
    }
}
