//! The administration pages' templates and view models.

use crate::support::ctx::Ctx;
use crate::support::i18n::Lang;
use crate::support::views::{FieldMessage, HasErrors, UnitView};
use askama::Template;
use kasvu_core::Level;
use kasvu_store::AuditEntry;

pub struct TreeRow {
    pub unit: UnitView,
    pub depth: usize,
    pub can_edit: bool,
    pub can_add: bool,
}

#[derive(Template)]
#[template(path = "admin_units.html")]
pub struct AdminUnitsPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<TreeRow>,
    pub notice: Option<String>,
}

/// (value, label)
pub type Choice = (String, String);

#[derive(Template)]
#[template(path = "unit_form.html")]
pub struct UnitFormPage<'a> {
    pub ctx: &'a Ctx,
    pub editing: bool,
    pub form: super::units::UnitForm,
    pub errors: Vec<FieldMessage>,
    pub parents: Vec<Choice>,
    pub levels: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub sectors: Vec<Choice>,
}

impl HasErrors for UnitFormPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub disabled: bool,
    /// (role id, label)
    pub roles: Vec<(i64, String)>,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct AdminUsersPage<'a> {
    pub ctx: &'a Ctx,
    pub users: Vec<UserRow>,
    pub form: crate::admin::users::UserForm,
    pub errors: Vec<FieldMessage>,
    pub roles: Vec<Choice>,
    pub scopes: Vec<Choice>,
    pub notice: Option<String>,
}

impl HasErrors for AdminUsersPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

pub struct AuditRow {
    pub at: String,
    /// `at` in ISO 8601, for `<time datetime>`.
    pub at_iso: String,
    pub actor: String,
    pub entity: String,
    pub key: String,
    pub action: String,
    pub old: String,
    pub new: String,
}

impl AuditRow {
    pub fn new(e: &AuditEntry, lang: Lang) -> Self {
        let when = time::OffsetDateTime::from_unix_timestamp(e.at).ok();
        // The reader's date and a 24-hour UTC time; ISO for machines.
        let at = when
            .map(|t| {
                format!(
                    "{} {:02}:{:02}:{:02} UTC",
                    crate::support::format::date_label(lang, t.date()),
                    t.hour(),
                    t.minute(),
                    t.second()
                )
            })
            .unwrap_or_default();
        let at_iso = when
            .and_then(|t| {
                t.format(time::macros::format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
                ))
                .ok()
            })
            .unwrap_or_default();
        let show =
            |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
        AuditRow {
            at,
            at_iso,
            actor: e.actor.clone(),
            entity: e.entity.clone(),
            key: e.entity_key.clone(),
            action: e.action.clone(),
            old: show(&e.old_value),
            new: show(&e.new_value),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    pub ctx: &'a Ctx,
    pub rows: Vec<AuditRow>,
    pub older: Option<i64>,
}

/// Levels offered in the unit form: organisations are created with the CLI.
pub fn level_choices(lang: Lang) -> Vec<Choice> {
    [Level::Area, Level::Cluster, Level::Unit]
        .iter()
        .map(|l| (l.code().to_owned(), lang.t(&format!("level-{}", l.code()))))
        .collect()
}
