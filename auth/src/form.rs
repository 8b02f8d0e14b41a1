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

#[cfg(feature = "openapi")]
mod openapi;
#[cfg(feature = "openapi")]
pub use openapi::{validation_error_response, PasswordFormDoc};

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

// ---- configuration --------------------------------------------------------------------------

/// Options for reading the form body.
///
/// The axum extractors ([`OAuth2PasswordRequestForm`], [`OAuth2PasswordRequestFormStrict`])
/// take it from the request extensions (`.layer(axum::Extension(FormConfig::new().limit(..)))`
/// on the router or the route), and honour axum's `DefaultBodyLimit` as well: the smaller limit
/// wins, and either answers `413 {"detail":"Request body too large"}`.
#[derive(Clone, Debug)]
pub struct FormConfig {
    limit: usize,
}

impl FormConfig {
    /// The default body limit: 64 KiB.
    pub const DEFAULT_LIMIT: usize = 64 * 1024;

    /// A configuration with the defaults (a 64 KiB body limit).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the largest body, in bytes, that is read; a larger body is
    /// rejected with 413 `{"detail":"Request body too large"}`.
    #[must_use]
    pub fn limit(mut self, bytes: usize) -> Self {
        self.limit = bytes;
        self
    }

    /// The configured body limit in bytes.
    pub fn limit_bytes(&self) -> usize {
        self.limit
    }
}

impl Default for FormConfig {
    fn default() -> Self {
        Self {
            limit: Self::DEFAULT_LIMIT,
        }
    }
}

// ---- errors ---------------------------------------------------------------------------------

/// One entry of FastAPI's validation error list (the `422` body's `detail`), from
/// towerapi-encode: it is not an auth type (a query's validation uses it too).
pub use towerapi_encode::validation::FieldError;

/// Why a password form was rejected.
///
/// Its response ([`into_http_response`](Self::into_http_response), axum's `IntoResponse`) is
/// FastAPI's, and carries the rejection in its extensions as a
/// [`Rejection::Form`](crate::Rejection::Form) for an app-wide
/// [`RejectionLayer`](crate::RejectionLayer). Neither the body nor `Display` ever holds the
/// text of the error behind a `400` (multer's, the body stream's): that is
/// [`source`](std::error::Error::source), for the log.
#[derive(Debug)]
#[non_exhaustive]
pub enum FormRejection {
    /// One or more fields are missing or invalid: 422 with FastAPI's error
    /// list `{"detail":[...]}`.
    Validation(Vec<FieldError>),
    /// The body (or its `content-length`) is over the configured limit: 413
    /// `{"detail":"Request body too large"}`.
    TooLarge,
    /// The body stream failed: 400
    /// `{"detail":"There was an error parsing the body"}`.
    BodyRead(BoxError),
    /// The `multipart/form-data` body is malformed (or has no boundary): 400
    /// `{"detail":"There was an error parsing the body"}`.
    InvalidMultipart(BoxError),
}

impl FormRejection {
    /// The HTTP status of this rejection.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::BodyRead(_) | Self::InvalidMultipart(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// A short name of the rejection kind, as logged.
    fn kind(&self) -> &'static str {
        match self {
            Self::Validation(_) => "Validation",
            Self::TooLarge => "TooLarge",
            Self::BodyRead(_) => "BodyRead",
            Self::InvalidMultipart(_) => "InvalidMultipart",
        }
    }

    /// FastAPI's `detail`: the field errors of a `422`, else its text (`Request body too
    /// large`, `There was an error parsing the body`); never the text of the error behind it.
    pub fn detail(&self) -> crate::Detail<'_> {
        match self {
            Self::Validation(errors) => crate::Detail::Errors(errors),
            Self::TooLarge => crate::Detail::Text(TOO_LARGE_DETAIL),
            Self::BodyRead(_) | Self::InvalidMultipart(_) => {
                crate::Detail::Text(PARSE_ERROR_DETAIL)
            }
        }
    }

    /// The JSON body of the response.
    fn body_bytes(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Detail<'a, T: ?Sized> {
            detail: &'a T,
        }
        let encoded = match self {
            Self::Validation(errors) => serde_json::to_vec(&Detail {
                detail: errors.as_slice(),
            }),
            Self::TooLarge => serde_json::to_vec(&Detail {
                detail: TOO_LARGE_DETAIL,
            }),
            Self::BodyRead(_) | Self::InvalidMultipart(_) => serde_json::to_vec(&Detail {
                detail: PARSE_ERROR_DETAIL,
            }),
        };
        // Strings and JSON values always serialize; keep a fallback anyway.
        encoded.unwrap_or_else(|_| br#"{"detail":"Internal Server Error"}"#.to_vec())
    }

    /// The FastAPI response: the status, `content-type: application/json`, a
    /// `content-length` and the JSON body; the rejection goes into its extensions as a
    /// [`Rejection::Form`](crate::Rejection::Form).
    pub fn into_http_response(self) -> Response<Body> {
        let bytes = self.body_bytes();
        let len = bytes.len();
        let mut res = Response::new(Body::full(bytes));
        *res.status_mut() = self.status();
        let headers = res.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(len));
        crate::reject::mark(&mut res, crate::Rejection::Form(std::sync::Arc::new(self)));
        res
    }

    /// Emits the one tracing event of this rejection and returns it.
    fn traced(self) -> Self {
        let status = self.status().as_u16();
        let rejection = self.kind();
        match &self {
            Self::Validation(errors) => {
                let fields = errors
                    .iter()
                    .map(|e| format!("{}:{}", e.loc.join("."), e.kind))
                    .collect::<Vec<_>>()
                    .join(",");
                tracing::debug!(
                    target: REJECTION_TARGET,
                    status,
                    rejection,
                    errors = %fields,
                    "password form rejected: invalid fields"
                );
            }
            Self::TooLarge => {
                tracing::debug!(
                    target: REJECTION_TARGET,
                    status,
                    rejection,
                    "password form rejected: body too large"
                );
            }
            Self::BodyRead(error) | Self::InvalidMultipart(error) => {
                tracing::debug!(
                    target: REJECTION_TARGET,
                    status,
                    rejection,
                    error = %error,
                    "password form rejected: body could not be parsed"
                );
            }
        }
        self
    }
}

impl fmt::Display for FormRejection {
    /// What the client is told: the invalid fields, or FastAPI's detail. The error behind a
    /// `400` is [`source`](std::error::Error::source) (`{:#}` of anyhow, or a log, shows it).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Validation(errors) => {
                f.write_str("invalid password form")?;
                for (i, error) in errors.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { "; " })?;
                    fmt::Display::fmt(error, f)?;
                }
                Ok(())
            }
            Self::TooLarge => f.write_str(TOO_LARGE_DETAIL),
            Self::BodyRead(_) | Self::InvalidMultipart(_) => f.write_str(PARSE_ERROR_DETAIL),
        }
    }
}

impl std::error::Error for FormRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::BodyRead(error) | Self::InvalidMultipart(error) => Some(&**error),
            Self::Validation(_) | Self::TooLarge => None,
        }
    }
}

// ---- parsing --------------------------------------------------------------------------------

/// Parses and validates an [`OAuth2PasswordRequestForm`] from a request.
///
/// The body is read only for `application/x-www-form-urlencoded` and
/// `multipart/form-data`, and never past [`FormConfig::limit`]. Every
/// rejection emits one `tracing` event with target `towerapi::rejection`.
pub async fn parse_password_form<B>(
    req: Request<B>,
    config: &FormConfig,
) -> Result<OAuth2PasswordRequestForm, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (parts, body) = req.into_parts();
    parse_password_form_body(&parts.headers, body, config).await
}

/// Parses and validates an [`OAuth2PasswordRequestFormStrict`] from a request
/// (`grant_type` is required).
///
/// See [`parse_password_form`].
pub async fn parse_password_form_strict<B>(
    req: Request<B>,
    config: &FormConfig,
) -> Result<OAuth2PasswordRequestFormStrict, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let (parts, body) = req.into_parts();
    parse_password_form_strict_body(&parts.headers, body, config).await
}

/// Like [`parse_password_form`], from the request headers and the body.
pub async fn parse_password_form_body<B>(
    headers: &HeaderMap,
    body: B,
    config: &FormConfig,
) -> Result<OAuth2PasswordRequestForm, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let result = match read_fields(headers, body, config).await {
        Ok(fields) => validate(fields, false).map_err(FormRejection::Validation),
        Err(rejection) => Err(rejection),
    };
    match result {
        Ok(valid) => Ok(OAuth2PasswordRequestForm {
            grant_type: valid.grant_type,
            username: valid.username,
            password: valid.password,
            scopes: valid.scopes,
            client_id: valid.client_id,
            client_secret: valid.client_secret,
        }),
        Err(rejection) => Err(rejection.traced()),
    }
}

/// Like [`parse_password_form_strict`], from the request headers and the body.
pub async fn parse_password_form_strict_body<B>(
    headers: &HeaderMap,
    body: B,
    config: &FormConfig,
) -> Result<OAuth2PasswordRequestFormStrict, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let result = match read_fields(headers, body, config).await {
        Ok(fields) => validate(fields, true).map_err(FormRejection::Validation),
        Err(rejection) => Err(rejection),
    };
    match result {
        Ok(valid) => match valid.grant_type {
            Some(grant_type) => Ok(OAuth2PasswordRequestFormStrict {
                grant_type,
                username: valid.username,
                password: valid.password,
                scopes: valid.scopes,
                client_id: valid.client_id,
                client_secret: valid.client_secret,
            }),
            // `validate(.., true)` reports a missing grant_type; stay total anyway.
            None => {
                Err(FormRejection::Validation(vec![FieldError::missing("grant_type")]).traced())
            }
        },
        Err(rejection) => Err(rejection.traced()),
    }
}

/// The six fields the forms read, in FastAPI's order (the OpenAPI schema names the same).
pub(crate) const FIELDS: [&str; 6] = [
    "grant_type",
    "username",
    "password",
    "scope",
    "client_id",
    "client_secret",
];

/// The raw values of the six fields (last value wins).
#[derive(Default)]
struct RawFields {
    grant_type: Option<String>,
    username: Option<String>,
    password: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl RawFields {
    /// Stores `value` under `name` if it is one of the six fields.
    fn set(&mut self, name: &str, value: impl FnOnce() -> String) {
        let slot = match name {
            "grant_type" => &mut self.grant_type,
            "username" => &mut self.username,
            "password" => &mut self.password,
            "scope" => &mut self.scope,
            "client_id" => &mut self.client_id,
            "client_secret" => &mut self.client_secret,
            _ => return,
        };
        *slot = Some(value());
    }

    /// Whether `name` is one of the six fields.
    fn wants(name: &str) -> bool {
        FIELDS.contains(&name)
    }
}

/// The validated fields, shared by both forms.
struct Valid {
    grant_type: Option<String>,
    username: String,
    password: String,
    scopes: Vec<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// FastAPI treats an empty form value like a missing one.
fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Python's `str.isspace`: Unicode `White_Space` plus the ASCII separators
/// U+001C..U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` without arguments.
fn split_scopes(scope: &str) -> Vec<String> {
    scope
        .split(is_python_space)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Validates the fields in FastAPI's declaration order.
fn validate(fields: RawFields, strict: bool) -> Result<Valid, Vec<FieldError>> {
    let mut errors = Vec::new();

    let grant_type = non_empty(fields.grant_type);
    match &grant_type {
        Some(value) if value != "password" => errors.push(FieldError::pattern_mismatch(
            "grant_type",
            value,
            GRANT_TYPE_PATTERN,
        )),
        Some(_) => {}
        None if strict => errors.push(FieldError::missing("grant_type")),
        None => {}
    }
    let username = non_empty(fields.username);
    if username.is_none() {
        errors.push(FieldError::missing("username"));
    }
    let password = non_empty(fields.password);
    if password.is_none() {
        errors.push(FieldError::missing("password"));
    }

    match (username, password) {
        (Some(username), Some(password)) if errors.is_empty() => Ok(Valid {
            grant_type,
            username,
            password,
            scopes: split_scopes(fields.scope.as_deref().unwrap_or("")),
            client_id: non_empty(fields.client_id),
            client_secret: non_empty(fields.client_secret),
        }),
        _ => Err(errors),
    }
}

/// The body encodings FastAPI reads a form from.
enum FormKind {
    UrlEncoded,
    Multipart,
}

/// The form encoding named by the `content-type` header, if any.
fn form_kind(headers: &HeaderMap) -> Option<FormKind> {
    let value = headers.get(CONTENT_TYPE)?.as_bytes();
    let essence = value.split(|&b| b == b';').next().unwrap_or(value);
    let essence = essence.trim_ascii();
    if essence.eq_ignore_ascii_case(b"application/x-www-form-urlencoded") {
        Some(FormKind::UrlEncoded)
    } else if essence.eq_ignore_ascii_case(b"multipart/form-data") {
        Some(FormKind::Multipart)
    } else {
        None
    }
}

/// Whether the `content-length` header announces more than `limit` bytes.
fn announced_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > limit as u64)
}

/// Reads the body and extracts the six fields.
async fn read_fields<B>(
    headers: &HeaderMap,
    body: B,
    config: &FormConfig,
) -> Result<RawFields, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let limit = config.limit;
    if announced_too_large(headers, limit) {
        return Err(FormRejection::TooLarge);
    }
    let Some(kind) = form_kind(headers) else {
        // Starlette returns an empty form for any other content type.
        return Ok(RawFields::default());
    };
    let boundary = match kind {
        FormKind::UrlEncoded => None,
        FormKind::Multipart => {
            let content_type = headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            match multer::parse_boundary(content_type) {
                Ok(boundary) => Some(boundary),
                Err(error) => return Err(FormRejection::InvalidMultipart(error.into())),
            }
        }
    };

    let bytes = read_limited(body, limit).await?;
    if bytes.is_empty() {
        return Ok(RawFields::default());
    }
    match boundary {
        None => Ok(parse_urlencoded(&bytes)),
        Some(boundary) => parse_multipart(bytes, boundary).await,
    }
}

/// Reads the whole body, failing as soon as more than `limit` bytes arrive.
async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    if http_body::Body::size_hint(&body).lower() > limit as u64 {
        return Err(FormRejection::TooLarge);
    }
    let mut body = std::pin::pin!(body);
    let mut buf = BytesMut::new();
    while let Some(frame) = body.as_mut().frame().await {
        let frame = frame.map_err(|e| {
            let error: BoxError = e.into();
            // A limit set around the body (axum's `DefaultBodyLimit`, tower-http's
            // `RequestBodyLimitLayer`) is the same answer as ours: 413.
            if over_limit(&*error) {
                FormRejection::TooLarge
            } else {
                FormRejection::BodyRead(error)
            }
        })?;
        if let Ok(data) = frame.into_data() {
            if data.len() > limit.saturating_sub(buf.len()) {
                return Err(FormRejection::TooLarge);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// Whether a body error is a length limit's (`http_body_util::Limited`), anywhere in its chain:
/// axum's body wraps the error of the body it boxes.
fn over_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Decodes an urlencoded body (`+` is a space, invalid UTF-8 is replaced).
fn parse_urlencoded(bytes: &[u8]) -> RawFields {
    let mut fields = RawFields::default();
    for (name, value) in form_urlencoded::parse(bytes) {
        fields.set(&name, || value.into_owned());
    }
    fields
}

/// A stream yielding one chunk of already buffered bytes.
struct OnceStream(Option<Bytes>);

impl futures_core::Stream for OnceStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.take().map(Ok))
    }
}

/// Reads the text of the six fields from a `multipart/form-data` body.
async fn parse_multipart(bytes: Bytes, boundary: String) -> Result<RawFields, FormRejection> {
    let invalid = |error: multer::Error| FormRejection::InvalidMultipart(error.into());
    let mut multipart = multer::Multipart::new(OnceStream(Some(bytes)), boundary);
    let mut fields = RawFields::default();
    while let Some(field) = multipart.next_field().await.map_err(invalid)? {
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if !RawFields::wants(&name) {
            continue;
        }
        let data = field.bytes().await.map_err(invalid)?;
        fields.set(&name, || String::from_utf8_lossy(&data).into_owned());
    }
    Ok(fields)
}

// ---- axum -----------------------------------------------------------------------------------

/// What the axum extractors read with: the [`FormConfig`] in the request extensions (put there
/// with `axum::Extension(FormConfig::new().limit(..))`), else the default; and axum's
/// `DefaultBodyLimit` around the body, so that the smaller of the two limits applies (axum's
/// own default, 2 MB, is above the form's 64 KiB).
#[cfg(feature = "axum")]
fn axum_limits(
    req: Request<axum_core::body::Body>,
) -> (Request<axum_core::body::Body>, FormConfig) {
    use axum_core::RequestExt as _;
    let config = req
        .extensions()
        .get::<FormConfig>()
        .cloned()
        .unwrap_or_default();
    (req.with_limited_body(), config)
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl<S: Send + Sync> axum_core::extract::FromRequest<S> for OAuth2PasswordRequestForm {
    type Rejection = FormRejection;

    async fn from_request(
        req: Request<axum_core::body::Body>,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let (req, config) = axum_limits(req);
        parse_password_form(req, &config).await
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl<S: Send + Sync> axum_core::extract::FromRequest<S> for OAuth2PasswordRequestFormStrict {
    type Rejection = FormRejection;

    async fn from_request(
        req: Request<axum_core::body::Body>,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let (req, config) = axum_limits(req);
        parse_password_form_strict(req, &config).await
    }
}

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl axum_core::response::IntoResponse for FormRejection {
    fn into_response(self) -> axum_core::response::Response {
        FormRejection::into_http_response(self).map(axum_core::body::Body::new)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use http_body::Frame;
    use http_body_util::Full;
    use std::collections::VecDeque;

    const MISSING_BOTH: &str = r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
    const MISSING_USERNAME: &str = r#"{"detail":[{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#;
    const MISSING_PASSWORD: &str = r#"{"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
    const MISSING_GRANT_TYPE: &str = r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null}]}"#;
    const BAD_GRANT_TYPE: &str = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"client_credentials","ctx":{"pattern":"^password$"}}]}"#;
    const TOO_LARGE: &str = r#"{"detail":"Request body too large"}"#;
    const PARSE_ERROR: &str = r#"{"detail":"There was an error parsing the body"}"#;

    const URLENCODED: &str = "application/x-www-form-urlencoded";
    const BOUNDARY: &str = "X-BOUNDARY-42";

    fn req(content_type: Option<&str>, body: impl Into<Bytes>) -> Request<Full<Bytes>> {
        let mut builder = Request::builder().method("POST").uri("/token");
        if let Some(ct) = content_type {
            builder = builder.header(CONTENT_TYPE, ct);
        }
        builder.body(Full::new(body.into())).unwrap()
    }

    fn form(body: &str) -> Request<Full<Bytes>> {
        req(Some(URLENCODED), body.to_owned())
    }

    fn multipart_ct() -> String {
        format!("multipart/form-data; boundary={BOUNDARY}")
    }

    fn multipart_body(parts: &[(&str, Option<&str>, &str)]) -> String {
        let mut out = String::new();
        for (name, file_name, value) in parts {
            out.push_str(&format!("--{BOUNDARY}\r\n"));
            match file_name {
                Some(file) => out.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: text/plain\r\n\r\n"
                )),
                None => out.push_str(&format!(
                    "Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                )),
            }
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str(&format!("--{BOUNDARY}--\r\n"));
        out
    }

    async fn ok(req: Request<Full<Bytes>>) -> OAuth2PasswordRequestForm {
        parse_password_form(req, &FormConfig::default())
            .await
            .unwrap()
    }

    async fn err(req: Request<Full<Bytes>>) -> FormRejection {
        parse_password_form(req, &FormConfig::default())
            .await
            .unwrap_err()
    }

    async fn strict_err(req: Request<Full<Bytes>>) -> FormRejection {
        parse_password_form_strict(req, &FormConfig::default())
            .await
            .unwrap_err()
    }

    /// Asserts the exact response of a rejection.
    async fn assert_response(rejection: FormRejection, status: u16, body: &str) {
        let res = rejection.into_http_response();
        assert_eq!(res.status().as_u16(), status);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            res.headers()[CONTENT_LENGTH],
            body.len().to_string().as_str()
        );
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(std::str::from_utf8(&bytes).unwrap(), body);
    }

    /// A body yielding the given chunks (no size hint), possibly an error.
    struct Chunks(VecDeque<Result<Bytes, std::io::Error>>);

    impl http_body::Body for Chunks {
        type Data = Bytes;
        type Error = std::io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Ready(self.get_mut().0.pop_front().map(|r| r.map(Frame::data)))
        }
    }

    fn chunked(content_type: &str, chunks: Vec<Result<Bytes, std::io::Error>>) -> Request<Chunks> {
        Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, content_type)
            .body(Chunks(chunks.into()))
            .unwrap()
    }

    // ---- accepted forms ----

    #[tokio::test]
    async fn plain_form_parses() {
        let f = ok(form("username=alice&password=secret")).await;
        assert_eq!(f.grant_type, None);
        assert_eq!(f.username, "alice");
        assert_eq!(f.password, "secret");
        assert!(f.scopes.is_empty());
        assert_eq!(f.client_id, None);
        assert_eq!(f.client_secret, None);
    }

    #[tokio::test]
    async fn urlencoded_with_charset_parameter_parses() {
        let f = ok(req(
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            "username=alice&password=secret",
        ))
        .await;
        assert_eq!(
            (f.username.as_str(), f.password.as_str()),
            ("alice", "secret")
        );

        let f = ok(req(
            Some("Application/X-WWW-Form-URLEncoded ; Charset=UTF-8"),
            "username=bob&password=pw",
        ))
        .await;
        assert_eq!((f.username.as_str(), f.password.as_str()), ("bob", "pw"));
    }

    #[tokio::test]
    async fn urlencoded_decodes_plus_and_percent_escapes() {
        let f = ok(form("username=al+ice%21&password=p%26ss%3Dw%2Bord%C3%A9")).await;
        assert_eq!(f.username, "al ice!");
        assert_eq!(f.password, "p&ss=w+ordé");
    }

    #[tokio::test]
    async fn multipart_parses_username_password_scope() {
        let body = multipart_body(&[
            ("username", None, "alice"),
            ("password", None, "secret"),
            ("scope", None, "items:read  me"),
            ("unrelated", None, "ignored"),
        ]);
        let f = ok(req(Some(&multipart_ct()), body)).await;
        assert_eq!(f.username, "alice");
        assert_eq!(f.password, "secret");
        assert_eq!(f.scopes, ["items:read", "me"]);
        assert_eq!(f.grant_type, None);
    }

    #[tokio::test]
    async fn multipart_file_part_is_read_as_text() {
        let body = multipart_body(&[
            ("username", Some("user.txt"), "alice"),
            ("password", None, "secret"),
        ]);
        let f = ok(req(Some(&multipart_ct()), body)).await;
        assert_eq!(f.username, "alice");
    }

    #[tokio::test]
    async fn multipart_last_value_wins_and_empty_is_missing() {
        let body = multipart_body(&[
            ("username", None, "mallory"),
            ("username", None, "alice"),
            ("password", None, ""),
        ]);
        assert_response(
            err(req(Some(&multipart_ct()), body)).await,
            422,
            MISSING_PASSWORD,
        )
        .await;

        let body = multipart_body(&[
            ("username", None, "mallory"),
            ("username", None, "alice"),
            ("password", None, "secret"),
        ]);
        assert_eq!(ok(req(Some(&multipart_ct()), body)).await.username, "alice");
    }

    #[tokio::test]
    async fn multipart_malformed_is_400() {
        let body = format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nalice"
        );
        let r = err(req(Some(&multipart_ct()), body)).await;
        assert!(matches!(r, FormRejection::InvalidMultipart(_)));
        assert_response(r, 400, PARSE_ERROR).await;

        let r = err(req(Some(&multipart_ct()), "this is not multipart at all")).await;
        assert_response(r, 400, PARSE_ERROR).await;
    }

    #[tokio::test]
    async fn multipart_without_boundary_is_400() {
        let r = err(req(
            Some("multipart/form-data"),
            "username=alice&password=x",
        ))
        .await;
        assert_response(r, 400, PARSE_ERROR).await;
    }

    #[tokio::test]
    async fn multipart_empty_body_is_missing_both() {
        let r = err(req(Some(&multipart_ct()), "")).await;
        assert_response(r, 422, MISSING_BOTH).await;
    }

    #[tokio::test]
    async fn last_value_wins() {
        let f = ok(form("username=mallory&username=alice&password=secret")).await;
        assert_eq!(f.username, "alice");
        let f = ok(form("username=alice&password=one&password=two")).await;
        assert_eq!(f.password, "two");
    }

    // ---- missing fields ----

    #[tokio::test]
    async fn empty_username_is_missing() {
        assert_response(
            err(form("username=&password=secret")).await,
            422,
            MISSING_USERNAME,
        )
        .await;
    }

    #[tokio::test]
    async fn missing_password_is_422() {
        assert_response(err(form("username=alice")).await, 422, MISSING_PASSWORD).await;
    }

    #[tokio::test]
    async fn empty_form_is_missing_both() {
        assert_response(err(form("")).await, 422, MISSING_BOTH).await;
        assert_response(err(form("username=&password=")).await, 422, MISSING_BOTH).await;
    }

    #[tokio::test]
    async fn no_body_is_missing_both() {
        let req = Request::builder()
            .method("POST")
            .body(http_body_util::Empty::<Bytes>::new())
            .unwrap();
        let r = parse_password_form(req, &FormConfig::default())
            .await
            .unwrap_err();
        assert_response(r, 422, MISSING_BOTH).await;

        let req = Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, URLENCODED)
            .body(http_body_util::Empty::<Bytes>::new())
            .unwrap();
        let r = parse_password_form(req, &FormConfig::default())
            .await
            .unwrap_err();
        assert_response(r, 422, MISSING_BOTH).await;
    }

    #[tokio::test]
    async fn json_body_is_missing_both() {
        let r = err(req(
            Some("application/json"),
            r#"{"username":"alice","password":"secret"}"#,
        ))
        .await;
        assert_response(r, 422, MISSING_BOTH).await;
    }

    #[tokio::test]
    async fn text_plain_is_missing_both() {
        let r = err(req(Some("text/plain"), "username=alice&password=secret")).await;
        assert_response(r, 422, MISSING_BOTH).await;
    }

    #[tokio::test]
    async fn urlencoded_bytes_without_content_type_are_missing_both() {
        let r = err(req(None, "username=alice&password=secret")).await;
        assert_response(r, 422, MISSING_BOTH).await;
    }

    // ---- grant_type ----

    #[tokio::test]
    async fn grant_type_password_is_accepted() {
        let f = ok(form("grant_type=password&username=alice&password=secret")).await;
        assert_eq!(f.grant_type.as_deref(), Some("password"));
        let f = ok(form("grant_type=&username=alice&password=secret")).await;
        assert_eq!(f.grant_type, None);
    }

    #[tokio::test]
    async fn grant_type_client_credentials_is_422() {
        let body = "grant_type=client_credentials&username=alice&password=secret";
        assert_response(err(form(body)).await, 422, BAD_GRANT_TYPE).await;
        assert_response(strict_err(form(body)).await, 422, BAD_GRANT_TYPE).await;
    }

    #[tokio::test]
    async fn grant_type_pattern_is_exact() {
        for value in ["Password", "password%0A", "%20password", "passwordx"] {
            let body = format!("grant_type={value}&username=alice&password=secret");
            let r = err(form(&body)).await;
            match &r {
                FormRejection::Validation(errors) => {
                    assert_eq!(errors.len(), 1);
                    assert_eq!(errors[0].kind, "string_pattern_mismatch");
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn strict_without_grant_type_is_422() {
        let r = strict_err(form("username=alice&password=secret")).await;
        assert_response(r, 422, MISSING_GRANT_TYPE).await;
        let r = strict_err(form("grant_type=&username=alice&password=secret")).await;
        assert_response(r, 422, MISSING_GRANT_TYPE).await;
    }

    #[tokio::test]
    async fn strict_with_grant_type_parses() {
        let req =
            form("grant_type=password&username=alice&password=secret&scope=a+b&client_id=app");
        let f = parse_password_form_strict(req, &FormConfig::default())
            .await
            .unwrap();
        assert_eq!(f.grant_type, "password");
        assert_eq!(f.username, "alice");
        assert_eq!(f.scopes, ["a", "b"]);
        assert_eq!(f.client_id.as_deref(), Some("app"));
        let loose = OAuth2PasswordRequestForm::from(f);
        assert_eq!(loose.grant_type.as_deref(), Some("password"));
    }

    #[tokio::test]
    async fn errors_follow_field_order() {
        let r = strict_err(form("")).await;
        let expected = r#"{"detail":[{"type":"missing","loc":["body","grant_type"],"msg":"Field required","input":null},{"type":"missing","loc":["body","username"],"msg":"Field required","input":null},{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]}"#;
        assert_response(r, 422, expected).await;

        let r = err(form("password=secret&grant_type=client_credentials")).await;
        let expected = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"client_credentials","ctx":{"pattern":"^password$"}},{"type":"missing","loc":["body","username"],"msg":"Field required","input":null}]}"#;
        assert_response(r, 422, expected).await;
    }

    // ---- scope and client credentials ----

    #[tokio::test]
    async fn scope_splits_on_any_whitespace() {
        let f = ok(form("username=u&password=p&scope=++a+++b%09c+")).await;
        assert_eq!(f.scopes, ["a", "b", "c"]);
        let f = ok(form(
            "username=u&password=p&scope=a%0Ab%0D%0Ac%0Bd%0Ce%1Cf%C2%A0g%E3%80%80h",
        ))
        .await;
        assert_eq!(f.scopes, ["a", "b", "c", "d", "e", "f", "g", "h"]);
        let f = ok(form("username=u&password=p&scope=")).await;
        assert!(f.scopes.is_empty());
        let f = ok(form("username=u&password=p&scope=+%09+")).await;
        assert!(f.scopes.is_empty());
        assert_eq!(split_scopes("  a   b\tc "), ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn client_id_and_secret_are_read() {
        let f = ok(form(
            "username=u&password=p&client_id=my-app&client_secret=s3cr%2Bt",
        ))
        .await;
        assert_eq!(f.client_id.as_deref(), Some("my-app"));
        assert_eq!(f.client_secret.as_deref(), Some("s3cr+t"));
        let f = ok(form("username=u&password=p&client_id=&client_secret=")).await;
        assert_eq!(f.client_id, None);
        assert_eq!(f.client_secret, None);
    }

    // ---- limits and broken bodies ----

    #[tokio::test]
    async fn body_of_limit_plus_one_is_413() {
        let prefix = "username=alice&password=";
        let exact = format!(
            "{prefix}{}",
            "p".repeat(FormConfig::DEFAULT_LIMIT - prefix.len())
        );
        assert_eq!(exact.len(), 65536);
        let f = ok(form(&exact)).await;
        assert_eq!(f.password.len(), 65536 - prefix.len());

        let over = format!("{exact}p");
        let r = err(form(&over)).await;
        assert!(matches!(r, FormRejection::TooLarge));
        assert_response(r, 413, TOO_LARGE).await;

        // The same without a size hint, streamed in chunks.
        let chunks = over
            .as_bytes()
            .chunks(1000)
            .map(|c| Ok(Bytes::copy_from_slice(c)))
            .collect();
        let r = parse_password_form(chunked(URLENCODED, chunks), &FormConfig::default())
            .await
            .unwrap_err();
        assert_response(r, 413, TOO_LARGE).await;
    }

    #[tokio::test]
    async fn custom_small_limit() {
        let config = FormConfig::default().limit(24);
        assert_eq!(config.limit_bytes(), 24);
        let r = parse_password_form(form("username=alice&password=secret"), &config)
            .await
            .unwrap_err();
        assert_response(r, 413, TOO_LARGE).await;

        let f = parse_password_form(form("username=a&password=b"), &config)
            .await
            .unwrap();
        assert_eq!(f.username, "a");

        // Streamed: stops at the first chunk past the limit, never reading the error after it.
        let chunks = vec![
            Ok(Bytes::from_static(b"username=alice&")),
            Ok(Bytes::from_static(b"password=secret")),
            Err(std::io::Error::other("never reached")),
        ];
        let r = parse_password_form(chunked(URLENCODED, chunks), &config)
            .await
            .unwrap_err();
        assert_response(r, 413, TOO_LARGE).await;

        // Multipart counts the whole body.
        let body = multipart_body(&[("username", None, "a"), ("password", None, "b")]);
        let config = FormConfig::new().limit(body.len() - 1);
        let r = parse_password_form(req(Some(&multipart_ct()), body.clone()), &config)
            .await
            .unwrap_err();
        assert_response(r, 413, TOO_LARGE).await;
        let config = FormConfig::new().limit(body.len());
        let f = parse_password_form(req(Some(&multipart_ct()), body), &config)
            .await
            .unwrap();
        assert_eq!(f.password, "b");
    }

    #[tokio::test]
    async fn content_length_over_limit_is_413_without_reading() {
        let req = Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, URLENCODED)
            .header(CONTENT_LENGTH, "17")
            .body(Chunks(
                vec![Err(std::io::Error::other("must not be read"))].into(),
            ))
            .unwrap();
        let r = parse_password_form(req, &FormConfig::default().limit(16))
            .await
            .unwrap_err();
        assert_response(r, 413, TOO_LARGE).await;
    }

    #[tokio::test]
    async fn body_stream_error_is_400() {
        let chunks = vec![
            Ok(Bytes::from_static(b"username=alice&")),
            Err(std::io::Error::other("connection reset")),
        ];
        let r = parse_password_form(chunked(URLENCODED, chunks), &FormConfig::default())
            .await
            .unwrap_err();
        assert!(matches!(r, FormRejection::BodyRead(_)));
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        // The cause is the source, for the log; Display is what the client may read.
        assert_eq!(r.to_string(), PARSE_ERROR_DETAIL);
        assert_eq!(
            std::error::Error::source(&r).map(ToString::to_string),
            Some("connection reset".to_owned())
        );
        assert_response(r, 400, PARSE_ERROR).await;

        let chunks = vec![Err(std::io::Error::other("boom"))];
        let r =
            parse_password_form_strict(chunked(&multipart_ct(), chunks), &FormConfig::default())
                .await
                .unwrap_err();
        assert_response(r, 400, PARSE_ERROR).await;
    }

    #[tokio::test]
    async fn non_utf8_percent_escapes_do_not_panic() {
        let f = ok(form("username=%FF%FE&password=%C3%28&scope=%80+ok")).await;
        assert_eq!(f.username, "\u{FFFD}\u{FFFD}");
        assert_eq!(f.password, "\u{FFFD}(");
        assert_eq!(f.scopes, ["\u{FFFD}", "ok"]);

        let r = err(form("grant_type=%FF&username=u&password=p")).await;
        let expected = r#"{"detail":[{"type":"string_pattern_mismatch","loc":["body","grant_type"],"msg":"String should match pattern '^password$'","input":"\ufffd","ctx":{"pattern":"^password$"}}]}"#
            .replace("\\ufffd", "\u{FFFD}");
        assert_response(r, 422, &expected).await;

        // Raw non-UTF-8 bytes, stray percent signs and a non-UTF-8 header.
        let raw = Bytes::from_static(b"username=\xff\xfe%&password=%zz%");
        let f = parse_password_form(req(Some(URLENCODED), raw), &FormConfig::default())
            .await
            .unwrap();
        assert_eq!(f.username, "\u{FFFD}\u{FFFD}%");
        assert_eq!(f.password, "%zz%");
        let bad_header = Request::builder()
            .header(
                CONTENT_TYPE,
                HeaderValue::from_bytes(b"multipart/form-data; boundary=\xff").unwrap(),
            )
            .body(Full::new(Bytes::from_static(b"x")))
            .unwrap();
        let r = err(bad_header).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);

        // Non-UTF-8 multipart text.
        let mut body =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\n")
                .into_bytes();
        body.extend_from_slice(b"al\xffce\r\n");
        body.extend_from_slice(multipart_body(&[("password", None, "p")]).as_bytes());
        let f = ok(req(Some(&multipart_ct()), body)).await;
        assert_eq!(f.username, "al\u{FFFD}ce");
    }

    // ---- Debug, Display, tracing ----

    #[tokio::test]
    async fn debug_redacts_password_and_client_secret() {
        let f = ok(form(
            "username=alice&password=hunter2&client_id=app&client_secret=topsecret",
        ))
        .await;
        let debug = format!("{f:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(!debug.contains("topsecret"), "{debug}");
        assert_eq!(
            debug,
            r#"OAuth2PasswordRequestForm { grant_type: None, username: "alice", password: "REDACTED", scopes: [], client_id: Some("app"), client_secret: Some("REDACTED") }"#
        );

        let strict = OAuth2PasswordRequestFormStrict {
            grant_type: "password".to_owned(),
            username: "alice".to_owned(),
            password: "hunter2".to_owned(),
            scopes: vec!["me".to_owned()],
            client_id: None,
            client_secret: Some("topsecret".to_owned()),
        };
        let debug = format!("{:#?}", strict.clone());
        assert!(
            !debug.contains("hunter2") && !debug.contains("topsecret"),
            "{debug}"
        );
        assert!(debug.contains("password: \"REDACTED\""), "{debug}");
        assert!(debug.contains("\"REDACTED\""), "{debug}");
    }

    #[tokio::test]
    async fn display_and_status() {
        let r = err(form("")).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            r.to_string(),
            "invalid password form: body.username: Field required (missing); body.password: Field required (missing)"
        );
        assert_eq!(
            FormRejection::TooLarge.to_string(),
            "Request body too large"
        );
        assert_eq!(
            FormRejection::TooLarge.status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
    }

    #[tokio::test]
    async fn rejections_emit_one_tracing_event_without_secrets() {
        let (logs, _guard) = crate::tests::capture_logs();

        let r = err(form(
            "grant_type=client_credentials&password=hunter2&client_secret=topsecret",
        ))
        .await;
        let _ = r.into_http_response();
        let text = logs.text();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("towerapi::rejection"), "{text}");
        assert!(text.contains("status=422"), "{text}");
        assert!(text.contains("rejection=\"Validation\""), "{text}");
        assert!(
            !text.contains("hunter2") && !text.contains("topsecret"),
            "{text}"
        );

        logs.clear();
        let _ = parse_password_form(
            form("username=a&password=hunter2"),
            &FormConfig::new().limit(4),
        )
        .await
        .unwrap_err();
        let text = logs.text();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains("status=413") && text.contains("TooLarge"),
            "{text}"
        );

        logs.clear();
        let _ = ok(form("username=a&password=hunter2")).await;
        assert!(logs.text().is_empty());
    }

    #[cfg(feature = "axum")]
    #[tokio::test]
    async fn axum_extractors_and_into_response() {
        use axum_core::extract::FromRequest;
        use axum_core::response::IntoResponse;

        let req = Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, URLENCODED)
            .body(axum_core::body::Body::from(
                "username=alice&password=secret",
            ))
            .unwrap();
        let f = OAuth2PasswordRequestForm::from_request(req, &())
            .await
            .unwrap();
        assert_eq!(f.username, "alice");

        let req = Request::builder()
            .method("POST")
            .header(CONTENT_TYPE, URLENCODED)
            .body(axum_core::body::Body::from(
                "username=alice&password=secret",
            ))
            .unwrap();
        let r = OAuth2PasswordRequestFormStrict::from_request(req, &())
            .await
            .unwrap_err();
        let res = IntoResponse::into_response(r);
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(
            res.headers()[CONTENT_LENGTH],
            MISSING_GRANT_TYPE.len().to_string().as_str()
        );
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], MISSING_GRANT_TYPE.as_bytes());

        fn assert_send<T: Send>(_: &T) {}
        let req = Request::new(axum_core::body::Body::empty());
        let fut = OAuth2PasswordRequestForm::from_request(req, &());
        assert_send(&fut);
        drop(fut);
    }
}
