//! The office's users, written once for both stores through [`Exec`], and the check that a
//! change is made by the sales manager or the director (`require_manager`); the office's own
//! lists (reasons, lead sources) and its home country, which only they may change.

use crate::ground::error::{Error, Result};
use crate::office::reasons::ReasonSettings;
use crate::office::{User, UserData, UserRole};
use crate::storage::exec::{check_changed, Cells, Exec};
use crate::Store;

fn user_from(r: &Cells) -> Result<User> {
    Ok(User {
        id: r.int(0)?,
        data: UserData {
            name: r.text(1)?,
            initials: r.text(2)?,
            role: UserRole::parse(r.str(3)?).unwrap_or_default(),
            active: r.boolean(4)?,
        },
        version: r.int(5)?,
    })
}

/// All users, by name.
pub(crate) fn users(x: &mut dyn Exec) -> Result<Vec<User>> {
    let sql = format!(
        "SELECT id, name, initials, role, active, version FROM app_user ORDER BY name{}, id",
        x.dialect().bytewise()
    );
    x.rows(&sql, &[])?.iter().map(user_from).collect()
}

pub(crate) fn insert_user(x: &mut dyn Exec, d: &UserData) -> Result<i64> {
    let row = x.row(
        "INSERT INTO app_user (name, initials, role, active) VALUES ($1, $2, $3, $4) RETURNING id",
        &[(&d.name).into(), (&d.initials).into(), d.role.code().into(), d.active.into()],
    )?;
    row.map_or(Ok(0), |r| r.int(0))
}

/// `Conflict` when `version` is stale, `NotFound` when there is no such user.
pub(crate) fn update_user(x: &mut dyn Exec, id: i64, version: i64, d: &UserData) -> Result<()> {
    let changed = x.run(
        "UPDATE app_user SET name = $3, initials = $4, role = $5, active = $6, version = version + 1
         WHERE id = $1 AND version = $2",
        &[id.into(), version.into(), (&d.name).into(), (&d.initials).into(), d.role.code().into(), d.active.into()],
    )?;
    check_changed(x, changed, "app_user", "user", id)
}

/// Copies users as they are (ids, versions) into an empty store; the caller then makes new
/// ids follow them ([`super::exec::Transact::follow_ids`]).
pub(crate) fn restore_users(x: &mut dyn Exec, rows: &[User]) -> Result<()> {
    for u in rows {
        x.run(
            "INSERT INTO app_user (id, name, initials, role, active, version) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                u.id.into(),
                (&u.data.name).into(),
                (&u.data.initials).into(),
                u.data.role.code().into(),
                u.data.active.into(),
                u.version.into(),
            ],
        )?;
    }
    Ok(())
}

impl Store {
    pub fn users(&mut self) -> Result<Vec<User>> {
        self.read(users)
    }

    pub fn create_user(&mut self, data: UserData) -> Result<User> {
        let data = data.validated()?;
        let id = self.write(|x| insert_user(x, &data))?;
        self.user(id)
    }

    pub fn update_user(&mut self, id: i64, version: i64, data: UserData) -> Result<User> {
        let data = data.validated()?;
        self.write(|x| update_user(x, id, version, &data))?;
        self.user(id)
    }

    pub fn user(&mut self, id: i64) -> Result<User> {
        self.users()?.into_iter().find(|u| u.id == id).ok_or(Error::NotFound { entity: "user", id })
    }
}

impl Store {
    pub(crate) fn require_manager(&mut self, by: Option<i64>) -> Result<()> {
        let role = match by {
            Some(id) => self.users()?.into_iter().find(|u| u.id == id).map(|u| u.data.role),
            None => None,
        };
        if role.is_some_and(UserRole::manages) {
            Ok(())
        } else {
            Err(Error::ManagerOnly)
        }
    }
}

const REASONS_KEY: &str = "funnel.reasons";

impl Store {
    /// The office's lost, postponed and disqualified reasons.
    pub fn reason_settings(&mut self) -> Result<ReasonSettings> {
        self.read(|x| Ok(reasons_in(x)?.1))
    }

    pub fn save_reason_settings(&mut self, by: Option<i64>, settings: ReasonSettings) -> Result<ReasonSettings> {
        self.require_manager(by)?;
        self.write(|x| {
            let (text, current) = reasons_in(x)?;
            if settings.version != current.version {
                return Err(Error::Conflict { entity: "reasons", id: 0 });
            }
            let saved = settings.validated(&current)?;
            crate::storage::settings::replace_setting(
                x,
                REASONS_KEY,
                text.as_deref(),
                &serde_json::to_string(&saved).expect("serialises"),
            )?;
            Ok(saved)
        })
    }

    /// The office's home country (an ISO code), the country of an imported customer when
    /// nothing else says; `None` until a manager sets it.
    pub fn home_country(&mut self) -> Result<Option<String>> {
        self.read(|x| home_in(x).map(|(_, code)| code))
    }

    /// Sets the office's home country (`""` clears it); only a manager or the director may.
    /// Returns it as stored.
    pub fn set_home_country(&mut self, by: Option<i64>, code: &str) -> Result<Option<String>> {
        self.require_manager(by)?;
        let code = crate::ground::country::home_validated(code)?;
        self.write(|x| {
            let (text, _) = home_in(x)?;
            crate::storage::settings::replace_setting(
                x,
                crate::ground::country::HOME_KEY,
                text.as_deref(),
                &serde_json::to_string(&code).expect("serialises"),
            )?;
            Ok(code)
        })
    }
}

fn reasons_in(x: &mut dyn crate::storage::exec::Exec) -> Result<(Option<String>, ReasonSettings)> {
    let text = crate::storage::settings::setting(x, REASONS_KEY)?;
    let reasons =
        text.as_deref().and_then(|t| serde_json::from_str(t).ok()).unwrap_or_else(ReasonSettings::default_lists);
    Ok((text, reasons))
}

/// The home country's stored text and code.
fn home_in(x: &mut dyn crate::storage::exec::Exec) -> Result<(Option<String>, Option<String>)> {
    let text = crate::storage::settings::setting(x, crate::ground::country::HOME_KEY)?;
    let code = match &text {
        Some(t) => serde_json::from_str::<Option<String>>(t)
            .map_err(|e| Error::Corrupt(format!("the home country cannot be read: {e}")))?,
        None => None,
    };
    Ok((text, code))
}

#[cfg(test)]
mod tests;
