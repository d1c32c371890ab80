//! Guests: partners at a team's table without a Kasvu account (Kela, NGOs,
//! parishes; seed 003). A guest never signs in and sees nothing; the team
//! records their attendance and commitments, and e-mails them the agenda,
//! the minutes and reminders. Their e-mail address is an adult's personal
//! data: erased when the guest is removed, never written to the audit log.

use super::*;
use kasvu_core::Email;

/// A guest as entered on the team page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestSpec {
    pub name: String,
    pub organisation: String,
    pub sector: Sector,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    pub id: i64,
    pub team_id: i64,
    pub name: String,
    pub organisation: String,
    pub sector: Sector,
    /// Empty once the guest is removed.
    pub email: String,
    pub removed: bool,
}

/// What may be e-mailed to a team's guests about a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuestMail {
    Agenda,
    Minutes,
}

impl GuestMail {
    pub fn code(self) -> &'static str {
        match self {
            GuestMail::Agenda => "agenda",
            GuestMail::Minutes => "minutes",
        }
    }
}

fn check_guest(spec: &GuestSpec) -> Result<(String, String, String)> {
    let name = parse_text(&spec.name, MAX_NAME).map_err(|p| StoreError::invalid("name", p))?;
    let organisation = parse_text(&spec.organisation, MAX_NAME)
        .map_err(|p| StoreError::invalid("organisation", p))?;
    let email = Email::parse(&spec.email).map_err(|p| StoreError::invalid("email", p))?;
    Ok((name, organisation, email.as_str().to_owned()))
}

fn guest_of(r: &AnyRow) -> Result<Guest> {
    let sector: String = r.try_get("sector")?;
    Ok(Guest {
        id: r.try_get("id")?,
        team_id: r.try_get("team_id")?,
        name: r.try_get("name")?,
        organisation: r.try_get("organisation")?,
        sector: Sector::parse(&sector).map_err(|p| StoreError::corrupt("sector", p))?,
        email: r.try_get("email")?,
        removed: r.try_get::<Option<i64>, _>("removed_at")?.is_some(),
    })
}

/// Most guests one team may have (see [`Store::add_guest`]).
pub const MAX_GUESTS: i64 = 40;

const SELECT_GUESTS: &str =
    "SELECT id, team_id, name, organisation, sector, email, removed_at FROM team_guests";

/// A guest is someone without an account: whoever has one is added as a
/// member instead (and signs in), and no two guests of a team share an
/// address.
async fn check_guest_email(
    tx: &mut AnyConnection,
    team_id: i64,
    email: &str,
    except: Option<i64>,
) -> Result<()> {
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE lower(email) = $1")
        .bind(email)
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Err(StoreError::invalid(
            "email",
            Problem::new(
                "err-guest-has-account",
                "this person has a Kasvu account: add them as a member",
            ),
        ));
    }
    let same: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM team_guests WHERE team_id = $1 AND email = $2 AND removed_at IS NULL AND id <> $3",
    )
    .bind(team_id)
    .bind(email)
    .bind(except.unwrap_or(-1))
    .fetch_one(&mut *tx)
    .await?;
    if same > 0 {
        return Err(StoreError::Conflict(kasvu_core::FieldError::new(
            "email",
            Problem::new(
                "err-guest-duplicate",
                "this team already has a guest with this address",
            ),
        )));
    }
    Ok(())
}

impl Store {
    /// Adds a guest (at most [`MAX_GUESTS`] per team).
    pub async fn add_guest(&self, actor: &Actor, team_id: i64, spec: &GuestSpec) -> Result<i64> {
        let (name, organisation, email) = check_guest(spec)?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        check_guest_email(&mut tx, team_id, &email, None).await?;
        // Guests are the partners at one table, mailed one by one while the
        // secretary waits: a bound keeps a sending within its time.
        let guests: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM team_guests WHERE team_id = $1 AND removed_at IS NULL",
        )
        .bind(team_id)
        .fetch_one(&mut *tx)
        .await?;
        if guests >= MAX_GUESTS {
            return Err(StoreError::invalid(
                "guest",
                Problem::new("err-too-many-guests", "a team has at most 40 guests"),
            ));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_guests (team_id, name, organisation, sector, email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(team_id)
        .bind(&name)
        .bind(&organisation)
        .bind(spec.sector.code())
        .bind(&email)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_guest",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "name": name, "organisation": organisation, "sector": spec.sector.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_guest(&self, actor: &Actor, guest_id: i64, spec: &GuestSpec) -> Result<()> {
        let (name, organisation, email) = check_guest(spec)?;
        let mut tx = self.begin_write().await?;
        let old = active_guest(&mut tx, guest_id).await?;
        let team = team_in(&mut tx, old.team_id).await?;
        check_guest_email(&mut tx, old.team_id, &email, Some(guest_id)).await?;
        sqlx::query(
            "UPDATE team_guests SET name = $1, organisation = $2, sector = $3, email = $4 WHERE id = $5",
        )
        .bind(&name)
        .bind(&organisation)
        .bind(spec.sector.code())
        .bind(&email)
        .bind(guest_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_guest",
            &guest_id.to_string(),
            "update",
            json!({ "name": name, "organisation": organisation, "sector": spec.sector.code(),
                    "email_changed": email != old.email }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a guest from the team: the name stays on past attendance and
    /// commitments, the e-mail address is erased.
    pub async fn remove_guest(&self, actor: &Actor, guest_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let old = active_guest(&mut tx, guest_id).await?;
        let team = team_in(&mut tx, old.team_id).await?;
        sqlx::query("UPDATE team_guests SET removed_at = $1, email = '' WHERE id = $2")
            .bind(now())
            .bind(guest_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_guest",
            &guest_id.to_string(),
            "remove",
            json!({ "team": old.team_id, "name": old.name }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A team's guests (not removed), by name.
    pub async fn guests(&self, team_id: i64) -> Result<Vec<Guest>> {
        sqlx::query(&format!(
            "{SELECT_GUESTS} WHERE team_id = $1 AND removed_at IS NULL ORDER BY name, id"
        ))
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(guest_of)
        .collect()
    }

    pub async fn guest(&self, id: i64) -> Result<Option<Guest>> {
        sqlx::query(&format!("{SELECT_GUESTS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(guest_of)
            .transpose()
    }

    /// Records a guest's promise: `recorded_by` (a member, usually the
    /// secretary) follows it up; due like anyone's at the meeting after.
    pub async fn make_guest_commitment(
        &self,
        actor: &Actor,
        guest_id: i64,
        recorded_by: i64,
        text: &str,
        made_meeting_id: Option<i64>,
        today: Date,
    ) -> Result<i64> {
        let text = parse_text(text, MAX_TEXT).map_err(|p| StoreError::invalid("text", p))?;
        let mut tx = self.begin_write().await?;
        let guest = active_guest(&mut tx, guest_id).await?;
        let team = team_in(&mut tx, guest.team_id).await?;
        if member_role_in(&mut tx, team.id, recorded_by)
            .await?
            .is_none()
        {
            return Err(StoreError::invalid(
                "user",
                Problem::new(
                    "err-not-member",
                    "a guest's commitment is recorded by a member",
                ),
            ));
        }
        let id = super::commitments::insert_commitment(
            &mut tx,
            team.id,
            recorded_by,
            Some(guest_id),
            &text,
            made_meeting_id,
            today,
        )
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "commitment",
            &id.to_string(),
            "create",
            json!({ "team": team.id, "guest": guest_id, "user": recorded_by, "text": text }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The guests present at a meeting (ids).
    pub async fn guest_attendance(&self, meeting_id: i64) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT guest_id FROM meeting_guest_attendance WHERE meeting_id = $1 ORDER BY guest_id",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The team's guests who have not yet been sent `what` of a meeting.
    pub async fn guests_to_mail(&self, meeting_id: i64, what: GuestMail) -> Result<Vec<Guest>> {
        sqlx::query(&format!(
            "{SELECT_GUESTS} WHERE removed_at IS NULL AND email <> '' \
             AND team_id = (SELECT team_id FROM meetings WHERE id = $1) \
             AND id NOT IN (SELECT guest_id FROM guest_mail WHERE meeting_id = $1 AND kind = $2) \
             ORDER BY name, id"
        ))
        .bind(meeting_id)
        .bind(what.code())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(guest_of)
        .collect()
    }

    /// Notes (and audits) that `what` of a meeting was e-mailed to a guest.
    pub async fn mark_guest_mailed(
        &self,
        actor: &Actor,
        meeting_id: i64,
        guest_id: i64,
        what: GuestMail,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        let res = sqlx::query(
            "INSERT INTO guest_mail (meeting_id, guest_id, kind, sent_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(meeting_id)
        .bind(guest_id)
        .bind(what.code())
        .bind(now())
        .execute(&mut *tx)
        .await;
        match res {
            Ok(_) => {}
            Err(e) if crate::support::db::is_unique_violation(&e) => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_guest",
            &guest_id.to_string(),
            "mail",
            json!({ "meeting": meeting_id, "kind": what.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn active_guest(tx: &mut AnyConnection, id: i64) -> Result<Guest> {
    let g = sqlx::query(&format!("{SELECT_GUESTS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .as_ref()
        .map(guest_of)
        .transpose()?
        .ok_or_else(|| StoreError::NotFound(format!("guest {id}")))?;
    if g.removed {
        return Err(StoreError::NotFound(format!("guest {id}")));
    }
    Ok(g)
}

/// Checks that every id is a guest of the team (not removed).
pub(super) async fn check_guests_of(
    tx: &mut AnyConnection,
    team_id: i64,
    ids: &[i64],
) -> Result<()> {
    for id in ids {
        let ok: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM team_guests WHERE id = $1 AND team_id = $2 AND removed_at IS NULL",
        )
        .bind(id)
        .bind(team_id)
        .fetch_one(&mut *tx)
        .await?;
        if ok == 0 {
            return Err(StoreError::invalid(
                "guests",
                Problem::new(
                    "err-not-guest",
                    "only the team's guests can be marked present",
                ),
            ));
        }
    }
    Ok(())
}
