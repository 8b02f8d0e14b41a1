//! A decimal as a JSON number: FastAPI path A (`jsonable_encoder`'s `decimal_encoder`).
//!
//! A decimal without fraction digits (scale 0) is written as an integer (`10`, `100` for
//! `1E+2`); any other as the nearest float (`10.25`), exactly as Python's `float(Decimal)`.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{ser, Deserializer, Serializer};

/// Serializes as an integer or a float.
///
/// # Errors
/// When an integer-valued decimal does not fit an `i128` (it always does) or the float is not
/// finite (it always is); and the serializer's own.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    if value.scale() == 0 {
        match value.to_i64() {
            Some(v) => serializer.serialize_i64(v),
            None => serializer.serialize_i128(
                value
                    .to_i128()
                    .ok_or_else(|| ser::Error::custom("decimal out of range"))?,
            ),
        }
    } else {
        serializer.serialize_f64(
            value
                .to_f64()
                .ok_or_else(|| ser::Error::custom("decimal out of range"))?,
        )
    }
}

/// Deserializes a number or a numeric string.
///
/// # Errors
/// When the input is neither.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    super::decimal_string::deserialize(deserializer)
}
