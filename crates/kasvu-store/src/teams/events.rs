//! A team's joint events (seed 003: "yhteiset seminaarit, työpajat ja
//! koulutustilaisuudet"): announced, registered for by the staff or by the
//! organiser for a partner, attendance recorded exactly as ticked.

use super::backbone::invalid;
use super::*;
use kasvu_core::backbone::{
    has_room, optional_text, parse_title, EventKind, MAX_BODY, MAX_PARTICIPANTS,
};

/// A seminar, workshop or training as announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    pub kind: String,
    pub title: String,
    pub description: String,
    pub held_on: Date,
    pub starts_at: String,
    pub place: String,
    pub capacity: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEvent {
    pub id: i64,
    pub team_id: i64,
    pub kind: EventKind,
    pub title: String,
    pub description: String,
    pub held_on: Date,
    pub starts_at: ClockTime,
    pub place: String,
    pub capacity: Option<i64>,
    pub cancelled: bool,
    pub registered: i64,
    pub attended: i64,
}

/// Someone registered for an event: a signed-in person registering
/// themselves (`user_id`), or a partner the organiser adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventParticipantSpec {
    pub user_id: Option<i64>,
    pub name: String,
    pub organisation: String,
    pub sector: Sector,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventParticipant {
    pub id: i64,
    pub event_id: i64,
    pub user_id: Option<i64>,
    pub name: String,
    pub organisation: String,
    pub sector: Sector,
    pub attended: bool,
}

const SELECT_EVENTS: &str = "SELECT e.id, e.team_id, e.kind, e.title, e.description, e.held_on, \
     e.starts_at, e.place, e.capacity, e.cancelled_at, \
     (SELECT COUNT(*) FROM team_event_participants p WHERE p.event_id = e.id) AS registered, \
     (SELECT COUNT(*) FROM team_event_participants p WHERE p.event_id = e.id AND p.attended = 1) AS attended \
     FROM team_events e";

fn event_of(r: &AnyRow) -> Result<TeamEvent> {
    let kind: String = r.try_get("kind")?;
    Ok(TeamEvent {
        id: r.try_get("id")?,
        team_id: r.try_get("team_id")?,
        kind: EventKind::parse(&kind).map_err(|p| StoreError::corrupt("kind", p))?,
        title: r.try_get("title")?,
        description: r.try_get("description")?,
        held_on: date_of(&r.try_get::<String, _>("held_on")?)?,
        starts_at: ClockTime::parse(&r.try_get::<String, _>("starts_at")?)
            .map_err(|p| StoreError::corrupt("starts_at", p))?,
        place: r.try_get("place")?,
        capacity: r.try_get("capacity")?,
        cancelled: r.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
        registered: r.try_get("registered")?,
        attended: r.try_get("attended")?,
    })
}

const SELECT_PARTICIPANTS: &str =
    "SELECT id, event_id, user_id, name, organisation, sector, attended \
     FROM team_event_participants";

fn participant_of(r: &AnyRow) -> Result<EventParticipant> {
    let sector: String = r.try_get("sector")?;
    Ok(EventParticipant {
        id: r.try_get("id")?,
        event_id: r.try_get("event_id")?,
        user_id: r.try_get("user_id")?,
        name: r.try_get("name")?,
        organisation: r.try_get("organisation")?,
        sector: Sector::parse(&sector).map_err(|p| StoreError::corrupt("sector", p))?,
        attended: r.try_get::<i64, _>("attended")? != 0,
    })
}

/// Locks the event's row for the rest of the transaction.
async fn lock_event(conn: &mut AnyConnection, id: i64) -> Result<()> {
    sqlx::query("UPDATE team_events SET capacity = capacity WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn event_in(conn: &mut AnyConnection, id: i64) -> Result<TeamEvent> {
    let row = sqlx::query(&format!("{SELECT_EVENTS} WHERE e.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("event {id}")))?;
    event_of(&row)
}

impl Store {
    /// Announces a seminar, workshop or training.
    pub async fn add_team_event(
        &self,
        actor: &Actor,
        team_id: i64,
        spec: &EventSpec,
    ) -> Result<i64> {
        let kind = EventKind::parse(&spec.kind).map_err(invalid("kind"))?;
        let title = parse_title(&spec.title).map_err(invalid("title"))?;
        let description =
            optional_text(&spec.description, MAX_BODY).map_err(invalid("description"))?;
        let starts_at = ClockTime::parse(&spec.starts_at).map_err(invalid("starts_at"))?;
        let place = optional_text(&spec.place, MAX_NAME).map_err(invalid("place"))?;
        if let Some(c) = spec.capacity {
            if c < 1 || c > MAX_PARTICIPANTS as i64 {
                return Err(StoreError::invalid(
                    "capacity",
                    Problem::new("err-capacity", "the capacity is from 1 to 1000")
                        .arg("max", MAX_PARTICIPANTS.to_string()),
                ));
            }
        }
        let mut tx = self.begin_write().await?;
        let team = team_in(&mut tx, team_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_events (team_id, kind, title, description, held_on, starts_at, place, \
             capacity, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(team_id)
        .bind(kind.code())
        .bind(&title)
        .bind(&description)
        .bind(format_date(spec.held_on))
        .bind(starts_at.to_string())
        .bind(&place)
        .bind(spec.capacity)
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_event",
            &id.to_string(),
            "create",
            json!({ "team": team_id, "kind": kind.code(), "title": title,
                    "held_on": format_date(spec.held_on) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Cancels an event: it stays listed as cancelled with its registrations.
    pub async fn cancel_team_event(&self, actor: &Actor, event_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let event = event_in(&mut tx, event_id).await?;
        let team = team_in(&mut tx, event.team_id).await?;
        if event.cancelled {
            return Ok(());
        }
        sqlx::query(
            "UPDATE team_events SET cancelled_at = $1 WHERE id = $2 AND cancelled_at IS NULL",
        )
        .bind(now())
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_event",
            &event_id.to_string(),
            "cancel",
            json!({ "team": event.team_id, "title": event.title }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A team's events, soonest first.
    pub async fn team_events(&self, team_id: i64) -> Result<Vec<TeamEvent>> {
        sqlx::query(&format!(
            "{SELECT_EVENTS} WHERE e.team_id = $1 ORDER BY e.held_on, e.starts_at, e.id"
        ))
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(event_of)
        .collect()
    }

    pub async fn team_event(&self, id: i64) -> Result<Option<TeamEvent>> {
        sqlx::query(&format!("{SELECT_EVENTS} WHERE e.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(event_of)
            .transpose()
    }

    /// Registers someone: refused when the event is cancelled, full, or
    /// the person (by account) is already registered.
    pub async fn register_for_event(
        &self,
        actor: &Actor,
        event_id: i64,
        spec: &EventParticipantSpec,
    ) -> Result<i64> {
        let name = parse_text(&spec.name, MAX_NAME).map_err(invalid("name"))?;
        let organisation =
            optional_text(&spec.organisation, MAX_NAME).map_err(invalid("organisation"))?;
        let mut tx = self.begin_write().await?;
        // The event's row is locked first (PostgreSQL's plain BEGIN takes
        // no lock), so two registrations at once are counted one after the
        // other and never pass the capacity or register a person twice.
        lock_event(&mut tx, event_id).await?;
        let event = event_in(&mut tx, event_id).await?;
        let team = team_in(&mut tx, event.team_id).await?;
        if event.cancelled {
            return Err(StoreError::invalid(
                "event",
                Problem::new("err-event-cancelled", "the event is cancelled"),
            ));
        }
        let capacity = event.capacity.and_then(|c| u32::try_from(c).ok());
        if !has_room(
            capacity,
            usize::try_from(event.registered).unwrap_or(usize::MAX),
        ) {
            return Err(StoreError::invalid(
                "event",
                Problem::new("err-event-full", "the event is full"),
            ));
        }
        if let Some(uid) = spec.user_id {
            let already: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM team_event_participants WHERE event_id = $1 AND user_id = $2",
            )
            .bind(event_id)
            .bind(uid)
            .fetch_optional(&mut *tx)
            .await?;
            if already.is_some() {
                return Err(StoreError::Conflict(kasvu_core::FieldError::new(
                    "event",
                    Problem::new("err-event-registered", "you are already registered"),
                )));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO team_event_participants (event_id, user_id, name, organisation, sector, \
             registered_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(event_id)
        .bind(spec.user_id)
        .bind(&name)
        .bind(&organisation)
        .bind(spec.sector.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await?;
        audit(&mut tx, actor, team.org_id, "team_event", &event_id.to_string(), "register",
            json!({ "participant": id, "sector": spec.sector.code(), "self": spec.user_id.is_some() })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes a registration off (the person's own, or by the organiser).
    pub async fn unregister_from_event(&self, actor: &Actor, participant_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!("{SELECT_PARTICIPANTS} WHERE id = $1"))
            .bind(participant_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("participant {participant_id}")))?;
        let p = participant_of(&row)?;
        let event = event_in(&mut tx, p.event_id).await?;
        let team = team_in(&mut tx, event.team_id).await?;
        sqlx::query("DELETE FROM team_event_participants WHERE id = $1")
            .bind(participant_id)
            .execute(&mut *tx)
            .await?;
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_event",
            &p.event_id.to_string(),
            "unregister",
            json!({ "participant": participant_id, "name": p.name,
                    "sector": p.sector.code(), "attended": p.attended }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records who attended: exactly the participants listed (a name
    /// ticked twice counts once; another event's participant is refused).
    pub async fn set_event_attendance(
        &self,
        actor: &Actor,
        event_id: i64,
        attended: &[i64],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let event = event_in(&mut tx, event_id).await?;
        let team = team_in(&mut tx, event.team_id).await?;
        let ids: std::collections::HashSet<i64> =
            sqlx::query_scalar("SELECT id FROM team_event_participants WHERE event_id = $1")
                .bind(event_id)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .collect();
        if let Some(stranger) = attended.iter().find(|a| !ids.contains(a)) {
            return Err(StoreError::invalid(
                "attended",
                Problem::new("err-not-participant", "not registered for this event")
                    .arg("value", stranger.to_string()),
            ));
        }
        sqlx::query("UPDATE team_event_participants SET attended = 0 WHERE event_id = $1")
            .bind(event_id)
            .execute(&mut *tx)
            .await?;
        let mut present: Vec<i64> = attended.to_vec();
        present.sort_unstable();
        present.dedup();
        for id in &present {
            sqlx::query("UPDATE team_event_participants SET attended = 1 WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        audit(
            &mut tx,
            actor,
            team.org_id,
            "team_event",
            &event_id.to_string(),
            "attendance",
            json!({ "attended": present.len(), "registered": ids.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An event's participants by name.
    pub async fn event_participants(&self, event_id: i64) -> Result<Vec<EventParticipant>> {
        sqlx::query(&format!(
            "{SELECT_PARTICIPANTS} WHERE event_id = $1 ORDER BY name, id"
        ))
        .bind(event_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(participant_of)
        .collect()
    }
}
