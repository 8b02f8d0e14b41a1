//! How the form body is read: [`FormConfig`].

/// Options for reading the form body.
///
/// The axum extractors ([`OAuth2PasswordRequestForm`](super::OAuth2PasswordRequestForm), [`OAuth2PasswordRequestFormStrict`](super::OAuth2PasswordRequestFormStrict))
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

    /// The body limit in bytes, set with [`limit`](Self::limit).
    pub fn get_limit(&self) -> usize {
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
