//! Teams (leadership teams, the steering group, learning networks), their
//! members, meetings with agenda, minutes, attendance and decisions, and the
//! members' personal commitments with their reviews. Who may do what is
//! decided by the caller with [`kasvu_core::team`]; the store keeps the data
//! whole: a commitment belongs to a member, a meeting to its team, and a
//! team's members to its organisation (a learning network's also to its
//! participating organisations). Every change is audited.

use crate::audit::audit_change as audit;
use crate::credentials::random_token;
use crate::db::Store;
use crate::error::{Result, StoreError};
use crate::{now, Actor};
use kasvu_core::team::{parse_text, MAX_TEXT};
use kasvu_core::{
    format_date, AgendaLink, ClockTime, CommitmentStatus, Level, MeetingState, MemberRole, Names,
    Problem, Schedule, Sector, TeamKind,
};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

/// What a team is, as set up by whoever manages teams.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSpec {
    pub kind: TeamKind,
    /// The cluster, area or organisation the team is for.
    pub unit_code: String,
    pub name: String,
    pub schedule: Schedule,
    pub location: String,
    /// The month the schedule counts from (every n months).
    pub anchor_on: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    pub id: i64,
    pub org_id: i64,
    pub kind: TeamKind,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_names: Names,
    pub name: String,
    pub schedule: Schedule,
    pub location: String,
    pub anchor_on: Date,
    /// The secret part of the team's calendar feed URL.
    pub ical_token: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: i64,
    pub org_id: i64,
    pub name: String,
    pub email: String,
    pub role: MemberRole,
    pub sector: Sector,
    /// The unit the member represents: (code, names).
    pub unit: Option<(String, Names)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub id: i64,
    pub title: String,
    pub link: Option<(AgendaLink, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub team_id: i64,
    pub on: Date,
    pub start: ClockTime,
    pub duration_min: i64,
    pub location: String,
    pub state: MeetingState,
    /// Internal: shown only to the team and admins.
    pub minutes: String,
    pub attendance: Vec<i64>,
    pub agenda: Vec<AgendaItem>,
    pub decisions: Vec<String>,
}

/// When and where a meeting is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSpec {
    pub on: Date,
    pub start: ClockTime,
    pub duration_min: i64,
    pub location: String,
}

/// What is recorded of a meeting once it is held (or cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub state: MeetingState,
    pub minutes: String,
    /// Members present (user ids); each must be a member.
    pub attendance: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub meeting_id: Option<i64>,
    pub on: Date,
    pub status: CommitmentStatus,
    pub note: String,
    pub carry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub id: i64,
    pub team_id: i64,
    pub team_name: String,
    pub user_id: i64,
    pub user_name: String,
    pub made_meeting_id: Option<i64>,
    pub made_on: Date,
    pub text: String,
    pub status: CommitmentStatus,
    /// How many meetings it has been carried over.
    pub carried: i64,
    pub closed_meeting_id: Option<i64>,
    pub note: String,
    pub reviews: Vec<Review>,
}

/// An organisation taking part in a learning network: the units it brings
/// and the indicators it agreed to share with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub org_id: i64,
    pub org_code: String,
    pub org_names: Names,
    /// (id, code, names) of the units compared.
    pub units: Vec<(i64, String, Names)>,
    /// Indicator codes shared.
    pub shared: Vec<String>,
}

/// The longest team name and meeting location.
pub const MAX_NAME: usize = 200;
/// The longest minutes.
pub const MAX_MINUTES: usize = 50_000;

use crate::db::stored_date as date_of;

fn check_location(s: &str) -> Result<String> {
    let t = s.trim();
    if t.chars().count() > MAX_NAME {
        return Err(StoreError::invalid("location", Problem::too_long(MAX_NAME)));
    }
    Ok(t.to_owned())
}

const SELECT_TEAMS: &str = "SELECT t.id, t.org_id, t.kind, t.unit_id, u.code, u.name_fi, u.name_sv, u.name_en, \
     t.name, t.every_months, t.week, t.weekday, t.start_time, t.duration_min, t.location, t.anchor_on, t.ical_token \
     FROM teams t JOIN org_units u ON u.id = t.unit_id";

fn team_of(r: &AnyRow) -> Result<Team> {
    let kind: String = r.try_get("kind")?;
    let schedule = Schedule::new(
        r.try_get("every_months")?,
        r.try_get("week")?,
        r.try_get("weekday")?,
        &r.try_get::<String, _>("start_time")?,
        r.try_get("duration_min")?,
    )
    .map_err(|(f, p)| StoreError::corrupt(f, p))?;
    Ok(Team {
        id: r.try_get("id")?,
        org_id: r.try_get("org_id")?,
        kind: TeamKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
        unit_id: r.try_get("unit_id")?,
        unit_code: r.try_get("code")?,
        unit_names: crate::db::names_of(r, "name")?,
        name: r.try_get("name")?,
        schedule,
        location: r.try_get("location")?,
        anchor_on: date_of(&r.try_get::<String, _>("anchor_on")?)?,
        ical_token: r.try_get("ical_token")?,
    })
}

async fn team_in(conn: &mut AnyConnection, id: i64) -> Result<Team> {
    let row = sqlx::query(&format!("{SELECT_TEAMS} WHERE t.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("team {id}")))?;
    team_of(&row)
}

/// The unit a team is for: (id, org_id), checked against the team's kind.
async fn team_unit(conn: &mut AnyConnection, kind: TeamKind, code: &str) -> Result<(i64, i64)> {
    let row = sqlx::query("SELECT id, org_id, level FROM org_units WHERE code = $1")
        .bind(code.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "unit",
                Problem::new("err-unit-missing", format!("there is no org unit '{code}'"))
                    .arg("value", code),
            )
        })?;
    let level: String = row.try_get("level")?;
    let level = Level::parse(&level).map_err(|p| StoreError::corrupt("level", p))?;
    kind.check_scope(level)
        .map_err(|p| StoreError::invalid("unit", p))?;
    Ok((row.try_get("id")?, row.try_get("org_id")?))
}

fn check_spec(spec: &TeamSpec) -> Result<(String, String)> {
    let name = parse_text(&spec.name, MAX_NAME).map_err(|p| StoreError::invalid("name", p))?;
    Ok((name, check_location(&spec.location)?))
}

fn team_snapshot(t: &TeamSpec) -> serde_json::Value {
    json!({
        "kind": t.kind.code(), "unit": t.unit_code, "name": t.name.trim(),
        "every_months": t.schedule.every_months, "week": t.schedule.week,
        "weekday": t.schedule.weekday.number_from_monday(),
        "start": t.schedule.start.to_string(), "duration_min": t.schedule.duration_min,
        "location": t.location.trim(), "anchor_on": format_date(t.anchor_on),
    })
}

async fn member_role_in(
    conn: &mut AnyConnection,
    team_id: i64,
    user_id: i64,
) -> Result<Option<MemberRole>> {
    let role: Option<String> = sqlx::query_scalar(
        "SELECT member_role FROM team_members WHERE team_id = $1 AND user_id = $2",
    )
    .bind(team_id)
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    role.map(|r| MemberRole::parse(&r).map_err(|p| StoreError::corrupt("member_role", p)))
        .transpose()
}

async fn meeting_team(conn: &mut AnyConnection, meeting_id: i64) -> Result<(Team, MeetingState)> {
    let row = sqlx::query("SELECT team_id, state FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("meeting {meeting_id}")))?;
    let state: String = row.try_get("state")?;
    Ok((
        team_in(conn, row.try_get("team_id")?).await?,
        MeetingState::parse(&state).map_err(|p| StoreError::corrupt("state", p))?,
    ))
}

impl Store {
    pub async fn create_team(&self, actor: &Actor, spec: &TeamSpec) -> Result<Team> {
        let (name, location) = check_spec(spec)?;
        let mut tx = self.begin_write().await?;
        let (unit_id, org_id) = team_unit(&mut tx, spec.kind, &spec.unit_code).await?;
        let s = &spec.schedule;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO teams (org_id, kind, unit_id, name, every_months, week, weekday, start_time, \
             duration_min, location, anchor_on, ical_token, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(org_id)
        .bind(spec.kind.code())
        .bind(unit_id)
        .bind(&name)
        .bind(i64::from(s.every_months))
        .bind(i64::from(s.week))
        .bind(i64::from(s.weekday.number_from_monday()))
        .bind(s.start.to_string())
        .bind(i64::from(s.duration_min))
        .bind(&location)
        .bind(format_date(spec.anchor_on))
        .bind(random_token())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        if spec.kind == TeamKind::LearningNetwork {
            // The organisation that hosts a network takes part in it.
            sqlx::query(
                "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(org_id)
            .bind(unit_id)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            org_id,
            "team",
            &id.to_string(),
            "create",
            team_snapshot(spec),
        )
        .await?;
        let team = team_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(team)
    }

    /// Changes a team's name, schedule and place (not its kind or unit).
    pub async fn update_team(&self, actor: &Actor, team_id: i64, spec: &TeamSpec) -> Result<Team> {
        let (name, location) = check_spec(spec)?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let s = &spec.schedule;
        sqlx::query(
            "UPDATE teams SET name = $1, every_months = $2, week = $3, weekday = $4, start_time = $5, \
             duration_min = $6, location = $7, anchor_on = $8 WHERE id = $9",
        )
        .bind(&name)
        .bind(i64::from(s.every_months))
        .bind(i64::from(s.week))
        .bind(i64::from(s.weekday.number_from_monday()))
        .bind(s.start.to_string())
        .bind(i64::from(s.duration_min))
        .bind(&location)
        .bind(format_date(spec.anchor_on))
        .bind(team_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team",
            &team_id.to_string(),
            "update",
            team_snapshot(spec),
        )
        .await?;
        let team = team_in(&mut tx, team_id).await?;
        tx.commit().await?;
        Ok(team)
    }

    pub async fn team(&self, id: i64) -> Result<Option<Team>> {
        let mut conn = self.pool.acquire().await?;
        match team_in(&mut conn, id).await {
            Ok(t) => Ok(Some(t)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn team_by_ical_token(&self, token: &str) -> Result<Option<Team>> {
        let row = sqlx::query(&format!("{SELECT_TEAMS} WHERE t.ical_token = $1"))
            .bind(token)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(team_of).transpose()
    }

    /// The teams of an organisation, and the learning networks it takes part in.
    pub async fn teams(&self, org_id: i64) -> Result<Vec<Team>> {
        let rows = sqlx::query(&format!(
            "{SELECT_TEAMS} WHERE t.org_id = $1 OR t.id IN \
             (SELECT team_id FROM network_participants WHERE org_id = $1) ORDER BY t.kind, t.name, t.id"
        ))
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_of).collect()
    }

    /// The teams a user is a member of.
    pub async fn teams_of_user(&self, user_id: i64) -> Result<Vec<Team>> {
        let rows = sqlx::query(&format!(
            "{SELECT_TEAMS} WHERE t.id IN (SELECT team_id FROM team_members WHERE user_id = $1) \
             ORDER BY t.name, t.id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(team_of).collect()
    }

    /// Adds a member or changes their role, sector and represented unit.
    /// The person must belong to the team's organisation, or for a learning
    /// network to one of its participating organisations. Without a sector,
    /// the represented unit's sector is used.
    pub async fn set_member(
        &self,
        actor: &Actor,
        team_id: i64,
        user_id: i64,
        role: MemberRole,
        sector: Option<Sector>,
        unit_code: Option<&str>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let user_org: Option<i64> = sqlx::query_scalar("SELECT org_id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        let user_org = user_org.ok_or_else(|| {
            StoreError::invalid(
                "user",
                Problem::new("err-user-missing", "there is no such user"),
            )
        })?;
        let participates: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(user_org)
        .fetch_one(&mut *tx)
        .await?;
        if user_org != team.org_id && participates == 0 {
            return Err(StoreError::invalid(
                "user",
                Problem::new(
                    "err-member-org",
                    "a member must belong to the team's organisation (or to an organisation taking part in the network)",
                ),
            ));
        }
        let unit = match unit_code.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(code) => {
                let row =
                    sqlx::query("SELECT id, org_id, kind, sector FROM org_units WHERE code = $1")
                        .bind(code)
                        .fetch_optional(&mut *tx)
                        .await?
                        .filter(|r| r.try_get::<i64, _>("org_id").ok() == Some(user_org))
                        .ok_or_else(|| {
                            StoreError::invalid(
                        "unit",
                        Problem::new(
                            "err-unit-missing",
                            format!("there is no org unit '{code}' in the member's organisation"),
                        )
                        .arg("value", code),
                    )
                        })?;
                let kind: Option<String> = row.try_get("kind")?;
                let own: Option<String> = row.try_get("sector")?;
                let sector = own
                    .map(|s| Sector::parse(&s))
                    .transpose()
                    .map_err(|p| StoreError::corrupt("sector", p))?
                    .or(kind
                        .map(|k| kasvu_core::UnitKind::parse(&k))
                        .transpose()
                        .map_err(|p| StoreError::corrupt("kind", p))?
                        .and_then(kasvu_core::UnitKind::default_sector));
                Some((row.try_get::<i64, _>("id")?, sector))
            }
        };
        let sector = sector.or(unit.and_then(|u| u.1)).ok_or_else(|| {
            StoreError::invalid(
                "sector",
                Problem::new(
                    "err-member-sector",
                    "give the member's sector or the unit they represent",
                ),
            )
        })?;
        let unit_id = unit.map(|u| u.0);
        let existing = member_role_in(&mut tx, team_id, user_id).await?;
        if existing.is_some() {
            sqlx::query(
                "UPDATE team_members SET member_role = $1, sector = $2, unit_id = $3 WHERE team_id = $4 AND user_id = $5",
            )
            .bind(role.code())
            .bind(sector.code())
            .bind(unit_id)
            .bind(team_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO team_members (team_id, user_id, member_role, sector, unit_id, joined_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(team_id)
            .bind(user_id)
            .bind(role.code())
            .bind(sector.code())
            .bind(unit_id)
            .bind(now())
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_member",
            &format!("{team_id}/{user_id}"),
            if existing.is_some() {
                "update"
            } else {
                "create"
            },
            json!({ "role": role.code(), "sector": sector.code(), "unit": unit_code }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member. Their commitments stay (with their history) but
    /// no longer count as the team's open work.
    pub async fn remove_member(&self, actor: &Actor, team_id: i64, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let n = sqlx::query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "member {user_id} of team {team_id}"
            )));
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_member",
            &format!("{team_id}/{user_id}"),
            "delete",
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(&self, team_id: i64) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT m.user_id, p.org_id, p.name, p.email, m.member_role, m.sector, u.code, u.name_fi, u.name_sv, u.name_en \
             FROM team_members m JOIN users p ON p.id = m.user_id LEFT JOIN org_units u ON u.id = m.unit_id \
             WHERE m.team_id = $1 ORDER BY p.name, p.id",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("member_role")?;
                let sector: String = r.try_get("sector")?;
                let code: Option<String> = r.try_get("code")?;
                let unit = match code {
                    Some(c) => Some((c, crate::db::names_of(r, "name")?)),
                    None => None,
                };
                Ok(Member {
                    user_id: r.try_get("user_id")?,
                    org_id: r.try_get("org_id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                    role: MemberRole::parse(&role).map_err(|p| StoreError::corrupt("role", p))?,
                    sector: Sector::parse(&sector).map_err(|p| StoreError::corrupt("sector", p))?,
                    unit,
                })
            })
            .collect()
    }

    /// The user's role in a team, if a member.
    pub async fn member_role(&self, team_id: i64, user_id: i64) -> Result<Option<MemberRole>> {
        let mut conn = self.pool.acquire().await?;
        member_role_in(&mut conn, team_id, user_id).await
    }

    pub async fn plan_meeting(
        &self,
        actor: &Actor,
        team_id: i64,
        spec: &MeetingSpec,
    ) -> Result<i64> {
        let location = check_location(&spec.location)?;
        if !(15..=600).contains(&spec.duration_min) {
            return Err(StoreError::invalid(
                "duration_min",
                Problem::new("err-duration", "a meeting lasts 15 to 600 minutes"),
            ));
        }
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (team_id, held_on, start_time, duration_min, location, state, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team_id)
        .bind(format_date(spec.on))
        .bind(spec.start.to_string())
        .bind(spec.duration_min)
        .bind(&location)
        .bind(MeetingState::Planned.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "meeting",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "on": format_date(spec.on), "start": spec.start.to_string(), "location": location }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Plans the team's next meeting by its schedule unless one is planned
    /// on or after `today`; returns the id of the next planned meeting.
    pub async fn ensure_next_meeting(
        &self,
        actor: &Actor,
        team_id: i64,
        today: Date,
    ) -> Result<i64> {
        if let Some(m) = self.next_meeting(team_id, today).await? {
            return Ok(m.id);
        }
        let team = self
            .team(team_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("team {team_id}")))?;
        let last: Option<String> = sqlx::query_scalar(
            "SELECT MAX(held_on) FROM meetings WHERE team_id = $1 AND state <> 'cancelled'",
        )
        .bind(team_id)
        .fetch_one(&self.pool)
        .await?;
        let after = match last {
            Some(d) => date_of(&d)?.max(today.previous_day().unwrap_or(today)),
            None => today.previous_day().unwrap_or(today),
        };
        let on = team.schedule.next_after(team.anchor_on, after);
        self.plan_meeting(
            actor,
            team_id,
            &MeetingSpec {
                on,
                start: team.schedule.start,
                duration_min: i64::from(team.schedule.duration_min),
                location: team.location.clone(),
            },
        )
        .await
    }

    /// A team's meetings, newest first, with agenda, attendance and decisions.
    pub async fn meetings(&self, team_id: i64) -> Result<Vec<Meeting>> {
        let rows = sqlx::query(
            "SELECT id, team_id, held_on, start_time, duration_min, location, state, minutes \
             FROM meetings WHERE team_id = $1 ORDER BY held_on DESC, id DESC",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push(self.meeting_of(r).await?);
        }
        Ok(out)
    }

    pub async fn meeting(&self, id: i64) -> Result<Option<Meeting>> {
        let row = sqlx::query(
            "SELECT id, team_id, held_on, start_time, duration_min, location, state, minutes \
             FROM meetings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => Ok(Some(self.meeting_of(&r).await?)),
            None => Ok(None),
        }
    }

    async fn meeting_of(&self, r: &AnyRow) -> Result<Meeting> {
        let id: i64 = r.try_get("id")?;
        let state: String = r.try_get("state")?;
        let start: String = r.try_get("start_time")?;
        let attendance: Vec<i64> = sqlx::query_scalar(
            "SELECT user_id FROM meeting_attendance WHERE meeting_id = $1 ORDER BY user_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let agenda = sqlx::query(
            "SELECT id, title, link_kind, link_ref FROM agenda_items WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|a| {
            let kind: Option<String> = a.try_get("link_kind")?;
            let link = match kind {
                Some(k) => Some((
                    AgendaLink::parse(&k).map_err(|p| StoreError::corrupt("link_kind", p))?,
                    a.try_get::<Option<String>, _>("link_ref")?.unwrap_or_default(),
                )),
                None => None,
            };
            Ok(AgendaItem {
                id: a.try_get("id")?,
                title: a.try_get("title")?,
                link,
            })
        })
        .collect::<Result<Vec<_>>>()?;
        let decisions: Vec<String> = sqlx::query_scalar(
            "SELECT text FROM decisions WHERE meeting_id = $1 ORDER BY position, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Meeting {
            id,
            team_id: r.try_get("team_id")?,
            on: date_of(&r.try_get::<String, _>("held_on")?)?,
            start: ClockTime::parse(&start).map_err(|p| StoreError::corrupt("start_time", p))?,
            duration_min: r.try_get("duration_min")?,
            location: r.try_get("location")?,
            state: MeetingState::parse(&state).map_err(|p| StoreError::corrupt("state", p))?,
            minutes: r.try_get("minutes")?,
            attendance,
            agenda,
            decisions,
        })
    }

    /// The first planned meeting on or after `today`.
    pub async fn next_meeting(&self, team_id: i64, today: Date) -> Result<Option<Meeting>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM meetings WHERE team_id = $1 AND state = 'planned' AND held_on >= $2 \
             ORDER BY held_on, id LIMIT 1",
        )
        .bind(team_id)
        .bind(format_date(today))
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.meeting(id).await,
            None => Ok(None),
        }
    }

    /// The last meeting held before `today`.
    pub async fn last_held_meeting(&self, team_id: i64, today: Date) -> Result<Option<Meeting>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM meetings WHERE team_id = $1 AND state = 'held' AND held_on <= $2 \
             ORDER BY held_on DESC, id DESC LIMIT 1",
        )
        .bind(team_id)
        .bind(format_date(today))
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => self.meeting(id).await,
            None => Ok(None),
        }
    }

    /// Records a meeting as held or cancelled, with its minutes and who was
    /// there (all members of the team).
    pub async fn record_meeting(
        &self,
        actor: &Actor,
        meeting_id: i64,
        rec: &MeetingRecord,
    ) -> Result<()> {
        if rec.minutes.chars().count() > MAX_MINUTES {
            return Err(StoreError::invalid(
                "minutes",
                Problem::too_long(MAX_MINUTES),
            ));
        }
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        for uid in &rec.attendance {
            if member_role_in(&mut tx, team.id, *uid).await?.is_none() {
                return Err(StoreError::invalid(
                    "attendance",
                    Problem::new(
                        "err-not-member",
                        "only members of the team can be marked present",
                    ),
                ));
            }
        }
        sqlx::query("UPDATE meetings SET state = $1, minutes = $2, updated_at = $3 WHERE id = $4")
            .bind(rec.state.code())
            .bind(rec.minutes.trim())
            .bind(now())
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1")
            .bind(meeting_id)
            .execute(&mut *tx)
            .await?;
        for uid in &rec.attendance {
            sqlx::query("INSERT INTO meeting_attendance (meeting_id, user_id) VALUES ($1, $2)")
                .bind(meeting_id)
                .bind(uid)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "meeting",
            &meeting_id.to_string(),
            "record",
            json!({ "state": rec.state.code(), "attendance": rec.attendance, "minutes_chars": rec.minutes.trim().chars().count() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds an agenda item, optionally linked to a plan measure (id), an
    /// indicator (code) or a feedback round (id) of the team's organisation.
    pub async fn add_agenda_item(
        &self,
        actor: &Actor,
        meeting_id: i64,
        title: &str,
        link: Option<(AgendaLink, String)>,
    ) -> Result<i64> {
        let title = parse_text(title, MAX_NAME).map_err(|p| StoreError::invalid("title", p))?;
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        if let Some((kind, r)) = &link {
            let r = r.trim();
            let found: i64 = match kind {
                AgendaLink::Measure => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM plan_measures m JOIN plan_focus_areas f ON f.id = m.focus_area_id \
                     JOIN plan_goals g ON g.id = f.goal_id JOIN plans p ON p.id = g.plan_id \
                     WHERE m.id = $1 AND p.org_id = $2",
                )
                .bind(r.parse::<i64>().unwrap_or(-1))
                .bind(team.org_id)
                .fetch_one(&mut *tx)
                .await?,
                AgendaLink::Indicator => sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE code = $1")
                    .bind(r)
                    .fetch_one(&mut *tx)
                    .await?,
                AgendaLink::Round => sqlx::query_scalar(
                    "SELECT COUNT(*) FROM feedback_rounds WHERE id = $1 AND org_id = $2",
                )
                .bind(r.parse::<i64>().unwrap_or(-1))
                .bind(team.org_id)
                .fetch_one(&mut *tx)
                .await?,
            };
            if found == 0 {
                return Err(StoreError::invalid(
                    "link",
                    Problem::new(
                        "err-agenda-link",
                        format!("there is no {} '{r}' to link", kind.code()),
                    )
                    .arg("kind", kind.code())
                    .arg("value", r),
                ));
            }
        }
        let pos: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_one(&mut *tx)
        .await?;
        let (lk, lr) = match &link {
            Some((k, r)) => (Some(k.code()), Some(r.trim().to_owned())),
            None => (None, None),
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO agenda_items (meeting_id, position, title, link_kind, link_ref) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(meeting_id)
        .bind(pos)
        .bind(&title)
        .bind(lk)
        .bind(lr.clone())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "agenda_item",
            &id.to_string(),
            "create",
            json!({ "meeting": meeting_id, "title": title, "link": lk.map(|k| format!("{k}:{}", lr.unwrap_or_default())) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn add_decision(&self, actor: &Actor, meeting_id: i64, text: &str) -> Result<()> {
        let text = parse_text(text, MAX_TEXT).map_err(|p| StoreError::invalid("decision", p))?;
        let mut tx = self.begin_write().await?;
        let (team, _) = meeting_team(&mut tx, meeting_id).await?;
        let pos: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(position), 0) + 1 FROM decisions WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO decisions (meeting_id, position, text) VALUES ($1, $2, $3)")
            .bind(meeting_id)
            .bind(pos)
            .bind(&text)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "decision",
            &meeting_id.to_string(),
            "create",
            json!({ "text": text }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records what a member promises to do before the next meeting.
    pub async fn make_commitment(
        &self,
        actor: &Actor,
        team_id: i64,
        user_id: i64,
        text: &str,
        made_meeting_id: Option<i64>,
        today: Date,
    ) -> Result<i64> {
        let text = parse_text(text, MAX_TEXT).map_err(|p| StoreError::invalid("text", p))?;
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        if member_role_in(&mut tx, team_id, user_id).await?.is_none() {
            return Err(StoreError::invalid(
                "user",
                Problem::new(
                    "err-not-member",
                    "a commitment belongs to a member of the team",
                ),
            ));
        }
        if let Some(mid) = made_meeting_id {
            let (mt, _) = meeting_team(&mut tx, mid).await?;
            if mt.id != team_id {
                return Err(StoreError::invalid(
                    "meeting",
                    Problem::new("err-meeting-team", "the meeting is not this team's"),
                ));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO commitments (team_id, user_id, made_meeting_id, made_on, text, status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(team_id)
        .bind(user_id)
        .bind(made_meeting_id)
        .bind(format_date(today))
        .bind(&text)
        .bind(CommitmentStatus::Open.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "commitment",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "user": user_id, "text": text }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks an open commitment done, partly or not done at a meeting. What
    /// is not done may be carried over: it stays open, due at the next
    /// meeting, and counts how often it was carried.
    pub async fn review_commitment(
        &self,
        actor: &Actor,
        commitment_id: i64,
        meeting_id: Option<i64>,
        status: CommitmentStatus,
        note: &str,
        carry: bool,
    ) -> Result<()> {
        status
            .check_review(carry)
            .map_err(|p| StoreError::invalid("status", p))?;
        let note = note.trim();
        if note.chars().count() > MAX_TEXT {
            return Err(StoreError::invalid("note", Problem::too_long(MAX_TEXT)));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT team_id, status FROM commitments WHERE id = $1")
            .bind(commitment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("commitment {commitment_id}")))?;
        let team = team_in(&mut tx, row.try_get("team_id")?).await?;
        let current: String = row.try_get("status")?;
        if current != CommitmentStatus::Open.code() {
            return Err(StoreError::Conflict(kasvu_core::FieldError::new(
                "status",
                Problem::new(
                    "err-commitment-closed",
                    "this commitment has been reviewed and closed",
                ),
            )));
        }
        if let Some(mid) = meeting_id {
            let (mt, _) = meeting_team(&mut tx, mid).await?;
            if mt.id != team.id {
                return Err(StoreError::invalid(
                    "meeting",
                    Problem::new("err-meeting-team", "the meeting is not this team's"),
                ));
            }
        }
        sqlx::query(
            "INSERT INTO commitment_reviews (commitment_id, meeting_id, status, note, carry, reviewed_by, reviewed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(commitment_id)
        .bind(meeting_id)
        .bind(status.code())
        .bind(note)
        .bind(i64::from(carry))
        .bind(actor.user_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        if carry {
            sqlx::query("UPDATE commitments SET carried = carried + 1, note = $1 WHERE id = $2")
                .bind(note)
                .bind(commitment_id)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE commitments SET status = $1, note = $2, closed_meeting_id = $3 WHERE id = $4")
                .bind(status.code())
                .bind(note)
                .bind(meeting_id)
                .bind(commitment_id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "commitment",
            &commitment_id.to_string(),
            "review",
            json!({ "status": status.code(), "note": note, "carry": carry, "meeting": meeting_id }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A team's commitments (only the open ones when `open_only`), oldest first.
    pub async fn team_commitments(&self, team_id: i64, open_only: bool) -> Result<Vec<Commitment>> {
        self.commitments_where("c.team_id = $1", team_id, open_only)
            .await
    }

    /// A person's commitments across their teams, oldest first.
    pub async fn user_commitments(&self, user_id: i64, open_only: bool) -> Result<Vec<Commitment>> {
        self.commitments_where("c.user_id = $1", user_id, open_only)
            .await
    }

    pub async fn commitment(&self, id: i64) -> Result<Option<Commitment>> {
        Ok(self.commitments_where("c.id = $1", id, false).await?.pop())
    }

    async fn commitments_where(
        &self,
        cond: &str,
        key: i64,
        open_only: bool,
    ) -> Result<Vec<Commitment>> {
        let open = if open_only {
            " AND c.status = 'open'"
        } else {
            ""
        };
        let rows = sqlx::query(&format!(
            "SELECT c.id, c.team_id, t.name AS team_name, c.user_id, p.name AS user_name, c.made_meeting_id, \
             c.made_on, c.text, c.status, c.carried, c.closed_meeting_id, c.note \
             FROM commitments c JOIN teams t ON t.id = c.team_id JOIN users p ON p.id = c.user_id \
             WHERE {cond}{open} ORDER BY c.made_on, c.id"
        ))
        .bind(key)
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut reviews: std::collections::HashMap<i64, Vec<Review>> = Default::default();
        if !ids.is_empty() {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            // The ids come from the query above, never from input.
            for r in sqlx::query(&format!(
                "SELECT commitment_id, meeting_id, status, note, carry, reviewed_at FROM commitment_reviews \
                 WHERE commitment_id IN ({list}) ORDER BY id"
            ))
            .fetch_all(&self.pool)
            .await?
            {
                let status: String = r.try_get("status")?;
                let at: i64 = r.try_get("reviewed_at")?;
                let on = time::OffsetDateTime::from_unix_timestamp(at)
                    .map(|t| t.date())
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                reviews.entry(r.try_get("commitment_id")?).or_default().push(Review {
                    meeting_id: r.try_get("meeting_id")?,
                    on,
                    status: CommitmentStatus::parse(&status).map_err(|p| StoreError::corrupt("status", p))?,
                    note: r.try_get("note")?,
                    carry: r.try_get::<i64, _>("carry")? != 0,
                });
            }
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let status: String = r.try_get("status")?;
                Ok(Commitment {
                    id,
                    team_id: r.try_get("team_id")?,
                    team_name: r.try_get("team_name")?,
                    user_id: r.try_get("user_id")?,
                    user_name: r.try_get("user_name")?,
                    made_meeting_id: r.try_get("made_meeting_id")?,
                    made_on: date_of(&r.try_get::<String, _>("made_on")?)?,
                    text: r.try_get("text")?,
                    status: CommitmentStatus::parse(&status)
                        .map_err(|p| StoreError::corrupt("status", p))?,
                    carried: r.try_get("carried")?,
                    closed_meeting_id: r.try_get("closed_meeting_id")?,
                    note: r.try_get("note")?,
                    reviews: reviews.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Open commitments due at a planned meeting that have not had an
    /// e-mail reminder for it yet: (commitment, member's e-mail, team name).
    pub async fn reminders_due(&self, meeting_id: i64) -> Result<Vec<(Commitment, String)>> {
        let team_id: Option<i64> =
            sqlx::query_scalar("SELECT team_id FROM meetings WHERE id = $1 AND state = 'planned'")
                .bind(meeting_id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(team_id) = team_id else {
            return Ok(Vec::new());
        };
        let sent: Vec<i64> = sqlx::query_scalar(
            "SELECT commitment_id FROM commitment_reminders WHERE meeting_id = $1",
        )
        .bind(meeting_id)
        .fetch_all(&self.pool)
        .await?;
        let members = self.members(team_id).await?;
        Ok(self
            .team_commitments(team_id, true)
            .await?
            .into_iter()
            .filter(|c| !sent.contains(&c.id))
            .filter_map(|c| {
                let email = members
                    .iter()
                    .find(|m| m.user_id == c.user_id)?
                    .email
                    .clone();
                Some((c, email))
            })
            .collect())
    }

    /// Notes that a reminder of a commitment for a meeting was sent.
    pub async fn mark_reminded(&self, commitment_id: i64, meeting_id: i64) -> Result<()> {
        let res = sqlx::query("INSERT INTO commitment_reminders (commitment_id, meeting_id, sent_at) VALUES ($1, $2, $3)")
            .bind(commitment_id)
            .bind(meeting_id)
            .bind(now())
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if crate::db::is_unique_violation(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// The organisations taking part in a team (a learning network's
    /// participants; for other teams, just its own organisation).
    pub async fn team_org_ids(&self, team: &Team) -> Result<Vec<i64>> {
        let mut ids: Vec<i64> = sqlx::query_scalar(
            "SELECT DISTINCT org_id FROM network_participants WHERE team_id = $1",
        )
        .bind(team.id)
        .fetch_all(&self.pool)
        .await?;
        if !ids.contains(&team.org_id) {
            ids.push(team.org_id);
        }
        ids.sort_unstable();
        Ok(ids)
    }

    /// Adds an organisation (by its root code) to a learning network; it
    /// brings its whole organisation until its admin chooses units.
    pub async fn add_network_participant(
        &self,
        actor: &Actor,
        team_id: i64,
        org_code: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        if team.kind != TeamKind::LearningNetwork {
            return Err(StoreError::invalid(
                "team",
                Problem::new(
                    "err-not-network",
                    "only a learning network has participating organisations",
                ),
            ));
        }
        let org: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM org_units WHERE code = $1 AND level = 'organisation'",
        )
        .bind(org_code.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let org = org.ok_or_else(|| {
            StoreError::invalid(
                "org",
                Problem::new(
                    "err-org-missing",
                    format!("there is no organisation '{}'", org_code.trim()),
                )
                .arg("value", org_code.trim()),
            )
        })?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(org)
        .fetch_one(&mut *tx)
        .await?;
        if n > 0 {
            return Err(StoreError::Conflict(kasvu_core::FieldError::new(
                "org",
                Problem::new(
                    "err-participant-exists",
                    "the organisation takes part already",
                ),
            )));
        }
        sqlx::query(
            "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $2)",
        )
        .bind(team_id)
        .bind(org)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "network_participant",
            &format!("{team_id}/{org_code}"),
            "create",
            json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// What one participating organisation brings to a network: its units
    /// (codes within it) and the indicators it shares. Replaces the earlier choice.
    pub async fn set_network_share(
        &self,
        actor: &Actor,
        team_id: i64,
        org_id: i64,
        unit_codes: &[String],
        indicator_codes: &[String],
    ) -> Result<()> {
        if unit_codes.is_empty() {
            return Err(StoreError::invalid("units", Problem::required()));
        }
        let mut tx = self.begin_write().await?;
        team_in(&mut tx, team_id).await?;
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM network_participants WHERE team_id = $1 AND org_id = $2",
        )
        .bind(team_id)
        .bind(org_id)
        .fetch_one(&mut *tx)
        .await?;
        if n == 0 {
            return Err(StoreError::NotFound(format!(
                "organisation {org_id} in network {team_id}"
            )));
        }
        let mut unit_ids = Vec::new();
        for code in unit_codes {
            let id = crate::db::unit_in(&mut tx, org_id, code, "units").await?;
            if !unit_ids.contains(&id) {
                unit_ids.push(id);
            }
        }
        for code in indicator_codes {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM indicators WHERE code = $1")
                .bind(code.trim())
                .fetch_one(&mut *tx)
                .await?;
            if n == 0 {
                return Err(StoreError::invalid(
                    "indicators",
                    Problem::new(
                        "err-indicator-missing",
                        format!("there is no indicator '{}'", code.trim()),
                    )
                    .arg("value", code.trim()),
                ));
            }
        }
        for table in ["network_participants", "network_shares"] {
            sqlx::query(&format!(
                "DELETE FROM {table} WHERE team_id = $1 AND org_id = $2"
            ))
            .bind(team_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
        }
        for id in &unit_ids {
            sqlx::query(
                "INSERT INTO network_participants (team_id, org_id, unit_id) VALUES ($1, $2, $3)",
            )
            .bind(team_id)
            .bind(org_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let mut codes: Vec<&str> = indicator_codes.iter().map(|c| c.trim()).collect();
        codes.sort_unstable();
        codes.dedup();
        for code in &codes {
            sqlx::query(
                "INSERT INTO network_shares (team_id, org_id, indicator_code) VALUES ($1, $2, $3)",
            )
            .bind(team_id)
            .bind(org_id)
            .bind(*code)
            .execute(&mut *tx)
            .await?;
        }
        audit(
            &mut tx,
            actor,
            org_id,
            "network_share",
            &format!("{team_id}/{org_id}"),
            "update",
            json!({ "units": unit_codes, "indicators": codes }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A network's participating organisations with their units and shares.
    pub async fn network_participants(&self, team_id: i64) -> Result<Vec<Participant>> {
        let rows = sqlx::query(
            "SELECT n.org_id, o.code AS org_code, o.name_fi AS o_fi, o.name_sv AS o_sv, o.name_en AS o_en, \
             u.id, u.code, u.name_fi, u.name_sv, u.name_en FROM network_participants n \
             JOIN org_units o ON o.id = n.org_id JOIN org_units u ON u.id = n.unit_id \
             WHERE n.team_id = $1 ORDER BY o.code, u.code",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<Participant> = Vec::new();
        for r in rows {
            let org_id: i64 = r.try_get("org_id")?;
            let unit = (
                r.try_get("id")?,
                r.try_get("code")?,
                crate::db::names_of(&r, "name")?,
            );
            match out.iter_mut().find(|p| p.org_id == org_id) {
                Some(p) => p.units.push(unit),
                None => out.push(Participant {
                    org_id,
                    org_code: r.try_get("org_code")?,
                    org_names: crate::db::names_of(&r, "o")?,
                    units: vec![unit],
                    shared: Vec::new(),
                }),
            }
        }
        let shares = sqlx::query("SELECT org_id, indicator_code FROM network_shares WHERE team_id = $1 ORDER BY indicator_code")
            .bind(team_id)
            .fetch_all(&self.pool)
            .await?;
        for s in shares {
            let org_id: i64 = s.try_get("org_id")?;
            if let Some(p) = out.iter_mut().find(|p| p.org_id == org_id) {
                p.shared.push(s.try_get("indicator_code")?);
            }
        }
        Ok(out)
    }

    /// The secret of a person's calendar feed, made on first use.
    pub async fn calendar_token(&self, user_id: i64) -> Result<String> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT token FROM calendar_tokens WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(t) = existing {
            return Ok(t);
        }
        let token = random_token();
        let res = sqlx::query("INSERT INTO calendar_tokens (user_id, token) VALUES ($1, $2)")
            .bind(user_id)
            .bind(&token)
            .execute(&self.pool)
            .await;
        match res {
            Ok(_) => Ok(token),
            // Made at the same moment by another request: use that one.
            Err(e) if crate::db::is_unique_violation(&e) => Ok(sqlx::query_scalar(
                "SELECT token FROM calendar_tokens WHERE user_id = $1",
            )
            .bind(user_id)
            .fetch_one(&self.pool)
            .await?),
            Err(e) => Err(e.into()),
        }
    }

    /// The person whose calendar feed has this secret.
    pub async fn user_by_calendar_token(&self, token: &str) -> Result<Option<i64>> {
        Ok(
            sqlx::query_scalar("SELECT user_id FROM calendar_tokens WHERE token = $1")
                .bind(token)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Planned meetings between two days (inclusive), across all teams: for
    /// the reminder sweep.
    pub async fn planned_meetings_between(&self, from: Date, to: Date) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT id, team_id FROM meetings WHERE state = 'planned' AND held_on >= $1 AND held_on <= $2 ORDER BY held_on, id",
        )
        .bind(format_date(from))
        .bind(format_date(to))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("team_id")?)))
            .collect()
    }
}
