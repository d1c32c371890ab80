//! The demo loads on both databases, twice without change.

use kasvu_store::{both_databases, Store};

async fn demo_loads_idempotently(store: Store) {
    let s = kasvu_io::demo::load(&store).await.unwrap();
    assert!(s.created > 50);
    let soite = store.org_unit("soite").await.unwrap().unwrap();
    let private = store.signed_in_only_indicators(soite.id).await.unwrap();
    let again = kasvu_io::demo::load(&store).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
    let oulu = store.org_unit("oulu").await.unwrap().unwrap();
    assert!(oulu.demo);
    assert!(soite.demo, "the learning network's second organisation");
    // Soite keeps what it does not share in the learning network for
    // signed-in users; Oulu's figures are public; a second load keeps both.
    assert_eq!(
        store.signed_in_only_indicators(soite.id).await.unwrap(),
        private
    );
    let catalogue = store.indicators().await.unwrap();
    assert_eq!(private.len() + 2, catalogue.len());
    for i in &catalogue {
        let shared = ["lp_discussions", "lp_trained_share"].contains(&i.spec.code.as_str());
        assert_eq!(private.contains(&i.id), !shared, "{}", i.spec.code);
    }
    assert!(store
        .signed_in_only_indicators(oulu.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        store.users(oulu.id).await.unwrap().len() + store.users(soite.id).await.unwrap().len(),
        kasvu_io::demo::USERS.len()
    );
    for u in kasvu_io::demo::USERS {
        assert!(
            store
                .authenticate(u.email, u.password)
                .await
                .unwrap()
                .is_some(),
            "{}",
            u.email
        );
    }
}

both_databases!(demo_loads_idempotently);
