//! Who wrote a text, as its reader may see it. Texts record their author by
//! e-mail address; staff of the author's organisation see the author's name, the public only the
//! author's role and unit ("Aluepäällikkö, Keskinen") — never an address.

use super::ctx::Ctx;
use super::error::AppError;
use crate::AppState;
use std::collections::HashMap;

/// Author labels for one page, each author looked up once.
pub(crate) struct Authors<'a> {
    st: &'a AppState,
    ctx: &'a Ctx,
    known: HashMap<String, String>,
}

impl<'a> Authors<'a> {
    pub(crate) fn new(st: &'a AppState, ctx: &'a Ctx) -> Authors<'a> {
        Authors {
            st,
            ctx,
            known: HashMap::new(),
        }
    }

    /// The label of the author recorded as `email`, for a text about the
    /// unit `unit_id` (whose role there, if any, is the one shown).
    pub(crate) async fn label(&mut self, email: &str, unit_id: i64) -> Result<String, AppError> {
        let key = format!("{unit_id}:{email}");
        if let Some(known) = self.known.get(&key) {
            return Ok(known.clone());
        }
        let ctx = self.ctx;
        let author = if email.trim().is_empty() {
            None
        } else {
            self.st.store.user_by_email(email).await?
        };
        let label = match author {
            None => ctx.t("author-unknown"),
            // Staff of the author's own organisation see the name; readers
            // from other organisations (the learning network) the role.
            Some(u)
                if ctx.user.as_ref().is_some_and(|r| r.org_id == u.org_id)
                    && !u.name.trim().is_empty() =>
            {
                u.name
            }
            Some(u) => {
                let role = u
                    .roles
                    .iter()
                    .find(|r| r.scope_id == unit_id)
                    .or_else(|| u.roles.iter().find(|r| r.role != kasvu_core::Role::Admin))
                    .or(u.roles.first());
                match role {
                    Some(r) => ctx.lang.t_args(
                        "author-public",
                        &[
                            ("role", ctx.t(&format!("role-{}", r.role.code()))),
                            ("unit", ctx.name(&r.scope_names).to_owned()),
                        ],
                    ),
                    None => ctx.t("author-unknown"),
                }
            }
        };
        self.known.insert(key, label.clone());
        Ok(label)
    }
}
