//! SQLite only: the write-ahead log is copied into the database file by the
//! store's background task, not by whichever write happens to make the log
//! long (that write used to wait for the copy and the sync: the p99 tail
//! of "a write until it is visible"). PostgreSQL checkpoints on its own
//! server processes, so there is nothing to test there.

use kasvu_core::{Level, Names, OrgCode, ValidRange};
use kasvu_store::testing::TestDb;
use kasvu_store::{Actor, OrgUnitSpec};
use std::path::Path;
use std::time::{Duration, Instant};

fn digest(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let bytes = std::fs::read(path).expect("the database file");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Waits until the file has stayed the same for a second (or 20 s pass).
async fn settled(path: &Path) -> u64 {
    let started = Instant::now();
    let mut last = digest(path);
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let now = digest(path);
        if now == last || started.elapsed() > Duration::from_secs(20) {
            return now;
        }
        last = now;
    }
}

#[tokio::test]
async fn a_small_write_reaches_the_database_file_without_another_write() {
    let db = TestDb::sqlite().await;
    let file = db
        .url
        .strip_prefix("sqlite://")
        .map(Path::new)
        .expect("a file URL")
        .to_path_buf();
    let before = settled(&file).await;
    // One small write: a few pages in the log, far below the 10,000 pages
    // at which a connection would checkpoint by itself.
    let unit = OrgUnitSpec {
        code: OrgCode::parse("city").unwrap(),
        parent: None,
        level: Level::Organisation,
        kind: None,
        sector: None,
        names: Names::parse("Kaupunki", "", "").unwrap(),
        external_codes: vec![],
        valid: ValidRange::default(),
    };
    db.store
        .import_org_units(&Actor::system("test"), &[(2, unit)], false, &mut |_| {})
        .await
        .unwrap();
    // Only a checkpoint writes the database file in WAL mode; nothing else
    // runs, so a change of the file is the background task's.
    let started = Instant::now();
    let mut changed = false;
    while started.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if digest(&file) != before {
            changed = true;
            break;
        }
    }
    assert!(changed, "the write never reached the database file");
    db.finish().await;
}
