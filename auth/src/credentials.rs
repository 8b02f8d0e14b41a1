//! The credentials a scheme puts into the request extensions.
//!
//! Each compares in constant time (`==` included: `key == ApiKey(expected.into())` is as safe as
//! [`constant_time_eq`]), and its `Debug` hides the secret.

use std::fmt;

/// HTTP Basic's user and password (FastAPI's `HTTPBasicCredentials`). `Debug` hides the
/// password.
#[derive(Clone)]
pub struct HttpBasicCredentials {
    /// The user name (before the first `:`).
    pub username: String,
    /// The password (after it; may contain `:`).
    pub password: String,
}

impl fmt::Debug for HttpBasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpBasicCredentials")
            .field("username", &self.username)
            .field("password", &"REDACTED")
            .finish()
    }
}

/// An `Authorization` scheme and its credentials (FastAPI's `HTTPAuthorizationCredentials`),
/// from HTTP Bearer, Digest or a custom HTTP scheme. `Debug` hides the credentials.
#[derive(Clone)]
pub struct HttpAuthorizationCredentials {
    /// The scheme as sent (`Bearer`, `bearer`, ...).
    pub scheme: String,
    /// Everything after the first space, stripped.
    pub credentials: String,
}

impl fmt::Debug for HttpAuthorizationCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpAuthorizationCredentials")
            .field("scheme", &self.scheme)
            .field("credentials", &"REDACTED")
            .finish()
    }
}

/// An API key from a query parameter, a header or a cookie. `Debug` hides it.
#[derive(Clone)]
pub struct ApiKey(pub String);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(REDACTED)")
    }
}

/// The token of an OAuth2 password or authorization-code bearer (may be empty: FastAPI passes
/// `Bearer` with no token on as `""`). `Debug` hides it.
#[derive(Clone)]
pub struct BearerToken(pub String);

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(REDACTED)")
    }
}

/// The whole `Authorization` value, as generic OAuth2 and OpenID Connect pass it on (no
/// scheme check). `Debug` hides it.
#[derive(Clone)]
pub struct AuthorizationValue(pub String);

impl fmt::Debug for AuthorizationValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuthorizationValue(REDACTED)")
    }
}

/// `==` on credentials is [`constant_time_eq`] on every secret part (and on the public parts,
/// joined, so that the time says nothing about which part differs).
macro_rules! constant_time_partial_eq {
    ($ty:ty, |$a:ident, $b:ident| $eq:expr) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                let ($a, $b) = (self, other);
                $eq
            }
        }

        impl Eq for $ty {}
    };
}

constant_time_partial_eq!(HttpBasicCredentials, |a, b| {
    // `&` rather than `&&`: both compared whatever the first gives.
    constant_time_eq(&a.username, &b.username) & constant_time_eq(&a.password, &b.password)
});
constant_time_partial_eq!(HttpAuthorizationCredentials, |a, b| {
    constant_time_eq(&a.scheme, &b.scheme) & constant_time_eq(&a.credentials, &b.credentials)
});
constant_time_partial_eq!(ApiKey, |a, b| constant_time_eq(&a.0, &b.0));
constant_time_partial_eq!(BearerToken, |a, b| constant_time_eq(&a.0, &b.0));
constant_time_partial_eq!(AuthorizationValue, |a, b| constant_time_eq(&a.0, &b.0));

/// What a verifier returned, in the request extensions (and an axum extractor).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal<P>(pub P);

/// Compares two secrets in constant time (for passwords and API keys), with `subtle`.
///
/// The time depends on the lengths only, never on where the bytes differ.
///
/// # Example
/// ```
/// assert!(towerapi_auth::constant_time_eq("secret", "secret"));
/// assert!(!towerapi_auth::constant_time_eq("secret", "secreT"));
/// ```
pub fn constant_time_eq(a: impl AsRef<[u8]>, b: impl AsRef<[u8]>) -> bool {
    // `subtle` returns early on a length difference: the lengths are not secret here (an
    // attacker chooses their own), the bytes are.
    use subtle::ConstantTimeEq;
    a.as_ref().ct_eq(b.as_ref()).into()
}
