//! A session's seat quotas as the organiser types them: a default number of seats for each
//! member government and for each partner organisation (empty: no quota), and exceptions for
//! single members. Checked against the session's capacity and the members that exist.

/// The quota form as posted: every field is text. `exceptions` pairs an organisation id with
/// the seats typed for it (empty: the default applies), in the order of the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaForm {
    pub member_seats: String,
    pub partner_seats: String,
    pub show_members_represented: bool,
    pub exceptions: Vec<(String, String)>,
}

/// A validated quota form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuotaInput {
    pub member_seats: Option<i32>,
    pub partner_seats: Option<i32>,
    pub show_members_represented: bool,
    /// Organisation id and its seats, one per member at most.
    pub exceptions: Vec<(String, i32)>,
}

/// A refused field: its id in the page and the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaProblem {
    pub field: String,
    pub message: &'static str,
}

/// The page id of the seats field of the `index`th exception row.
pub fn exception_field(index: usize) -> String {
    format!("exception-{index}")
}

/// Seats as typed: empty is `None`; else a whole number from 0 to the capacity.
fn seats(raw: &str, capacity: i32) -> Result<Option<i32>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(n) if n < 0 => Err("admin-quota-error-negative"),
        Ok(n) if n > i64::from(capacity) => Err("admin-quota-error-above-capacity"),
        Ok(n) => i32::try_from(n).map(Some).map_err(|_| "admin-quota-error-above-capacity"),
        Err(_) if raw.starts_with('-') && raw[1..].chars().all(|c| c.is_ascii_digit()) => {
            Err("admin-quota-error-negative")
        }
        Err(_) => Err("admin-quota-error-number"),
    }
}

impl QuotaForm {
    /// Checks every field against `capacity` and the ids of the member governments that exist
    /// (`members`); every problem is reported, each by its field.
    pub fn parse(&self, capacity: i32, members: &[String]) -> Result<QuotaInput, Vec<QuotaProblem>> {
        let mut problems = Vec::new();
        let field = |problems: &mut Vec<QuotaProblem>, name: String, raw: &str| match seats(raw, capacity) {
            Ok(n) => n,
            Err(message) => {
                problems.push(QuotaProblem { field: name, message });
                None
            }
        };
        let member_seats = field(&mut problems, "member_seats".into(), &self.member_seats);
        let partner_seats = field(&mut problems, "partner_seats".into(), &self.partner_seats);
        let mut exceptions: Vec<(String, i32)> = Vec::new();
        for (index, (organisation, raw)) in self.exceptions.iter().enumerate() {
            let name = exception_field(index);
            let known = members.iter().any(|m| m == organisation);
            let seats = field(&mut problems, name.clone(), raw);
            if !known && !raw.trim().is_empty() {
                problems.push(QuotaProblem { field: name, message: "admin-quota-error-unknown-member" });
                continue;
            }
            if let Some(seats) = seats {
                if exceptions.iter().any(|(o, _)| o == organisation) {
                    problems.push(QuotaProblem { field: name, message: "admin-quota-error-twice" });
                    continue;
                }
                exceptions.push((organisation.clone(), seats));
            }
        }
        if problems.is_empty() {
            Ok(QuotaInput {
                member_seats,
                partner_seats,
                show_members_represented: self.show_members_represented,
                exceptions,
            })
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(member: &str, exceptions: &[(&str, &str)]) -> QuotaForm {
        QuotaForm {
            member_seats: member.into(),
            exceptions: exceptions.iter().map(|(o, s)| ((*o).into(), (*s).into())).collect(),
            ..QuotaForm::default()
        }
    }

    fn messages(result: Result<QuotaInput, Vec<QuotaProblem>>) -> Vec<(String, &'static str)> {
        result.err().unwrap_or_default().into_iter().map(|p| (p.field, p.message)).collect()
    }

    #[test]
    fn empty_fields_set_no_quota() {
        let parsed = form("", &[("a", "")]).parse(10, &["a".into()]);
        assert_eq!(parsed, Ok(QuotaInput::default()));
    }

    #[test]
    fn a_quota_is_a_whole_number_up_to_the_capacity() {
        let members = ["a".to_owned()];
        assert_eq!(
            form("3", &[("a", "10")]).parse(10, &members).map(|q| (q.member_seats, q.exceptions)),
            Ok((Some(3), vec![("a".into(), 10)]))
        );
        assert_eq!(
            messages(form("11", &[]).parse(10, &members)),
            [("member_seats".into(), "admin-quota-error-above-capacity")]
        );
        assert_eq!(
            messages(form("-1", &[]).parse(10, &members)),
            [("member_seats".into(), "admin-quota-error-negative")]
        );
        assert_eq!(
            messages(form("two", &[]).parse(10, &members)),
            [("member_seats".into(), "admin-quota-error-number")]
        );
        assert_eq!(
            messages(form("99999999999", &[]).parse(10, &members)),
            [("member_seats".into(), "admin-quota-error-above-capacity")]
        );
    }

    #[test]
    fn an_exception_names_a_member_that_exists_once() {
        let members = ["a".to_owned()];
        assert_eq!(
            messages(form("", &[("a", "2"), ("ghost", "1")]).parse(10, &members)),
            [(exception_field(1), "admin-quota-error-unknown-member")]
        );
        assert_eq!(
            messages(form("", &[("a", "2"), ("a", "1")]).parse(10, &members)),
            [(exception_field(1), "admin-quota-error-twice")]
        );
    }
}
