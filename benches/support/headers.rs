//! The ordinary headers of a browser or API client's request, which every benchmark request
//! carries so that header lookups pay what they pay in production.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Inserts the 8 ordinary headers (host, user-agent, accept, accept-encoding, accept-language,
/// connection, cookie, x-request-id).
pub(crate) fn insert_ordinary(headers: &mut HeaderMap, host: &'static str) {
    headers.insert(header::HOST, HeaderValue::from_static(host));
    headers.insert(
        header::USER_AGENT,
        HeaderValue::from_static("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101"),
    );
    headers.insert(
        header::ACCEPT,
        HeaderValue::from_static("application/json, text/plain, */*"),
    );
    headers.insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static("gzip, deflate, br"),
    );
    headers.insert(
        header::ACCEPT_LANGUAGE,
        HeaderValue::from_static("en-US,en;q=0.9"),
    );
    headers.insert(header::CONNECTION, HeaderValue::from_static("keep-alive"));
    headers.insert(
        header::COOKIE,
        HeaderValue::from_static("session=3f9a1c; theme=dark; lang=en"),
    );
    headers.insert(
        HeaderName::from_static("x-request-id"),
        HeaderValue::from_static("6f1d2c3b-9a8e-4b7f-8c6d-5e4f3a2b1c0d"),
    );
}
