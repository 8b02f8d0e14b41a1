//! `#[serde(with = "...")]` helpers for the types whose serde default differs from FastAPI.
//!
//! FastAPI writes the same value differently on its two JSON paths (see
//! docs/behaviour/responses.md, "Three JSON paths"): **path A** is a route without a response
//! model (`jsonable_encoder` then `json.dumps`), **path B** a route with one (pydantic's
//! `model_dump_json`). Pick the helper of the path you are matching:
//!
//! | value | serde default | path A helper | path B helper |
//! |---|---|---|---|
//! | `datetime` (chrono, time) | chrono: RFC 3339 with `Z`, fractions in groups of 3; time: not ISO | [`isoformat`] (`+00:00`, `.ffffff`) | [`isoformat_z`] (`Z`, `.ffffff`) |
//! | `timedelta` (`std`, chrono `TimeDelta`, time `Duration`) | a struct or not serializable | [`duration_seconds`] (`93603.5`) | [`duration_iso8601`] (`P1DT2H3.5S`) |
//! | `Decimal` (rust_decimal) | a string | [`decimal_number`] (`10`, `10.25`) | [`decimal_string`] (`"10.25"`) |
//! | `bytes` (`Vec<u8>`, `Bytes`) | an array of numbers | [`bytes_utf8`] (`"hello bytes"`) | [`bytes_utf8`] |
//!
//! Already equal to FastAPI with serde's defaults, no helper needed: UUIDs (uuid's `serde`),
//! string enums (`#[serde(rename_all = "lowercase")]`), int enums (`serde_repr`), sets and
//! tuples (arrays), paths (strings), maps with string keys, nested structs, `Option` (`null`).
//!
//! Every helper also deserializes (a response model must be `DeserializeOwned`), accepting
//! both paths' forms.
//!
//! # Example
//! ```
//! use serde::{Deserialize, Serialize};
//! use towerapi_encode::with;
//!
//! #[derive(Serialize, Deserialize)]
//! struct Job {
//!     #[serde(with = "with::duration_seconds")]
//!     took: std::time::Duration,
//!     #[serde(with = "with::bytes_utf8")]
//!     log: Vec<u8>,
//! }
//! let job = Job { took: std::time::Duration::from_millis(93603500), log: b"ok".to_vec() };
//! assert_eq!(serde_json::to_string(&job).unwrap(), r#"{"took":93603.5,"log":"ok"}"#);
//! ```

pub mod bytes_utf8;
#[cfg(feature = "decimal")]
pub mod decimal_number;
#[cfg(feature = "decimal")]
pub mod decimal_string;
pub mod duration_iso8601;
pub mod duration_seconds;
mod durations;
#[cfg(any(feature = "chrono", feature = "time"))]
mod iso;
#[cfg(any(feature = "chrono", feature = "time"))]
pub mod isoformat;
#[cfg(any(feature = "chrono", feature = "time"))]
pub mod isoformat_z;

pub use durations::DurationLike;
#[cfg(any(feature = "chrono", feature = "time"))]
pub use iso::IsoFormat;
