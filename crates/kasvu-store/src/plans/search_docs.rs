//! What the search index holds of plans: each plan's newest version, and
//! its newest public one. Written through the index's plain-document API.

use super::*;
use crate::search::SearchDoc;
use kasvu_core::search::SearchKind;

fn plan_doc(t: &PlanTree) -> SearchDoc {
    let mut body = vec![t.plan.aim.fi.clone()];
    for g in &t.goals {
        body.push(g.names.fi.clone());
        for f in &g.focus_areas {
            body.push(f.names.fi.clone());
            body.extend(f.measures.iter().map(|m| m.names.fi.clone()));
        }
    }
    body.retain(|b| !b.is_empty());
    let v = t.plan.version;
    let title = |n: &str| {
        if n.is_empty() {
            String::new()
        } else {
            format!("{n} (v{v})")
        }
    };
    SearchDoc {
        org_id: t.plan.org_id,
        kind: SearchKind::Plan,
        key: t.plan.id.to_string(),
        title: Names {
            fi: title(&t.plan.title.fi),
            sv: title(&t.plan.title.sv),
            en: title(&t.plan.title.en),
        },
        body: body.join(" · "),
        sector: String::new(),
        areas: t.plan.scope.iter().map(|(_, c)| c.clone()).collect(),
        public: t.plan.is_public(),
        team_id: 0,
        members_only: false,
    }
}

impl Store {
    /// The rows of an organisation's plans: each plan's newest version
    /// (shown to the organisation's people), and its newest public version
    /// when that is an older one (shown to everyone).
    pub(crate) async fn plan_docs(&self, org_id: i64) -> Result<Vec<SearchDoc>> {
        let plans = self.plans(org_id).await?;
        let mut chosen: Vec<i64> = Vec::new();
        let mut codes: HashMap<String, (bool, bool)> = HashMap::new();
        for p in &plans {
            // newest first per code
            let seen = codes.entry(p.code.clone()).or_insert((false, false));
            if !seen.0 {
                seen.0 = true;
                seen.1 = p.is_public();
                chosen.push(p.id);
            } else if !seen.1 && p.is_public() {
                seen.1 = true;
                chosen.push(p.id);
            }
        }
        let mut docs = Vec::new();
        for id in chosen {
            if let Some(t) = self.plan_tree(id).await? {
                docs.push(plan_doc(&t));
            }
        }
        Ok(docs)
    }

    /// Rewrites the rows of an organisation's plans (after a plan changes).
    pub(crate) async fn index_plans(&self, org_id: i64) -> Result<()> {
        let docs = self.plan_docs(org_id).await?;
        self.replace_search_kind(org_id, SearchKind::Plan, &docs)
            .await
    }
}
