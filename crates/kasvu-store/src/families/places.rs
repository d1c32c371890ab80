//! Places: meeting places and family centres.

use super::*;

// ---------------------------------------------------------------- places

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceSpec {
    pub code: String,
    pub kind: PlaceKind,
    pub name: Names,
    /// The area, cluster or unit it is in (its code).
    pub area: String,
    #[serde(default)]
    pub address: String,
    /// When it is open.
    #[serde(default)]
    pub hours: Names,
    /// What happens there.
    #[serde(default)]
    pub what: Names,
    /// How to get there (bus lines, parking, entrance).
    #[serde(default)]
    pub directions: Names,
    /// Accessibility of the place (step-free entrance, toilet, hearing loop).
    #[serde(default)]
    pub access: Names,
    /// Who runs it: the register's actor (its code).
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub website: String,
    #[serde(default)]
    pub published: bool,
    /// The place's id in the system it was imported from.
    #[serde(default)]
    pub source_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub id: i64,
    pub spec: PlaceSpec,
    pub area_id: i64,
    pub cluster_id: Option<i64>,
}

fn check_place(s: &PlaceSpec) -> Result<PlaceSpec> {
    let code = OrgCode::parse(&s.code).map_err(|p| StoreError::invalid("code", p))?;
    kasvu_core::actor::check_phone(&s.phone).map_err(|p| StoreError::invalid("phone", p))?;
    Ok(PlaceSpec {
        code: code.as_str().to_owned(),
        kind: s.kind,
        name: names("name", &s.name, true, MAX_LINE)?,
        area: s.area.trim().to_owned(),
        address: line("address", &s.address)?,
        hours: names("hours", &s.hours, false, MAX_TEXT)?,
        what: names("what", &s.what, false, MAX_TEXT)?,
        directions: names("directions", &s.directions, false, MAX_TEXT)?,
        access: names("access", &s.access, false, MAX_TEXT)?,
        actor: s.actor.trim().to_owned(),
        phone: s.phone.trim().to_owned(),
        website: check_url("website", &s.website)?,
        published: s.published,
        source_id: line("source_id", &s.source_id)?,
    })
}

const PLACE_COLUMNS: &str = "p.id, p.code, p.kind, p.name_fi, p.name_sv, p.name_en, p.area_id, \
     p.cluster_id, u.code AS area, p.address, p.hours_fi, p.hours_sv, p.hours_en, p.what_fi, p.what_sv, \
     p.what_en, p.directions_fi, p.directions_sv, p.directions_en, p.access_fi, p.access_sv, p.access_en, \
     a.code AS actor, p.phone, p.website, p.published, p.source_id";

fn place_of(r: &AnyRow) -> Result<Place> {
    let kind: String = r.try_get("kind")?;
    Ok(Place {
        id: r.try_get("id")?,
        area_id: r.try_get("area_id")?,
        cluster_id: r.try_get("cluster_id")?,
        spec: PlaceSpec {
            code: r.try_get("code")?,
            kind: PlaceKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
            name: names_of(r, "name")?,
            area: r.try_get("area")?,
            address: r.try_get("address")?,
            hours: names_of(r, "hours")?,
            what: names_of(r, "what")?,
            directions: names_of(r, "directions")?,
            access: names_of(r, "access")?,
            actor: r.try_get::<Option<String>, _>("actor")?.unwrap_or_default(),
            phone: r.try_get("phone")?,
            website: r.try_get("website")?,
            published: r.try_get::<i64, _>("published")? == 1,
            source_id: r
                .try_get::<Option<String>, _>("source_id")?
                .unwrap_or_default(),
        },
    })
}

impl Store {
    /// Writes a place whole (new, or replacing the place with its code).
    pub async fn save_place(&self, actor: &Actor, org_id: i64, spec: &PlaceSpec) -> Result<i64> {
        let s = check_place(spec)?;
        let mut tx = self.begin_write().await?;
        let (unit_id, area_id, cluster_id) = area_of(&mut tx, org_id, &s.area, "area").await?;
        let actor_id = match s.actor.as_str() {
            "" => None,
            c => Some(crate::support::db::actor_in(&mut tx, org_id, c, "actor").await?),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO places (org_id, code, kind, name_fi, name_sv, name_en, area_id, cluster_id, unit_id, \
             address, hours_fi, hours_sv, hours_en, what_fi, what_sv, what_en, directions_fi, directions_sv, \
             directions_en, access_fi, access_sv, access_en, actor_id, phone, website, published, source_id, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
             $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) \
             ON CONFLICT (org_id, code) DO UPDATE SET kind = excluded.kind, name_fi = excluded.name_fi, \
             name_sv = excluded.name_sv, name_en = excluded.name_en, area_id = excluded.area_id, \
             cluster_id = excluded.cluster_id, unit_id = excluded.unit_id, address = excluded.address, \
             hours_fi = excluded.hours_fi, hours_sv = excluded.hours_sv, hours_en = excluded.hours_en, \
             what_fi = excluded.what_fi, what_sv = excluded.what_sv, what_en = excluded.what_en, \
             directions_fi = excluded.directions_fi, directions_sv = excluded.directions_sv, \
             directions_en = excluded.directions_en, access_fi = excluded.access_fi, \
             access_sv = excluded.access_sv, access_en = excluded.access_en, actor_id = excluded.actor_id, \
             phone = excluded.phone, website = excluded.website, published = excluded.published, \
             source_id = excluded.source_id, updated_at = excluded.updated_at RETURNING id",
        )
        .bind(org_id)
        .bind(&s.code)
        .bind(s.kind.code())
        .bind(&s.name.fi)
        .bind(&s.name.sv)
        .bind(&s.name.en)
        .bind(area_id)
        .bind(cluster_id)
        .bind(unit_id)
        .bind(&s.address)
        .bind(&s.hours.fi)
        .bind(&s.hours.sv)
        .bind(&s.hours.en)
        .bind(&s.what.fi)
        .bind(&s.what.sv)
        .bind(&s.what.en)
        .bind(&s.directions.fi)
        .bind(&s.directions.sv)
        .bind(&s.directions.en)
        .bind(&s.access.fi)
        .bind(&s.access.sv)
        .bind(&s.access.en)
        .bind(actor_id)
        .bind(&s.phone)
        .bind(&s.website)
        .bind(i64::from(s.published))
        .bind((!s.source_id.is_empty()).then_some(s.source_id.as_str()))
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        super::search_docs::index_place(&mut tx, org_id, &s).await?;
        // Hobby cards show the place's name and the public search filters
        // by its code: the cached public pages depend on it.
        super::bump_version(&mut tx, org_id).await?;
        audit_change(&mut tx, actor, org_id, "place", &s.code, "save", json!(s)).await?;
        tx.commit().await?;
        self.note_public_write();
        Ok(id)
    }

    /// An organisation's places by name; `published_only` for the public.
    pub async fn places(&self, org_id: i64, published_only: bool) -> Result<Vec<Place>> {
        let cond = if published_only {
            " AND p.published = 1"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT {PLACE_COLUMNS} FROM places p JOIN org_units u ON u.id = p.unit_id \
             LEFT JOIN actors a ON a.id = p.actor_id WHERE p.org_id = $1{cond} ORDER BY p.name_fi, p.code"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(place_of).collect()
    }

    pub async fn place(&self, org_id: i64, code: &str) -> Result<Option<Place>> {
        let row = sqlx::query(&format!(
            "SELECT {PLACE_COLUMNS} FROM places p JOIN org_units u ON u.id = p.unit_id \
             LEFT JOIN actors a ON a.id = p.actor_id WHERE p.org_id = $1 AND p.code = $2"
        ))
        .bind(org_id)
        .bind(code.trim())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(place_of).transpose()
    }

    // -------------------------------------------------------- activities
}
