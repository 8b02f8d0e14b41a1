//! JSON through sonic-rs.

use http::HeaderValue;

use super::{RenderError, Rendered, ResponseClass};
use crate::payload::Payload;

/// JSON written by [sonic-rs](https://docs.rs/sonic-rs) (SIMD), as FastAPI's `ORJSONResponse`
/// is a faster `JSONResponse`. It parses to the same JSON as [`Json`](super::Json)'s output;
/// the bytes may differ in float layout (`1e20` rather than Python's `1e+20`), and NaN and
/// infinities are written as `null` where `Json` refuses them.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastJson;

impl ResponseClass for FastJson {
    fn media_type(&self) -> Option<&'static str> {
        Some("application/json")
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        let mut out = Vec::with_capacity(128);
        payload
            .write_fast_json(&mut out)
            .map_err(|e| RenderError::new("FastJson", payload, e))?;
        Ok(Rendered::ok(
            HeaderValue::from_static("application/json"),
            out,
        ))
    }
}
