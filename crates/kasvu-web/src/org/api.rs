//! The org tree over the JSON API: read by anyone, changed by roles that edit the tree.

use crate::support::api::bad;
use crate::support::api::ApiError;
use crate::support::api::ApiErrorBody;
use crate::support::api::ApiResult;
use crate::support::api::ApiUser;
use crate::support::api::Json;
use crate::support::api::NamesDto;
use crate::support::api::Path;
use crate::support::api::Query;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use kasvu_core::role::permits;
use kasvu_core::Action;
use kasvu_core::ExternalCode;
use kasvu_core::FieldError;
use kasvu_core::Level;
use kasvu_core::Names;
use kasvu_core::OrgCode;
use kasvu_core::Sector;
use kasvu_core::UnitKind;
use kasvu_core::ValidRange;
use kasvu_store::Actor;
use kasvu_store::OrgUnit;
use kasvu_store::OrgUnitSpec;
use kasvu_store::User;
use serde::Deserialize;
use serde::Serialize;
use utoipa::ToSchema;
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitDto {
    pub code: String,
    /// organisation, area, cluster or unit.
    pub level: String,
    pub kind: Option<String>,
    pub sector: Option<String>,
    pub parent: Option<String>,
    pub names: NamesDto,
    /// `scheme:code` pairs, e.g. `kunta:564`.
    pub external_codes: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    /// True for illustrative demo data.
    pub demo: bool,
}

impl From<&OrgUnit> for OrgUnitDto {
    fn from(u: &OrgUnit) -> Self {
        OrgUnitDto {
            code: u.code.clone(),
            level: u.level.code().into(),
            kind: u.kind.map(|k| k.code().into()),
            sector: u.sector.map(|s| s.code().into()),
            parent: u.parent_code.clone(),
            names: NamesDto {
                fi: u.names.fi.clone(),
                sv: u.names.sv.clone(),
                en: u.names.en.clone(),
            },
            external_codes: u
                .external_codes
                .iter()
                .map(|e| format!("{}:{}", e.scheme, e.code))
                .collect(),
            valid_from: u.valid.from.map(kasvu_core::format_date),
            valid_to: u.valid.to.map(kasvu_core::format_date),
            demo: u.demo,
        }
    }
}

/// An org unit to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
pub struct OrgUnitInput {
    /// Required when creating; ignored when replacing (the path names the unit).
    #[serde(default)]
    pub code: String,
    pub parent: Option<String>,
    #[schema(schema_with = level_schema)]
    pub level: String,
    /// Only units (level `unit`) have a kind.
    #[schema(schema_with = kind_schema)]
    pub kind: Option<String>,
    #[schema(schema_with = sector_schema)]
    pub sector: Option<String>,
    pub names: NamesDto,
    #[serde(default)]
    pub external_codes: Vec<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
}

fn level_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::support::api::json_schema(crate::support::api::one_of(Level::CODES))
}

/// One of `codes`, or null.
fn nullable_code(codes: &[&str]) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let mut values: Vec<serde_json::Value> = codes.iter().map(|c| (*c).into()).collect();
    values.push(serde_json::Value::Null);
    crate::support::api::json_schema(
        serde_json::json!({"type": ["string", "null"], "enum": values}),
    )
}

fn kind_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    nullable_code(kasvu_core::UnitKind::CODES)
}

fn sector_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    nullable_code(kasvu_core::Sector::CODES)
}

impl OrgUnitInput {
    fn to_spec(&self) -> Result<OrgUnitSpec, FieldError> {
        let f = |field: &'static str| move |p| FieldError::new(field, p);
        let level = Level::parse(&self.level).map_err(f("level"))?;
        let kind = self
            .kind
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(UnitKind::parse)
            .transpose()
            .map_err(f("kind"))?;
        kasvu_core::check_kind(level, kind).map_err(f("kind"))?;
        Ok(OrgUnitSpec {
            code: OrgCode::parse(&self.code).map_err(f("code"))?,
            parent: self
                .parent
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(OrgCode::parse)
                .transpose()
                .map_err(f("parent"))?,
            level,
            kind,
            sector: self
                .sector
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(Sector::parse)
                .transpose()
                .map_err(f("sector"))?,
            names: Names::parse(&self.names.fi, &self.names.sv, &self.names.en)?,
            external_codes: ExternalCode::parse_list(&self.external_codes.join(";"))
                .map_err(f("external_codes"))?,
            valid: ValidRange::parse(
                self.valid_from.as_deref().unwrap_or(""),
                self.valid_to.as_deref().unwrap_or(""),
            )?,
        })
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct OrgUnitsQuery {
    /// Only the units of this organisation (its code).
    pub org: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/orgunits", params(OrgUnitsQuery), tag = "orgunits",
    responses((status = 200, description = "The tree: every org unit, ended ones included", body = [OrgUnitDto]),
              (status = 404, description = "No such organisation", body = ApiErrorBody)))]
pub async fn list_orgunits(
    State(st): State<AppState>,
    Query(q): Query<OrgUnitsQuery>,
) -> ApiResult<Json<Vec<OrgUnitDto>>> {
    let orgs = st.store.organisations().await?;
    let selected: Vec<&OrgUnit> = match &q.org {
        Some(code) => vec![orgs
            .iter()
            .find(|o| kasvu_core::same_code(&o.code, code))
            .ok_or_else(|| ApiError::not_found("organisation"))?],
        None => orgs.iter().collect(),
    };
    let mut out = Vec::new();
    for o in selected {
        out.extend(st.store.org_units(o.id).await?.iter().map(OrgUnitDto::from));
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/orgunits/{code}", tag = "orgunits",
    params(("code" = String, Path, description = "The unit's code")),
    responses((status = 200, body = OrgUnitDto), (status = 404, body = ApiErrorBody)))]
pub async fn get_orgunit(
    State(st): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Json<OrgUnitDto>> {
    let u = st
        .store
        .org_unit(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    Ok(Json(OrgUnitDto::from(&u)))
}

async fn check_edit(st: &AppState, user: &User, unit: &OrgUnit) -> ApiResult<()> {
    let tree = st.store.org_tree(user.org_id).await?;
    if unit.org_id == user.org_id && permits(&user.assignments(), &tree, Action::EditTree, unit.id)
    {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

#[utoipa::path(post, path = "/api/v1/orgunits", tag = "orgunits", request_body = OrgUnitInput,
    security(("bearer" = [])),
    responses((status = 201, body = OrgUnitDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn create_orgunit(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<OrgUnitInput>,
) -> ApiResult<(StatusCode, Json<OrgUnitDto>)> {
    let spec = input.to_spec().map_err(bad)?;
    let parent_code = spec.parent.as_ref().ok_or_else(|| {
        bad(FieldError::new(
            "parent",
            kasvu_core::Problem::new(
                "err-parent-required",
                "organisations are created with the CLI; give a parent",
            ),
        ))
    })?;
    let parent = st
        .store
        .org_unit(parent_code.as_str())
        .await?
        .ok_or_else(|| {
            bad(FieldError::new(
                "parent",
                kasvu_core::Problem::new(
                    "err-parent-missing",
                    format!("there is no org unit '{parent_code}'"),
                ),
            ))
        })?;
    check_edit(&st, &user, &parent).await?;
    let u = st
        .store
        .create_org_unit(&Actor::user(user.id, &user.email), &spec)
        .await?;
    Ok((StatusCode::CREATED, Json(OrgUnitDto::from(&u))))
}

#[utoipa::path(put, path = "/api/v1/orgunits/{code}", tag = "orgunits", request_body = OrgUnitInput,
    params(("code" = String, Path, description = "The unit's code")), security(("bearer" = [])),
    responses((status = 200, body = OrgUnitDto), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody),
              (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn replace_orgunit(
    State(st): State<AppState>,
    ApiUser(user): ApiUser,
    Path(code): Path<String>,
    Json(mut input): Json<OrgUnitInput>,
) -> ApiResult<Json<OrgUnitDto>> {
    let existing = st
        .store
        .org_unit(&code)
        .await?
        .ok_or_else(|| ApiError::not_found("org unit"))?;
    check_edit(&st, &user, &existing).await?;
    input.code = existing.code.clone();
    let spec = input.to_spec().map_err(bad)?;
    if spec.parent.as_ref().map(OrgCode::as_str) != existing.parent_code.as_deref() {
        if let Some(p) = &spec.parent {
            if let Some(parent) = st.store.org_unit(p.as_str()).await? {
                check_edit(&st, &user, &parent).await?;
            }
        }
    }
    let (u, _) = st
        .store
        .update_org_unit(&Actor::user(user.id, &user.email), &spec)
        .await?;
    if u.parent_code != existing.parent_code {
        // A move sets every protected year aside (see the admin form).
        st.store
            .protect_ahead_in_background(kasvu_store::ProtectScope::Everything);
    }
    Ok(Json(OrgUnitDto::from(&u)))
}
