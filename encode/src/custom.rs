//! Custom encoders: FastAPI's `jsonable_encoder(obj, custom_encoder={Type: fn})`.
//!
//! One mechanism: an [`Encoder<T>`] says how a `T` is written, by giving a value that
//! serializes the way you want. Apply it to a field with serde's `serialize_with` and
//! [`encode`], or to a whole value with [`Encoded`]. It works for types you do not own (the
//! usual reason for a custom encoder), where implementing `Serialize` is not allowed.
//!
//! # Example
//! ```
//! use serde::Serialize;
//! use towerapi_encode::custom::{encode, Encoded, Encoder};
//!
//! /// Writes a `std::net::IpAddr` as `{"ip": "...", "v6": bool}` instead of a plain string.
//! struct IpAsObject;
//!
//! #[derive(Serialize)]
//! struct IpOut { ip: String, v6: bool }
//!
//! impl Encoder<std::net::IpAddr> for IpAsObject {
//!     type Output = IpOut;
//!     fn encode(value: &std::net::IpAddr) -> IpOut {
//!         IpOut { ip: value.to_string(), v6: value.is_ipv6() }
//!     }
//! }
//!
//! #[derive(Serialize)]
//! struct Peer {
//!     #[serde(serialize_with = "encode::<IpAsObject, _, _>")]
//!     addr: std::net::IpAddr,
//! }
//!
//! let addr: std::net::IpAddr = "::1".parse().unwrap();
//! assert_eq!(serde_json::to_string(&Peer { addr }).unwrap(), r#"{"addr":{"ip":"::1","v6":true}}"#);
//! assert_eq!(serde_json::to_string(&Encoded::<_, IpAsObject>::new(addr)).unwrap(), r#"{"ip":"::1","v6":true}"#);
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::{Serialize, Serializer};

/// How to write a `T`.
pub trait Encoder<T: ?Sized> {
    /// What a `T` is written as.
    type Output: Serialize;
    /// Turns the value into what is written.
    fn encode(value: &T) -> Self::Output;
}

/// For `#[serde(serialize_with = "encode::<MyEncoder, _, _>")]`.
///
/// # Errors
/// Those of the serializer and of `E::Output`'s `Serialize`.
pub fn encode<E, T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    E: Encoder<T>,
    T: ?Sized,
    S: Serializer,
{
    E::encode(value).serialize(serializer)
}

/// A value written by the encoder `E`; return it in a [`Reply`](crate::Reply).
pub struct Encoded<T, E> {
    value: T,
    _encoder: PhantomData<fn() -> E>,
}

impl<T, E> Encoded<T, E> {
    /// Wraps a value.
    pub fn new(value: T) -> Self {
        Self {
            value,
            _encoder: PhantomData,
        }
    }

    /// The value.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Clone, E> Clone for Encoded<T, E> {
    fn clone(&self) -> Self {
        Self::new(self.value.clone())
    }
}

impl<T: fmt::Debug, E> fmt::Debug for Encoded<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoded")
            .field("value", &self.value)
            .field("encoder", &std::any::type_name::<E>())
            .finish()
    }
}

impl<T, E: Encoder<T>> Serialize for Encoded<T, E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        E::encode(&self.value).serialize(serializer)
    }
}
