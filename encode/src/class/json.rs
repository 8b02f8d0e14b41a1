//! The default class: JSON written as FastAPI's `JSONResponse` writes it.

use bytes::Bytes;
use http::HeaderValue;
use serde::Serialize;

use super::{
    capacity_hint, internal_server_error, remember_len, RenderError, Rendered, ResponseClass,
};
use crate::body::Body;
use crate::json_format::write_python_json as write_json;
pub use crate::json_format::PythonFloatFormatter;
use crate::payload::Payload;

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// JSON, as FastAPI's `JSONResponse` (`json.dumps(ensure_ascii=False, allow_nan=False,
/// separators=(",", ":"))`): compact, non-ASCII written as is (control characters, `"` and `\`
/// escaped), floats as Python's `repr` writes them (`1.0`, `1e+20`, `1e-07`, `-0.0`), and NaN or
/// infinity an error (a 500), never `NaN` on the wire. `content-type: application/json`.
///
/// # Example
/// ```
/// use towerapi_encode::class::Json;
///
/// let res = Json::response(&serde_json::json!({"big": 1e20, "small": 1e-7, "text": "héllo"}));
/// assert_eq!(res.headers()["content-type"], "application/json");
/// assert_eq!(res.headers()["content-length"], "43"); // bytes: {"big":1e+20,"small":1e-07,"text":"héllo"}
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Json;

impl Json {
    /// FastAPI's `JSONResponse(content)` returned directly: serialized now, status 200. A value
    /// that cannot be written gives the 500 response and an error event in the log.
    pub fn response<T: Serialize + ?Sized>(value: &T) -> http::Response<Body> {
        let mut out = Vec::with_capacity(128);
        match write_json(value, &mut out) {
            Ok(()) => Rendered::ok(APPLICATION_JSON, Bytes::from(out)).into_http_response(),
            Err(error) => {
                tracing::error!(target: "towerapi::encode", %error, type_name = std::any::type_name::<T>(), "Json could not serialize a value");
                internal_server_error()
            }
        }
    }

    /// Writes a value with these rules.
    ///
    /// # Errors
    /// When the value has no JSON form (NaN, a map key that is not a string...).
    pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
        let mut out = Vec::with_capacity(128);
        write_json(value, &mut out)?;
        Ok(out)
    }
}

impl ResponseClass for Json {
    fn media_type(&self) -> Option<&'static str> {
        Some("application/json")
    }

    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError> {
        let mut out = Vec::with_capacity(capacity_hint());
        payload
            .write_json(&mut out)
            .map_err(|e| RenderError::new("Json", payload, e))?;
        remember_len(out.len());
        Ok(Rendered::ok(APPLICATION_JSON, out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(v: f64) -> String {
        String::from_utf8(Json::to_vec(&v).expect("finite")).expect("utf-8")
    }

    #[test]
    fn floats_as_python_repr() {
        // Each right-hand side is what CPython 3.11's repr() prints.
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (1e20, "1e+20"),
            (1e-7, "1e-07"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.3333333333333333"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456789012345680.0, "1.2345678901234568e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000123, "0.000123"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (12345.678, "12345.678"),
            (-2.5e-10, "-2.5e-10"),
            (9007199254740993.0, "9007199254740992.0"),
            (f64::MAX, "1.7976931348623157e+308"),
            (100.0, "100.0"),
            (1234567890123456.0, "1234567890123456.0"),
        ];
        for (v, want) in cases {
            assert_eq!(py(*v), *want, "{v:e}");
        }
    }

    #[test]
    fn f32_uses_its_own_shortest_digits() {
        assert_eq!(Json::to_vec(&0.1f32).expect("ok"), b"0.1");
        assert_eq!(Json::to_vec(&1e20f32).expect("ok"), b"1e+20");
    }

    #[test]
    fn nan_and_infinity_are_errors() {
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let err = Json::to_vec(&v).expect_err("not finite");
            assert!(err.to_string().contains("not JSON compliant"), "{err}");
        }
        assert!(Json::to_vec(&f32::NAN).is_err());
    }

    #[test]
    fn strings_as_python_json_dumps() {
        let v = serde_json::json!({"ctrl": "tab\there\nnl\u{1}\u{7f}", "quote": "\"q\" \\ /", "text": "héllo ✓ 日本 🙂"});
        assert_eq!(
            String::from_utf8(Json::to_vec(&v).expect("ok")).expect("utf-8"),
            r#"{"ctrl":"tab\there\nnl\u0001"#.to_owned()
                + "\u{7f}"
                + r#"","quote":"\"q\" \\ /","text":"héllo ✓ 日本 🙂"}"#
        );
    }
}
