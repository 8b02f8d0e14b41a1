//! The axum extractors.

use super::*;
/// What the axum extractors read with: the [`FormConfig`] in the request extensions (put there
/// with `axum::Extension(FormConfig::new().limit(..))`), else the default; and axum's
/// `DefaultBodyLimit` around the body, so that the smaller of the two limits applies (axum's
/// own default, 2 MB, is above the form's 64 KiB).
#[cfg(feature = "axum")]
pub(super) fn axum_limits(
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
