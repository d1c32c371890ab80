//! The document library (seed 004's results: handbooks, guidance, training
//! material): a file or a link attached to a project, a good practice or a
//! team, read by the audience its adder chose. The rules here are pure:
//! which audiences a target allows, who may read, which files are taken and
//! how their type is told from their first bytes — never from the name
//! alone, so a script renamed `.pdf` is refused.

use crate::actor::check_url;
use crate::error::Problem;
use crate::team::parse_text;

/// The longest document title.
pub const MAX_DOC_TITLE: usize = 200;
/// The longest description.
pub const MAX_DOC_DESCRIPTION: usize = 2000;
/// The longest link.
pub const MAX_LINK: usize = 2000;
/// The largest file taken (the upload's own limit may be lower).
pub const MAX_DOC_BYTES: usize = 20 * 1024 * 1024;
/// The longest stored file name.
pub const MAX_FILE_NAME: usize = 150;

code_enum! {
    /// What a document is attached to.
    DocTarget {
        Project = "project",
        Practice = "practice",
        Team = "team",
    }
}

code_enum! {
    /// Who may read a document.
    DocAudience {
        /// Anyone, on the public page of the project or practice.
        Public = "public",
        /// The signed-in people of the owning organisation (for a team, of
        /// the team's organisations).
        Staff = "staff",
        /// A team's members (and its organisation's admins) only.
        Members = "members",
    }
}

impl DocAudience {
    /// The audiences a target offers: teams have no public page, projects
    /// and practices no members.
    pub fn allowed_for(target: DocTarget) -> &'static [DocAudience] {
        match target {
            DocTarget::Team => &[DocAudience::Staff, DocAudience::Members],
            DocTarget::Project | DocTarget::Practice => &[DocAudience::Public, DocAudience::Staff],
        }
    }
}

/// What is known of the reader when a document is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reader {
    /// Signed in as one of the owning organisation's (or, for a team, the
    /// team's organisations') people.
    pub staff: bool,
    /// A member of the team (or its organisation's admin); only for teams.
    pub member: bool,
}

/// May this reader read a document for this audience?
pub fn may_read(audience: DocAudience, reader: Reader) -> bool {
    match audience {
        DocAudience::Public => true,
        DocAudience::Staff => reader.staff || reader.member,
        DocAudience::Members => reader.member,
    }
}

/// A file type the library takes: (extension, content type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileKind {
    pub extension: &'static str,
    pub content_type: &'static str,
}

const KINDS: &[FileKind] = &[
    FileKind {
        extension: "pdf",
        content_type: "application/pdf",
    },
    FileKind {
        extension: "docx",
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    },
    FileKind {
        extension: "xlsx",
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    },
    FileKind {
        extension: "pptx",
        content_type: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    },
    FileKind {
        extension: "odt",
        content_type: "application/vnd.oasis.opendocument.text",
    },
    FileKind {
        extension: "ods",
        content_type: "application/vnd.oasis.opendocument.spreadsheet",
    },
    FileKind {
        extension: "odp",
        content_type: "application/vnd.oasis.opendocument.presentation",
    },
    FileKind {
        extension: "png",
        content_type: "image/png",
    },
    FileKind {
        extension: "jpg",
        content_type: "image/jpeg",
    },
    FileKind {
        extension: "jpeg",
        content_type: "image/jpeg",
    },
    FileKind {
        extension: "txt",
        content_type: "text/plain; charset=utf-8",
    },
    FileKind {
        extension: "csv",
        content_type: "text/csv; charset=utf-8",
    },
];

/// The extensions taken, for the form's hint and the error.
pub fn accepted_extensions() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.extension).collect()
}

/// Tells a file's type from its name and its first bytes; refuses a file
/// whose content does not match its extension, an empty file, one over
/// [`MAX_DOC_BYTES`], and any other type (HTML and SVG above all: served
/// from Kasvu's origin they could run scripts).
pub fn file_kind(file_name: &str, bytes: &[u8]) -> Result<FileKind, Problem> {
    if bytes.is_empty() {
        return Err(Problem::new("err-doc-empty", "the file is empty"));
    }
    if bytes.len() > MAX_DOC_BYTES {
        return Err(Problem::new("err-doc-too-large", "the file is too large")
            .arg("max", (MAX_DOC_BYTES / (1024 * 1024)).to_string()));
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let unknown = || {
        Problem::new(
            "err-doc-type",
            format!("files of type '{ext}' are not taken"),
        )
        .arg("value", ext.clone())
        .arg("allowed", accepted_extensions().join(", "))
    };
    let kind = *KINDS
        .iter()
        .find(|k| k.extension == ext)
        .ok_or_else(unknown)?;
    let matches = match kind.extension {
        "pdf" => bytes.starts_with(b"%PDF-"),
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(b"\xff\xd8\xff"),
        // Office Open XML and OpenDocument files are zip archives.
        "docx" | "xlsx" | "pptx" | "odt" | "ods" | "odp" => bytes.starts_with(b"PK\x03\x04"),
        // Text must be text: UTF-8 without NUL bytes. Markup in it is
        // harmless: files are served as attachments of the type told here,
        // with nosniff, under a policy that runs no script.
        _ => std::str::from_utf8(bytes).is_ok_and(|s| !s.contains('\0')),
    };
    if matches {
        Ok(kind)
    } else {
        Err(Problem::new(
            "err-doc-content",
            format!("the file's content is not {ext}"),
        )
        .arg("value", ext))
    }
}

/// The name a file is stored and offered under: its last path part, with
/// control and quoting characters replaced, bounded (keeping the extension).
pub fn clean_file_name(name: &str) -> Result<String, Problem> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "\"';<>`".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        return Err(Problem::required());
    }
    if cleaned.chars().count() <= MAX_FILE_NAME {
        return Ok(cleaned);
    }
    let (stem, ext) = cleaned.rsplit_once('.').unwrap_or((&cleaned, ""));
    let keep = MAX_FILE_NAME.saturating_sub(ext.chars().count() + 1);
    Ok(format!(
        "{}.{ext}",
        stem.chars().take(keep).collect::<String>()
    ))
}

/// A link document's address: required, http(s), bounded, no spaces.
pub fn parse_link(s: &str) -> Result<String, Problem> {
    let t = parse_text(s, MAX_LINK)?;
    check_url(&t)?;
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) || t.len() <= "https://".len() {
        return Err(Problem::new("err-url", format!("'{t}' is not a web address")).arg("value", t));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_follow_the_target() {
        assert!(DocAudience::allowed_for(DocTarget::Team).contains(&DocAudience::Members));
        assert!(!DocAudience::allowed_for(DocTarget::Team).contains(&DocAudience::Public));
        assert!(!DocAudience::allowed_for(DocTarget::Project).contains(&DocAudience::Members));
    }

    #[test]
    fn who_reads_what() {
        let public = Reader::default();
        let staff = Reader {
            staff: true,
            member: false,
        };
        let member = Reader {
            staff: true,
            member: true,
        };
        assert!(may_read(DocAudience::Public, public));
        assert!(!may_read(DocAudience::Staff, public));
        assert!(may_read(DocAudience::Staff, staff));
        assert!(!may_read(DocAudience::Members, staff));
        assert!(may_read(DocAudience::Members, member));
    }

    #[test]
    fn file_type_is_told_from_the_content() {
        assert_eq!(
            file_kind("Käsikirja.PDF", b"%PDF-1.7 ...")
                .unwrap()
                .content_type,
            "application/pdf"
        );
        assert_eq!(
            file_kind("a.docx", b"PK\x03\x04rest").unwrap().extension,
            "docx"
        );
        assert_eq!(
            file_kind("notes.txt", "Hyvä käytäntö".as_bytes())
                .unwrap()
                .extension,
            "txt"
        );
        // A script renamed .pdf, a page, an SVG, no extension: refused.
        assert_eq!(
            file_kind("x.pdf", b"<script>alert(1)</script>")
                .unwrap_err()
                .code,
            "err-doc-content"
        );
        assert_eq!(
            file_kind("x.html", b"<html>").unwrap_err().code,
            "err-doc-type"
        );
        assert_eq!(
            file_kind("x.svg", b"<svg/>").unwrap_err().code,
            "err-doc-type"
        );
        assert_eq!(
            file_kind("README", b"text").unwrap_err().code,
            "err-doc-type"
        );
        assert_eq!(file_kind("a.txt", b"").unwrap_err().code, "err-doc-empty");
        assert_eq!(
            file_kind("a.txt", &[0xff, 0xfe, 0]).unwrap_err().code,
            "err-doc-content"
        );
        let big = vec![b'a'; MAX_DOC_BYTES + 1];
        assert_eq!(
            file_kind("a.txt", &big).unwrap_err().code,
            "err-doc-too-large"
        );
    }

    #[test]
    fn file_names_are_cleaned() {
        assert_eq!(
            clean_file_name("C:\\Users\\x\\Käsikirja 2026.pdf").unwrap(),
            "Käsikirja 2026.pdf"
        );
        assert_eq!(
            clean_file_name("../../etc/pass\"wd.txt").unwrap(),
            "pass_wd.txt"
        );
        assert_eq!(clean_file_name("a\r\nb.txt").unwrap(), "a__b.txt");
        assert!(clean_file_name("..").is_err());
        assert!(clean_file_name("dir/").is_err());
        let long = format!("{}.pdf", "x".repeat(400));
        let c = clean_file_name(&long).unwrap();
        assert_eq!(c.chars().count(), MAX_FILE_NAME);
        assert!(c.ends_with(".pdf"));
    }

    #[test]
    fn links_are_web_addresses() {
        assert_eq!(
            parse_link(" https://www.ouka.fi/kasikirja ").unwrap(),
            "https://www.ouka.fi/kasikirja"
        );
        assert_eq!(
            parse_link("javascript:alert(1)").unwrap_err().code,
            "err-url"
        );
        assert_eq!(parse_link("https://a b").unwrap_err().code, "err-url");
        assert_eq!(parse_link("https://a\u{1}b").unwrap_err().code, "err-url");
        assert_eq!(parse_link("https://").unwrap_err().code, "err-url");
        assert_eq!(parse_link("").unwrap_err().code, "err-required");
    }
}
