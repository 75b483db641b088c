//! `man`: the man page, from the same definitions as `--help` so it cannot drift from the
//! program, with the exit codes in a section of their own.

use std::io::Write;

use clap::CommandFactory;
use clap_mangen::roff::{roman, Roff};
use clap_mangen::Man;

use crate::exit::{Exit, Outcome};
use crate::Cli;

/// Writes parc-cli's man page (roff) to stdout; the package installs it as parc-cli(1).
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_: Args) -> Outcome {
    // The exit codes get a section of their own, not the "EXTRA" clap_mangen gives `after_help`.
    let mut page = Vec::new();
    Man::new(Cli::command().after_help(None::<&str>)).render(&mut page)?;
    let page = String::from_utf8(page).expect("roff is text");
    let mut roff = Roff::default();
    roff.control("SH", ["EXIT STATUS"]);
    for exit in Exit::ALL {
        roff.control("TP", []);
        roff.text([roman(exit.code().to_string())]);
        roff.text([roman(exit.meaning())]);
    }
    // Without the apostrophe preamble, which the page has at its top already.
    let section = roff.render();
    let section = &section[section.find(".SH").expect("the section's heading")..];
    let at = page.find(".SH VERSION").unwrap_or(page.len());
    write!(std::io::stdout().lock(), "{}{section}{}", &page[..at], &page[at..])?;
    Ok(())
}
