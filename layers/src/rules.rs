//! The body rules shared by the serializing and the status layers.

use http::{header, HeaderMap, StatusCode};

/// FastAPI's status hierarchy, decided here once: the reply's explicit status, else the
/// route's default (`StatusLayer` closest to the handler), else the response class's. The
/// flag says whether the status is fixed, so that a status layer outside keeps it.
pub(crate) fn status(
    explicit: Option<StatusCode>,
    route: Option<StatusCode>,
    class: StatusCode,
) -> (StatusCode, bool) {
    match explicit.or(route) {
        Some(status) => (status, true),
        None => (class, false),
    }
}

/// Whether a response may carry a body (RFC 9110 §6.4.1: not 1xx, 204, 304).
pub(crate) fn bodiless(status: StatusCode) -> bool {
    status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED
}

/// Applies FastAPI's rules to a serialized response: for 1xx, 204 and 304 the body and its
/// `content-length` go (the content-type stays, as FastAPI sends it); for HEAD the body goes
/// and `content-length` stays. Returns whether the body must be dropped.
pub(crate) fn apply(status: StatusCode, headers: &mut HeaderMap, head: bool) -> bool {
    if bodiless(status) {
        headers.remove(header::CONTENT_LENGTH);
        return true;
    }
    head
}
