//! The administration feature (`src/admin`): units, users and the audit
//! log, for admins and (for their own area's units) area managers.

mod common;

use common::{anonymous, location, App};

/// Signed out, the admin pages send to the login page with the way back;
/// signed in without the right, they are 403.
async fn admin_pages_need_sign_in_and_rights(app: &App) {
    let r = app.get(&anonymous(), "/admin/users").await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login?next=/admin/users");

    let viewer = app.login("katselija@oulu.example").await;
    assert_eq!(app.get(&viewer, "/admin/users").await.status(), 403);
    assert_eq!(app.get(&viewer, "/admin/audit").await.status(), 403);

    let admin = app.login("admin@oulu.example").await;
    let r = app.get(&admin, "/admin/users").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"],
        "no-store",
        "staff pages are not cached"
    );
    let users = r.text().await.expect("users page");
    assert!(users.contains("tyontekija.kaakkuri@oulu.example"));
}

/// A new unit without a CSRF token, or with a wrong one, is refused with
/// 403 and not made; with the right token the admin makes it (303) and it
/// is on its public page.
async fn create_unit_checks_csrf(app: &App) {
    let admin = app.login("admin@oulu.example").await;
    let form = [
        ("code", "uusi-yksikko"),
        ("parent_code", "tuira"),
        ("level", "unit"),
        ("kind", "ngo"),
        ("name_fi", "Uusi yhdistys"),
    ];
    let r = app.post_without_csrf(&admin, "/admin/units", &form).await;
    assert_eq!(r.status(), 403, "no CSRF token");
    let wrong = "0".repeat(64);
    let r = app
        .post_with_csrf(&admin, "/admin/units", &wrong, &form)
        .await;
    assert_eq!(r.status(), 403, "a wrong CSRF token");
    assert_eq!(
        app.get(&anonymous(), "/units/uusi-yksikko").await.status(),
        404,
        "the refused forms made nothing"
    );

    let r = app.post(&admin, "/admin/units", &form).await;
    assert_eq!(r.status(), 303);
    let page = app.page(&anonymous(), "/units/uusi-yksikko").await;
    assert!(page.contains("Uusi yhdistys"));
}

/// The area manager of Keskinen renames a Keskinen unit but may not add
/// users; the rename is in the audit log under their address.
async fn area_manager_edits_own_area_only(app: &App) {
    let manager = "aluepaallikko.keskinen@oulu.example";
    let admin = app.login("admin@oulu.example").await;
    assert!(
        !app.page(&admin, "/admin/audit").await.contains(manager),
        "nothing by the manager yet"
    );

    let kesk = app.login(manager).await;
    let rename = [
        ("parent_code", "tuira"),
        ("level", "unit"),
        ("kind", "school"),
        ("name_fi", "Tuiran koulu 2"),
    ];
    let r = app.post(&kesk, "/admin/units/tuiran-koulu", &rename).await;
    assert_eq!(r.status(), 303);
    let new_user = [
        ("email", "uusi@oulu.example"),
        ("name", "Uusi"),
        ("role", "staff"),
        ("org", "tuira"),
        ("password", "salasana-123"),
    ];
    let r = app.post(&kesk, "/admin/users", &new_user).await;
    assert_eq!(r.status(), 403, "users are for admins");

    // Moving a Keskinen unit into Eteläinen is outside the manager's area.
    let mv = [
        ("parent_code", "kaakkuri"),
        ("level", "unit"),
        ("kind", "school"),
        ("name_fi", "Tuiran koulu 3"),
    ];
    let r = app.post(&kesk, "/admin/units/tuiran-koulu", &mv).await;
    assert_eq!(r.status(), 403);

    let school = app.page(&anonymous(), "/units/tuiran-koulu").await;
    assert!(school.contains("Tuiran koulu 2") && !school.contains("Tuiran koulu 3"));
    let audit = app.page(&admin, "/admin/audit").await;
    assert!(audit.contains(manager), "the rename is audited");
    assert!(
        !app.page(&admin, "/admin/users")
            .await
            .contains("uusi@oulu.example"),
        "the refused user was not made"
    );
}

on_both_databases!(
    admin_pages_need_sign_in_and_rights,
    create_unit_checks_csrf,
    area_manager_edits_own_area_only
);
