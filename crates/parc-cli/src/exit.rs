//! How `parc-cli` ends: one [`Exit`] code per meaning, the only place exit numbers are written.
//! Scripts branch on these numbers, so a code never changes meaning; a new meaning takes a new
//! number. `--help` and the man page list them from [`Exit::ALL`].

use std::process::ExitCode;

use parc_core::ground::i18n::Locale;
use parc_core::Error;

use crate::output;

/// The exit codes, each with one meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    Done = 0,
    /// A check found problems; what they are is printed.
    Problems = 1,
    /// An error or a bad argument (clap's own argument errors exit 2 as well).
    Failed = 2,
    /// A command for the database file met a PostgreSQL store.
    FileOnly = 3,
    /// Nothing has the name given; the message lists the names there are.
    UnknownName = 4,
    /// Nothing to do: nothing was written.
    NothingToDo = 5,
}

impl Exit {
    pub const ALL: [Exit; 6] =
        [Exit::Done, Exit::Problems, Exit::Failed, Exit::FileOnly, Exit::UnknownName, Exit::NothingToDo];

    pub fn code(self) -> u8 {
        self as u8
    }

    /// What the code tells a script, as `--help` and the man page say it.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Done => "done",
            Exit::Problems => {
                "a check found problems, printed: a damaged database or backup (or no good backup \
                 to restore), a failed crash test, or rows an import left out (rejected, or \
                 skipped as possible duplicates; the other rows are imported)"
            }
            Exit::Failed => {
                "an error or a bad argument, printed as a sentence in the workstation's language \
                 followed by its key"
            }
            Exit::FileOnly => {
                "the command works on a database file and --db names a PostgreSQL server (whose \
                 backups are the server's job)"
            }
            Exit::UnknownName => {
                "no export or import profile, saved segment or campaign has the name given; the \
                 message lists the names there are"
            }
            Exit::NothingToDo => "nothing to do, nothing written: no visit is planned that day (visit-pack)",
        }
    }

    /// The list `--help` ends with.
    pub fn help() -> String {
        let mut text = String::from("Exit codes:");
        for exit in Exit::ALL {
            text.push_str(&format!("\n  {}  {}", exit.code(), exit.meaning()));
        }
        text
    }

    /// Prints a sentence of the catalogue, with its key after it, and stops with this code.
    pub fn say(self, locale: Locale, key: &str, args: &[(&str, &str)]) -> Stop {
        output::say(locale, key, args);
        Stop::Exit(self)
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

/// Why a command stopped short: a core error (`main` prints it; exit code 2), or an exit code
/// whose reason has been printed already.
#[derive(Debug)]
pub enum Stop {
    Error(Error),
    Exit(Exit),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Stop {
        Stop::Error(e)
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        Stop::Error(e.into())
    }
}

/// What a command returns: done, or stopped with a code.
pub type Outcome = Result<(), Stop>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_with_its_own_meaning() {
        let codes: std::collections::BTreeSet<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        let meanings: std::collections::BTreeSet<&str> = Exit::ALL.iter().map(|e| e.meaning()).collect();
        assert_eq!((codes.len(), meanings.len()), (Exit::ALL.len(), Exit::ALL.len()));
        assert_eq!(codes.into_iter().collect::<Vec<_>>(), (0..Exit::ALL.len() as u8).collect::<Vec<_>>());
    }

    #[test]
    fn exit_numbers_are_written_only_in_this_file() {
        // A bare number in another file would be a code with no name and no documented meaning.
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if !path.ends_with("exit.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for bare in ["ExitCode::from(", "ExitCode::SUCCESS", "ExitCode::FAILURE", "process::exit("] {
                        assert!(!text.contains(bare), "{} writes {bare}: use exit::Exit", path.display());
                    }
                }
            }
        }
    }
}
