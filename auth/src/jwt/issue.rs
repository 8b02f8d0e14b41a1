//! [`JwtIssuer`]: signing the `/token` answer.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::pyjwt::{claims_with_exp, py_json, PyJwtHeader};
use super::{ensure_provider, from_jwt, Algorithm, EncodingKey, JwtError};

/// Signs claims, for a `/token` endpoint, with the bytes PyJWT's `jwt.encode` writes.
///
/// The header is PyJWT's, keys sorted: `{"alg":"HS256","typ":"JWT"}`, or
/// `{"alg":"HS256","kid":"k1","typ":"JWT"}` with a [`kid`](Self::kid). The claims are the
/// caller's, in their own order (a struct's field order, a map's iteration order), followed by
/// `exp`; claims that have an `exp` of their own get the issuer's value in its place. Both
/// are Python's `json.dumps(separators=(",", ":"))`: compact, non-ASCII and DEL escaped as
/// `\uXXXX` (`ensure_ascii`), floats as Python's `repr` (`1e+20`; NaN and infinities become
/// `null`, still JSON). So FastAPI's docs recipe, `jwt.encode({"sub": ..., "scopes": ...,
/// "exp": ...}, key, algorithm="HS256")`, and a struct with those fields give the same token,
/// byte for byte. (A `serde_json::Value` object iterates its keys sorted, unless serde_json's
/// `preserve_order` feature is on: for the order of a Python dict, use a struct.)
///
/// # Example
/// ```
/// use towerapi_auth::jwt::JwtIssuer;
///
/// #[derive(serde::Serialize)]
/// struct TokenClaims<'a> { sub: &'a str, scopes: Vec<String> }
///
/// let token = JwtIssuer::hs256(b"oracle-secret")
///     .issue_at(&TokenClaims { sub: "alice", scopes: vec![] }, 4102444800)
///     .unwrap();
/// // FastAPI's /token answer for alice (docs/behaviour/security.md, "JWT"), byte for byte:
/// assert_eq!(
///     token,
///     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsInNjb3BlcyI6W10sImV4cCI6NDEwMjQ0NDgwMH0.1efPiBA7HATqMg7vZ-HfE9L8A2fBHbYVtp4q9-SPqck"
/// );
/// ```
#[derive(Clone)]
pub struct JwtIssuer {
    key: Arc<EncodingKey>,
    algorithm: Algorithm,
    kid: Option<String>,
    ttl_secs: u64,
}

impl fmt::Debug for JwtIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtIssuer")
            .field("key", &"REDACTED")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("ttl_secs", &self.ttl_secs)
            .finish()
    }
}

impl JwtIssuer {
    /// Signs with `key` and `algorithm`; tokens expire after 30 minutes unless
    /// [`ttl_secs`](Self::ttl_secs) says otherwise.
    pub fn new(key: EncodingKey, algorithm: Algorithm) -> Self {
        ensure_provider();
        Self {
            key: Arc::new(key),
            algorithm,
            kid: None,
            ttl_secs: 30 * 60,
        }
    }

    /// HS256 with a shared secret.
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new(EncodingKey::from_secret(secret), Algorithm::HS256)
    }

    /// The `kid` put into each token's header.
    #[must_use]
    pub fn kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The lifetime of the tokens, in seconds.
    #[must_use]
    pub fn ttl_secs(mut self, seconds: u64) -> Self {
        self.ttl_secs = seconds;
        self
    }

    /// Signs `claims` (a struct or map) with `exp` = now + the lifetime (see
    /// [`issue_at`](Self::issue_at)).
    ///
    /// # Errors
    /// When the claims are not a JSON object or cannot be signed.
    pub fn issue<T: Serialize>(&self, claims: &T) -> Result<String, JwtError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.issue_at(claims, now.saturating_add(self.ttl_secs))
    }

    /// Signs `claims` with this `exp` (a Unix time): the caller's claims in their own order,
    /// then `"exp"`, unless the claims have an `exp` of their own, whose value is replaced in
    /// place. The layout is PyJWT's (see [`JwtIssuer`]).
    ///
    /// # Errors
    /// When the claims are not a JSON object or cannot be serialized
    /// ([`JwtErrorKind::Claims`](super::JwtErrorKind::Claims)), or the key is not one for the
    /// algorithm ([`JwtErrorKind::Algorithm`](super::JwtErrorKind::Algorithm)).
    pub fn issue_at<T: Serialize>(&self, claims: &T, exp: u64) -> Result<String, JwtError> {
        use base64::Engine as _;
        const B64: base64::engine::GeneralPurpose =
            base64::engine::general_purpose::URL_SAFE_NO_PAD;

        // `jsonwebtoken::encode` checks this before signing; `crypto::sign` does not.
        if self.key.family() != self.algorithm.family() {
            return Err(from_jwt(&jsonwebtoken::errors::new_error(
                jsonwebtoken::errors::ErrorKind::InvalidAlgorithm,
            )));
        }
        let header = py_json(&PyJwtHeader {
            alg: self.algorithm,
            kid: self.kid.as_deref(),
            typ: "JWT",
        })?;
        let payload = claims_with_exp(py_json(claims)?, exp)?;
        let mut message = B64.encode(header);
        message.push('.');
        B64.encode_string(payload, &mut message);
        let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &self.key, self.algorithm)
            .map_err(|e| from_jwt(&e))?;
        message.push('.');
        message.push_str(&signature);
        Ok(message)
    }
}
