//! Reading a token once its header is known: the signature check, the claims as one object
//! with unique names, and the registered claims as jsonwebtoken reads them for validation.

use std::fmt;

use super::{from_jwt, Algorithm, DecodingKey, JwtError, JwtErrorKind};

/// A registered claim as jsonwebtoken reads it for validation.
pub(super) enum Claim<T> {
    Parsed(T),
    Invalid,
    Absent,
}

/// `exp` / `nbf`: a non-negative integer, or a float rounded (jsonwebtoken's `NumericType`);
/// anything else (a string, `null`, a negative number) is invalid.
pub(super) fn numeric(value: Option<&serde_json::Value>) -> Claim<u64> {
    let Some(value) = value else {
        return Claim::Absent;
    };
    if let Some(n) = value.as_u64() {
        return Claim::Parsed(n);
    }
    match value.as_f64() {
        // Only a float gets here as positive: an integer that fits no u64 is negative.
        Some(f) if value.is_f64() && f.is_finite() && f >= 0.0 && f < u64::MAX as f64 => {
            Claim::Parsed(f.round() as u64)
        }
        _ => Claim::Invalid,
    }
}

/// `iss` / `aud`: one string or a list of strings; `null` is absent, anything else invalid.
pub(super) fn strings(value: Option<&serde_json::Value>) -> Claim<Vec<&str>> {
    match value {
        None | Some(serde_json::Value::Null) => Claim::Absent,
        Some(serde_json::Value::String(s)) => Claim::Parsed(vec![s.as_str()]),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(serde_json::Value::as_str)
            .collect::<Option<Vec<_>>>()
            .map_or(Claim::Invalid, Claim::Parsed),
        Some(_) => Claim::Invalid,
    }
}

/// The signature check of a token whose header was read: the token's payload part when the
/// key signed `header.payload`. jsonwebtoken's `decode` would read the header a second time
/// and the claims twice; this reads neither.
pub(super) fn verify_signature<'t>(
    token: &'t str,
    key: &DecodingKey,
    alg: Algorithm,
) -> Result<&'t str, JwtError> {
    let malformed = || JwtError::new(JwtErrorKind::Malformed, "not three dot-separated parts");
    let (message, signature) = token.rsplit_once('.').ok_or_else(malformed)?;
    let (_, payload) = message.rsplit_once('.').ok_or_else(malformed)?;
    match jsonwebtoken::crypto::verify(signature, message.as_bytes(), key, alg) {
        Ok(true) => Ok(payload),
        Ok(false) => Err(JwtError::new(JwtErrorKind::Signature, "InvalidSignature")),
        Err(e) => Err(from_jwt(&e)),
    }
}

/// The claims of a verified payload: a JSON object (RFC 7519 7.2, step 10) whose names are
/// unique (RFC 7519 4: a parser may reject duplicates, and reading the last one, as a
/// `serde_json::Value` would, lets two parsers disagree on the same token).
pub(super) fn decode_claims(
    payload: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, JwtError> {
    use base64::Engine as _;
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|e| JwtError::new(JwtErrorKind::Malformed, format!("claims: {e}")))?;
    serde_json::from_slice::<UniqueObject>(&json)
        .map(|o| o.0)
        .map_err(|e| JwtError::new(JwtErrorKind::Claims, e.to_string()))
}

/// A JSON object whose member names are unique.
pub(super) struct UniqueObject(serde_json::Map<String, serde_json::Value>);

impl<'de> serde::Deserialize<'de> for UniqueObject {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = UniqueObject;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the claims as a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<UniqueObject, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some(name) = access.next_key::<String>()? {
                    if map.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!(
                            "the claim `{name}` appears twice"
                        )));
                    }
                    let value = access.next_value()?;
                    map.insert(name, value);
                }
                Ok(UniqueObject(map))
            }
        }
        deserializer.deserialize_map(Visit)
    }
}
