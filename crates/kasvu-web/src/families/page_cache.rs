//! Rendered public pages kept in memory: a hobby search result page, a
//! calendar month and the meeting places' list are each rendered once per
//! everything their HTML depends on and served from here until what they
//! show changes.
//!
//! Only pages for visitors who are not signed in are kept: a signed-in
//! person's header, navigation and CSRF token are theirs alone. A visitor's
//! page holds nothing of the visitor: no token, no flash, no nonce (the CSP
//! has none); the path in its language and sign-in links is the normalised
//! one its key names.
//!
//! The key: the page, the language, the brand, the demo banner, today's
//! date (the areas on offer and the seasons are by date; a calendar marks
//! today and shows this month when none is asked) and the normalised query
//! (filters, organisation, page number; a calendar's month and view).
//! Each entry remembers the [`kasvu_store::PublicVersions`] fingerprint it was rendered under (the
//! org tree's version and every organisation's activity version, which the
//! store bumps with every write to activities, their places and breaks,
//! the register entries that organise them, and org units); an entry under
//! another fingerprint is a miss. The
//! fingerprint is read before the data, so a page is never older than the
//! fingerprint it is kept under.

use crate::i18n::Lang;
use crate::support::ctx::Ctx;
use crate::support::error::{AppError, PageResult};
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use kasvu_store::Stamp;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::sync::Arc;

/// Most bytes of pages kept (keys and bodies together).
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;
/// What an entry weighs beyond its key and body (the map's own bookkeeping),
/// so that many tiny entries are bounded too: at most `MAX_BYTES / 512`.
const ENTRY_OVERHEAD: u64 = 512;

/// Which page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum PageKind {
    Hobbies,
    Calendar,
    Places,
}

/// Everything a cached page's HTML depends on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct PageKey {
    kind: PageKind,
    lang: Lang,
    /// The brand's identity (set at start-up; the pointer names it).
    brand: usize,
    demo: bool,
    today: time::Date,
    /// The normalised query, page number included.
    query: String,
}

impl PageKey {
    /// The key of a page for a visitor who is not signed in; `None` for a
    /// signed-in person, whose pages are never kept.
    pub(crate) fn for_visitor(kind: PageKind, ctx: &Ctx, query: String) -> Option<PageKey> {
        if ctx.user.is_some() || ctx.session_token.is_some() {
            return None;
        }
        Some(PageKey {
            kind,
            lang: ctx.lang,
            brand: Arc::as_ptr(&ctx.brand) as usize,
            demo: ctx.demo,
            today: crate::support::today(),
            query,
        })
    }
}

/// A visitor's public page at `path` from the cache, or rendered and kept:
/// `key_query` is the normalised query the key names, and the page is
/// rendered for that address (its language switch and sign-in link carry
/// it), so every spelling of one search gets one page. `render` gives the
/// page and whether its filter was good (a page that names a bad filter is
/// not kept, and answers 400 Bad Request: the form, with the field's
/// error, for a person; a refusal for a link checker or a crawler). `fingerprint` is the [`kasvu_store::PublicVersions`]
/// fingerprint read before anything the page shows, so a page is never
/// older than the fingerprint it is kept under.
pub(crate) async fn cached_page<Fut>(
    pages: &PageCache,
    mut ctx: Ctx,
    kind: PageKind,
    path: &str,
    key_query: String,
    fingerprint: u64,
    render: impl FnOnce(Ctx) -> Fut,
) -> PageResult
where
    Fut: std::future::Future<Output = Result<(String, bool), AppError>>,
{
    let key = PageKey::for_visitor(kind, &ctx, key_query.clone());
    if let Some(body) = key.as_ref().and_then(|k| pages.get(k, fingerprint)) {
        return Ok(Html(body).into_response());
    }
    ctx.path = if key_query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{key_query}")
    };
    let (body, ok) = render(ctx).await?;
    let body = Bytes::from(body);
    if !ok {
        return Ok((StatusCode::BAD_REQUEST, Html(body)).into_response());
    }
    if let Some(k) = key {
        pages.put(k, fingerprint, body.clone());
    }
    Ok(Html(body).into_response())
}

#[derive(Clone)]
struct Entry {
    fingerprint: u64,
    body: Bytes,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<PageKey, Entry> for ByBytes {
    fn weight(&self, key: &PageKey, e: &Entry) -> u64 {
        (key.query.len() + e.body.len()) as u64 + ENTRY_OVERHEAD
    }
}

/// Most bytes of rendered activity cards kept (see [`PageCache::card`]).
pub const MAX_CARD_BYTES: u64 = 8 * 1024 * 1024;

/// One activity's card as HTML in one language, and the versions it was
/// rendered under: the organisation's activity version and the org tree's.
#[derive(Clone)]
struct CardEntry {
    stamp: Stamp,
    html: Arc<str>,
}

#[derive(Clone)]
struct CardBytes;

impl Weighter<(i64, Lang), CardEntry> for CardBytes {
    fn weight(&self, _key: &(i64, Lang), e: &CardEntry) -> u64 {
        e.html.len() as u64 + ENTRY_OVERHEAD
    }
}

/// The cache (shared by the app state's clones).
#[derive(Clone)]
pub struct PageCache {
    pages: Arc<Cache<PageKey, Entry, ByBytes>>,
    /// Activity cards by (activity, language): a page that is not kept
    /// whole is put together from the cards of earlier pages.
    cards: Arc<Cache<(i64, Lang), CardEntry, CardBytes>>,
    counts: Arc<Counts>,
}

#[derive(Default)]
struct Counts {
    hits: std::sync::atomic::AtomicU64,
    misses: std::sync::atomic::AtomicU64,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::with_bytes(MAX_BYTES)
    }
}

impl PageCache {
    /// A cache of at most `bytes` (keys, bodies and per-entry overhead).
    pub fn with_bytes(bytes: u64) -> PageCache {
        let estimated = (bytes / (16 * 1024)).max(16) as usize;
        PageCache {
            pages: Arc::new(Cache::with_weighter(estimated, bytes, ByBytes)),
            cards: Arc::new(Cache::with_weighter(4096, MAX_CARD_BYTES, CardBytes)),
            counts: Arc::default(),
        }
    }

    /// Activity `id`'s card in `lang`, rendered by `render` unless kept
    /// under the same `stamp` (the organisation's activity version and the
    /// tree version, read before the row: a card's HTML depends on the
    /// activity's row, the language and the units' everyday names only).
    /// Kept whatever the page cache's own bound (`--no-page-cache` in the
    /// benchmark turns off whole pages, not cards).
    pub(crate) fn card<E>(
        &self,
        id: i64,
        lang: Lang,
        stamp: Stamp,
        render: impl FnOnce() -> Result<String, E>,
    ) -> Result<Arc<str>, E> {
        if let Some(e) = self.cards.get(&(id, lang)) {
            if e.stamp == stamp {
                return Ok(e.html);
            }
        }
        let html: Arc<str> = render()?.into();
        self.cards.insert(
            (id, lang),
            CardEntry {
                stamp,
                html: html.clone(),
            },
        );
        Ok(html)
    }

    /// The page kept under `key` when it was rendered under `fingerprint`.
    pub(crate) fn get(&self, key: &PageKey, fingerprint: u64) -> Option<Bytes> {
        use std::sync::atomic::Ordering::Relaxed;
        match self.pages.get(key) {
            Some(e) if e.fingerprint == fingerprint => {
                self.counts.hits.fetch_add(1, Relaxed);
                Some(e.body)
            }
            _ => {
                self.counts.misses.fetch_add(1, Relaxed);
                None
            }
        }
    }

    /// Keeps a page rendered under `fingerprint` (replacing an older one).
    pub(crate) fn put(&self, key: PageKey, fingerprint: u64, body: Bytes) {
        self.pages.insert(key, Entry { fingerprint, body });
    }

    /// (hits, misses) since start, for the benchmark and `/metrics`.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.counts.hits.load(Relaxed),
            self.counts.misses.load(Relaxed),
        )
    }

    /// (pages kept, their weight in bytes).
    pub fn size(&self) -> (usize, u64) {
        (self.pages.len(), self.pages.weight())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(q: &str) -> PageKey {
        PageKey {
            kind: PageKind::Hobbies,
            lang: Lang::Fi,
            brand: 1,
            demo: false,
            today: time::macros::date!(2026 - 12 - 06),
            query: q.to_owned(),
        }
    }

    #[test]
    fn an_entry_under_another_fingerprint_is_a_miss() {
        let c = PageCache::default();
        c.put(key("age=7"), 1, Bytes::from_static(b"seven"));
        assert_eq!(c.get(&key("age=7"), 1).as_deref(), Some(&b"seven"[..]));
        assert_eq!(c.get(&key("age=7"), 2), None);
        assert_eq!(c.get(&key("age=8"), 1), None);
        let mut sv = key("age=7");
        sv.lang = Lang::Sv;
        assert_eq!(c.get(&sv, 1), None, "another language");
        assert_eq!(c.hits_and_misses(), (1, 3));
    }

    #[test]
    fn a_card_is_rendered_again_under_another_stamp_or_language() {
        let c = PageCache::with_bytes(0);
        let mut renders = 0;
        let at = |activities, tree| Stamp { activities, tree };
        let mut card = |lang, stamp| {
            c.card(7, lang, stamp, || {
                renders += 1;
                Ok::<_, ()>(format!("<li>{renders}</li>"))
            })
            .map(|h| h.to_string())
        };
        assert_eq!(card(Lang::Fi, at(1, 1)), Ok("<li>1</li>".into()));
        assert_eq!(card(Lang::Fi, at(1, 1)), Ok("<li>1</li>".into()), "kept");
        assert_eq!(
            card(Lang::Sv, at(1, 1)),
            Ok("<li>2</li>".into()),
            "language"
        );
        assert_eq!(
            card(Lang::Fi, at(2, 1)),
            Ok("<li>3</li>".into()),
            "activities"
        );
        assert_eq!(card(Lang::Fi, at(2, 2)), Ok("<li>4</li>".into()), "tree");
        assert_eq!(card(Lang::Fi, at(2, 2)), Ok("<li>4</li>".into()));
    }

    #[test]
    fn the_bytes_kept_are_bounded() {
        let c = PageCache::with_bytes(200 * 1024);
        for i in 0..100 {
            c.put(
                key(&format!("age={i}")),
                1,
                Bytes::from(vec![b'x'; 10 * 1024]),
            );
        }
        let (n, bytes) = c.size();
        assert!(bytes <= 200 * 1024, "{bytes}");
        assert!(n < 100 && n > 0, "{n}");
    }
}
