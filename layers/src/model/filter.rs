//! The serializer adapter that applies a response model's output options while it is written:
//! include, exclude, exclude_none, exclude_unset, exclude_defaults and field names.

use serde::ser::{self, Serialize, SerializeMap, Serializer};
use towerapi_encode::transcode::{Presence, Tokens};

use super::paths::PathNode;
use super::Options;

/// Where in the value the writer is, and what applies there.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub(crate) options: &'a Options,
    /// `None`: everything is included.
    pub(crate) include: Option<&'a PathNode>,
    /// `None`: nothing is excluded.
    pub(crate) exclude: Option<&'a PathNode>,
    /// The keys the original payload had here, when "unset" is known from it.
    pub(crate) presence: Option<&'a Presence>,
    /// The model's defaults for the fields at this level (the top level only).
    pub(crate) defaults: Option<&'a [(String, Tokens)]>,
}

enum Decision<'a> {
    Skip,
    Keep(Ctx<'a>),
}

impl<'a> Ctx<'a> {
    fn below(&self) -> Ctx<'a> {
        Ctx {
            defaults: None,
            ..*self
        }
    }

    fn field<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Decision<'a> {
        let include = match self.include {
            None => None,
            Some(n) if n.leaf => None,
            Some(n) => match n.field(key) {
                None => return Decision::Skip,
                Some(c) if c.leaf => None,
                Some(c) => Some(c),
            },
        };
        let exclude = match self.exclude.and_then(|n| n.field(key)) {
            Some(c) if c.leaf => return Decision::Skip,
            other => other,
        };
        let presence = match self.presence {
            Some(Presence::Map(keys)) if self.options.exclude_unset => match keys.get(key) {
                None => return Decision::Skip,
                Some(p) => Some(p),
            },
            _ => None,
        };
        if self.options.exclude_none && is_none(value) {
            return Decision::Skip;
        }
        if let Some(defaults) = self.defaults {
            if let Some((_, default)) = defaults.iter().find(|(k, _)| k == key) {
                if Tokens::from_value(value).is_ok_and(|t| t.same_value(default)) {
                    return Decision::Skip;
                }
            }
        }
        Decision::Keep(Ctx {
            include,
            exclude,
            presence,
            defaults: None,
            options: self.options,
        })
    }

    fn element(&self, index: usize) -> Decision<'a> {
        let include = match self.include {
            None => None,
            Some(n) if n.leaf => None,
            Some(n) => match n.element(index) {
                None => return Decision::Skip,
                Some(c) if c.leaf => None,
                Some(c) => Some(c),
            },
        };
        let exclude = match self.exclude.and_then(|n| n.element(index)) {
            Some(c) if c.leaf => return Decision::Skip,
            other => other,
        };
        let presence = match self.presence {
            Some(Presence::Seq(items)) => items.get(index),
            _ => None,
        };
        Decision::Keep(Ctx {
            include,
            exclude,
            presence,
            defaults: None,
            options: self.options,
        })
    }
}

/// A value written through [`Filter`].
pub(crate) struct Filtered<'a, T: ?Sized> {
    pub(crate) value: &'a T,
    pub(crate) ctx: Ctx<'a>,
}

impl<T: Serialize + ?Sized> Serialize for Filtered<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Filter {
            inner: serializer,
            ctx: self.ctx,
        })
    }
}

pub(crate) struct Filter<'a, S> {
    inner: S,
    ctx: Ctx<'a>,
}

macro_rules! forward {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name(self, $($arg: $ty),*) -> Result<S::Ok, S::Error> {
            self.inner.$name($($arg),*)
        }
    )*};
}

impl<'a, S: Serializer> Serializer for Filter<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = FilterSeq<'a, S::SerializeSeq>;
    type SerializeTuple = FilterSeq<'a, S::SerializeTuple>;
    type SerializeTupleStruct = FilterSeq<'a, S::SerializeTupleStruct>;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = FilterMap<'a, S::SerializeMap>;
    type SerializeStruct = FilterMap<'a, S::SerializeMap>;
    type SerializeStructVariant = S::SerializeStructVariant;

    forward! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(&Filtered {
            value,
            ctx: self.ctx,
        })
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(
            name,
            &Filtered {
                value,
                ctx: self.ctx,
            },
        )
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_variant(
            name,
            index,
            variant,
            &Filtered {
                value,
                ctx: self.ctx.below(),
            },
        )
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        Ok(FilterSeq {
            inner: self.inner.serialize_seq(len)?,
            ctx: self.ctx,
            index: 0,
        })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        Ok(FilterSeq {
            inner: self.inner.serialize_tuple(len)?,
            ctx: self.ctx,
            index: 0,
        })
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        Ok(FilterSeq {
            inner: self.inner.serialize_tuple_struct(name, len)?,
            ctx: self.ctx,
            index: 0,
        })
    }

    // Enum variants with fields are written as they are: paths do not reach inside them.
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.inner
            .serialize_tuple_variant(name, index, variant, len)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        // A length promise could be broken by skipped entries.
        let _ = len;
        Ok(FilterMap {
            inner: self.inner.serialize_map(None)?,
            ctx: self.ctx,
            key: None,
            rename: false,
        })
    }

    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        // Written as a map: its keys may be renamed (field names instead of aliases) and skipped.
        let rename = !self.ctx.options.by_alias;
        Ok(FilterMap {
            inner: self.inner.serialize_map(None)?,
            ctx: self.ctx,
            key: None,
            rename,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.inner
            .serialize_struct_variant(name, index, variant, len)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

pub(crate) struct FilterSeq<'a, C> {
    inner: C,
    ctx: Ctx<'a>,
    index: usize,
}

impl<'a, C> FilterSeq<'a, C> {
    fn next(&mut self) -> Decision<'a> {
        let d = self.ctx.element(self.index);
        self.index += 1;
        d
    }
}

macro_rules! filter_seq {
    ($trait:ident, $method:ident) => {
        impl<C: ser::$trait> ser::$trait for FilterSeq<'_, C> {
            type Ok = C::Ok;
            type Error = C::Error;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                match self.next() {
                    Decision::Skip => Ok(()),
                    Decision::Keep(ctx) => self.inner.$method(&Filtered { value, ctx }),
                }
            }

            fn end(self) -> Result<C::Ok, C::Error> {
                self.inner.end()
            }
        }
    };
}

filter_seq!(SerializeSeq, serialize_element);
filter_seq!(SerializeTuple, serialize_element);
filter_seq!(SerializeTupleStruct, serialize_field);

pub(crate) struct FilterMap<'a, M> {
    inner: M,
    ctx: Ctx<'a>,
    /// A map key waiting for its value (the decision needs both).
    key: Option<String>,
    rename: bool,
}

impl<M: SerializeMap> FilterMap<'_, M> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), M::Error> {
        match self.ctx.field(key, value) {
            Decision::Skip => Ok(()),
            Decision::Keep(ctx) => {
                let value = Filtered { value, ctx };
                if self.rename {
                    self.inner.serialize_entry(&snake_case(key), &value)
                } else {
                    self.inner.serialize_entry(key, &value)
                }
            }
        }
    }
}

impl<M: SerializeMap> SerializeMap for FilterMap<'_, M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), M::Error> {
        self.key = Some(key_string(key).map_err(ser::Error::custom)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), M::Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("serialize_value before serialize_key"))?;
        self.entry(&key, value)
    }

    fn end(self) -> Result<M::Ok, M::Error> {
        self.inner.end()
    }
}

impl<M: SerializeMap> ser::SerializeStruct for FilterMap<'_, M> {
    type Ok = M::Ok;
    type Error = M::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), M::Error> {
        self.entry(key, value)
    }

    fn end(self) -> Result<M::Ok, M::Error> {
        self.inner.end()
    }
}

/// A map key as text, as JSON writes it.
fn key_string<T: Serialize + ?Sized>(key: &T) -> Result<String, String> {
    let tokens = Tokens::from_value(key).map_err(|e| e.to_string())?;
    tokens
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "key must be a string".to_owned())
}

/// Whether a value is written as null.
fn is_none<T: Serialize + ?Sized>(value: &T) -> bool {
    value.serialize(NoneProbe).unwrap_or(false)
}

/// `itemName` -> `item_name`: the Rust field name behind a camelCase alias.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.char_indices() {
        if c.is_uppercase() {
            if i > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else if c == '-' {
            out.push('_');
        } else {
            out.push(c);
        }
    }
    out
}

/// Answers whether a value serializes as null, stopping at the first call.
struct NoneProbe;

#[derive(Debug)]
struct NotNone;

impl std::fmt::Display for NotNone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not none")
    }
}

impl std::error::Error for NotNone {}

impl ser::Error for NotNone {
    fn custom<T: std::fmt::Display>(_msg: T) -> Self {
        NotNone
    }
}

macro_rules! not_none {
    ($($name:ident($($ty:ty),*);)*) => {$(
        fn $name(self, $(_: $ty),*) -> Result<bool, NotNone> {
            Ok(false)
        }
    )*};
}

impl Serializer for NoneProbe {
    type Ok = bool;
    type Error = NotNone;
    type SerializeSeq = ser::Impossible<bool, NotNone>;
    type SerializeTuple = ser::Impossible<bool, NotNone>;
    type SerializeTupleStruct = ser::Impossible<bool, NotNone>;
    type SerializeTupleVariant = ser::Impossible<bool, NotNone>;
    type SerializeMap = ser::Impossible<bool, NotNone>;
    type SerializeStruct = ser::Impossible<bool, NotNone>;
    type SerializeStructVariant = ser::Impossible<bool, NotNone>;

    not_none! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_none(self) -> Result<bool, NotNone> {
        Ok(true)
    }
    fn serialize_unit(self) -> Result<bool, NotNone> {
        Ok(true)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, NotNone> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<bool, NotNone> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<bool, NotNone> {
        Ok(false)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotNone> {
        Err(NotNone)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotNone> {
        Err(NotNone)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotNone> {
        Err(NotNone)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotNone> {
        Err(NotNone)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotNone> {
        Err(NotNone)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, NotNone> {
        Err(NotNone)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotNone> {
        Err(NotNone)
    }
}
