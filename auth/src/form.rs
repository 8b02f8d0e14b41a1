//! FastAPI's `OAuth2PasswordRequestForm` and `OAuth2PasswordRequestFormStrict`.
//!
//! The OAuth2 "password flow" token endpoint receives the user's credentials
//! as a form body (`application/x-www-form-urlencoded` or
//! `multipart/form-data`) with the fields `grant_type`, `username`,
//! `password`, `scope`, `client_id` and `client_secret`. This module parses
//! and validates that body exactly like FastAPI does, and produces FastAPI's
//! error responses (422 with the pydantic error list, 400 when the body cannot
//! be read, plus 413 when the body exceeds the configured limit).
//!
//! Use [`parse_password_form`] / [`parse_password_form_strict`] from hyper or
//! bare tower services; with the `axum` feature both form types are also
//! axum extractors. With the `openapi` feature, `OAuth2PasswordRequestForm::openapi()`
//! describes the token route's body and 422 (`PasswordFormDoc`), and
//! `validation_error_response` documents a 422 of [`FieldError`]s anywhere.
//!
//! ```
//! # async fn demo() {
//! use towerapi_auth::form::{parse_password_form, FormConfig};
//!
//! let req = http::Request::builder()
//!     .method("POST")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body(http_body_util::Full::new(bytes::Bytes::from_static(
//!         b"username=alice&password=secret&scope=read+write",
//!     )))
//!     .expect("valid request");
//! let form = parse_password_form(req, &FormConfig::default())
//!     .await
//!     .expect("valid form");
//! assert_eq!(form.username, "alice");
//! assert_eq!(form.scopes, ["read", "write"]);
//! # }
//! ```

use std::convert::Infallible;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use towerapi_encode::{Body, BoxError};

mod config;
#[cfg(feature = "axum")]
mod extract;
#[cfg(feature = "openapi")]
mod openapi;
mod parse;
mod rejection;
mod validate;

pub use config::*;
#[cfg(feature = "openapi")]
pub use openapi::{validation_error_response, PasswordFormDoc};
pub use parse::*;
pub use rejection::*;
use validate::*;

/// The tracing target of the event emitted for every rejection.
const REJECTION_TARGET: &str = "towerapi::rejection";

/// The pattern FastAPI puts on `grant_type`.
const GRANT_TYPE_PATTERN: &str = "^password$";

/// Starlette's message when the body cannot be read or parsed.
const PARSE_ERROR_DETAIL: &str = "There was an error parsing the body";

/// The message for a body over the configured limit.
const TOO_LARGE_DETAIL: &str = "Request body too large";

// ---- the forms ------------------------------------------------------------------------------

/// FastAPI's `OAuth2PasswordRequestForm`: the body of an OAuth2 password-flow
/// token request.
///
/// `grant_type` is optional but, when present (and not empty), must be exactly
/// `password`. `username` and `password` are required and must not be empty.
/// `scopes` is the `scope` field split on whitespace. Empty optional fields are
/// `None`.
///
/// `Debug` prints `password` and `client_secret` as `"REDACTED"`.
#[derive(Clone)]
pub struct OAuth2PasswordRequestForm {
    /// The `grant_type` field; `Some("password")` or `None`.
    pub grant_type: Option<String>,
    /// The `username` field.
    pub username: String,
    /// The `password` field.
    pub password: String,
    /// The `scope` field split on whitespace.
    pub scopes: Vec<String>,
    /// The `client_id` field.
    pub client_id: Option<String>,
    /// The `client_secret` field.
    pub client_secret: Option<String>,
}

/// FastAPI's `OAuth2PasswordRequestFormStrict`: like
/// [`OAuth2PasswordRequestForm`] but `grant_type` is required (and must be
/// exactly `password`).
///
/// `Debug` prints `password` and `client_secret` as `"REDACTED"`.
#[derive(Clone)]
pub struct OAuth2PasswordRequestFormStrict {
    /// The `grant_type` field; always `"password"`.
    pub grant_type: String,
    /// The `username` field.
    pub username: String,
    /// The `password` field.
    pub password: String,
    /// The `scope` field split on whitespace.
    pub scopes: Vec<String>,
    /// The `client_id` field.
    pub client_id: Option<String>,
    /// The `client_secret` field.
    pub client_secret: Option<String>,
}

/// What `Debug` prints in place of a secret.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"REDACTED\"")
    }
}

/// `Some("REDACTED")` or `None`, never the secret.
fn redact_option(secret: &Option<String>) -> Option<Redacted> {
    secret.as_ref().map(|_| Redacted)
}

impl fmt::Debug for OAuth2PasswordRequestForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2PasswordRequestForm")
            .field("grant_type", &self.grant_type)
            .field("username", &self.username)
            .field("password", &Redacted)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact_option(&self.client_secret))
            .finish()
    }
}

impl fmt::Debug for OAuth2PasswordRequestFormStrict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2PasswordRequestFormStrict")
            .field("grant_type", &self.grant_type)
            .field("username", &self.username)
            .field("password", &Redacted)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact_option(&self.client_secret))
            .finish()
    }
}

impl From<OAuth2PasswordRequestFormStrict> for OAuth2PasswordRequestForm {
    fn from(form: OAuth2PasswordRequestFormStrict) -> Self {
        Self {
            grant_type: Some(form.grant_type),
            username: form.username,
            password: form.password,
            scopes: form.scopes,
            client_id: form.client_id,
            client_secret: form.client_secret,
        }
    }
}

#[cfg(test)]
mod tests;
