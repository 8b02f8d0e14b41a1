//! Python's `datetime.isoformat()`: FastAPI path A. UTC is `+00:00`, microseconds are six
//! digits when not zero (`2024-01-02T03:04:05.123456`), nanoseconds are cut to microseconds.
//!
//! For every [`IsoFormat`] type; reads both forms back.

use serde::{de, Deserialize, Deserializer, Serializer};

use super::iso::{self, IsoFormat};

/// Serializes as ISO 8601.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<T: IsoFormat, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&iso::format(value.parts(), false))
}

/// Deserializes an ISO 8601 date, time or datetime of this type's shape.
///
/// # Errors
/// When the input is not one.
pub fn deserialize<'de, T: IsoFormat, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
    iso::parse(&s).and_then(T::from_parts).ok_or_else(|| {
        de::Error::custom(format_args!(
            "invalid ISO 8601 value for {}: {s:?}",
            std::any::type_name::<T>()
        ))
    })
}
