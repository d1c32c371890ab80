//! Responses that are files: downloads, calendar feeds, and the public base
//! address for links that leave the site.

use crate::AppState;
use axum::http::header;
use axum::http::HeaderMap;
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

/// The public address of this server, for links that leave it (QR codes).
pub(crate) fn public_base(st: &AppState, headers: &HeaderMap) -> String {
    if let Some(u) = &st.config.public_url {
        return u.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let scheme = if st.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}
