//! The demo's governance as in seed 003 (and 000/001): besides Tuira's
//! leadership team, a leadership team for each of Oulu's four areas, the
//! multi-professional steering group, the learning network's other two
//! organisations (Tampere and Siun sote, minimally: the organisation and the
//! area it brings), and a children's and young people's forum — the
//! Hiukkavaara young people's panel that the Itäinen area's plan names as a
//! measure — with proposals, most of them answered ("you said, we did").

use kasvu_core::{MemberRole, Schedule, Sector, TeamKind};
use kasvu_store::{Actor, AnswerSpec, ProposalSpec, Store, StoreError, TeamSpec};
use time::{Date, Duration};

/// Tampere and Siun sote, as far as the learning network needs them.
const NETWORK_ORG_UNITS_CSV: &str = "\
code,parent_code,level,kind,name_fi,name_sv,name_en,external_codes,sector,valid_from,valid_to
tampere,,organisation,,Tampereen kaupunki,Tammerfors stad,City of Tampere,kunta:837,,,
tampere-koillinen,tampere,area,,Koillinen alue,Nordöstra området,North-east area,,,,
siunsote,,organisation,,Siun sote (Pohjois-Karjalan hyvinvointialue),Siun sote (Norra Karelens välfärdsområde),Siun sote (North Karelia wellbeing services county),,,,
siunsote-joensuu,siunsote,area,,Joensuun alue,Joensuu området,Joensuu area,,,,
";

/// The name of the demo's youth forum.
pub const YOUTH_FORUM: &str = "Hiukkavaaran nuorten raati";

fn spec(kind: TeamKind, unit: &str, name: &str, location: &str, anchor: Date) -> TeamSpec {
    TeamSpec {
        kind,
        unit_code: unit.into(),
        name: name.into(),
        schedule: Schedule::default(),
        location: location.into(),
        anchor_on: anchor,
    }
}

/// Adds a member when the demo user exists.
async fn member(
    store: &Store,
    actor: &Actor,
    team: i64,
    email: &str,
    role: MemberRole,
) -> Result<(), StoreError> {
    if let Some(u) = store.user_by_email(email).await? {
        store
            .set_member(
                actor,
                team,
                u.id,
                role,
                Some(Sector::EducationCulture),
                None,
            )
            .await?;
    }
    Ok(())
}

pub async fn load(
    store: &Store,
    actor: &Actor,
    oulu: i64,
    anchor: Date,
    today: Date,
) -> Result<(), StoreError> {
    // The areas' leadership teams, each chaired by its area's backbone.
    for (area, name, chair) in [
        (
            "keskinen",
            "Keskisen alueen johtotiimi",
            Some("aluepaallikko.keskinen@oulu.example"),
        ),
        (
            "pohjoinen",
            "Pohjoisen alueen johtotiimi",
            Some("suunnittelija.pohjoinen@oulu.example"),
        ),
        ("itainen", "Itäisen alueen johtotiimi", None),
        (
            "etelainen",
            "Eteläisen alueen johtotiimi",
            Some("aluepaallikko.etelainen@oulu.example"),
        ),
    ] {
        let team = store
            .create_team(
                actor,
                &spec(TeamKind::AreaLeadership, area, name, "Etäyhteys", anchor),
            )
            .await?;
        if let Some(chair) = chair {
            member(store, actor, team.id, chair, MemberRole::Chair).await?;
        }
        store.ensure_next_meeting(actor, team.id, today).await?;
    }
    // The wellbeing services county's multi-professional steering group.
    let steering = store
        .create_team(
            actor,
            &TeamSpec {
                schedule: Schedule {
                    every_months: 3,
                    ..Schedule::default()
                },
                ..spec(
                    TeamKind::SteeringGroup,
                    "oulu",
                    "Lasten, nuorten ja perheiden hyvinvoinnin monialainen ohjausryhmä",
                    "Kaupungintalo",
                    anchor,
                )
            },
        )
        .await?;
    member(
        store,
        actor,
        steering.id,
        "aluepaallikko.keskinen@oulu.example",
        MemberRole::Member,
    )
    .await?;
    member(
        store,
        actor,
        steering.id,
        "aluepaallikko.etelainen@oulu.example",
        MemberRole::Member,
    )
    .await?;
    store.ensure_next_meeting(actor, steering.id, today).await?;
    load_network_members(store, actor, oulu).await?;
    load_forum(store, actor, oulu, anchor, today).await
}

/// Tampere's north-east area and Siun sote's Joensuu join the learning
/// network, which then has its four members of seed 003.
async fn load_network_members(store: &Store, actor: &Actor, oulu: i64) -> Result<(), StoreError> {
    let Some(net) = store
        .teams(oulu)
        .await?
        .into_iter()
        .find(|t| t.kind == TeamKind::LearningNetwork)
    else {
        return Ok(());
    };
    let rows = crate::orgunits_csv::parse(
        NETWORK_ORG_UNITS_CSV.as_bytes(),
        "demo/network_orgunits.csv",
        &crate::Limits::default(),
    )
    .map_err(|e| StoreError::Corrupt(e.to_string()))?
    .rows;
    store
        .import_org_units(actor, &rows, true, &mut |_| {})
        .await?;
    for (org, unit) in [
        ("tampere", "tampere-koillinen"),
        ("siunsote", "siunsote-joensuu"),
    ] {
        let Some(o) = store.org_unit(org).await? else {
            continue;
        };
        store.add_network_participant(actor, net.id, org).await?;
        store
            .set_network_share(actor, net.id, o.org_id, &[unit.to_owned()], &[])
            .await?;
    }
    Ok(())
}

/// A demo proposal: text, where it came from, days ago, the measure it is
/// linked to, and its answer (status, response, reason, who by role).
type DemoProposal<'a> = (
    &'a str,
    &'a str,
    i64,
    Option<i64>,
    Option<(&'a str, &'a str, &'a str, &'a str)>,
);

/// The Hiukkavaara young people's panel and what it has proposed.
async fn load_forum(
    store: &Store,
    actor: &Actor,
    oulu: i64,
    anchor: Date,
    today: Date,
) -> Result<(), StoreError> {
    let forum = store
        .create_team(
            actor,
            &spec(
                TeamKind::YouthForum,
                "hiukkavaara",
                YOUTH_FORUM,
                "Hiukkavaaran nuorisotila",
                anchor,
            ),
        )
        .await?;
    // The plan measure that brings the panel into the area's planning.
    let measure = store
        .open_measures(oulu)
        .await?
        .into_iter()
        .find(|m| m.names.fi.starts_with("Hiukkavaaran nuorten raati"))
        .map(|m| m.id);
    let ago = |days: i64| today - Duration::days(days);
    let proposals: [DemoProposal; 5] = [
        (
            "Skeittiparkin viereen penkkejä ja katos, jotta siellä voi olla myös sateella.",
            "Kevään raatikokous",
            150,
            None,
            Some((
                "done",
                "Penkit ja katos rakennettiin kesäkuussa. Kiitos ehdotuksesta!",
                "",
                "Liikuntapalvelujen aluesuunnittelija",
            )),
        ),
        (
            "Nuorisotila auki myös lauantai-iltaisin.",
            "Kevään raatikokous",
            150,
            None,
            Some((
                "in_progress",
                "Lauantai-illat kokeillaan syksyn ajan kahdesti kuussa; kokeilusta kysytään raadin mielipide joulukuussa.",
                "",
                "Nuorisopalvelujen aluevastaava",
            )),
        ),
        (
            "Koulun alikulkutunneliin kirkkaammat valot.",
            "Syksyn raatikokous",
            60,
            None,
            Some((
                "not_possible",
                "Selvitimme asian katu- ja viherpalvelujen kanssa.",
                "Tunneli on Väyläviraston, ja sen valaistus uusitaan vasta radan perusparannuksessa 2028. Kaupunki on pyytänyt aikaistamista.",
                "Aluepäällikkö",
            )),
        ),
        (
            "Nuoret mukaan alueen suunnitelman tekoon, ei vain kommentoimaan valmista.",
            "Syksyn raatikokous",
            60,
            measure,
            Some((
                "accepted",
                "Raati on mukana alueen kehittämissuunnitelman päivityksessä alusta asti; ensimmäinen yhteinen työpaja on marraskuussa.",
                "",
                "Aluepäällikkö",
            )),
        ),
        (
            "Kerhoja myös yläkouluikäisille, ei vain pienille.",
            "Syksyn raatikokous",
            60,
            None,
            None,
        ),
    ];
    for (text, source, days, measure_id, answer) in proposals {
        let id = store
            .record_proposal(
                actor,
                forum.id,
                &ProposalSpec {
                    text: text.into(),
                    source: source.into(),
                    proposed_on: ago(days),
                    meeting_id: None,
                    measure_id,
                },
                today,
            )
            .await?;
        if let Some((status, response, reason, role)) = answer {
            store
                .answer_proposal(
                    actor,
                    id,
                    &AnswerSpec {
                        status: status.into(),
                        response: response.into(),
                        reason: reason.into(),
                        answered_role: role.into(),
                        answered_on: ago(days - 20),
                    },
                )
                .await?;
        }
    }
    Ok(())
}
