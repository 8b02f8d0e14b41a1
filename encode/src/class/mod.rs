//! Response classes: how a [`Payload`] becomes bytes, and the responses a handler returns
//! directly (FastAPI's `response_class=` and its `Response` subclasses).
//!
//! | class | FastAPI | content-type | default status |
//! |---|---|---|---|
//! | [`Json`] | `JSONResponse` (the default without a `response_model`) | `application/json` | 200 |
//! | [`PydanticJson`] | the default with a `response_model` (pydantic-core `dump_json`) | `application/json` | 200 |
//! | [`FastJson`] (feature `fast-json`) | `ORJSONResponse` | `application/json` | 200 |
//! | [`Html`] | `HTMLResponse` | `text/html; charset=utf-8` | 200 |
//! | [`PlainText`] | `PlainTextResponse` | `text/plain; charset=utf-8` | 200 |
//! | [`Redirect`] | `RedirectResponse` | none, `content-length: 0` | 307 |
//! | [`File`] | `FileResponse` | guessed from the name | 200 |
//! | [`Stream`] | `StreamingResponse` | only if given; chunked | 200 |
//!
//! The first six implement [`ResponseClass`] and so can be a route's class in `SerializeLayer`.
//! [`File`] and [`Stream`] are returned by a handler directly: they carry no payload.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, StatusCode};

use crate::body::Body;
use crate::payload::Payload;

#[cfg(feature = "fast-json")]
mod fast_json;
mod file;
mod json;
mod pydantic_json;
mod redirect;
mod stream;
pub(crate) mod text;

#[cfg(feature = "fast-json")]
#[doc(inline)]
pub use fast_json::FastJson;
#[doc(inline)]
pub use file::{File, FileRequest};
#[doc(inline)]
pub use json::{Json, PythonFloatFormatter};
#[doc(inline)]
pub use pydantic_json::{PydanticFloatFormatter, PydanticJson};
#[doc(inline)]
pub use redirect::Redirect;
#[doc(inline)]
pub use stream::Stream;
#[doc(inline)]
pub use text::{Html, PlainText};

/// Turns a [`Payload`] into the parts of a response: FastAPI's `response_class`.
///
/// A class is a small value (usually a unit struct) that a `SerializeLayer` holds and clones
/// per request. Implement it to add a format of your own; [`Payload::as_serialize`] gives the
/// value to any `serde` serializer.
pub trait ResponseClass: Clone + Send + Sync + 'static {
    /// Renders the payload.
    ///
    /// # Errors
    /// When the value cannot be written in this class's format. The layer then answers
    /// `500 Internal Server Error` and logs the error; it never reaches the client.
    fn render(&self, payload: &Payload) -> Result<Rendered, RenderError>;

    /// The media type the class writes, as the OpenAPI document names it
    /// (`application/json`, `text/html`); `None` for a class without a body (a redirect).
    fn media_type(&self) -> Option<&'static str>;

    /// Whether the body is the payload's JSON, so that the payload's schema describes it
    /// (default: a media type ending in `json`); `false` documents a string.
    fn is_json(&self) -> bool {
        self.media_type().is_some_and(|m| m.ends_with("json"))
    }

    /// The class's default status, documented when no `StatusLayer` sets one (default `200`;
    /// a redirect's `307`).
    fn default_status(&self) -> StatusCode {
        StatusCode::OK
    }
}

/// A rendered payload: the class's default status, its content-type, other headers
/// (a redirect's `location`) and the body. The serializing layer adds `content-length`.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The class's default status (200, or 307 for a redirect).
    pub status: StatusCode,
    /// The content-type, if the class sends one.
    pub content_type: Option<HeaderValue>,
    /// Other headers the class sets (empty for most classes: no allocation).
    pub headers: HeaderMap,
    /// The body bytes.
    pub body: Bytes,
}

impl Rendered {
    /// A 200 with the given content-type and body.
    pub fn ok(content_type: HeaderValue, body: impl Into<Bytes>) -> Self {
        Self {
            status: StatusCode::OK,
            content_type: Some(content_type),
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// Writes status, headers and `content-length` into response parts, replacing any
    /// headers of the same names; returns the body.
    pub fn apply_to(self, parts: &mut http::response::Parts) -> Bytes {
        parts.status = self.status;
        parts.headers.reserve(2 + self.headers.len());
        if let Some(content_type) = self.content_type {
            parts.headers.insert(header::CONTENT_TYPE, content_type);
        }
        let mut last = None;
        for (name, value) in self.headers {
            // `None` repeats the previous name: keep every value of a repeated header.
            match name {
                Some(name) => {
                    parts.headers.insert(name.clone(), value);
                    last = Some(name);
                }
                None => {
                    if let Some(name) = &last {
                        parts.headers.append(name.clone(), value);
                    }
                }
            }
        }
        parts
            .headers
            .insert(header::CONTENT_LENGTH, content_length(self.body.len()));
        self.body
    }

    /// Turns it into a response with `content-length` set.
    pub fn into_http_response(self) -> http::Response<Body> {
        let (mut parts, ()) = http::Response::new(()).into_parts();
        let body = self.apply_to(&mut parts);
        http::Response::from_parts(parts, Body::full(body))
    }
}

/// Why a payload could not be rendered. Goes to the log, never to the client.
#[derive(Debug)]
pub struct RenderError {
    class: &'static str,
    type_name: &'static str,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl RenderError {
    /// The payload's value could not be written by `class`.
    pub fn new(
        class: &'static str,
        payload: &Payload,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Self {
            class,
            type_name: payload.type_name(),
            source: Some(source.into()),
        }
    }

    /// `class` needs text (HTML, plain text, a URL) and the value does not serialize as a string.
    pub fn not_text(class: &'static str, payload: &Payload) -> Self {
        Self {
            class,
            type_name: payload.type_name(),
            source: None,
        }
    }

    /// The response class that failed.
    pub fn class(&self) -> &'static str {
        self.class
    }

    /// The Rust type of the value that failed.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Some(_) => write!(
                f,
                "{} could not serialize a value of type `{}`",
                self.class, self.type_name
            ),
            None => write!(
                f,
                "{} needs a value that serializes as a string, got `{}`",
                self.class, self.type_name
            ),
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// The text every fault answers with (FastAPI/Starlette's `ServerErrorMiddleware`).
pub const INTERNAL_SERVER_ERROR: &str = "Internal Server Error";

/// `content-length` of [`INTERNAL_SERVER_ERROR`], without formatting it per response.
pub(crate) const INTERNAL_SERVER_ERROR_LENGTH: HeaderValue = HeaderValue::from_static("21");

/// A `content-length` value in one allocation (`HeaderValue::from(usize)` makes two: a
/// `BytesMut`, then the `Bytes` it is frozen into).
pub(crate) fn content_length(n: usize) -> HeaderValue {
    match HeaderValue::from_str(itoa::Buffer::new().format(n)) {
        Ok(value) => value,
        // Not reachable: decimal digits are a valid header value.
        Err(_) => HeaderValue::from(n),
    }
}

/// `500`, `text/plain; charset=utf-8`, `Internal Server Error` (21 bytes): what the client sees
/// of any fault. The cause goes to the log.
pub fn internal_server_error() -> http::Response<Body> {
    let mut res =
        Rendered::ok(text::TEXT_PLAIN.clone(), INTERNAL_SERVER_ERROR).into_http_response();
    *res.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    res
}

/// The size of the last body written, rounded up: the next buffer starts that large instead of
/// growing from 128 bytes by doubling (three copies for a 1 KiB body). A relaxed atomic; a
/// wrong guess only costs what serde_json's own growth would.
static LAST_LEN: AtomicUsize = AtomicUsize::new(128);

pub(crate) fn capacity_hint() -> usize {
    LAST_LEN.load(Ordering::Relaxed)
}

pub(crate) fn remember_len(len: usize) {
    // Bounded, so one huge body does not make every later buffer huge.
    let hint = len.clamp(128, 64 * 1024).next_power_of_two();
    if hint != LAST_LEN.load(Ordering::Relaxed) {
        LAST_LEN.store(hint, Ordering::Relaxed);
    }
}

/// Adds `; charset=utf-8` to a `text/*` media type that has no charset, as Starlette does.
pub(crate) fn with_charset(media_type: &str) -> std::borrow::Cow<'_, str> {
    if media_type.len() >= 5
        && media_type[..5].eq_ignore_ascii_case("text/")
        && !media_type.to_ascii_lowercase().contains("charset=")
    {
        format!("{media_type}; charset=utf-8").into()
    } else {
        media_type.into()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod content_length_tests {
    use super::*;

    #[test]
    fn content_length_writes_the_decimal_digits() {
        for n in [
            0usize,
            1,
            9,
            10,
            21,
            99,
            100,
            1437,
            65_535,
            1 << 40,
            usize::MAX,
        ] {
            assert_eq!(content_length(n), HeaderValue::from(n), "{n}");
            assert_eq!(content_length(n).to_str().unwrap(), n.to_string());
        }
        assert_eq!(
            INTERNAL_SERVER_ERROR_LENGTH,
            HeaderValue::from(INTERNAL_SERVER_ERROR.len())
        );
    }
}
