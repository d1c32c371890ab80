//! The organisation's public settings.

use super::*;

/// The organisation's public settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicSettings {
    /// The family social work guidance number (perhesosiaalityön neuvonta).
    #[serde(default)]
    pub guidance_phone: String,
    #[serde(default)]
    pub guidance_hours: Names,
}

impl Store {
    pub async fn public_settings(&self, org_id: i64) -> Result<PublicSettings> {
        let row = sqlx::query(
            "SELECT guidance_phone, guidance_hours_fi, guidance_hours_sv, guidance_hours_en \
             FROM public_settings WHERE org_id = $1",
        )
        .bind(org_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => PublicSettings::default(),
            Some(r) => PublicSettings {
                guidance_phone: r.try_get("guidance_phone")?,
                guidance_hours: names_of(&r, "guidance_hours")?,
            },
        })
    }

    pub async fn set_public_settings(
        &self,
        actor: &Actor,
        org_id: i64,
        s: &PublicSettings,
    ) -> Result<()> {
        kasvu_core::actor::check_phone(&s.guidance_phone)
            .map_err(|p| StoreError::invalid("guidance_phone", p))?;
        let hours = names("guidance_hours", &s.guidance_hours, false, MAX_LINE)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO public_settings (org_id, guidance_phone, guidance_hours_fi, guidance_hours_sv, \
             guidance_hours_en, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (org_id) DO UPDATE \
             SET guidance_phone = excluded.guidance_phone, guidance_hours_fi = excluded.guidance_hours_fi, \
             guidance_hours_sv = excluded.guidance_hours_sv, guidance_hours_en = excluded.guidance_hours_en, \
             updated_at = excluded.updated_at",
        )
        .bind(org_id)
        .bind(s.guidance_phone.trim())
        .bind(&hours.fi)
        .bind(&hours.sv)
        .bind(&hours.en)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        audit_change(
            &mut tx,
            actor,
            org_id,
            "public_settings",
            "guidance",
            "save",
            json!(s),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
