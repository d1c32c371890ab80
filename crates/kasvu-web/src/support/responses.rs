//! Responses that are files: downloads, calendar feeds, and the public base
//! address for links that leave the site.

use crate::AppState;
use axum::http::header;
use axum::response::IntoResponse;
use axum::response::Response;

/// A file to download, with its type and name.
pub(crate) fn download(
    bytes: Vec<u8>,
    content_type: &str,
    name: String,
) -> axum::response::Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub(crate) fn ics_response(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// The public address of this server, for links that leave it (QR codes,
/// password links, events' `@id`): the configured `public_url`, which
/// `kasvu serve` always sets (`--public-url`, or its own loopback address).
/// Never the request's `Host` header: a client chooses it, and links made
/// from it could point anywhere (and be cached for everyone).
pub(crate) fn public_base(st: &AppState) -> &str {
    st.config
        .public_url
        .as_deref()
        .map_or(FALLBACK_PUBLIC_URL, |u| u.trim_end_matches('/'))
}

/// The address of a server built without one (tests, embedding): no request
/// can change it.
const FALLBACK_PUBLIC_URL: &str = "http://localhost";
