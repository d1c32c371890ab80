//! The document library on the pages of projects, good practices and teams:
//! the documents the reader may read (by audience, decided by
//! [`kasvu_core::document::may_read`]), a form for those who may add
//! (projects and practices: whoever records them; teams: whoever runs the
//! team's meetings), downloads served as attachments of the type told from
//! their content, under the site's policy that runs no script (so no
//! stored file runs in Kasvu's origin), and removal.

use crate::support::ctx::Ctx;
use crate::support::error::{refused, AppError, Labels, PageResult};
use crate::support::format::format_number;
use crate::support::forms::{Checked, TokenOnly};
use crate::support::routes::{get, post, Routes};
use crate::support::team_access::{team_access, writes_practices};
use crate::support::upload::{max_upload_mb, DocumentUpload};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect};
use kasvu_core::document::{accepted_extensions, may_read, DocAudience, DocTarget, Reader};
use kasvu_core::{FieldError, Problem};
use kasvu_store::{DocContent, Document, DocumentSpec, StoreError};

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route("/documents", post(add_document).without_body_limit())
        .route("/documents/{id}", get(download))
        .route("/documents/{id}/remove", post(remove_document))
}

/// What the viewer may do with a target's documents.
pub(crate) struct DocAccess {
    pub reader: Reader,
    pub may_add: bool,
    /// The target's page, where the section is.
    pub back: String,
}

/// The viewer's access to a target's documents; 404 for a target the viewer
/// may not see at all (another organisation's team).
pub(crate) async fn doc_access(
    st: &AppState,
    ctx: &Ctx,
    target: DocTarget,
    target_id: i64,
) -> Result<DocAccess, AppError> {
    let (org_id, code) = st
        .store
        .document_target(target, target_id)
        .await?
        .ok_or(AppError::NotFound)?;
    match target {
        DocTarget::Team => {
            if ctx.user.is_none() {
                return Err(AppError::NotFound);
            }
            let acc = team_access(st, ctx, target_id).await?;
            Ok(DocAccess {
                reader: Reader {
                    staff: true,
                    member: acc.internal,
                },
                may_add: acc.runs,
                back: format!("/teams/{target_id}/work#documents"),
            })
        }
        DocTarget::Project | DocTarget::Practice => Ok(DocAccess {
            reader: Reader {
                staff: ctx.user.as_ref().is_some_and(|u| u.org_id == org_id),
                member: false,
            },
            may_add: writes_practices(st, ctx, org_id).await?,
            back: match target {
                DocTarget::Project => format!("/projects/{code}#documents"),
                _ => format!("/practices/{code}#documents"),
            },
        }),
    }
}

/// One document in the list.
pub struct DocRow {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub href: String,
    /// "PDF, 12 kB" or "Link: www.ouka.fi".
    pub what: String,
    pub external: bool,
    pub audience: String,
}

/// The documents section of a page (`_documents.html`).
pub struct DocumentsView {
    pub target: &'static str,
    pub target_id: i64,
    pub rows: Vec<DocRow>,
    pub may_add: bool,
    pub audiences: Vec<(&'static str, String)>,
    pub accepted: String,
    pub max_mb: usize,
    /// "Document added" or "removed" after the form.
    pub saved: Option<String>,
}

fn size_label(ctx: &Ctx, bytes: i64) -> String {
    let kb = bytes as f64 / 1024.0;
    if kb < 1000.0 {
        format!("{} kB", format_number(ctx.lang, kb.max(1.0).round(), 0))
    } else {
        format!("{} MB", format_number(ctx.lang, kb / 1024.0, 1))
    }
}

fn row(ctx: &Ctx, d: &Document) -> DocRow {
    let (href, what, external) = match &d.link_url {
        Some(url) => {
            let host = url
                .split("://")
                .nth(1)
                .and_then(|r| r.split('/').next())
                .unwrap_or(url);
            (
                url.clone(),
                format!("{}: {host}", ctx.t("document-kind-link")),
                true,
            )
        }
        None => {
            let ext = d
                .file_name
                .as_deref()
                .and_then(|n| n.rsplit_once('.'))
                .map(|(_, e)| e.to_uppercase())
                .unwrap_or_default();
            (
                format!("/documents/{}", d.id),
                format!("{ext}, {}", size_label(ctx, d.size_bytes.unwrap_or(0))),
                false,
            )
        }
    };
    DocRow {
        id: d.id,
        title: d.title.clone(),
        description: d.description.clone(),
        href,
        what,
        external,
        audience: ctx.t(&format!("document-audience-{}", d.audience.code())),
    }
}

/// The documents of a target that the viewer may read, and the form.
pub(crate) async fn documents_view(
    st: &AppState,
    ctx: &Ctx,
    target: DocTarget,
    target_id: i64,
    access: &DocAccess,
    saved: Option<&str>,
) -> Result<DocumentsView, AppError> {
    let rows = st
        .store
        .documents(target, target_id)
        .await?
        .iter()
        .filter(|d| may_read(d.audience, access.reader))
        .map(|d| row(ctx, d))
        .collect();
    Ok(DocumentsView {
        target: target.code(),
        target_id,
        rows,
        may_add: access.may_add,
        audiences: DocAudience::allowed_for(target)
            .iter()
            .map(|a| (a.code(), ctx.t(&format!("document-audience-{}", a.code()))))
            .collect(),
        accepted: accepted_extensions()
            .iter()
            .map(|e| format!(".{e}"))
            .collect::<Vec<_>>()
            .join(","),
        max_mb: max_upload_mb(st).min(kasvu_core::document::MAX_DOC_BYTES / (1024 * 1024)),
        saved: match saved {
            Some("document") => Some(ctx.t("document-saved")),
            Some("document-removed") => Some(ctx.t("document-removed")),
            _ => None,
        },
    })
}

fn bad(field: &str, p: Problem) -> AppError {
    refused(
        Labels::Form("document".into()),
        StoreError::Invalid(FieldError::new(field, p)),
    )
}

/// Adds a file or a link (a multipart form: the file is optional when a
/// link is given).
pub async fn add_document(
    State(st): State<AppState>,
    ctx: Ctx,
    DocumentUpload(u): DocumentUpload,
) -> PageResult {
    let user = ctx.require_user()?.clone();
    let target = DocTarget::parse(u.field("target")).map_err(|p| bad("target", p))?;
    let target_id: i64 = u
        .field("target_id")
        .trim()
        .parse()
        .map_err(|_| bad("target", Problem::required()))?;
    let access = doc_access(&st, &ctx, target, target_id).await?;
    if !access.may_add {
        return Err(AppError::Forbidden);
    }
    let title = u.field("title").to_owned();
    let description = u.field("description").to_owned();
    let audience = u.field("audience").to_owned();
    let content = match (u.field("link").trim().to_owned(), u.bytes.is_empty()) {
        (link, true) if link.is_empty() => return Err(bad("file", Problem::required())),
        (link, false) if link.is_empty() => DocContent::File {
            file_name: u.file_name,
            bytes: u.bytes,
        },
        (link, true) => DocContent::Link(link),
        (_, false) => {
            return Err(bad(
                "link",
                Problem::new("err-doc-file-or-link", "give a file or a link, not both"),
            ))
        }
    };
    let spec = DocumentSpec {
        title,
        description,
        audience,
        content,
    };
    st.store
        .add_document(
            &kasvu_store::Actor::user(user.id, &user.email),
            target,
            target_id,
            Some(user.id),
            spec,
        )
        .await
        .map_err(|e| refused(Labels::Form("document".into()), e))?;
    Ok(Redirect::to(&with_saved(&access.back, "document")).into_response())
}

/// `/x/1#documents` → `/x/1?saved=document#documents`.
fn with_saved(back: &str, what: &str) -> String {
    match back.split_once('#') {
        Some((path, frag)) => format!("{path}?saved={what}#{frag}"),
        None => format!("{back}?saved={what}"),
    }
}

/// A document the viewer may read, or 404 (never telling what exists).
async fn readable(st: &AppState, ctx: &Ctx, id: i64) -> Result<(Document, DocAccess), AppError> {
    let d = st.store.document(id).await?.ok_or(AppError::NotFound)?;
    let access = match doc_access(st, ctx, d.target, d.target_id).await {
        Ok(a) => a,
        Err(AppError::Forbidden) => return Err(AppError::NotFound),
        Err(e) => return Err(e),
    };
    if !may_read(d.audience, access.reader) {
        return Err(AppError::NotFound);
    }
    Ok((d, access))
}

/// Percent-encodes a file name for `filename*` (RFC 8187). Written here
/// because it is a dozen lines and the only use.
fn rfc8187(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Downloads a file (as an attachment) or goes to a link.
pub async fn download(State(st): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (d, _) = readable(&st, &ctx, id).await?;
    if let Some(url) = &d.link_url {
        return Ok(Redirect::to(url).into_response());
    }
    let bytes = st
        .store
        .document_bytes(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = d.file_name.unwrap_or_else(|| format!("document-{id}"));
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // Never `public`: the response may set the visitor's CSRF cookie, which
    // a shared cache must not hand to others.
    let cache = if d.audience == DocAudience::Public {
        "private, max-age=300"
    } else {
        "private, no-store"
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                d.content_type
                    .unwrap_or_else(|| "application/octet-stream".into()),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    rfc8187(&name)
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// Removes a document (those who may add to its target).
pub async fn remove_document(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    _: Checked<TokenOnly>,
) -> PageResult {
    let user = ctx.require_user()?.clone();
    let (_, access) = readable(&st, &ctx, id).await?;
    if !access.may_add {
        return Err(AppError::Forbidden);
    }
    st.store
        .remove_document(&kasvu_store::Actor::user(user.id, &user.email), id)
        .await?;
    Ok(Redirect::to(&with_saved(&access.back, "document-removed")).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_encoded_for_the_header() {
        assert_eq!(rfc8187("Käsikirja 2026.pdf"), "K%C3%A4sikirja%202026.pdf");
        assert_eq!(rfc8187("a\"b;c"), "a%22b%3Bc");
    }

    #[test]
    fn saved_goes_before_the_fragment() {
        assert_eq!(
            with_saved("/projects/1#documents", "document"),
            "/projects/1?saved=document#documents"
        );
        assert_eq!(with_saved("/x", "d"), "/x?saved=d");
    }
}
