//! One-contact paths (seed 003: the network works on the one-contact
//! principle): for a need, the steps of support in order — everyday support
//! first (the LP discussion with the teacher, the family's own nurse), then
//! whom to contact and how, and what to do when it is urgent.

use crate::error::Problem;

code_enum! {
    /// What a step of a path is.
    StepKind {
        /// Support where the family already is (day-care, school, clinic).
        Everyday = "everyday",
        /// Whom to contact next, and how.
        Contact = "contact",
        /// When it cannot wait.
        Urgent = "urgent",
    }
}

/// Most steps a path may have: a path longer than this is no longer one contact.
pub const MAX_STEPS: usize = 10;

/// Checks the order of a path's steps: at least two, at most
/// [`MAX_STEPS`], everyday support first, and urgent help only after the
/// ordinary steps. The error names the step (1-based).
pub fn check_steps(kinds: &[StepKind]) -> Result<(), (usize, Problem)> {
    if kinds.len() < 2 {
        return Err((
            kinds.len() + 1,
            Problem::new(
                "err-path-too-short",
                "a path needs everyday support and at least one contact after it",
            ),
        ));
    }
    if kinds.len() > MAX_STEPS {
        return Err((
            MAX_STEPS + 1,
            Problem::new("err-path-too-long", "a path has at most ten steps")
                .arg("max", MAX_STEPS.to_string()),
        ));
    }
    if kinds[0] != StepKind::Everyday {
        return Err((
            1,
            Problem::new(
                "err-path-everyday-first",
                "a path begins with everyday support",
            ),
        ));
    }
    if let Some(i) = kinds
        .windows(2)
        .position(|w| w[0] == StepKind::Urgent && w[1] != StepKind::Urgent)
    {
        return Err((
            i + 2,
            Problem::new(
                "err-path-urgent-last",
                "urgent help comes after the ordinary steps",
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use StepKind::*;

    #[test]
    fn everyday_support_comes_first_and_urgent_last() {
        assert!(check_steps(&[Everyday, Contact]).is_ok());
        assert!(check_steps(&[Everyday, Everyday, Contact, Urgent, Urgent]).is_ok());
        assert_eq!(check_steps(&[Contact, Everyday]).unwrap_err().0, 1);
        assert_eq!(check_steps(&[Everyday]).unwrap_err().0, 2);
        let e = check_steps(&[Everyday, Urgent, Contact]).unwrap_err();
        assert_eq!((e.0, e.1.code), (3, "err-path-urgent-last"));
        assert_eq!(check_steps(&[Everyday; 11]).unwrap_err().0, 11);
    }
}
