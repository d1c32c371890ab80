//! The all-or-nothing bulk import of org units.

use super::*;

/// Orders rows so that a parent defined in the same file comes before its
/// children; reports a row whose parent is in the file only through a cycle.
fn parents_first(rows: &[(usize, OrgUnitSpec)]) -> Result<Vec<usize>> {
    let in_file: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, (_, s))| (s.code.key(), i))
        .collect();
    let mut done: HashSet<usize> = HashSet::new();
    let mut order = Vec::with_capacity(rows.len());
    while order.len() < rows.len() {
        let before = order.len();
        for (i, (_, spec)) in rows.iter().enumerate() {
            if done.contains(&i) {
                continue;
            }
            let ready = match &spec.parent {
                None => true,
                Some(p) => match in_file.get(&p.key()) {
                    Some(&pi) => done.contains(&pi),
                    None => true, // must exist in the database; checked on insert
                },
            };
            if ready {
                done.insert(i);
                order.push(i);
            }
        }
        if order.len() == before {
            let (row, spec) = rows
                .iter()
                .enumerate()
                .find(|(i, _)| !done.contains(i))
                .map(|(_, r)| r)
                .ok_or_else(|| StoreError::Corrupt("import ordering lost a row".into()))?;
            return Err(StoreError::Row {
                row: *row,
                error: FieldError::new(
                    "parent_code",
                    Problem::new(
                        "err-parent-cycle",
                        format!("unit '{}' is placed under its own sub-unit", spec.code),
                    ),
                ),
            });
        }
    }
    Ok(order)
}

impl Store {
    /// Creates or updates every row in one transaction: any bad row rolls
    /// everything back and names the row. Rows equal to what is stored
    /// change nothing (a second import of the same file is a no-op).
    /// `progress` is called with the number of rows done.
    pub async fn import_org_units(
        &self,
        actor: &Actor,
        rows: &[(usize, OrgUnitSpec)],
        demo: bool,
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<ImportSummary> {
        self.import_org_units_inner(actor, rows, demo, progress, true)
            .await
    }

    /// Checks every row against the database exactly as an import would,
    /// and reports what would change; the transaction is rolled back.
    pub async fn import_org_units_dry_run(
        &self,
        actor: &Actor,
        rows: &[(usize, OrgUnitSpec)],
    ) -> Result<ImportSummary> {
        self.import_org_units_inner(actor, rows, false, &mut |_| {}, false)
            .await
    }

    async fn import_org_units_inner(
        &self,
        actor: &Actor,
        rows: &[(usize, OrgUnitSpec)],
        demo: bool,
        progress: &mut (dyn FnMut(usize) + Send),
        commit: bool,
    ) -> Result<ImportSummary> {
        // Codes differing only by case are one code: a second row with
        // `Tk-p` beside `tk-p` is refused like an exact repeat.
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (row, spec) in rows {
            if let Some(first) = seen.insert(spec.code.key(), *row) {
                return Err(StoreError::Row {
                    row: *row,
                    error: FieldError::new(
                        "code",
                        Problem::new(
                            "err-code-twice",
                            format!("code '{}' is also on row {first}", spec.code),
                        )
                        .arg("value", spec.code.as_str())
                        .arg("row", first.to_string()),
                    ),
                });
            }
        }
        let order = parents_first(rows)?;
        let mut summary = ImportSummary::default();
        let mut tx = self.begin_write().await?;
        for (done, i) in order.into_iter().enumerate() {
            let (row, spec) = &rows[i];
            match upsert_in(&mut tx, actor, spec, demo)
                .await
                .map_err(|e| e.at_row(*row))?
            {
                Outcome::Created => summary.created += 1,
                Outcome::Updated => summary.updated += 1,
                Outcome::Moved => {
                    summary.updated += 1;
                    summary.moved += 1;
                }
                Outcome::Unchanged => summary.unchanged += 1,
            }
            progress(done + 1);
        }
        if commit {
            tx.commit().await?;
            self.note_public_write();
        } else {
            tx.rollback().await?;
        }
        Ok(summary)
    }
}
