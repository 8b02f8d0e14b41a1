//! Reading the body (urlencoded or multipart, within the limit) and validating the fields as
//! FastAPI's `OAuth2PasswordRequestForm` does.

use super::*;
use crate::parse::py_unquote_plus;

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
pub(super) struct RawFields {
    pub(super) grant_type: Option<String>,
    pub(super) username: Option<String>,
    pub(super) password: Option<String>,
    pub(super) scope: Option<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
}

impl RawFields {
    /// Stores `value` under `name` if it is one of the six fields.
    pub(super) fn set(&mut self, name: &str, value: impl FnOnce() -> String) {
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
    pub(super) fn wants(name: &str) -> bool {
        FIELDS.contains(&name)
    }
}

/// The body encodings FastAPI reads a form from.
pub(super) enum FormKind {
    UrlEncoded,
    Multipart,
}

/// The form encoding named by the `content-type` header, if any.
pub(super) fn form_kind(headers: &HeaderMap) -> Option<FormKind> {
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
pub(super) fn announced_too_large(headers: &HeaderMap, limit: usize) -> bool {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > limit as u64)
}

/// Reads the body and extracts the six fields.
pub(super) async fn read_fields<B>(
    headers: &HeaderMap,
    body: B,
    config: &FormConfig,
) -> Result<RawFields, FormRejection>
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let limit = config.get_limit();
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
pub(super) async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, FormRejection>
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
pub(super) fn over_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Decodes an urlencoded body as Starlette does: python-multipart's querystring parser splits
/// it into fields at each `&` (empty fields skipped; `;` is no separator) and each field at its
/// first `=` (a name alone has the empty value); then both sides are read as latin-1 and
/// unquoted with Python's `unquote_plus` ([`py_unquote_plus`]): `+` is a space, a percent
/// escape is UTF-8 (U+FFFD for what does not decode), a byte sent unescaped is its latin-1
/// character (a raw UTF-8 `é`, `C3 A9`, is `Ã©`).
pub(super) fn parse_urlencoded(bytes: &[u8]) -> RawFields {
    let mut fields = RawFields::default();
    for field in bytes.split(|&b| b == b'&').filter(|f| !f.is_empty()) {
        let (name, value) = match field.iter().position(|&b| b == b'=') {
            Some(eq) => (&field[..eq], &field[eq + 1..]),
            None => (field, &[][..]),
        };
        let name = py_unquote_plus(name);
        if RawFields::wants(&name) {
            fields.set(&name, || py_unquote_plus(value));
        }
    }
    fields
}

/// A stream yielding one chunk of already buffered bytes.
pub(super) struct OnceStream(Option<Bytes>);

impl futures_core::Stream for OnceStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.take().map(Ok))
    }
}

/// Reads the text of the six fields from a `multipart/form-data` body: each value UTF-8, or,
/// when it is not UTF-8, latin-1 (every byte one character), as Starlette decodes it.
pub(super) async fn parse_multipart(
    bytes: Bytes,
    boundary: String,
) -> Result<RawFields, FormRejection> {
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
        // Starlette's `_user_safe_decode`: UTF-8, or latin-1 for the whole value when it is
        // not UTF-8.
        fields.set(&name, || {
            String::from_utf8(data.to_vec())
                .unwrap_or_else(|_| data.iter().map(|&b| char::from(b)).collect())
        });
    }
    Ok(fields)
}
