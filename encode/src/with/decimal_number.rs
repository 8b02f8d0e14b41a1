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
        // Python's `float(Decimal)` is correctly rounded; rust_decimal's `to_f64` is not always
        // (it can miss by an ulp with 28 digits), while parsing the decimal's digits is.
        let float: f64 = value
            .to_string()
            .parse()
            .map_err(|_| ser::Error::custom("decimal out of range"))?;
        serializer.serialize_f64(float)
    }
}

/// Deserializes a number or a numeric string.
///
/// # Errors
/// When the input is neither.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    super::decimal_string::deserialize(deserializer)
}
