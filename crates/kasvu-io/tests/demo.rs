//! The demo loads on both databases, twice without change.

use kasvu_store::{both_databases, Store};

async fn demo_loads_idempotently(store: Store) {
    let s = kasvu_io::demo::load(&store).await.unwrap();
    assert!(s.created > 50);
    let again = kasvu_io::demo::load(&store).await.unwrap();
    assert_eq!((again.created, again.updated), (0, 0));
    let oulu = store.org_unit("oulu").await.unwrap().unwrap();
    assert!(oulu.demo);
    let soite = store.org_unit("soite").await.unwrap().unwrap();
    assert!(soite.demo, "the learning network's second organisation");
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
