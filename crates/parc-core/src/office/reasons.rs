//! Why deals are lost or postponed and leads disqualified, and where leads and customers come from: the office's own lists.

use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};

use crate::ground::i18n::{clean_names, names, Names};

/// Where leads come from until the office edits its list (seeds: central marketing,
/// authorised workshop, own research…); the office's own list is [`ReasonSettings`]'s `sources`,
/// and the store checks a card's `lead_source` against it.
pub const LEAD_SOURCES: &[&str] = &[
    "central_marketing",
    "workshop",
    "own_research",
    "chamber_of_commerce",
    "hauliers_register",
    "fair",
    "web",
    "referral",
    "other",
];

/// One reason a deal is lost or postponed, or a lead disqualified; also one source leads and
/// customers come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable; empty for a new reason (the store makes one).
    #[serde(default)]
    pub code: String,
    pub names: Names,
    #[serde(default)]
    pub retired: bool,
}

/// The office's reason lists, and where its leads come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonSettings {
    pub version: i64,
    pub lost: Vec<Reason>,
    pub postponed: Vec<Reason>,
    pub disqualified: Vec<Reason>,
    /// Lead sources (a fair, the website, the workshop…) a lead or a customer came from.
    /// Settings saved before the office could edit them read as the catalogue's list.
    #[serde(default = "default_sources")]
    pub sources: Vec<Reason>,
}

/// The lead sources an office starts with ([`LEAD_SOURCES`]), named in every
/// language by the catalogue's `lead_source.*` entries.
pub fn default_sources() -> Vec<Reason> {
    LEAD_SOURCES
        .iter()
        .map(|code| Reason {
            code: (*code).to_string(),
            names: crate::ground::i18n::Locale::ALL
                .iter()
                .map(|l| {
                    (l.code().to_string(), crate::ground::i18n::tr(*l, &format!("lead_source.{code}")).to_string())
                })
                .collect(),
            retired: false,
        })
        .collect()
}

impl ReasonSettings {
    pub fn default_lists() -> ReasonSettings {
        let r = |code: &str, n: Names| Reason { code: code.into(), names: n, retired: false };
        let other = || r("other", names("Other", "Altro", "Inne", "Kita", "其他"));
        ReasonSettings {
            version: 0,
            lost: vec![
                r("price", names("Price", "Prezzo", "Cena", "Kaina", "价格")),
                r(
                    "product",
                    names(
                        "Vehicle did not fit",
                        "Veicolo non adatto",
                        "Pojazd nie pasował",
                        "Transporto priemonė netiko",
                        "车型不符合",
                    ),
                ),
                r(
                    "delivery",
                    names("Delivery time", "Tempi di consegna", "Termin dostawy", "Pristatymo terminas", "交货期"),
                ),
                r("financing", names("Financing", "Finanziamento", "Finansowanie", "Finansavimas", "融资条件")),
                r(
                    "relationship",
                    names(
                        "Relationship with the competitor",
                        "Rapporto con il concorrente",
                        "Relacja z konkurentem",
                        "Ryšiai su konkurentu",
                        "与竞争对手的关系",
                    ),
                ),
                r("no_budget", names("No budget", "Nessun budget", "Brak budżetu", "Nėra biudžeto", "无预算")),
                other(),
            ],
            postponed: vec![
                r(
                    "budget_frozen",
                    names("Budget frozen", "Budget congelato", "Budżet wstrzymany", "Biudžetas įšaldytas", "预算冻结"),
                ),
                r(
                    "project_delayed",
                    names(
                        "Project delayed",
                        "Progetto rinviato",
                        "Projekt przesunięty",
                        "Projektas atidėtas",
                        "项目延期",
                    ),
                ),
                r(
                    "tender",
                    names(
                        "Waiting for a tender",
                        "In attesa di gara",
                        "Oczekiwanie na przetarg",
                        "Laukiama konkurso",
                        "等待招标",
                    ),
                ),
                other(),
            ],
            disqualified: vec![
                r(
                    "not_target",
                    names(
                        "Not a target customer",
                        "Fuori target",
                        "Poza grupą docelową",
                        "Ne tikslinis klientas",
                        "非目标客户",
                    ),
                ),
                r("no_need", names("No need", "Nessun bisogno", "Brak potrzeby", "Nėra poreikio", "无需求")),
                r(
                    "unreachable",
                    names(
                        "Could not be reached",
                        "Non raggiungibile",
                        "Brak kontaktu",
                        "Nepavyko susisiekti",
                        "无法联系",
                    ),
                ),
                r("duplicate", names("Duplicate", "Duplicato", "Duplikat", "Dublikatas", "重复")),
                other(),
            ],
            sources: default_sources(),
        }
    }

    /// Codes new reasons, drops empty ones, keeps every existing code (retire, never delete).
    pub fn validated(mut self, previous: &ReasonSettings) -> Result<ReasonSettings> {
        let mut errors = Vec::new();
        for (field, list, old) in [
            ("lost", &mut self.lost, &previous.lost),
            ("postponed", &mut self.postponed, &previous.postponed),
            ("disqualified", &mut self.disqualified, &previous.disqualified),
            ("sources", &mut self.sources, &previous.sources),
        ] {
            for r in list.iter_mut() {
                clean_names(&mut r.names);
            }
            list.retain(|r| !r.names.is_empty() || !r.code.is_empty());
            let mut n = list.len() + old.len();
            for i in 0..list.len() {
                if !list[i].code.is_empty() {
                    continue;
                }
                loop {
                    n += 1;
                    let code = format!("r{n}");
                    if !old.iter().chain(list.iter()).any(|o| o.code == code) {
                        list[i].code = code;
                        break;
                    }
                }
            }
            let mut seen = std::collections::HashSet::new();
            if !list.iter().all(|r| seen.insert(r.code.as_str())) {
                errors.push(FieldError::new(field, "validation.choices_repeated"));
            }
            if list.iter().any(|r| r.names.is_empty()) {
                errors.push(FieldError::new(field, "validation.stage_name_required"));
            }
            if list.iter().any(|r| r.names.values().any(|n| n.chars().count() > 100)) {
                errors.push(FieldError::new(field, "validation.too_long"));
            }
            if old.iter().any(|o| !list.iter().any(|r| r.code == o.code)) {
                errors.push(FieldError::new(field, "validation.stage_kept"));
            }
            if !list.iter().any(|r| !r.retired) {
                let key = if field == "sources" { "validation.sources_required" } else { "validation.reason_required" };
                errors.push(FieldError::new(field, key));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        self.version = previous.version + 1;
        Ok(self)
    }

    pub fn allows(list: &[Reason], code: &str) -> bool {
        list.iter().any(|r| r.code == code && !r.retired)
    }

    /// Whether a lead or a customer may say it came from `source`: one of the office's sources
    /// in use, or `kept`, the one it already had (a source retired since stays on its records).
    pub fn allows_source(&self, source: &str, kept: &str) -> bool {
        source == kept || ReasonSettings::allows(&self.sources, source)
    }
}
