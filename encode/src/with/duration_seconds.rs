//! A duration as float seconds (`93603.5`): FastAPI path A, `timedelta.total_seconds()`.
//!
//! Works for every [`DurationLike`] type; precision is microseconds, as
//! Python's.

use serde::{de, Deserialize, Deserializer, Serializer};

use super::durations::{from_secs_f64, to_secs_f64};
use super::DurationLike;

/// Serializes as float seconds.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<D: DurationLike, S: Serializer>(
    value: &D,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(to_secs_f64(value))
}

/// Deserializes float seconds, or an ISO 8601 duration string (path B's form).
///
/// # Errors
/// When the input is neither, or out of the type's range.
pub fn deserialize<'de, D: DurationLike, De: Deserializer<'de>>(
    deserializer: De,
) -> Result<D, De::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Secs {
        Number(f64),
        Text(String),
    }
    match Secs::deserialize(deserializer)? {
        Secs::Number(v) => {
            from_secs_f64(v).ok_or_else(|| de::Error::custom("duration out of range"))
        }
        Secs::Text(s) => super::duration_iso8601::parse(&s)
            .ok_or_else(|| de::Error::custom("invalid ISO 8601 duration")),
    }
}
