//! Bytes as UTF-8 text, as FastAPI's `bytes: lambda o: o.decode()` (both paths).
//!
//! Bytes that are not UTF-8 are a serialization error (FastAPI raises `UnicodeDecodeError`),
//! which the pipeline answers with a 500.

use serde::{Deserialize, Deserializer, Serializer};

/// Serializes bytes as a UTF-8 string.
///
/// # Errors
/// When the bytes are not UTF-8.
pub fn serialize<T, S>(value: &T, serializer: S) -> Result<S::Ok, S::Error>
where
    T: AsRef<[u8]> + ?Sized,
    S: Serializer,
{
    match std::str::from_utf8(value.as_ref()) {
        Ok(s) => serializer.serialize_str(s),
        Err(e) => Err(serde::ser::Error::custom(format_args!(
            "bytes are not UTF-8: {e}"
        ))),
    }
}

/// Deserializes a string into bytes.
///
/// # Errors
/// When the input is not a string.
pub fn deserialize<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: From<Vec<u8>>,
    D: Deserializer<'de>,
{
    let s = String::deserialize(deserializer)?;
    Ok(T::from(s.into_bytes()))
}
