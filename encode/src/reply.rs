//! [`Reply`]: a typed value on its way to becoming a response.

use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::body::Body;
use crate::payload::Payload;

/// A handler's typed return value: FastAPI's "return a dict, a model, a list".
///
/// `Reply` does not serialize anything. It becomes an `http::Response` whose extensions carry a
/// [`Payload`]; `SerializeLayer` (towerapi-layers) writes the bytes with the route's response
/// class, after any response-model layer has checked the value. `status` and `header` are
/// FastAPI's `response: Response` parameter: an explicit status (which beats the route's
/// default) and extra headers.
///
/// Until a `SerializeLayer` renders it, the response is a `500 Internal Server Error`
/// (`text/plain; charset=utf-8`, FastAPI's fault text), never an empty `200`: a route without
/// the layer answers 500 and logs, when the response is sent, an error (target
/// `towerapi::serialize`) that says the layer is missing. A status set on the response
/// afterwards (axum's `(StatusCode::CREATED, Reply::new(item))`) counts as the explicit one,
/// like [`status`](Self::status).
///
/// # Example
/// ```
/// use towerapi_encode::{Payload, Reply};
/// use http::StatusCode;
///
/// let res = Reply::new(serde_json::json!({"dynamic": true}))
///     .status(StatusCode::ACCEPTED)
///     .header("x-oracle-extra", "dynamic")
///     .into_http_response();
/// // Not rendered yet: a 500 until a SerializeLayer writes the payload.
/// assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
/// assert_eq!(res.headers()["x-oracle-extra"], "dynamic");
/// assert_eq!(res.extensions().get::<Payload>().and_then(Payload::status), Some(StatusCode::ACCEPTED));
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Reply<T> {
    value: T,
    status: Option<StatusCode>,
    headers: HeaderMap,
    invalid_header: Option<&'static str>,
}

impl<T> Reply<T>
where
    T: Serialize + Send + Sync + 'static,
{
    /// A reply with the route's default status.
    pub fn new(value: T) -> Self {
        Self {
            value,
            status: None,
            headers: HeaderMap::new(),
            invalid_header: None,
        }
    }

    /// A reply with the explicit status `201 Created`.
    pub fn created(value: T) -> Self {
        Self::new(value).status(StatusCode::CREATED)
    }

    /// Sets the status explicitly; it wins over the route's default and the class's.
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a header to the response (appended, so a name may repeat).
    ///
    /// A name or value that is not valid HTTP does not panic: the response becomes a
    /// `500 Internal Server Error` and the fault is logged at error level.
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Err(_), _) => self.invalid_header = Some("invalid header name"),
            (_, Err(_)) => self.invalid_header = Some("invalid header value"),
        }
        self
    }

    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// Turns the reply into a response whose extensions carry the [`Payload`]. This is what
    /// hyper and bare tower services call; axum calls it through `IntoResponse`.
    pub fn into_http_response(self) -> http::Response<Body> {
        if let Some(why) = self.invalid_header {
            tracing::error!(target: "towerapi::encode", reason = why, "Reply::header was given {why}");
            return crate::class::internal_server_error();
        }
        let mut res = http::Response::new(Body::unrendered(std::any::type_name::<T>()));
        *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        let mut headers = self.headers;
        // The placeholder 500's headers. Its `content-length` comes from the body's exact size
        // hint (axum and hyper write it), so the usual reply, with no headers of its own,
        // costs one insert; a handler's own `content-length` would be wrong for the
        // placeholder body, so it is replaced.
        if headers.is_empty() {
            headers.insert(CONTENT_TYPE, crate::class::text::TEXT_PLAIN);
        } else {
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, crate::class::text::TEXT_PLAIN);
            }
            if headers.contains_key(CONTENT_LENGTH) {
                headers.insert(CONTENT_LENGTH, crate::class::INTERNAL_SERVER_ERROR_LENGTH);
            }
        }
        *res.headers_mut() = headers;
        res.extensions_mut()
            .insert(Payload::from_reply(self.value, self.status));
        res
    }
}

#[cfg(feature = "axum")]
impl<T> axum_core::response::IntoResponse for Reply<T>
where
    T: Serialize + Send + Sync + 'static,
{
    fn into_response(self) -> axum_core::response::Response {
        crate::body::into_axum(Reply::into_http_response(self))
    }
}
