//! Children's and young people's wishes and their counts per area.

use super::*;

/// A wish of a child or young person: the types of things they would like to
/// do, their age group and area, and a short line in their own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishSpec {
    pub area: String,
    pub age_group: kasvu_core::activity::AgeGroup,
    pub categories: Vec<Category>,
    pub text: String,
}

/// Wishes counted for an area (or, `area_id` None, those who named none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WishCount {
    pub area_id: Option<i64>,
    pub area: Names,
    pub wishes: i64,
    /// Per category: how many wished it.
    pub categories: Vec<(Category, i64)>,
    /// Per age group.
    pub age_groups: Vec<(kasvu_core::activity::AgeGroup, i64)>,
    /// The wishes' own words; shown only when the area has enough wishes.
    pub texts: Vec<String>,
}

impl Store {
    /// Stores a wish; nothing about who sent it is kept.
    pub async fn add_wish(&self, org_id: i64, w: &WishSpec) -> Result<()> {
        if w.categories.is_empty() {
            return Err(StoreError::invalid("categories", Problem::required()));
        }
        let text = w.text.trim();
        if text.chars().count() > MAX_WISH_TEXT {
            return Err(StoreError::invalid(
                "text",
                Problem::too_long(MAX_WISH_TEXT),
            ));
        }
        let mut tx = self.begin_write().await?;
        let area_id = match w.area.trim() {
            "" => None,
            c => Some(area_of(&mut tx, org_id, c, "area").await?.1),
        };
        let cats: Vec<&str> = w.categories.iter().map(|c| c.code()).collect();
        sqlx::query(
            "INSERT INTO wishes (org_id, area_id, age_group, categories, text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(org_id)
        .bind(area_id)
        .bind(w.age_group.code())
        .bind(cats.join(";"))
        .bind(text)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The wishes per area, counts by category and age group; the texts
    /// only of areas with at least `min_for_texts` wishes.
    pub async fn wish_counts(&self, org_id: i64, min_for_texts: i64) -> Result<Vec<WishCount>> {
        let rows = sqlx::query(
            "SELECT w.area_id, u.name_fi, u.name_sv, u.name_en, w.age_group, w.categories, w.text \
             FROM wishes w LEFT JOIN org_units u ON u.id = w.area_id WHERE w.org_id = $1 \
             ORDER BY u.name_fi, w.id",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<WishCount> = Vec::new();
        for r in &rows {
            let area_id: Option<i64> = r.try_get("area_id")?;
            let i = match out.iter().position(|c| c.area_id == area_id) {
                Some(i) => i,
                None => {
                    out.push(WishCount {
                        area_id,
                        area: Names {
                            fi: r
                                .try_get::<Option<String>, _>("name_fi")?
                                .unwrap_or_default(),
                            sv: r
                                .try_get::<Option<String>, _>("name_sv")?
                                .unwrap_or_default(),
                            en: r
                                .try_get::<Option<String>, _>("name_en")?
                                .unwrap_or_default(),
                        },
                        wishes: 0,
                        categories: vec![],
                        age_groups: vec![],
                        texts: vec![],
                    });
                    out.len() - 1
                }
            };
            let c = &mut out[i];
            c.wishes += 1;
            for code in r.try_get::<String, _>("categories")?.split(';') {
                let cat = Category::parse(code).map_err(|p| StoreError::corrupt("category", p))?;
                match c.categories.iter_mut().find(|(k, _)| *k == cat) {
                    Some((_, n)) => *n += 1,
                    None => c.categories.push((cat, 1)),
                }
            }
            let g = kasvu_core::activity::AgeGroup::parse(&r.try_get::<String, _>("age_group")?)
                .map_err(|p| StoreError::corrupt("age_group", p))?;
            match c.age_groups.iter_mut().find(|(k, _)| *k == g) {
                Some((_, n)) => *n += 1,
                None => c.age_groups.push((g, 1)),
            }
            let t: String = r.try_get("text")?;
            if !t.is_empty() {
                c.texts.push(t);
            }
        }
        for c in &mut out {
            c.categories
                .sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            c.age_groups.sort();
            if c.wishes < min_for_texts {
                c.texts.clear();
            }
        }
        Ok(out)
    }

    // ---------------------------------------------------------- settings
}
