//! What the search index holds of the indicator catalogue (shared by every
//! organisation). Written through the index's plain-document API.

use super::indicators::Indicator;
use crate::search::SearchDoc;
use crate::support::db::Store;
use crate::support::error::Result;
use kasvu_core::search::SearchKind;

impl Store {
    pub(crate) fn indicator_docs(list: &[Indicator]) -> Vec<SearchDoc> {
        list.iter()
            .map(|i| SearchDoc {
                org_id: 0,
                kind: SearchKind::Indicator,
                key: i.spec.code.clone(),
                title: i.spec.names.clone(),
                body: [i.spec.definitions.fi.clone(), i.spec.themes.join(", ")]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                sector: String::new(),
                areas: Vec::new(),
                public: true,
                team_id: 0,
                members_only: false,
            })
            .collect()
    }

    /// Rewrites the rows of the indicator catalogue (after an import).
    pub(crate) async fn index_indicators(&self) -> Result<()> {
        let docs = Self::indicator_docs(&self.indicators().await?);
        self.replace_search_kind(0, SearchKind::Indicator, &docs)
            .await
    }
}
