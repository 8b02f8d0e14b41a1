//! The default class: JSON written as FastAPI's `JSONResponse` writes it.

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::HeaderValue;
use serde::Serialize;
use serde_json::ser::Formatter;

use super::{internal_server_error, RenderError, Rendered, ResponseClass};
use crate::body::Body;
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

/// The size of the last body written, rounded up: the next buffer starts that large instead of
/// growing from 128 bytes by doubling (three copies for a 1 KiB body). A relaxed atomic; a
/// wrong guess only costs what serde_json's own growth would.
static LAST_LEN: AtomicUsize = AtomicUsize::new(128);

pub(super) fn capacity_hint() -> usize {
    LAST_LEN.load(Ordering::Relaxed)
}

pub(super) fn remember_len(len: usize) {
    // Bounded, so one huge body does not make every later buffer huge.
    let hint = len.clamp(128, 64 * 1024).next_power_of_two();
    if hint != LAST_LEN.load(Ordering::Relaxed) {
        LAST_LEN.store(hint, Ordering::Relaxed);
    }
}

pub(crate) fn write_json<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), serde_json::Error> {
    let mut ser = serde_json::Serializer::with_formatter(out, PythonFloatFormatter);
    value.serialize(super::finite::Finite(&mut ser))
}

/// serde_json's compact formatter, with floats written as Python's `repr` writes them.
/// ([`Json`] also refuses NaN and infinities, as Python's `allow_nan=False`.)
///
/// The digits are the shortest that round-trip (zmij, as serde_json uses; the same digits as
/// Python); only the layout
/// differs from serde_json: Python uses fixed notation for decimal exponents from -4 to 15 and
/// writes exponents with a sign and at least two digits (`1e+20`, `1e-07`, `1e-05`).
#[derive(Clone, Copy, Debug, Default)]
pub struct PythonFloatFormatter;

impl Formatter for PythonFloatFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        if !value.is_finite() {
            return Err(not_finite());
        }
        let mut buf = zmij::Buffer::new();
        write_python_float(writer, buf.format_finite(value))
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        if !value.is_finite() {
            return Err(not_finite());
        }
        let mut buf = zmij::Buffer::new();
        write_python_float(writer, buf.format_finite(value))
    }
}

fn not_finite() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "out of range float values are not JSON compliant (NaN or infinity)",
    )
}

/// Where a float layout leaves fixed notation, and how it writes the exponent. Both layouts
/// keep the shortest round-trip digits and write `.0` on integral values in fixed notation.
#[derive(Clone, Copy, Debug)]
pub(super) struct FloatLayout {
    /// The smallest decimal exponent (of the first significant digit) written in fixed
    /// notation: `-4` for Python's `repr` (`0.0001`, `1e-05`), `-5` for pydantic (`0.00001`,
    /// `1e-6`). Both go up to 15 (`1000000000000000.0`, `1e+16`).
    pub(super) min_fixed: i32,
    /// Whether the exponent has at least two digits: Python's `1e-07`, pydantic's `1e-7`.
    pub(super) pad_exponent: bool,
}

/// Python's `float.__repr__` (and so `json.dumps`).
pub(super) const PYTHON_LAYOUT: FloatLayout = FloatLayout {
    min_fixed: -4,
    pad_exponent: true,
};

/// Re-lays zmij's shortest representation (`1e20`, `1.5e-7`, `0.00001`, `123.45`) in Python's
/// `float.__repr__` layout.
#[inline]
fn write_python_float<W: ?Sized + io::Write>(w: &mut W, shortest: &str) -> io::Result<()> {
    write_float(w, shortest, PYTHON_LAYOUT)
}

/// Re-lays zmij's shortest representation (`1e20`, `1.5e-7`, `0.00001`, `123.45`) in `layout`,
/// straight into the writer (no allocation).
#[inline]
pub(super) fn write_float<W: ?Sized + io::Write>(
    w: &mut W,
    shortest: &str,
    layout: FloatLayout,
) -> io::Result<()> {
    let (neg, rest) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    let (mantissa, exp) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (rest, 0),
    };
    let point = mantissa.find('.').unwrap_or(mantissa.len());
    // The significant digits, without the point, leading zeros or trailing zeros.
    let mut digits = [0u8; 32];
    let mut n = 0;
    let mut leading = 0;
    for b in mantissa.bytes().filter(|b| *b != b'.') {
        if n == 0 && b == b'0' {
            leading += 1;
            continue;
        }
        if n < digits.len() {
            digits[n] = b;
            n += 1;
        }
    }
    while n > 0 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if neg {
        w.write_all(b"-")?;
    }
    if n == 0 {
        return w.write_all(b"0.0");
    }
    let digits = &digits[..n];
    // Decimal exponent of the first significant digit.
    let e10 = point as i32 - leading - 1 + exp;
    if (layout.min_fixed..16).contains(&e10) {
        if e10 >= 0 {
            let int_len = e10 as usize + 1;
            if digits.len() <= int_len {
                w.write_all(digits)?;
                for _ in digits.len()..int_len {
                    w.write_all(b"0")?;
                }
                w.write_all(b".0")
            } else {
                w.write_all(&digits[..int_len])?;
                w.write_all(b".")?;
                w.write_all(&digits[int_len..])
            }
        } else {
            w.write_all(b"0.")?;
            for _ in 0..(-e10 - 1) {
                w.write_all(b"0")?;
            }
            w.write_all(digits)
        }
    } else {
        w.write_all(&digits[..1])?;
        if digits.len() > 1 {
            w.write_all(b".")?;
            w.write_all(&digits[1..])?;
        }
        // `e`, the sign, and up to three digits (a double's decimal exponent is at most 308).
        let abs = e10.unsigned_abs();
        let mut exp = [b'e', if e10 < 0 { b'-' } else { b'+' }, 0, 0, 0];
        let mut len = 2;
        if abs >= 100 {
            exp[len] = b'0' + (abs / 100 % 10) as u8;
            len += 1;
        }
        if abs >= 10 || layout.pad_exponent {
            exp[len] = b'0' + (abs / 10 % 10) as u8;
            len += 1;
        }
        exp[len] = b'0' + (abs % 10) as u8;
        w.write_all(&exp[..=len])
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
