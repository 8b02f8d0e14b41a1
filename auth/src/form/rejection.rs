//! Why a form was refused ([`FormRejection`]) and FastAPI's answer for it.

use super::*;
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
    pub(super) fn kind(&self) -> &'static str {
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
    pub(super) fn body_bytes(&self) -> Vec<u8> {
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
    pub(super) fn traced(self) -> Self {
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
