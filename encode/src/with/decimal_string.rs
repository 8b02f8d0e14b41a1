//! A decimal as a JSON string (`"10.25"`): FastAPI path B (pydantic writes `str(Decimal)`).
//!
//! rust_decimal keeps no positive exponent, so `Decimal("1E+2")` of Python, which pydantic
//! writes `"1E+2"`, is `"100"` here.

use rust_decimal::Decimal;
use serde::{de, Deserialize, Deserializer, Serializer};

/// Serializes as a string.
///
/// # Errors
/// Only the serializer's own.
pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Deserializes a numeric string or a number.
///
/// # Errors
/// When the input is neither, or not a representable decimal.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Num {
        I(i64),
        U(u64),
        F(f64),
        S(String),
    }
    match Num::deserialize(deserializer)? {
        Num::I(v) => Ok(Decimal::from(v)),
        Num::U(v) => Ok(Decimal::from(v)),
        // pydantic reads a float as `Decimal(str(float))`: the shortest digits that give the
        // float back (Rust's `Display` of an `f64`), not its exact binary expansion.
        Num::F(v) => v
            .to_string()
            .parse::<Decimal>()
            .or_else(|_| Decimal::try_from(v))
            .map_err(de::Error::custom),
        Num::S(s) => s
            .parse::<Decimal>()
            .or_else(|_| Decimal::from_scientific(&s))
            .map_err(de::Error::custom),
    }
}
