//! The fields' rules, as FastAPI's `OAuth2PasswordRequestForm` validates them (a `422` of
//! [`FieldError`]s otherwise).

use super::*;

/// The validated fields, shared by both forms.
pub(super) struct Valid {
    pub(super) grant_type: Option<String>,
    pub(super) username: String,
    pub(super) password: String,
    pub(super) scopes: Vec<String>,
    pub(super) client_id: Option<String>,
    pub(super) client_secret: Option<String>,
}

/// FastAPI treats an empty form value like a missing one.
pub(super) fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

/// Python's `str.isspace`: Unicode `White_Space` plus the ASCII separators
/// U+001C..U+001F.
pub(super) fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.split()` without arguments.
pub(super) fn split_scopes(scope: &str) -> Vec<String> {
    scope
        .split(is_python_space)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Validates the fields in FastAPI's declaration order.
pub(super) fn validate(fields: RawFields, strict: bool) -> Result<Valid, Vec<FieldError>> {
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
