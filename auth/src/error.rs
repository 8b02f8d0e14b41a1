//! [`AuthError`]: a rejection, answered as FastAPI answers it.

use std::fmt;

use http::{header, HeaderValue, StatusCode};
use towerapi_encode::Body;

/// What kind of rejection an [`AuthError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// No credentials, or credentials the scheme cannot read (FastAPI's `Not authenticated`).
    NotAuthenticated,
    /// Credentials that were read but are not valid (a wrong password, a bad token).
    InvalidCredentials,
    /// Valid credentials without the permission the route needs (`403`).
    Forbidden,
    /// A principal that may not use the service (FastAPI's `400 Inactive user`).
    InactiveUser,
    /// Any other answer chosen by a verifier.
    Custom,
}

/// A rejection: a typed value first, bytes second.
///
/// The default answer is FastAPI's: the status, `WWW-Authenticate` challenges, and the JSON
/// body `{"detail": ...}` with `content-type: application/json` and `content-length`. A layer's
/// [`on_reject`](crate::AuthLayer::on_reject) hook, or an app-wide
/// [`RejectionLayer`](crate::RejectionLayer) (which also sees an `AuthError` a handler returns),
/// may shape another body; the status and the challenges stay unless the hook sets its own.
///
/// # Example
/// ```
/// use towerapi_auth::AuthError;
///
/// let err = AuthError::unauthorized("Could not validate credentials").with_challenge("Bearer scope=\"items:read\"");
/// let res = err.to_response();
/// assert_eq!(res.status(), 401);
/// assert_eq!(res.headers()["www-authenticate"], "Bearer scope=\"items:read\"");
/// assert_eq!(res.headers()["content-length"], "43");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    kind: AuthErrorKind,
    status: StatusCode,
    detail: String,
    challenges: Vec<HeaderValue>,
}

impl AuthError {
    /// `401 {"detail":"Not authenticated"}` with the scheme's challenge(s).
    pub fn not_authenticated(challenges: Vec<HeaderValue>) -> Self {
        Self {
            kind: AuthErrorKind::NotAuthenticated,
            status: StatusCode::UNAUTHORIZED,
            detail: "Not authenticated".to_owned(),
            challenges,
        }
    }

    /// `401` with a detail of your own (add the challenge with
    /// [`with_challenge`](Self::with_challenge)).
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self {
            kind: AuthErrorKind::InvalidCredentials,
            status: StatusCode::UNAUTHORIZED,
            detail: detail.into(),
            challenges: Vec::new(),
        }
    }

    /// `403` with a detail (for example `Not enough permissions`).
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self {
            kind: AuthErrorKind::Forbidden,
            status: StatusCode::FORBIDDEN,
            detail: detail.into(),
            challenges: Vec::new(),
        }
    }

    /// `400 {"detail":"Inactive user"}`, FastAPI's tutorial answer for a disabled account.
    pub fn inactive_user() -> Self {
        Self {
            kind: AuthErrorKind::InactiveUser,
            status: StatusCode::BAD_REQUEST,
            detail: "Inactive user".to_owned(),
            challenges: Vec::new(),
        }
    }

    /// Any status and detail.
    pub fn custom(status: StatusCode, detail: impl Into<String>) -> Self {
        Self {
            kind: AuthErrorKind::Custom,
            status,
            detail: detail.into(),
            challenges: Vec::new(),
        }
    }

    /// Adds a `WWW-Authenticate` challenge. A value that is not a valid header value is
    /// dropped and logged, never a panic.
    #[must_use]
    pub fn with_challenge(mut self, challenge: impl AsRef<str>) -> Self {
        match HeaderValue::from_str(challenge.as_ref()) {
            Ok(v) => self.challenges.push(v),
            Err(_) => {
                tracing::error!(target: "towerapi::auth", "a WWW-Authenticate challenge was not a valid header value")
            }
        }
        self
    }

    /// The kind.
    pub fn kind(&self) -> AuthErrorKind {
        self.kind
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// FastAPI's `detail`.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The `WWW-Authenticate` values, in order.
    pub fn challenges(&self) -> &[HeaderValue] {
        &self.challenges
    }

    /// The JSON body: `{"detail":"..."}`.
    pub fn body_text(&self) -> String {
        #[derive(serde::Serialize)]
        struct Detail<'a> {
            detail: &'a str,
        }
        serde_json::to_string(&Detail {
            detail: &self.detail,
        })
        .unwrap_or_else(|_| String::from(r#"{"detail":"Not authenticated"}"#))
    }

    /// FastAPI's answer. The response's extensions carry the error (as `AuthError` and as
    /// [`Rejection::Handler`](crate::Rejection::Handler)), so an app-wide
    /// [`RejectionLayer`](crate::RejectionLayer) sees an `AuthError` a handler answers with;
    /// the layers of this crate put their own kind there instead
    /// ([`Rejection::Auth`](crate::Rejection::Auth), [`Rejection::Scopes`](crate::Rejection::Scopes)).
    pub fn to_response(&self) -> http::Response<Body> {
        self.clone().into_http_response()
    }

    /// [`to_response`](Self::to_response), without a copy of the error.
    pub fn into_http_response(self) -> http::Response<Body> {
        let mut res = self.fastapi_response();
        crate::reject::mark(&mut res, crate::Rejection::Handler(self));
        res
    }

    /// FastAPI's answer, with nothing in its extensions.
    pub(crate) fn fastapi_response(&self) -> http::Response<Body> {
        let body = self.body_text();
        let len = body.len();
        let mut res = http::Response::new(Body::full(body));
        *res.status_mut() = self.status;
        self.apply_headers(&mut res);
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res.headers_mut()
            .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        res
    }

    /// Puts the challenges on a response (appended, one header per challenge).
    pub(crate) fn apply_headers<B>(&self, res: &mut http::Response<B>) {
        for c in &self.challenges {
            res.headers_mut()
                .append(header::WWW_AUTHENTICATE, c.clone());
        }
    }

    /// The one tracing event of a rejection (no credential in it), at `level` (DEBUG unless
    /// the layer says otherwise: a client must not be able to fill the logs).
    pub(crate) fn log(&self, scheme: &str, level: tracing::Level) {
        macro_rules! event {
            ($level:expr) => {
                tracing::event!(
                    target: "towerapi::rejection",
                    $level,
                    status = self.status.as_u16(),
                    kind = ?self.kind,
                    scheme,
                    detail = %self.detail,
                    "request rejected"
                )
            };
        }
        match level {
            tracing::Level::ERROR => event!(tracing::Level::ERROR),
            tracing::Level::WARN => event!(tracing::Level::WARN),
            tracing::Level::INFO => event!(tracing::Level::INFO),
            tracing::Level::DEBUG => event!(tracing::Level::DEBUG),
            _ => event!(tracing::Level::TRACE),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.detail)
    }
}

impl std::error::Error for AuthError {}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for AuthError {
    /// FastAPI's answer; the error goes into the response's extensions (see
    /// [`AuthError::to_response`]).
    fn into_response(self) -> axum_core::response::Response {
        self.into_http_response().map(axum_core::body::Body::new)
    }
}

/// A handler returning `Result<Reply<T>, AuthError>` documents `T` on an `ApiRouter`; the error
/// adds nothing (its status is the handler's choice).
#[cfg(feature = "openapi")]
impl towerapi_openapi::DescribeOutput for AuthError {
    fn describe_output(
        _cx: &mut towerapi_openapi::DescribeCx<'_>,
    ) -> Result<(), towerapi_openapi::DocError> {
        Ok(())
    }
}
