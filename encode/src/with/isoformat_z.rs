//! pydantic's datetime form: FastAPI path B. As [`isoformat`](super::isoformat), but UTC is `Z`.
//!
//! For every [`IsoFormat`] type; reads both forms back.

use serde::Serializer;

use super::iso::{self, IsoFormat};

/// Serializes as ISO 8601.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<T: IsoFormat, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&iso::format(value.parts(), true))
}

/// Reads both forms, as [`isoformat::deserialize`](super::isoformat::deserialize).
pub use super::isoformat::deserialize;
