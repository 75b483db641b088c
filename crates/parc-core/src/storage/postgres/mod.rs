//! The shared office store on a PostgreSQL server: the same schema and behaviour as the SQLite
//! file, for several workstations at once. Search uses `pg_trgm` on the same folded key and a
//! `tsvector` of the same words, so both stores find the same customers in the same order.

pub(crate) mod exec;
pub mod migrations;
pub(crate) mod trail;
pub(crate) mod tx;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

use postgres::error::SqlState;
use postgres::{Client, Config, NoTls};

use super::{CheckReport, DialectRows, Native, WriteContext};
use crate::ground::error::{ConnectionProblem, Error, Result};

pub(crate) struct Postgres {
    pub(crate) client: Client,
    pub(crate) ctx: WriteContext,
}

impl DialectRows for Postgres {
    fn schema_version(&mut self) -> Result<i64> {
        Ok(migrations::schema_version(&mut self.client)?.unwrap_or(0))
    }

    fn check(&mut self) -> Result<CheckReport> {
        Postgres::check(self)
    }

    fn native(&mut self) -> Native<'_> {
        Native::Postgres(self)
    }
}

impl Postgres {
    pub fn connect(url: &str) -> Result<Postgres> {
        let mut client = raw_client(url)?;
        let database = mask_password(url);
        migrations::migrate(&mut client, &database)?;
        Ok(Postgres { client, ctx: WriteContext::default() })
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`; a pending operation key
    /// (`Store::once`) is checked and recorded in the same transaction.
    pub(crate) fn write<T: serde::Serialize>(
        &mut self,
        f: impl FnOnce(&mut postgres::Transaction) -> Result<T>,
    ) -> Result<T> {
        let key = self.ctx.key.take();
        tx::write(&mut self.client, |tx| {
            if let Some(key) = &key {
                trail::claim(tx, key)?;
            }
            let out = f(tx)?;
            if let Some(key) = &key {
                trail::applied(tx, key, &out)?;
            }
            Ok(out)
        })
    }

    fn check(&mut self) -> Result<CheckReport> {
        let version = migrations::schema_version(&mut self.client)?.unwrap_or(0);
        let tables: Vec<String> = self
            .client
            .query(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'parc_schema'
                 ORDER BY 1",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut counts = BTreeMap::new();
        for table in tables {
            let n: i64 = self.client.query_one(&format!("SELECT count(*) FROM \"{table}\""), &[])?.get(0);
            counts.insert(table, n);
        }
        // The server keeps its own pages consistent (WAL, checksums if enabled); reading every
        // table end to end above is the check a client can make.
        Ok(CheckReport { integrity: "ok".into(), schema_version: version, counts })
    }
}

/// A plain client for `url`, with the password from the pgpass file when the address has none.
pub(crate) fn raw_client(url: &str) -> Result<Client> {
    let bad_address = |detail: String| Error::Connection { problem: ConnectionProblem::BadAddress, detail };
    let mut config = Config::from_str(url).map_err(|e| bad_address(e.to_string()))?;
    if config.get_password().is_none() {
        if let Some(password) = pgpass_password(&config) {
            config.password(password);
        }
    }
    config.application_name("parc");
    config.connect_timeout(std::time::Duration::from_secs(5));
    config.connect(NoTls).map_err(connection_error)
}

/// Tells a person's problems (unreachable, refused, no such database) from internal ones.
fn connection_error(e: postgres::Error) -> Error {
    let problem = match e.code() {
        Some(c) if *c == SqlState::INVALID_PASSWORD || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            Some(ConnectionProblem::BadPassword)
        }
        Some(c) if *c == SqlState::INVALID_CATALOG_NAME => Some(ConnectionProblem::DatabaseMissing),
        Some(_) => None,
        // No SQL state: the server was never reached (refused, timed out, name not resolved).
        None => Some(ConnectionProblem::Unreachable),
    };
    match problem {
        Some(problem) => Error::Connection { problem, detail: e.to_string() },
        None => Error::Postgres(e),
    }
}

/// `postgres://user:secret@host/db` becomes `postgres://user:***@host/db`.
pub fn mask_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else { return url.to_string() };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else { return url.to_string() };
    match rest[..at].find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..scheme_end], &rest[..colon], &rest[at..]),
        None => url.to_string(),
    }
}

/// The password for `config` from the PostgreSQL password file (`PGPASSFILE`, else
/// `~/.pgpass`, or `%APPDATA%\postgresql\pgpass.conf` on Windows), the standard place for it:
/// Parc's settings keep the address only, never a password.
fn pgpass_password(config: &Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE").map(PathBuf::from).or_else(|| {
        if cfg!(windows) {
            std::env::var_os("APPDATA").map(|d| PathBuf::from(d).join("postgresql").join("pgpass.conf"))
        } else {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pgpass"))
        }
    })?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(_)) => "localhost".into(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432).to_string();
    let db = config.get_dbname().or(config.get_user()).unwrap_or("").to_string();
    let user = config.get_user().unwrap_or("").to_string();
    find_pgpass(&text, [&host, &port, &db, &user])
}

/// Finds the first matching line of a pgpass file: `host:port:database:user:password`, `*`
/// matching anything, `\:` and `\\` escaping.
fn find_pgpass(text: &str, want: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut fields = Vec::with_capacity(5);
        let mut field = String::new();
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => field.extend(chars.next()),
                ':' if fields.len() < 4 => fields.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        fields.push(field);
        if fields.len() == 5 && fields[..4].iter().zip(want).all(|(f, w)| f == "*" || f == w) {
            return Some(fields.pop().unwrap_or_default());
        }
    }
    None
}

#[cfg(test)]
mod address_tests {
    use super::*;

    #[test]
    fn masks_passwords_in_addresses() {
        assert_eq!(
            mask_password("postgres://ann:s3cr:et@db.office:5432/parc"),
            "postgres://ann:***@db.office:5432/parc"
        );
        assert_eq!(mask_password("postgres://ann@db/parc"), "postgres://ann@db/parc");
        assert_eq!(mask_password("postgresql://db/parc?user=x"), "postgresql://db/parc?user=x");
    }

    #[test]
    fn reads_the_matching_pgpass_line() {
        let file = "# office\nother:5432:parc:ann:wrong\ndb.office:5432:parc:ann:pa\\:ss\n*:*:*:*:fallback\n";
        assert_eq!(find_pgpass(file, ["db.office", "5432", "parc", "ann"]).as_deref(), Some("pa:ss"));
        assert_eq!(find_pgpass(file, ["x", "1", "y", "z"]).as_deref(), Some("fallback"));
        assert_eq!(find_pgpass("a:b:c:d:e", ["x", "b", "c", "d"]), None);
    }

    #[test]
    fn an_unreadable_address_is_a_bad_address() {
        match Postgres::connect("postgres://[bad") {
            Err(Error::Connection { problem, .. }) => assert_eq!(problem, ConnectionProblem::BadAddress),
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_closed_port_is_unreachable() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        match Postgres::connect(&format!("postgres://parc@127.0.0.1:{port}/parc")) {
            Err(Error::Connection { problem, .. }) => assert_eq!(problem, ConnectionProblem::Unreachable),
            other => panic!("{:?}", other.err()),
        }
    }
}
