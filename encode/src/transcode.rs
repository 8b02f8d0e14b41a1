//! A value of one type read as another, through serde, without a `serde_json::Value` tree.
//!
//! FastAPI validates a handler's return value against the route's response model by dumping it
//! and validating the dump. The same here: [`Tokens::from_value`] records the value as the flat
//! token stream its JSON would be (one `Vec` and one `String`, no node per value), and
//! [`Tokens::deserialize`] reads the model from it with the model's own `Deserialize` (strings
//! are borrowed from the buffer). The result is what `serde_json::from_slice(&to_vec(value))`
//! would give, without writing or parsing JSON text.
//!
//! # Example
//! ```
//! use serde::{Deserialize, Serialize};
//! use towerapi_encode::transcode::Tokens;
//!
//! #[derive(Serialize)]
//! struct UserIn { username: &'static str, password: &'static str, email: Option<&'static str> }
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct UserOut { username: String, email: Option<String> }
//!
//! let tokens = Tokens::from_value(&UserIn { username: "alice", password: "hunter2", email: None }).unwrap();
//! let out: UserOut = tokens.deserialize().unwrap();
//! assert_eq!(out, UserOut { username: "alice".into(), email: None });
//! ```

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};
use serde::ser::{self, Serialize};

/// One token of a value's JSON shape.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok {
    Null,
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    /// A string, as a byte range of [`Tokens::text`].
    Str(u32, u32),
    /// A struct field or variant name: static, never copied.
    Key(&'static str),
    /// A sequence, with its length when known (`u32::MAX` when not).
    Seq(u32),
    Map,
    End,
}

/// A value recorded as the token stream of its JSON form: structs and maps as maps with
/// string keys, `None` and `()` as null, enums as serde_json writes them.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    toks: Vec<Tok>,
    text: String,
}

/// Why a value could not be recorded, or a model not read from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscodeError(String);

impl fmt::Display for TranscodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TranscodeError {}

impl ser::Error for TranscodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl de::Error for TranscodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

impl Tokens {
    /// Records a value.
    ///
    /// # Errors
    /// When the value has no JSON form: a map key that is not a string or an integer, an
    /// integer beyond 64 bits, or its `Serialize` impl fails.
    pub fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<Self, TranscodeError> {
        let mut tokens = Self::default();
        tokens.record(value)?;
        Ok(tokens)
    }

    /// Runs `f` with this thread's reusable buffer (cleared), so that a hot path does not
    /// allocate and grow a new one per value. Re-entrant calls get a fresh buffer; a buffer that
    /// grew past 1 MiB is released afterwards.
    pub fn with_reused<R>(f: impl FnOnce(&mut Tokens) -> R) -> R {
        thread_local! {
            static BUFFER: std::cell::RefCell<Tokens> = std::cell::RefCell::new(Tokens::default());
        }
        BUFFER.with(|cell| match cell.try_borrow_mut() {
            Ok(mut tokens) => {
                tokens.toks.clear();
                tokens.text.clear();
                let out = f(&mut tokens);
                if tokens.toks.capacity() * std::mem::size_of::<Tok>() + tokens.text.capacity()
                    > 1 << 20
                {
                    *tokens = Tokens::default();
                }
                out
            }
            Err(_) => f(&mut Tokens::default()),
        })
    }

    /// Records a value into this buffer, after clearing it.
    ///
    /// # Errors
    /// As [`from_value`](Self::from_value).
    pub fn record<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TranscodeError> {
        self.toks.clear();
        self.text.clear();
        value.serialize(&mut *self)
    }

    /// Reads a `T` from the tokens, with the path of the first fault on failure.
    ///
    /// # Errors
    /// When the tokens do not fit `T` (a missing field, a wrong type...).
    pub fn deserialize<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<TranscodeError>> {
        // Tracking the path costs an allocation per key: read without it, and only on failure
        // read again to find where.
        let mut de = TokenDeserializer {
            tokens: self,
            pos: 0,
        };
        match T::deserialize(&mut de) {
            Ok(value) => Ok(value),
            Err(_) => {
                let mut de = TokenDeserializer {
                    tokens: self,
                    pos: 0,
                };
                serde_path_to_error::deserialize(&mut de)
            }
        }
    }

    /// Reads a `T` from the tokens into `place`, reusing its allocations where `T`'s
    /// `Deserialize` can (serde's `deserialize_in_place`: a `String` keeps its buffer, a `Vec`
    /// its elements). The value read is the one [`deserialize`](Self::deserialize) gives.
    ///
    /// # Errors
    /// As [`deserialize`](Self::deserialize); `place` is then left in an unspecified (but
    /// valid) state, and should be dropped or overwritten.
    pub fn deserialize_in_place<T: DeserializeOwned>(
        &self,
        place: &mut T,
    ) -> Result<(), serde_path_to_error::Error<TranscodeError>> {
        let mut de = TokenDeserializer {
            tokens: self,
            pos: 0,
        };
        match T::deserialize_in_place(&mut de, place) {
            Ok(()) => Ok(()),
            Err(_) => {
                let mut de = TokenDeserializer {
                    tokens: self,
                    pos: 0,
                };
                *place = serde_path_to_error::deserialize(&mut de)?;
                Ok(())
            }
        }
    }

    /// The length in bytes of all the strings recorded (keys excluded).
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// The keys present in every map of the value, as a tree (for "exclude unset").
    pub fn presence(&self) -> Presence {
        let mut pos = 0;
        self.presence_at(&mut pos)
    }

    fn presence_at(&self, pos: &mut usize) -> Presence {
        let tok = self.toks.get(*pos).copied();
        *pos += 1;
        match tok {
            Some(Tok::Map) => {
                let mut keys = HashMap::new();
                while let Some(key) = self.toks.get(*pos).and_then(|t| self.text_of(*t)) {
                    *pos += 1;
                    let key = key.to_owned();
                    let child = self.presence_at(pos);
                    keys.insert(key, child);
                }
                *pos += 1; // End
                Presence::Map(keys)
            }
            Some(Tok::Seq(_)) => {
                let mut items = Vec::new();
                while !matches!(self.toks.get(*pos), Some(Tok::End) | None) {
                    items.push(self.presence_at(pos));
                }
                *pos += 1; // End
                Presence::Seq(items)
            }
            _ => Presence::Leaf,
        }
    }

    /// When the value is a map (a struct), its entries: each key with the tokens of its value.
    pub fn fields(&self) -> Option<Vec<(String, Tokens)>> {
        if self.toks.first() != Some(&Tok::Map) {
            return None;
        }
        let mut out = Vec::new();
        let mut pos = 1;
        while let Some(key) = self.toks.get(pos).and_then(|t| self.text_of(*t)) {
            pos += 1;
            let start = pos;
            pos = self.skip(pos);
            out.push((key.to_owned(), self.slice(start, pos)));
        }
        Some(out)
    }

    /// A map of the given entries (the inverse of [`fields`](Self::fields)).
    pub fn map_of<'a, I>(entries: I) -> Tokens
    where
        I: IntoIterator<Item = (&'a str, &'a Tokens)>,
    {
        let mut t = Tokens::default();
        t.toks.push(Tok::Map);
        for (key, value) in entries {
            let key = t.push_str(key);
            t.toks.push(key);
            for tok in &value.toks {
                let tok = match *tok {
                    Tok::Str(a, b) => t.push_str(value.str(a, b)),
                    other => other,
                };
                t.toks.push(tok);
            }
        }
        t.toks.push(Tok::End);
        t
    }

    fn slice(&self, start: usize, end: usize) -> Tokens {
        let mut t = Tokens::default();
        for tok in &self.toks[start..end] {
            let tok = match *tok {
                Tok::Str(a, b) => t.push_str(&self.text[a as usize..b as usize]),
                other => other,
            };
            t.toks.push(tok);
        }
        t
    }

    /// The position after the value starting at `pos`.
    #[inline]
    fn skip(&self, mut pos: usize) -> usize {
        let mut depth = 0usize;
        loop {
            match self.toks.get(pos) {
                None => return pos,
                Some(Tok::Seq(_) | Tok::Map) => depth += 1,
                Some(Tok::End) => depth = depth.saturating_sub(1),
                Some(_) => {}
            }
            pos += 1;
            if depth == 0 {
                return pos;
            }
        }
    }

    /// Whether two recorded values are equal (floats compared by value, as Python compares a
    /// field with its default).
    pub fn same_value(&self, other: &Tokens) -> bool {
        self.toks.len() == other.toks.len()
            && self
                .toks
                .iter()
                .zip(&other.toks)
                .all(|(a, b)| match (a, b) {
                    (Tok::Str(a1, b1), Tok::Str(a2, b2)) => {
                        self.text[*a1 as usize..*b1 as usize]
                            == other.text[*a2 as usize..*b2 as usize]
                    }
                    (Tok::I64(a), Tok::U64(b)) | (Tok::U64(b), Tok::I64(a)) => {
                        u64::try_from(*a).is_ok_and(|a| a == *b)
                    }
                    (Tok::F64(f), Tok::I64(i)) | (Tok::I64(i), Tok::F64(f)) => *f == *i as f64,
                    (Tok::F64(f), Tok::U64(u)) | (Tok::U64(u), Tok::F64(f)) => *f == *u as f64,
                    (a, b) => a == b,
                })
    }

    /// The value, when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self.toks.as_slice() {
            [tok] => self.text_of(*tok),
            _ => None,
        }
    }

    /// Whether the value is null (`None` or `()`).
    pub fn is_null(&self) -> bool {
        self.toks.as_slice() == [Tok::Null]
    }

    #[inline]
    fn push_str(&mut self, s: &str) -> Tok {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Tok::Str(start, self.text.len() as u32)
    }

    /// The text of a string or key token.
    #[inline]
    fn text_of(&self, tok: Tok) -> Option<&str> {
        match tok {
            Tok::Str(a, b) => Some(self.str(a, b)),
            Tok::Key(k) => Some(k),
            _ => None,
        }
    }

    #[inline]
    fn str(&self, a: u32, b: u32) -> &str {
        &self.text[a as usize..b as usize]
    }
}

/// Which keys a value's maps had, nested (see [`Tokens::presence`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Presence {
    /// Not a map or a sequence.
    #[default]
    Leaf,
    /// A map: its keys and what each held.
    Map(HashMap<String, Presence>),
    /// A sequence: each element.
    Seq(Vec<Presence>),
}

// ---- recording -----------------------------------------------------------------------------

type Res = Result<(), TranscodeError>;

impl<'a> ser::Serializer for &'a mut Tokens {
    type Ok = ();
    type Error = TranscodeError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    #[inline]
    fn serialize_bool(self, v: bool) -> Res {
        self.toks.push(Tok::Bool(v));
        Ok(())
    }
    #[inline]
    fn serialize_i8(self, v: i8) -> Res {
        self.serialize_i64(v.into())
    }
    #[inline]
    fn serialize_i16(self, v: i16) -> Res {
        self.serialize_i64(v.into())
    }
    #[inline]
    fn serialize_i32(self, v: i32) -> Res {
        self.serialize_i64(v.into())
    }
    #[inline]
    fn serialize_i64(self, v: i64) -> Res {
        // As serde_json reads it back: non-negative integers are u64.
        self.toks.push(if v >= 0 {
            Tok::U64(v as u64)
        } else {
            Tok::I64(v)
        });
        Ok(())
    }
    #[inline]
    fn serialize_i128(self, v: i128) -> Res {
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => self.serialize_u64(u),
            (_, Ok(i)) => self.serialize_i64(i),
            _ => Err(ser::Error::custom("integer out of 64-bit range")),
        }
    }
    #[inline]
    fn serialize_u8(self, v: u8) -> Res {
        self.serialize_u64(v.into())
    }
    #[inline]
    fn serialize_u16(self, v: u16) -> Res {
        self.serialize_u64(v.into())
    }
    #[inline]
    fn serialize_u32(self, v: u32) -> Res {
        self.serialize_u64(v.into())
    }
    #[inline]
    fn serialize_u64(self, v: u64) -> Res {
        self.toks.push(Tok::U64(v));
        Ok(())
    }
    #[inline]
    fn serialize_u128(self, v: u128) -> Res {
        u64::try_from(v)
            .map_err(|_| ser::Error::custom("integer out of 64-bit range"))
            .and_then(|u| self.serialize_u64(u))
    }
    #[inline]
    fn serialize_f32(self, v: f32) -> Res {
        // JSON carries the f32's shortest digits, which read back as this f64.
        let mut buf = zmij::Buffer::new();
        let f = if v.is_finite() {
            buf.format_finite(v).parse().unwrap_or(f64::from(v))
        } else {
            f64::from(v)
        };
        self.serialize_f64(f)
    }
    #[inline]
    fn serialize_f64(self, v: f64) -> Res {
        self.toks.push(Tok::F64(v));
        Ok(())
    }
    #[inline]
    fn serialize_char(self, v: char) -> Res {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    #[inline]
    fn serialize_str(self, v: &str) -> Res {
        let tok = self.push_str(v);
        self.toks.push(tok);
        Ok(())
    }
    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Res {
        self.toks
            .push(Tok::Seq(u32::try_from(v.len()).unwrap_or(u32::MAX)));
        self.toks.extend(v.iter().map(|b| Tok::U64((*b).into())));
        self.toks.push(Tok::End);
        Ok(())
    }
    #[inline]
    fn serialize_none(self) -> Res {
        self.serialize_unit()
    }
    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    #[inline]
    fn serialize_unit(self) -> Res {
        self.toks.push(Tok::Null);
        Ok(())
    }
    #[inline]
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.serialize_unit()
    }
    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Res {
        self.toks.push(Tok::Key(variant));
        Ok(())
    }
    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Res {
        value.serialize(self)
    }
    #[inline]
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.toks.push(Tok::Map);
        self.toks.push(Tok::Key(variant));
        value.serialize(&mut *self)?;
        self.toks.push(Tok::End);
        Ok(())
    }
    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Compound<'a>, TranscodeError> {
        let len = len.and_then(|l| u32::try_from(l).ok()).unwrap_or(u32::MAX);
        self.toks.push(Tok::Seq(len));
        Ok(Compound {
            tokens: self,
            variant: false,
        })
    }
    #[inline]
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, TranscodeError> {
        self.serialize_seq(Some(len))
    }
    #[inline]
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a>, TranscodeError> {
        self.serialize_seq(Some(len))
    }
    #[inline]
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TranscodeError> {
        self.toks.push(Tok::Map);
        self.toks.push(Tok::Key(variant));
        self.toks.push(Tok::Seq(u32::MAX));
        Ok(Compound {
            tokens: self,
            variant: true,
        })
    }
    #[inline]
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, TranscodeError> {
        self.toks.push(Tok::Map);
        Ok(Compound {
            tokens: self,
            variant: false,
        })
    }
    #[inline]
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TranscodeError> {
        self.serialize_map(None)
    }
    #[inline]
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, TranscodeError> {
        self.toks.push(Tok::Map);
        self.toks.push(Tok::Key(variant));
        self.toks.push(Tok::Map);
        Ok(Compound {
            tokens: self,
            variant: true,
        })
    }
}

/// The compound serializer of [`Tokens`].
#[derive(Debug)]
pub struct Compound<'a> {
    tokens: &'a mut Tokens,
    /// A variant wraps the compound in a one-key map: two ends to write.
    variant: bool,
}

impl Compound<'_> {
    #[inline]
    fn end_compound(self) -> Res {
        self.tokens.toks.push(Tok::End);
        if self.variant {
            self.tokens.toks.push(Tok::End);
        }
        Ok(())
    }
}

macro_rules! seq_like {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = TranscodeError;
            #[inline]
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
                value.serialize(&mut *self.tokens)
            }
            #[inline]
            fn end(self) -> Res {
                self.end_compound()
            }
        }
    )*};
}

seq_like!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = TranscodeError;
    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        key.serialize(KeySerializer(self.tokens))
    }
    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        value.serialize(&mut *self.tokens)
    }
    #[inline]
    fn end(self) -> Res {
        self.end_compound()
    }
}

macro_rules! struct_like {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Compound<'_> {
            type Ok = ();
            type Error = TranscodeError;
            #[inline]
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
                self.tokens.toks.push(Tok::Key(key));
                value.serialize(&mut *self.tokens)
            }
            #[inline]
            fn end(self) -> Res {
                self.end_compound()
            }
        }
    )*};
}

struct_like!(SerializeStruct, SerializeStructVariant);

/// Map keys: strings, or what serde_json turns into strings (integers, chars, unit variants).
struct KeySerializer<'a>(&'a mut Tokens);

fn key_error() -> TranscodeError {
    TranscodeError("key must be a string".into())
}

macro_rules! int_keys {
    ($($method:ident: $ty:ty),*) => {$(
        fn $method(self, v: $ty) -> Res {
            let mut buf = itoa_buf(v);
            self.serialize_str(&std::mem::take(&mut buf))
        }
    )*};
}

fn itoa_buf<T: fmt::Display>(v: T) -> String {
    v.to_string()
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = TranscodeError;
    type SerializeSeq = ser::Impossible<(), TranscodeError>;
    type SerializeTuple = ser::Impossible<(), TranscodeError>;
    type SerializeTupleStruct = ser::Impossible<(), TranscodeError>;
    type SerializeTupleVariant = ser::Impossible<(), TranscodeError>;
    type SerializeMap = ser::Impossible<(), TranscodeError>;
    type SerializeStruct = ser::Impossible<(), TranscodeError>;
    type SerializeStructVariant = ser::Impossible<(), TranscodeError>;

    fn serialize_str(self, v: &str) -> Res {
        let tok = self.0.push_str(v);
        self.0.toks.push(tok);
        Ok(())
    }
    int_keys!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64, serialize_i128: i128,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64, serialize_u128: u128);
    fn serialize_char(self, v: char) -> Res {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_bool(self, _: bool) -> Res {
        Err(key_error())
    }
    fn serialize_f32(self, _: f32) -> Res {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Res {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Res {
        Err(key_error())
    }
    fn serialize_none(self) -> Res {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Res {
        Err(key_error())
    }
    fn serialize_unit(self) -> Res {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Res {
        Err(key_error())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Res {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, TranscodeError> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, TranscodeError> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, TranscodeError> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, TranscodeError> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, TranscodeError> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, TranscodeError> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, TranscodeError> {
        Err(key_error())
    }
}

// ---- reading -------------------------------------------------------------------------------

struct TokenDeserializer<'de> {
    tokens: &'de Tokens,
    pos: usize,
}

impl<'de> TokenDeserializer<'de> {
    #[inline]
    fn peek(&self) -> Option<Tok> {
        self.tokens.toks.get(self.pos).copied()
    }

    #[inline]
    fn next(&mut self) -> Result<Tok, TranscodeError> {
        let tok = self
            .peek()
            .ok_or_else(|| TranscodeError("unexpected end of value".into()))?;
        self.pos += 1;
        Ok(tok)
    }

    #[inline]
    fn expect_end(&mut self, what: &str) -> Result<(), TranscodeError> {
        match self.next()? {
            Tok::End => Ok(()),
            _ => Err(TranscodeError(format!("trailing {what}"))),
        }
    }

    /// After a visitor read a sequence or map: unless its access read the end already (a
    /// visitor that knew the length stops before it), the end must come next, or the value
    /// becomes an error.
    #[inline]
    fn check_end<T>(&mut self, ended: bool, result: &mut Result<T, TranscodeError>, what: &str) {
        if !ended && result.is_ok() {
            if let Err(e) = self.expect_end(what) {
                *result = Err(e);
            }
        }
    }
}

impl<'de> de::Deserializer<'de> for &mut TokenDeserializer<'de> {
    type Error = TranscodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TranscodeError> {
        match self.next()? {
            Tok::Null => visitor.visit_unit(),
            Tok::Bool(b) => visitor.visit_bool(b),
            Tok::I64(i) => visitor.visit_i64(i),
            Tok::U64(u) => visitor.visit_u64(u),
            Tok::F64(f) => visitor.visit_f64(f),
            Tok::Str(a, b) => visitor.visit_borrowed_str(self.tokens.str(a, b)),
            Tok::Key(k) => visitor.visit_borrowed_str(k),
            // The access reads the closing token itself, and the visitor's value is checked
            // where it is, not moved through a `?`: a model is often a few hundred bytes, and
            // each move of it is a copy.
            Tok::Seq(len) => {
                let mut access = Access::new(self, len);
                let mut result = visitor.visit_seq(&mut access);
                let ended = access.ended;
                self.check_end(ended, &mut result, "elements in a sequence");
                result
            }
            Tok::Map => {
                let mut access = Access::new(self, u32::MAX);
                let mut result = visitor.visit_map(&mut access);
                let ended = access.ended;
                self.check_end(ended, &mut result, "entries in a map");
                result
            }
            Tok::End => Err(TranscodeError("unexpected end of a sequence or map".into())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TranscodeError> {
        if self.peek() == Some(Tok::Null) {
            self.pos += 1;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        match self.peek() {
            Some(tok @ (Tok::Str(..) | Tok::Key(_))) => {
                self.pos += 1;
                let name = self.tokens.text_of(tok).unwrap_or_default();
                visitor.visit_enum(name.into_deserializer())
            }
            Some(Tok::Map) => {
                self.pos += 1;
                let value = visitor.visit_enum(Access::new(self, 1))?;
                self.expect_end("entries in an enum")?;
                Ok(value)
            }
            _ => Err(de::Error::invalid_type(
                de::Unexpected::Other("a non-enum value"),
                &"an enum",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        self.pos = self.tokens.skip(self.pos);
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// A map key: a string that integer types parse, as serde_json's map keys.
struct KeyDeserializer<'de>(&'de str);

macro_rules! parse_key {
    ($($method:ident => $visit:ident: $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TranscodeError> {
            match self.0.parse::<$ty>() {
                Ok(v) => visitor.$visit(v),
                Err(_) => Err(de::Error::invalid_type(de::Unexpected::Str(self.0), &visitor)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for KeyDeserializer<'de> {
    type Error = TranscodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TranscodeError> {
        visitor.visit_borrowed_str(self.0)
    }

    parse_key!(deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128, deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32, deserialize_u64 => visit_u64: u64,
        deserialize_u128 => visit_u128: u128);

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TranscodeError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool f32 f64 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

struct Access<'a, 'de> {
    de: &'a mut TokenDeserializer<'de>,
    /// The element count, when known (`u32::MAX` when not).
    len: u32,
    /// Whether the closing token was read.
    ended: bool,
}

impl<'a, 'de> Access<'a, 'de> {
    #[inline]
    fn new(de: &'a mut TokenDeserializer<'de>, len: u32) -> Self {
        Self {
            de,
            len,
            ended: false,
        }
    }
}

impl<'de> de::SeqAccess<'de> for Access<'_, 'de> {
    type Error = TranscodeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TranscodeError> {
        match self.de.peek() {
            _ if self.ended => Ok(None),
            Some(Tok::End) => {
                self.de.pos += 1;
                self.ended = true;
                Ok(None)
            }
            None => Err(TranscodeError("unexpected end of value".into())),
            Some(_) => seed.deserialize(&mut *self.de).map(Some),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        (self.len != u32::MAX).then_some(self.len as usize)
    }
}

impl<'de> de::MapAccess<'de> for Access<'_, 'de> {
    type Error = TranscodeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TranscodeError> {
        if self.ended {
            return Ok(None);
        }
        match self.de.next()? {
            Tok::End => {
                self.ended = true;
                Ok(None)
            }
            Tok::Str(a, b) => seed
                .deserialize(KeyDeserializer(self.de.tokens.str(a, b)))
                .map(Some),
            Tok::Key(k) => seed.deserialize(KeyDeserializer(k)).map(Some),
            _ => Err(TranscodeError("key must be a string".into())),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TranscodeError> {
        seed.deserialize(&mut *self.de)
    }
}

impl<'de> de::EnumAccess<'de> for Access<'_, 'de> {
    type Error = TranscodeError;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), TranscodeError> {
        let variant = seed.deserialize(&mut *self.de)?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for Access<'_, 'de> {
    type Error = TranscodeError;
    fn unit_variant(self) -> Result<(), TranscodeError> {
        de::Deserialize::deserialize(&mut *self.de)
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, TranscodeError> {
        seed.deserialize(&mut *self.de)
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        de::Deserializer::deserialize_any(&mut *self.de, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TranscodeError> {
        de::Deserializer::deserialize_any(&mut *self.de, visitor)
    }
}
