//! E-mail reminders of commitments, sent over SMTP with `lettre` when an
//! SMTP server is configured. A member gets one message per meeting listing
//! what they promised to do before it; each commitment is reminded once per
//! meeting (the store remembers what was sent), so a sweep can run as often
//! as wanted.

use kasvu_store::{Commitment, GuestMail, Store, StoreError};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP URL '{0}' is not valid: {1}")]
    Url(String, String),
    #[error("sender address '{0}' is not valid")]
    From(String),
    #[error("sending failed: {0}")]
    Send(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Where reminders go out from.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The app's public address, for links in messages.
    base_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// `url` is `smtp://host:port` (plain, for a local relay),
    /// `smtp://host:587?tls=required` (STARTTLS) or `smtps://host:465`,
    /// with `user:password@` when the server needs it.
    pub fn new(url: &str, from: &str, base_url: &str) -> Result<Mailer, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(url.to_owned(), e.to_string()))?
            // A page that sends mail waits for the server at most this long.
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|_| MailError::From(from.to_owned()))?;
        Ok(Mailer {
            transport,
            from,
            base_url: base_url.trim_end_matches('/').to_owned(),
        })
    }

    async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), MailError> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|_| MailError::Send(format!("'{to}' is not an address")))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| MailError::Send(e.to_string()))?;
        self.transport
            .send(msg)
            .await
            .map_err(|e| MailError::Send(e.to_string()))?;
        Ok(())
    }
}

/// What a sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReminderSummary {
    pub messages: usize,
    pub commitments: usize,
    /// Another process was sweeping at the same moment, so this one did not.
    pub busy: bool,
}

/// The most a sweep may take before its lock runs out and another process
/// may sweep (only a crashed sweep takes this long).
const SWEEP_LOCK_SECS: i64 = 15 * 60;

/// Sends reminders for the meetings planned from `today` to `today +
/// lead_days`. Messages are in Finnish with Swedish and English lines, as
/// a person's language is not stored.
///
/// One sweep at a time across every process on the database (a lock in the
/// database): two servers behind a load balancer, or a server and `kasvu
/// remind`, never send the same reminder twice. A reminder is marked sent
/// after it was sent, so a sweep cut short sends the rest next time.
pub async fn send_reminders(
    store: &Store,
    mailer: &Mailer,
    today: Date,
    lead_days: i64,
) -> Result<ReminderSummary, MailError> {
    let Some(lock) = store.try_lock_task("reminders", SWEEP_LOCK_SECS).await? else {
        return Ok(ReminderSummary {
            busy: true,
            ..Default::default()
        });
    };
    let result = sweep(store, mailer, today, lead_days).await;
    store.unlock_task(lock).await?;
    result
}

async fn sweep(
    store: &Store,
    mailer: &Mailer,
    today: Date,
    lead_days: i64,
) -> Result<ReminderSummary, MailError> {
    let until = today
        .checked_add(time::Duration::days(lead_days))
        .unwrap_or(today);
    let mut summary = ReminderSummary::default();
    for (meeting_id, team_id) in store.planned_meetings_between(today, until).await? {
        let Some(meeting) = store.meeting(meeting_id).await? else {
            continue;
        };
        let Some(team) = store.team(team_id).await? else {
            continue;
        };
        let mut by_person: BTreeMap<String, Vec<Commitment>> = BTreeMap::new();
        for (c, email) in store.reminders_due(meeting_id).await? {
            by_person.entry(email).or_default().push(c);
        }
        for (email, items) in by_person {
            let when = format!("{} {}", kasvu_core::format_date(meeting.on), meeting.start);
            let mut body = format!(
                "Muistutus: {team} kokoontuu {when}.\n\
                 Påminnelse: {team} möts {when}.\n\
                 Reminder: {team} meets on {when}.\n\n\
                 Mitä lupasit tehdä ennen seuraavaa tapaamista / Vad du lovade / What you promised:\n",
                team = team.name
            );
            for c in &items {
                body.push_str(&format!(
                    "- {} ({})\n",
                    c.text,
                    kasvu_core::format_date(c.made_on)
                ));
            }
            body.push_str(&format!("\n{}/my/commitments\n", mailer.base_url));
            mailer
                .send(&email, &format!("Kasvu: {} {}", team.name, when), body)
                .await?;
            for c in &items {
                store.mark_reminded(c.id, meeting_id).await?;
            }
            summary.messages += 1;
            summary.commitments += items.len();
        }
    }
    Ok(summary)
}

/// What e-mailing a meeting's agenda or minutes to the team's guests did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct GuestMailSummary {
    /// Guests sent to now.
    pub sent: usize,
    /// Guests whose message failed (they are tried again next time): names.
    pub failed: Vec<String>,
}

/// E-mails the agenda (of a planned meeting) or the minutes and decisions
/// (of a held one) to the team's guests who have not had it yet. Each guest
/// gets their own message (no one sees another's address); one failing
/// does not stop the others, and is reported by name.
pub async fn send_to_guests(
    store: &Store,
    mailer: &Mailer,
    actor: &kasvu_store::Actor,
    meeting_id: i64,
    what: GuestMail,
) -> Result<GuestMailSummary, MailError> {
    let meeting = store
        .meeting(meeting_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("meeting {meeting_id}")))?;
    let team = store
        .team(meeting.team_id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("team {}", meeting.team_id)))?;
    let when = format!("{} {}", kasvu_core::format_date(meeting.on), meeting.start);
    let (subject, body) = match what {
        GuestMail::Agenda => {
            let mut body = format!(
                "Esityslista / Föredragningslista / Agenda: {team} {when}\n",
                team = team.name
            );
            if !meeting.location.is_empty() {
                body.push_str(&format!("{}\n", meeting.location));
            }
            body.push('\n');
            for (i, a) in meeting.agenda.iter().enumerate() {
                body.push_str(&format!("{}. {}\n", i + 1, a.title));
            }
            (format!("Kasvu: {} {when}: esityslista", team.name), body)
        }
        GuestMail::Minutes => {
            let mut body = format!(
                "Muistio / Protokoll / Minutes: {team} {when}\n\n{minutes}\n",
                team = team.name,
                minutes = meeting.minutes
            );
            if !meeting.decisions.is_empty() {
                body.push_str("\nPäätökset / Beslut / Decisions:\n");
                for (i, d) in meeting.decisions.iter().enumerate() {
                    body.push_str(&format!("{}. {d}\n", i + 1));
                }
            }
            (format!("Kasvu: {} {when}: muistio", team.name), body)
        }
    };
    let mut summary = GuestMailSummary::default();
    for g in store.guests_to_mail(meeting_id, what).await? {
        let text = format!(
            "Hei {name},\n\n{body}\n-- \nKasvu, {team}\n",
            name = g.name,
            team = team.name
        );
        match mailer.send(&g.email, &subject, text).await {
            Ok(()) => {
                store
                    .mark_guest_mailed(actor, meeting_id, g.id, what)
                    .await?;
                summary.sent += 1;
            }
            Err(_) => summary.failed.push(g.name.clone()),
        }
    }
    Ok(summary)
}
