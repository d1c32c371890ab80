//! Reading forms and turning refusals into messages in the reader's language.
//! Every form posted from a page arrives through [`Checked`] (or, for files,
//! `CheckedUpload`): its CSRF token is compared with the session's before the
//! handler runs, so no handler can forget it.

use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};

/// A form with nothing but its CSRF token (sign out, confirm, remove…):
/// `_: Checked<TokenOnly>`.
pub(crate) struct TokenOnly;

impl<S: Send + Sync> FromRequest<S> for TokenOnly {
    type Rejection = std::convert::Infallible;

    async fn from_request(_: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(TokenOnly)
    }
}

/// A form whose `csrf` field matched the visitor's token. `E` reads the body
/// as the handler wants it (`axum::Form<T>`, `axum_extra::extract::Form<T>`
/// for repeated fields), from the same bytes.
pub(crate) struct Checked<E>(pub E);

impl<S, E> FromRequest<S> for Checked<E>
where
    S: Send + Sync,
    E: FromRequest<S>,
    E::Rejection: IntoResponse,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = req
            .extensions()
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("no request context".into()).into_response())?;
        // Read once under the route's body limit (axum's own 413 or 400),
        // then handed to `E` as the same bytes.
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        let token = pairs
            .iter()
            .find(|(name, _)| name == "csrf")
            .map(|(_, value)| value.as_str())
            .unwrap_or("");
        ctx.check_csrf(token).map_err(IntoResponse::into_response)?;
        let req = Request::from_parts(parts, Body::from(bytes));
        E::from_request(req, state)
            .await
            .map(Checked)
            .map_err(IntoResponse::into_response)
    }
}

pub(crate) fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub(crate) fn all(form: &[(String, String)], name: &str) -> Vec<String> {
    form.iter()
        .filter(|(k, v)| k == name && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect()
}

/// The highest row number among fields named `{prefix}{n}` (0 when none):
/// the rows a form sent, however many it offered, up to [`MAX_FORM_ROWS`].
pub(crate) fn rows_of(form: &[(String, String)], prefixes: &[&str]) -> usize {
    form.iter()
        .filter_map(|(k, _)| {
            prefixes
                .iter()
                .find_map(|p| k.strip_prefix(p))
                .and_then(|n| n.parse::<usize>().ok())
        })
        .filter(|n| *n <= MAX_FORM_ROWS)
        .max()
        .unwrap_or(0)
}

/// The message-id part of a field name (`questions[2].options` → `questions`).
pub(crate) fn field_key(field: &str) -> String {
    field
        .split(['[', '.'])
        .next()
        .unwrap_or(field)
        .replace('_', "-")
}

/// A field the store names (`steps[2].what.fi`, `need.sv`, `units[1]`) in
/// the reader's words: "Vaihe 2 – Mitä tehdään (fi)".
pub fn field_label(ctx: &Ctx, prefix: &str, field: &str) -> String {
    let mut parts: Vec<&str> = field.split('.').collect();
    let lang = parts
        .last()
        .filter(|l| matches!(**l, "fi" | "sv" | "en"))
        .map(|l| format!(" ({l})"));
    if lang.is_some() {
        parts.pop();
    }
    let mut out = String::new();
    for p in parts {
        let (name, index) = match p.split_once('[') {
            Some((n, i)) => (n, Some(i.trim_end_matches(']'))),
            None => (p, None),
        };
        if !out.is_empty() {
            out.push_str(" – ");
        }
        out.push_str(&ctx.t(&format!("{prefix}-{}", name.replace('_', "-"))));
        if let Some(i) = index {
            out.push(' ');
            out.push_str(i);
        }
    }
    out + &lang.unwrap_or_default()
}

/// Most rows of one kind a form is read for (a row number beyond it is
/// ignored, so a crafted request cannot make the loop long).
pub(crate) const MAX_FORM_ROWS: usize = 200;

/// `?saved=…` after a change, for the page to confirm what was saved.
#[derive(serde::Deserialize, Default)]
pub(crate) struct SavedQuery {
    pub saved: Option<String>,
}
