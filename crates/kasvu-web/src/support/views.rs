//! Page templates (askama, compile-checked) and the view models they show.
//! Text is prepared in the page's language here so templates stay plain.

use crate::i18n::Lang;
use crate::support::ctx::Ctx;
use crate::support::format::date_label;
use askama::Template;
use kasvu_core::ExternalCode;
use kasvu_store::{OrgUnit, User};

/// An org unit as a page shows it.
pub struct UnitView {
    pub code: String,
    pub name: String,
    pub level: String,
    pub kind: String,
    pub sector: String,
    pub external_codes: String,
    pub valid_from: String,
    pub valid_to: String,
    pub ended: bool,
}

impl UnitView {
    pub fn new(u: &OrgUnit, lang: Lang, today: time::Date) -> Self {
        UnitView {
            code: u.code.clone(),
            name: u.names.get(lang.code()).to_owned(),
            level: lang.t(&format!("level-{}", u.level.code())),
            kind: u
                .kind
                .map(|k| lang.t(&format!("kind-{}", k.code())))
                .unwrap_or_default(),
            sector: u
                .sector
                .map(|s| lang.t(&format!("sector-{}", s.code())))
                .unwrap_or_default(),
            external_codes: ExternalCode::format_list(&u.external_codes).replace(';', ", "),
            valid_from: u
                .valid
                .from
                .map(|d| date_label(lang, d))
                .unwrap_or_default(),
            valid_to: u.valid.to.map(|d| date_label(lang, d)).unwrap_or_default(),
            ended: u.valid.ended_before(today),
        }
    }
}

/// A unit with the units right under it.
pub struct Branch {
    pub unit: UnitView,
    pub children: Vec<UnitView>,
}

pub struct OrgOverview {
    pub org: UnitView,
    pub areas: Vec<Branch>,
    pub central: Vec<UnitView>,
}

pub struct Person {
    pub name: String,
    pub email: String,
    pub roles: String,
}

impl Person {
    pub fn new(u: &User, lang: Lang) -> Self {
        Person {
            name: u.name.clone(),
            email: u.email.clone(),
            roles: u
                .roles
                .iter()
                .map(|r| {
                    format!(
                        "{} ({})",
                        lang.t(&format!("role-{}", r.role.code())),
                        r.scope_names.get(lang.code())
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub ctx: &'a Ctx,
    pub title: String,
    pub detail: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage<'a> {
    pub ctx: &'a Ctx,
    pub orgs: Vec<OrgOverview>,
}

#[derive(Template)]
#[template(path = "unit.html")]
pub struct UnitPage<'a> {
    pub ctx: &'a Ctx,
    pub unit: UnitView,
    pub crumbs: Vec<UnitView>,
    pub branches: Vec<Branch>,
    pub ended: Vec<UnitView>,
    pub central: Vec<UnitView>,
    pub people: Option<Vec<Person>>,
    pub can_edit: bool,
    /// May enter indicator values for this unit.
    pub can_enter: bool,
    /// The unit's regional development plans: (id, title).
    pub plans: Vec<(i64, String)>,
    pub children_heading: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub ctx: &'a Ctx,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// Offer signing in through the organisation's identity provider.
    pub sso: bool,
    /// Offer the password form.
    pub password: bool,
}

/// A form field's problem, shown beside the field and in the summary.
pub struct FieldMessage {
    pub field: String,
    pub label: String,
    pub message: String,
}

pub trait HasErrors {
    fn errors(&self) -> &[FieldMessage];
    fn error_for(&self, field: &str) -> Option<&str> {
        self.errors()
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}
