//! Files posted from Kasvu's pages (multipart forms): read into memory up to
//! the file size limit (`WebConfig::import_limits`, `--max-file-mb`), their
//! CSRF token checked before a handler sees them.

use crate::support::ctx::Ctx;
use crate::support::error::AppError;
use crate::support::i18n::Lang;
use crate::AppState;
use axum::extract::{FromRequest, Multipart, Request};
use kasvu_core::Problem;
use kasvu_io::ImportError;

/// The largest file the upload takes, as the setting says it (in MB).
pub fn max_upload_mb(state: &AppState) -> usize {
    state.config.import_limits.file_bytes / (1024 * 1024)
}

/// The body limit of an upload route: the file and the form's other fields.
/// The routes disable axum's own limit ([`axum::extract::DefaultBodyLimit`])
/// because it is fixed when the router is built; the app's outer limit
/// (`app`) and [`read_upload`] bound the body by the setting instead.
pub fn body_limit(file_bytes: usize) -> usize {
    file_bytes.saturating_add(64 * 1024)
}

/// A posted file with the form's other fields.
#[derive(Default)]
pub(crate) struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    fields: Vec<(String, String)>,
}

impl Upload {
    /// A text field of the form, or "".
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }
}

/// An upload whose CSRF token matched: the extractor for every file form.
pub(crate) struct CheckedUpload(pub Upload);

/// A document for the library: as [`CheckedUpload`], bounded by the
/// library's own file limit too.
pub(crate) struct DocumentUpload(pub Upload);

/// The most bytes a file form's text fields take together.
const MAX_FIELD_BYTES: usize = 64 * 1024;

/// Reads a file form for a signed-in person (anyone else is refused before
/// a byte of the body is read), then checks its CSRF token.
async fn checked(req: Request, state: &AppState, max: usize) -> Result<Upload, AppError> {
    let ctx = req
        .extensions()
        .get::<Ctx>()
        .cloned()
        .ok_or_else(|| AppError::Internal("no request context".into()))?;
    if ctx.user.is_none() {
        return Err(AppError::Unauthorized);
    }
    let multipart = Multipart::from_request(req, state)
        .await
        .map_err(|e| AppError::BadRequest(e.body_text()))?;
    let upload = read_upload(multipart, max, ctx.lang).await?;
    ctx.check_csrf(upload.field("csrf"))?;
    Ok(upload)
}

impl FromRequest<AppState> for CheckedUpload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let max = state.config.import_limits.file_bytes;
        Ok(CheckedUpload(checked(req, state, max).await?))
    }
}

impl FromRequest<AppState> for DocumentUpload {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let max = state
            .config
            .import_limits
            .file_bytes
            .min(kasvu_core::document::MAX_DOC_BYTES);
        Ok(DocumentUpload(checked(req, state, max).await?))
    }
}

/// Reads the form, refusing a file over `max` bytes as soon as its chunks
/// pass it (never holding more), text fields over [`MAX_FIELD_BYTES`]
/// together, and a second file.
async fn read_upload(mut m: Multipart, max: usize, lang: Lang) -> Result<Upload, AppError> {
    let mut u = Upload::default();
    let mut files = 0;
    let mut field_bytes = 0usize;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    while let Some(mut field) = m.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            files += 1;
            if files > 1 {
                return Err(AppError::BadRequest(lang.t("upload-one-file")));
            }
            u.file_name = field
                .file_name()
                .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned())
                .unwrap_or_default();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                if u.bytes.len().saturating_add(chunk.len()) > max {
                    return Err(AppError::BadRequest(lang.t_args(
                        "import-too-large",
                        &[
                            ("file", u.file_name.clone()),
                            ("max", (max / (1024 * 1024)).to_string()),
                        ],
                    )));
                }
                u.bytes.extend_from_slice(&chunk);
            }
        } else if !name.is_empty() {
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                field_bytes = field_bytes.saturating_add(chunk.len());
                if field_bytes > MAX_FIELD_BYTES {
                    return Err(AppError::BadRequest(lang.t("upload-fields-too-large")));
                }
                value.extend_from_slice(&chunk);
            }
            let value = String::from_utf8(value)
                .map_err(|_| AppError::BadRequest(lang.t("upload-fields-too-large")))?;
            u.fields.push((name, value));
        }
    }
    Ok(u)
}

/// An import error in the page's language: where, then what.
pub(crate) fn error_text(lang: Lang, e: &ImportError) -> String {
    let mut at = vec![e.file.clone()];
    if let Some(r) = e.row {
        at.push(lang.t_args("import-at-row", &[("row", r.to_string())]));
    }
    if let Some(c) = e.cell {
        at.push(lang.t_args("import-at-cell", &[("cell", c.to_string())]));
    }
    if let Some(f) = &e.field {
        at.push(lang.t_args("import-at-field", &[("field", f.clone())]));
    }
    let what = match e.code {
        Some(code) => lang.problem(&Problem {
            code,
            args: e.args.clone(),
            english: e.message.clone(),
        }),
        None => e.message.clone(),
    };
    format!("{}: {what}", at.join(", "))
}
