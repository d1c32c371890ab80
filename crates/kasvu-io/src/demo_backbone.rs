//! The demo's backbone work for Tuira's leadership team (seed 003: "toiminta-
//! suunnitelma, aikataulut, ohjeistukset ja tiedotteet"; "yhteiset seminaarit,
//! työpajat ja koulutustilaisuudet") and its document library (seed 004's
//! handbooks): an action plan, two bulletins, a past training with its
//! attendance and an upcoming seminar with registrations, and documents on
//! the team, a good practice and a project.

use kasvu_core::document::DocTarget;
use kasvu_core::{MemberRole, Sector};
use kasvu_store::{
    ActionSpec, Actor, BulletinSpec, DocContent, DocumentSpec, EventParticipantSpec, EventSpec,
    Store, StoreError,
};
use time::{Date, Duration};

/// The demo's practice whose page carries a public document.
const PRACTICE: &str = "alueelliset-toimintakalenterit";

pub async fn load(store: &Store, actor: &Actor, team: i64, today: Date) -> Result<(), StoreError> {
    let members = store.members(team).await?;
    let chair = members
        .iter()
        .find(|m| m.role == MemberRole::Chair)
        .or(members.first())
        .map(|m| m.user_id);
    let actions = [
        (
            "Yhteinen perehdytys lapset puheeksi -menetelmään kaikille uusille työntekijöille",
            "Alueen suunnittelija",
            60,
            "in_progress",
        ),
        (
            "Koulun ja neuvolan yhteistyömallin kirjaaminen ohjeeksi",
            "Rehtori ja neuvolan osastonhoitaja",
            90,
            "planned",
        ),
        (
            "Iltapäivätoiminnan tiedotus kaikille perheille kolmella kielellä",
            "Nuorisopalvelut",
            30,
            "planned",
        ),
        (
            "Vanhempien palautekysely syksyllä",
            "Tiimin sihteeri",
            -30,
            "done",
        ),
    ];
    for (title, responsible, days, status) in actions {
        store
            .add_team_action(
                actor,
                team,
                &ActionSpec {
                    title: title.into(),
                    detail: String::new(),
                    responsible: responsible.into(),
                    due_on: Some(today + Duration::days(days)),
                    status: status.into(),
                },
            )
            .await?;
    }
    if let Some(author) = chair {
        for (title, body, audience, days) in [
            (
                "Kevään yhteinen seminaari",
                "Tuiran alueen koko henkilöstö on tervetullut kevään yhteiseen seminaariin. \
                 Aiheena ennaltaehkäisevä työ ja lapset puheeksi -keskustelut kouluissa ja varhaiskasvatuksessa. \
                 Ilmoittaudu Kasvussa tiimin Yhteinen työ -sivulla.",
                "staff",
                3,
            ),
            (
                "Palautekyselyn tulokset tiimille",
                "Vanhempien palautekyselyn tulokset käsitellään seuraavassa kokouksessa. \
                 Lukekaa yhteenveto ennen kokousta.",
                "members",
                10,
            ),
        ] {
            store
                .publish_bulletin(
                    actor,
                    team,
                    author,
                    &BulletinSpec {
                        title: title.into(),
                        body: body.into(),
                        audience: audience.into(),
                        published_on: today - Duration::days(days),
                    },
                )
                .await?;
        }
    }
    let training = store
        .add_team_event(
            actor,
            team,
            &EventSpec {
                kind: "training".into(),
                title: "Lapset puheeksi -menetelmäkoulutus".into(),
                description: "Kaksipäiväinen menetelmäkoulutus koulujen, varhaiskasvatuksen ja neuvolan työntekijöille.".into(),
                held_on: today - Duration::days(20),
                starts_at: "09:00".into(),
                place: "Tuiran koulu, auditorio".into(),
                capacity: Some(30),
            },
        )
        .await?;
    let mut attended = Vec::new();
    for (name, organisation, sector) in [
        ("Anna Opettaja", "Tuiran koulu", Sector::EducationCulture),
        (
            "Pekka Päiväkoti",
            "Tuiran päiväkoti",
            Sector::EducationCulture,
        ),
        ("Nelli Neuvola", "Tuiran neuvola", Sector::WellbeingCounty),
        ("Sari Seurakunta", "Oulun seurakuntayhtymä", Sector::Parish),
        ("Matti Mll", "MLL Tuira", Sector::ThirdSector),
    ] {
        let id = store
            .register_for_event(
                actor,
                training,
                &EventParticipantSpec {
                    user_id: None,
                    name: name.into(),
                    organisation: organisation.into(),
                    sector,
                },
            )
            .await?;
        if attended.len() < 4 {
            attended.push(id);
        }
    }
    store
        .set_event_attendance(actor, training, &attended)
        .await?;
    let seminar = store
        .add_team_event(
            actor,
            team,
            &EventSpec {
                kind: "seminar".into(),
                title: "Kevään yhteinen seminaari".into(),
                description:
                    "Ennaltaehkäisevä työ ja lapset puheeksi -keskustelut: mitä opimme syksystä."
                        .into(),
                held_on: today + Duration::days(45),
                starts_at: "12:30".into(),
                place: "Tuiran palvelukeskus".into(),
                capacity: Some(120),
            },
        )
        .await?;
    store
        .register_for_event(
            actor,
            seminar,
            &EventParticipantSpec {
                user_id: None,
                name: "Kaisa Kela".into(),
                organisation: "Kela".into(),
                sector: Sector::Kela,
            },
        )
        .await?;
    store
        .add_document(
            actor,
            DocTarget::Team,
            team,
            chair,
            DocumentSpec {
                title: "Lastensuojelun käsikirja".into(),
                description: "Oulun lastensuojelun käsikirja: ilmoitukset, palvelutarpeen arviointi ja yhteistyö.".into(),
                audience: "staff".into(),
                content: DocContent::Link("https://www.ouka.fi/lastensuojelun-kasikirja".into()),
            },
        )
        .await?;
    store
        .add_document(
            actor,
            DocTarget::Team,
            team,
            chair,
            DocumentSpec {
                title: "Tiimin yhteystiedot".into(),
                description: "Jäsenten ja vieraiden yhteystiedot kokousten järjestämiseen.".into(),
                audience: "members".into(),
                content: DocContent::File {
                    file_name: "yhteystiedot.txt".into(),
                    bytes: "Tuiran palvelukeskittymän johtotiimi\nYhteystiedot ovat tiimin jäsenten käyttöön.\n"
                        .as_bytes()
                        .to_vec(),
                },
            },
        )
        .await?;
    let team_org = store.team(team).await?.map(|t| t.org_id);
    if let Some(org) = team_org {
        if let Some(p) = store.practice(org, PRACTICE).await? {
            store
                .add_document(
                    actor,
                    DocTarget::Practice,
                    p.id,
                    None,
                    DocumentSpec {
                        title: "Oppilashuollon käsikirja".into(),
                        description: "Opiskeluhuollon toimintatavat Oulun kouluissa.".into(),
                        audience: "public".into(),
                        content: DocContent::Link(
                            "https://www.ouka.fi/oppilashuollon-kasikirja".into(),
                        ),
                    },
                )
                .await?;
        }
    }
    Ok(())
}
