//! The document library: files and links attached to projects, good
//! practices and teams, each with the audience that may read it. The file's
//! type is told from its bytes ([`kasvu_core::document::file_kind`]), its
//! bytes kept in their own table (lists never read them) and erased when the
//! document is removed. Who may add and who may read is decided by the
//! caller with [`kasvu_core::document`]; the store checks that the target
//! exists and offers the audience, and files the document under the
//! target's own organisation.

use crate::support::audit::audit_change as audit;
use crate::support::db::Store;
use crate::support::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::document::{
    clean_file_name, file_kind, parse_link, DocAudience, DocTarget, MAX_DOC_DESCRIPTION,
    MAX_DOC_TITLE,
};
use kasvu_core::team::parse_text;
use kasvu_core::Problem;
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::Row;

/// What a document holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocContent {
    Link(String),
    File { file_name: String, bytes: Vec<u8> },
}

/// A document as added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSpec {
    pub title: String,
    pub description: String,
    pub audience: String,
    pub content: DocContent,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub org_id: i64,
    pub target: DocTarget,
    pub target_id: i64,
    pub title: String,
    pub description: String,
    pub audience: DocAudience,
    pub link_url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    /// When it was added (Unix seconds).
    pub created_at: i64,
}

const SELECT_DOCUMENTS: &str = "SELECT id, org_id, target_kind, target_id, title, description, \
     audience, link_url, file_name, content_type, size_bytes, sha256, created_at FROM documents";

fn document_of(r: &AnyRow) -> Result<Document> {
    let target: String = r.try_get("target_kind")?;
    let audience: String = r.try_get("audience")?;
    Ok(Document {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        target: DocTarget::parse(&target).map_err(|p| StoreError::corrupt("target_kind", p))?,
        target_id: r.try_get("target_id")?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        audience: DocAudience::parse(&audience).map_err(|p| StoreError::corrupt("audience", p))?,
        link_url: r.try_get("link_url")?,
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
        sha256: r.try_get("sha256")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The most documents one project, practice or team holds.
pub const MAX_DOCUMENTS_PER_TARGET: i64 = 200;

impl Store {
    /// The organisation a target belongs to and the code its page is
    /// found by (a practice's code; a project's or team's id), if it exists.
    pub async fn document_target(
        &self,
        target: DocTarget,
        target_id: i64,
    ) -> Result<Option<(i64, String)>> {
        let sql = match target {
            DocTarget::Project => {
                "SELECT org_id, CAST(id AS TEXT) AS code FROM projects WHERE id = $1"
            }
            DocTarget::Practice => "SELECT org_id, code FROM practices WHERE id = $1",
            DocTarget::Team => "SELECT org_id, CAST(id AS TEXT) AS code FROM teams WHERE id = $1",
        };
        sqlx::query(sql)
            .bind(target_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| Ok((r.try_get("org_id")?, r.try_get("code")?)))
            .transpose()
    }

    /// Adds a document to a target: all or nothing, the file checked by its
    /// content before anything is written.
    pub async fn add_document(
        &self,
        actor: &Actor,
        target: DocTarget,
        target_id: i64,
        added_by: Option<i64>,
        spec: DocumentSpec,
    ) -> Result<i64> {
        let title =
            parse_text(&spec.title, MAX_DOC_TITLE).map_err(|p| StoreError::invalid("title", p))?;
        let description =
            kasvu_core::backbone::optional_text(&spec.description, MAX_DOC_DESCRIPTION)
                .map_err(|p| StoreError::invalid("description", p))?;
        let audience =
            DocAudience::parse(&spec.audience).map_err(|p| StoreError::invalid("audience", p))?;
        if !DocAudience::allowed_for(target).contains(&audience) {
            let allowed: Vec<&str> = DocAudience::allowed_for(target)
                .iter()
                .map(|a| a.code())
                .collect();
            return Err(StoreError::invalid(
                "audience",
                Problem::not_one_of(audience.code(), &allowed),
            ));
        }
        let (link, file) = match &spec.content {
            DocContent::Link(url) => (
                Some(parse_link(url).map_err(|p| StoreError::invalid("link", p))?),
                None,
            ),
            DocContent::File { file_name, bytes } => {
                let name =
                    clean_file_name(file_name).map_err(|p| StoreError::invalid("file", p))?;
                let kind = file_kind(&name, bytes).map_err(|p| StoreError::invalid("file", p))?;
                let sha = hex::encode(Sha256::digest(bytes));
                (None, Some((name, kind, sha, bytes)))
            }
        };
        let (org_id, _) = self
            .document_target(target, target_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("{} {target_id}", target.code())))?;
        let mut tx = self.begin_write().await?;
        // The target's row is locked first, so documents added at once are
        // counted one after the other against the bound.
        let lock = match target {
            DocTarget::Project => "UPDATE projects SET org_id = org_id WHERE id = $1",
            DocTarget::Practice => "UPDATE practices SET org_id = org_id WHERE id = $1",
            DocTarget::Team => "UPDATE teams SET org_id = org_id WHERE id = $1",
        };
        sqlx::query(lock).bind(target_id).execute(&mut *tx).await?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM documents WHERE target_kind = $1 AND target_id = $2 AND removed_at IS NULL",
        )
        .bind(target.code())
        .bind(target_id)
        .fetch_one(&mut *tx)
        .await?;
        if count >= MAX_DOCUMENTS_PER_TARGET {
            return Err(StoreError::invalid(
                "file",
                Problem::new("err-too-many-documents", "at most 200 documents each")
                    .arg("max", MAX_DOCUMENTS_PER_TARGET.to_string()),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO documents (org_id, target_kind, target_id, title, description, audience, \
             link_url, file_name, content_type, size_bytes, sha256, added_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(org_id)
        .bind(target.code())
        .bind(target_id)
        .bind(&title)
        .bind(&description)
        .bind(audience.code())
        .bind(link.as_deref())
        .bind(file.as_ref().map(|f| f.0.clone()))
        .bind(file.as_ref().map(|f| f.1.content_type))
        .bind(file.as_ref().map(|f| f.3.len() as i64))
        .bind(file.as_ref().map(|f| f.2.clone()))
        .bind(added_by)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        let audit_file = file
            .as_ref()
            .map(|f| json!({ "name": f.0, "bytes": f.3.len(), "sha256": f.2 }));
        if let Some((_, _, _, bytes)) = file {
            sqlx::query("INSERT INTO document_files (document_id, content) VALUES ($1, $2)")
                .bind(id)
                .bind(bytes)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            actor,
            org_id,
            "document",
            &id.to_string(),
            "create",
            json!({ "target": target.code(), "target_id": target_id, "title": title,
                    "audience": audience.code(), "link": link,
                    "file": audit_file }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a document: the row stays for the audit trail, the file's
    /// bytes are deleted.
    pub async fn remove_document(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "{SELECT_DOCUMENTS} WHERE id = $1 AND removed_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("document {id}")))?;
        let doc = document_of(&row)?;
        sqlx::query("UPDATE documents SET removed_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM document_files WHERE document_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            doc.org_id,
            "document",
            &id.to_string(),
            "remove",
            json!({ "target": doc.target.code(), "target_id": doc.target_id, "title": doc.title }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A target's documents (not removed), newest first. The caller filters
    /// them by audience for the reader.
    pub async fn documents(&self, target: DocTarget, target_id: i64) -> Result<Vec<Document>> {
        sqlx::query(&format!(
            "{SELECT_DOCUMENTS} WHERE target_kind = $1 AND target_id = $2 AND removed_at IS NULL \
             ORDER BY created_at DESC, id DESC"
        ))
        .bind(target.code())
        .bind(target_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(document_of)
        .collect()
    }

    /// A document (not removed).
    pub async fn document(&self, id: i64) -> Result<Option<Document>> {
        sqlx::query(&format!(
            "{SELECT_DOCUMENTS} WHERE id = $1 AND removed_at IS NULL"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .as_ref()
        .map(document_of)
        .transpose()
    }

    /// A file document's bytes.
    pub async fn document_bytes(&self, id: i64) -> Result<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT content FROM document_files WHERE document_id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}
