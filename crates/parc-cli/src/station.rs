//! This workstation as a command sees it: the database `--db` names, the settings (language
//! of messages, backup folder), and the office's users named on the command line.

use parc_core::ground::i18n::Locale;
use parc_core::host::workstation::WorkstationSettings;
use parc_core::office::User;
use parc_core::storage::Target;
use parc_core::{Error, Store};

use crate::exit::{Exit, Stop};

pub struct Station {
    pub db: Target,
    pub settings: WorkstationSettings,
}

impl Station {
    /// The language messages are printed in.
    pub fn locale(&self) -> Locale {
        self.settings.effective_locale()
    }

    pub fn connect(&self) -> Result<Store, Error> {
        Store::connect(&self.db)
    }
}

/// The user a person names: the name or the initials, case ignored. Two users with the same
/// initials must be named in full. Otherwise says who there is (exit code 2).
pub fn find_user<'a>(users: &'a [User], wanted: &str, locale: Locale) -> Result<&'a User, Stop> {
    let wanted = wanted.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if let Some(u) = users.iter().find(|u| u.data.name.to_lowercase() == wanted) {
        return Ok(u);
    }
    let by_initials: Vec<&User> = users.iter().filter(|u| u.data.initials.to_lowercase() == wanted).collect();
    match by_initials[..] {
        [u] => Ok(u),
        [] => {
            let known: Vec<String> = users.iter().map(|u| format!("{} ({})", u.data.name, u.data.initials)).collect();
            Err(Exit::Failed.say(locale, "cli.no_user", &[("name", &wanted), ("known", &known.join(", "))]))
        }
        _ => Err(Exit::Failed.say(
            locale,
            "cli.ambiguous_initials",
            &[("count", &by_initials.len().to_string()), ("initials", &wanted)],
        )),
    }
}

/// The id of the user named, when one is named (see [`find_user`]).
pub fn user_id(users: &[User], wanted: Option<&str>, locale: Locale) -> Result<Option<i64>, Stop> {
    wanted.map(|w| find_user(users, w, locale).map(|u| u.id)).transpose()
}
