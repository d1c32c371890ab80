//! The plan editor's templates and the pieces they are built of: fields that
//! carry their own value and error, so a refused form is shown again with
//! what was typed and the message beside the field it is about.

use crate::support::ctx::Ctx;
use crate::support::views::{FieldMessage, HasErrors};
use askama::Template;
use kasvu_core::{FieldError, Names};

/// One input of a form: its id (unique on the page), name, label, value
/// and, after a refusal, its message.
pub struct Field {
    pub id: String,
    pub name: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// `text`, `number` or `textarea`.
    pub kind: &'static str,
    pub required: bool,
}

/// A choice: a select (one or many) or a group of checkboxes.
pub struct Choice {
    pub id: String,
    pub name: String,
    pub label: String,
    /// (value, label, chosen)
    pub options: Vec<(String, String, bool)>,
    pub multiple: bool,
    pub checkboxes: bool,
    pub error: Option<String>,
    pub hint: Option<String>,
}

/// What a refused form sent, by field id, and the refusals.
#[derive(Default)]
pub struct Kept {
    pub values: Vec<(String, String)>,
    pub errors: Vec<FieldMessage>,
    /// The prefix of the refused form's ids (the others keep their values).
    pub form: String,
}

impl Kept {
    /// The value sent for the field `id`, if the refused form had it.
    pub fn value(&self, id: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.clone())
    }

    /// Every value sent for the field `id` (a select of many, checkboxes).
    pub fn all(&self, id: &str) -> Option<Vec<String>> {
        let v: Vec<String> = self
            .values
            .iter()
            .filter(|(k, _)| k == id)
            .map(|(_, v)| v.clone())
            .collect();
        // A refused form that chose nothing chose nothing.
        (!self.values.is_empty() && id.starts_with(&self.form)).then_some(v)
    }

    pub fn error(&self, id: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == id)
            .map(|e| e.message.clone())
    }
}

/// The label of a field by its name (`name_fi` → `pe-field-name-fi`).
pub fn label(ctx: &Ctx, name: &str) -> String {
    ctx.t(&format!("pe-field-{}", name.replace('_', "-")))
}

/// A field of the form whose ids start with `prefix`, holding `value`
/// unless the refused form sent another.
pub fn field(ctx: &Ctx, kept: &Kept, prefix: &str, name: &str, value: String) -> Field {
    let id = format!("{prefix}{name}");
    Field {
        value: kept.value(&id).unwrap_or(value),
        error: kept.error(&id),
        label: label(ctx, name),
        hint: None,
        kind: "text",
        required: false,
        name: name.to_owned(),
        id,
    }
}

/// The three language versions of a name, Finnish required.
pub fn name_fields(ctx: &Ctx, kept: &Kept, prefix: &str, names: &Names) -> Vec<Field> {
    let mut fi = field(ctx, kept, prefix, "name_fi", names.fi.clone());
    fi.required = true;
    vec![
        fi,
        field(ctx, kept, prefix, "name_sv", names.sv.clone()),
        field(ctx, kept, prefix, "name_en", names.en.clone()),
    ]
}

/// A choice of the form whose ids start with `prefix`.
#[allow(clippy::too_many_arguments)]
pub fn choice(
    ctx: &Ctx,
    kept: &Kept,
    prefix: &str,
    name: &str,
    options: Vec<(String, String)>,
    chosen: &[String],
    multiple: bool,
    checkboxes: bool,
) -> Choice {
    let id = format!("{prefix}{name}");
    let chosen = kept.all(&id).unwrap_or_else(|| chosen.to_vec());
    Choice {
        options: options
            .into_iter()
            .map(|(v, l)| {
                let on = chosen.contains(&v);
                (v, l, on)
            })
            .collect(),
        error: kept.error(&id),
        label: label(ctx, name),
        hint: None,
        multiple,
        checkboxes,
        name: name.to_owned(),
        id,
    }
}

/// Where on the form a refusal of the store belongs: its field path
/// (`goals.2.names.name_fi`, `title.name_sv`, `period`) as the id of an
/// input of the form whose ids start with `prefix`.
pub fn form_field(store_field: &str, prefix: &str) -> String {
    let last = store_field.rsplit('.').next().unwrap_or(store_field);
    let name = match last {
        "name_fi" | "name_sv" | "name_en" => {
            let lang = &last[5..];
            if store_field.starts_with("title.") {
                format!("title_{lang}")
            } else if store_field.starts_with("aim.") {
                format!("aim_{lang}")
            } else {
                last.to_owned()
            }
        }
        "names" => "name_fi".to_owned(),
        "period" => "start_year".to_owned(),
        "key" | "status" => "name_fi".to_owned(),
        other => other.to_owned(),
    };
    format!("{prefix}{name}")
}

/// The refusals as messages beside the inputs whose ids start with `prefix`.
pub fn messages(ctx: &Ctx, prefix: &str, errs: &[FieldError]) -> Vec<FieldMessage> {
    errs.iter()
        .map(|e| {
            let id = form_field(&e.field, prefix);
            let name = id.strip_prefix(prefix).unwrap_or(&id).to_owned();
            FieldMessage {
                label: label(ctx, &name),
                message: ctx.lang.problem(&e.problem),
                field: id,
            }
        })
        .collect()
}

pub struct MeasureRow {
    pub at: String,
    pub anchor: String,
    pub name: String,
    /// Owners, schedule and status in a line.
    pub facts: String,
    /// What it carries from earlier versions (evaluations), in words.
    pub history: String,
    pub first: bool,
    pub last: bool,
}

pub struct FocusEdit {
    pub at: String,
    pub anchor: String,
    pub title: String,
    pub fields: Vec<Field>,
    pub first: bool,
    pub last: bool,
    pub measures: Vec<MeasureRow>,
}

pub struct GoalEdit {
    pub at: String,
    pub anchor: String,
    pub title: String,
    pub fields: Vec<Field>,
    pub first: bool,
    pub last: bool,
    pub focus_areas: Vec<FocusEdit>,
    /// The form adding a focus area to this goal.
    pub new_focus: Vec<Field>,
}

#[derive(Template)]
#[template(path = "plan_editor.html")]
pub struct EditorPage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub saved: Option<String>,
    pub errors: Vec<FieldMessage>,
    pub details: Vec<Field>,
    pub visibility: Choice,
    pub goals: Vec<GoalEdit>,
    pub new_goal: Vec<Field>,
    /// A regional plan: the names its goals and focus areas are drawn from.
    pub regional_names: Vec<String>,
}

impl HasErrors for EditorPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

#[derive(Template)]
#[template(path = "plan_editor_measure.html")]
pub struct MeasurePage<'a> {
    pub ctx: &'a Ctx,
    pub id: i64,
    pub plan_title: String,
    /// The focus area's place (a new measure) or the measure's.
    pub at: String,
    pub heading: String,
    pub errors: Vec<FieldMessage>,
    pub fields: Vec<Field>,
    pub status: Choice,
    pub owners: Choice,
    pub rights: Choice,
    pub conditions: Choice,
    pub indicators: Choice,
}

impl HasErrors for MeasurePage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

#[derive(Template)]
#[template(path = "plan_new.html")]
pub struct NewPlanPage<'a> {
    pub ctx: &'a Ctx,
    pub errors: Vec<FieldMessage>,
    pub fields: Vec<Field>,
    pub scope: Choice,
    pub parent: Choice,
    pub visibility: Choice,
}

impl HasErrors for NewPlanPage<'_> {
    fn errors(&self) -> &[FieldMessage] {
        &self.errors
    }
}

/// Every message id the editor builds from a code, for the catalogue test.
#[cfg(test)]
pub fn dynamic_message_ids() -> Vec<String> {
    let fields = [
        "name-fi",
        "name-sv",
        "name-en",
        "title-fi",
        "title-sv",
        "title-en",
        "aim-fi",
        "aim-sv",
        "aim-en",
        "start-year",
        "end-year",
        "visibility",
        "code",
        "scope",
        "parent",
        "responsible",
        "schedule",
        "budget",
        "status",
        "owners",
        "rights",
        "conditions",
        "indicators",
    ];
    let saved = [
        "created", "details", "goal", "focus", "measure", "moved", "removed",
    ];
    fields
        .iter()
        .map(|f| format!("pe-field-{f}"))
        .chain(saved.iter().map(|s| format!("pe-saved-{s}")))
        .chain(
            kasvu_core::PlanVisibility::CODES
                .iter()
                .map(|c| format!("pe-visibility-{c}")),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn store_refusals_land_on_the_form_fields() {
        assert_eq!(form_field("goals.2.names.name_sv", "g2-"), "g2-name_sv");
        assert_eq!(form_field("title.name_fi", ""), "title_fi");
        assert_eq!(form_field("aim.name_en", ""), "aim_en");
        assert_eq!(form_field("period", ""), "start_year");
        assert_eq!(
            form_field("goals.1.focus_areas.1.names", "g1-f1-"),
            "g1-f1-name_fi"
        );
        assert_eq!(form_field("owners", ""), "owners");
        assert_eq!(
            form_field("goals.1.focus_areas.1.measures.2.schedule", ""),
            "schedule"
        );
    }
}
