//! PyJWT's bytes: the header with sorted keys, `json.dumps`' separators and float layout, and
//! the `exp` claim placed where PyJWT puts it, so that a token is the one FastAPI would sign.

use serde::Serialize;

use super::{Algorithm, JwtError, JwtErrorKind};

/// PyJWT's header: `json.dumps(header, sort_keys=True)`, so `alg`, `kid`, `typ` in that order.
#[derive(Serialize)]
pub(super) struct PyJwtHeader<'a> {
    pub(super) alg: Algorithm,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) kid: Option<&'a str>,
    pub(super) typ: &'static str,
}

/// `value` as Python's `json.dumps(value, separators=(",", ":"))` writes it (PyJWT's call).
pub(super) fn py_json<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, JwtError> {
    let mut out = Vec::with_capacity(128);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PyJsonFormatter);
    value
        .serialize(&mut ser)
        .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))?;
    Ok(out)
}

/// Python's `json.dumps` defaults that serde_json's compact formatter lacks: `ensure_ascii`
/// (every character outside `' '..='~'` as `\uXXXX`, lowercase hex, UTF-16 surrogate pairs
/// beyond the BMP) and floats as `repr`. serde_json already escapes `"`, `\\` and control
/// characters as Python does (`\n`, `\u001f`...).
pub(super) struct PyJsonFormatter;

impl serde_json::ser::Formatter for PyJsonFormatter {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        serde_json::ser::Formatter::write_f64(
            &mut towerapi_encode::class::PythonFloatFormatter,
            w,
            value,
        )
    }

    fn write_f32<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        value: f32,
    ) -> std::io::Result<()> {
        serde_json::ser::Formatter::write_f32(
            &mut towerapi_encode::class::PythonFloatFormatter,
            w,
            value,
        )
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut plain = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, ' '..='~') {
                continue;
            }
            w.write_all(&fragment.as_bytes()[plain..i])?;
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(w, "\\u{unit:04x}")?;
            }
            plain = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[plain..])
    }
}

/// Sets `exp` in serialized claims: the value of each top-level `"exp"` replaced in place, or
/// `"exp":<exp>` appended when there is none (Python's `payload["exp"] = exp` on a dict).
/// `json` is serde_json's output, so valid and compact, with ASCII keys unescaped.
pub(super) fn claims_with_exp(json: Vec<u8>, exp: u64) -> Result<Vec<u8>, JwtError> {
    if json.first() != Some(&b'{') {
        return Err(JwtError::new(
            JwtErrorKind::Claims,
            "claims must be a JSON object",
        ));
    }
    let exp = exp.to_string();
    let values = top_level_values(&json, b"exp");
    let mut out = Vec::with_capacity(json.len() + 16);
    if values.is_empty() {
        // `json` ends with the object's `}`.
        let body = &json[..json.len() - 1];
        out.extend_from_slice(body);
        if body.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"exp\":");
        out.extend_from_slice(exp.as_bytes());
        out.push(b'}');
    } else {
        let mut copied = 0;
        for value in values {
            out.extend_from_slice(&json[copied..value.start]);
            out.extend_from_slice(exp.as_bytes());
            copied = value.end;
        }
        out.extend_from_slice(&json[copied..]);
    }
    Ok(out)
}

/// The byte ranges of the values of the top-level members named `key` in a compact JSON
/// object.
pub(super) fn top_level_values(json: &[u8], key: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    // At depth 1: a key comes next / the key being read started here / the last key matched.
    let (mut key_next, mut key_start, mut matched) = (false, None, false);
    let mut value_start = None;
    for (i, &b) in json.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if let Some(start) = key_start.take() {
                    matched = json.get(start..i) == Some(key);
                }
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                if depth == 1 && key_next {
                    key_next = false;
                    key_start = Some(i + 1);
                }
            }
            b':' if depth == 1 && matched => {
                matched = false;
                value_start = Some(i + 1);
            }
            b',' if depth == 1 => {
                if let Some(start) = value_start.take() {
                    found.push(start..i);
                }
                key_next = true;
            }
            b'{' | b'[' => {
                depth += 1;
                key_next = depth == 1;
            }
            b'}' | b']' => {
                if depth == 1 {
                    if let Some(start) = value_start.take() {
                        found.push(start..i);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    found
}
