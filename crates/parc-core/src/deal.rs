//! Deals and the office's sales process: the stages a deal moves through (each with its win
//! probability, the checklist of questions to answer before leaving it, the role responsible
//! and the days after which a deal in it counts as stalled), the reasons a deal is lost or
//! postponed or a lead disqualified, and the deal itself with its vehicles, decision makers
//! and competitors.
//!
//! Stage names, questions and reasons are the office's own data, written in every UI language
//! ([`Names`]), not catalogue keys: the office renames and adds them. They are kept as one
//! versioned document each in the `setting` table, so the whole process is saved (and
//! refused when stale) at once; a stage is retired, never deleted, so history keeps its name.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::customer::CURRENCIES;
use crate::dates::DATE_FORMAT;
use crate::error::{Error, FieldError, Result};
use crate::user::UserRole;

/// A text in several languages, by locale code (`"en"`, `"it"`, …).
pub type Names = BTreeMap<String, String>;

/// The text for `locale`, else English, else any: a name typed in one language only still
/// shows in the others.
pub fn name_in<'a>(names: &'a Names, locale: &str) -> &'a str {
    names
        .get(locale)
        .filter(|s| !s.is_empty())
        .or_else(|| names.get("en").filter(|s| !s.is_empty()))
        .or_else(|| names.values().find(|s| !s.is_empty()))
        .map(String::as_str)
        .unwrap_or("")
}

fn names(en: &str, it: &str, pl: &str, lt: &str, zh: &str) -> Names {
    [("en", en), ("it", it), ("pl", pl), ("lt", lt), ("zh", zh)]
        .into_iter()
        .map(|(l, s)| (l.to_string(), s.to_string()))
        .collect()
}

/// What a stage means for the deals in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    /// A step of the funnel; the office orders, adds and retires these.
    Open,
    /// Signed (and paid, delivered): 100%.
    Won,
    /// Lost, with a reason and the winning competitor when known: 0%.
    Lost,
    /// Postponed, with a reason and a day to come back to it: 0%.
    Postponed,
}

impl StageKind {
    pub fn is_closed(self) -> bool {
        self != StageKind::Open
    }
}

/// A question of a stage's checklist. Its id stays when the text is edited, so answers keep
/// pointing at it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// 0 for a new question: the store numbers it.
    #[serde(default)]
    pub id: i64,
    pub text: Names,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// 0 for a new stage: the store numbers it.
    #[serde(default)]
    pub id: i64,
    pub kind: StageKind,
    pub names: Names,
    /// Win probability in percent; fixed for closed stages (won 100, lost and postponed 0).
    pub probability: i64,
    /// Questions to answer before a deal leaves the stage.
    #[serde(default)]
    pub checklist: Vec<Question>,
    /// Who is responsible for deals in this stage.
    #[serde(default)]
    pub role: UserRole,
    /// A deal in the stage longer than this many days is stalled; 0 never.
    #[serde(default)]
    pub stall_days: i64,
    /// Retired stages take no new deals and leave the board; their history stays.
    #[serde(default)]
    pub retired: bool,
}

/// The office's sales process: open stages in funnel order, then won, lost and postponed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSettings {
    /// Raised on every save; a save naming an older version is a `Conflict`.
    pub version: i64,
    pub stages: Vec<Stage>,
}

/// A stage with at least this probability is in the commit forecast.
pub const COMMIT_FROM: i64 = 75;
/// A stage with at least this probability is in the best-case forecast.
pub const BEST_CASE_FROM: i64 = 50;

impl StageSettings {
    /// The default process, from the seeds (DOMAIN.md's table; the checklists are the
    /// seven-stage variant's "leaves the stage when" questions).
    pub fn default_process() -> StageSettings {
        let q = |id: i64, t: Names| Question { id, text: t };
        let open = |id, n, p, role, stall, checklist| Stage {
            id,
            kind: StageKind::Open,
            names: n,
            probability: p,
            checklist,
            role,
            stall_days: stall,
            retired: false,
        };
        let closed = |id, kind, n, p| Stage {
            id,
            kind,
            names: n,
            probability: p,
            checklist: Vec::new(),
            role: UserRole::Salesperson,
            stall_days: 0,
            retired: false,
        };
        use UserRole::{Manager, Salesperson};
        let stages = vec![
            open(
                1,
                names("Target customer", "Cliente target", "Klient docelowy", "Tikslinis klientas", "目标客户"),
                10,
                Salesperson,
                30,
                vec![
                    q(
                        1,
                        names(
                            "We know which problems the customer wants to solve",
                            "Sappiamo quali problemi il cliente vuole risolvere",
                            "Wiemy, jakie problemy klient chce rozwiązać",
                            "Žinome, kokias problemas klientas nori išspręsti",
                            "我们已清楚客户要解决哪些问题",
                        ),
                    ),
                    q(
                        2,
                        names(
                            "We know by when the need must be met",
                            "Sappiamo entro quando va soddisfatto il bisogno",
                            "Wiemy, do kiedy potrzeba musi być zaspokojona",
                            "Žinome, iki kada poreikis turi būti patenkintas",
                            "我们知道客户的需求要求在什么时间内解决",
                        ),
                    ),
                    q(
                        3,
                        names(
                            "We know which of our vehicles fits",
                            "Sappiamo quale nostro veicolo è adatto",
                            "Wiemy, który nasz pojazd pasuje",
                            "Žinome, kuri mūsų transporto priemonė tinka",
                            "我们知道客户倾向选择我司什么产品",
                        ),
                    ),
                    q(
                        4,
                        names(
                            "We know the competitors, the alternatives and our advantage",
                            "Conosciamo i concorrenti, le alternative e il nostro vantaggio",
                            "Znamy konkurentów, alternatywy i naszą przewagę",
                            "Žinome konkurentus, alternatyvas ir savo pranašumą",
                            "我们清楚竞争对手、替代方案和我们的优势",
                        ),
                    ),
                ],
            ),
            open(
                2,
                names("Qualified", "Qualificato", "Zakwalifikowany", "Kvalifikuotas", "有效客户"),
                25,
                Salesperson,
                30,
                vec![
                    q(
                        1,
                        names(
                            "The top decision maker approved the project",
                            "Il decisore principale ha approvato il progetto",
                            "Najważniejszy decydent zatwierdził projekt",
                            "Svarbiausias sprendimų priėmėjas patvirtino projektą",
                            "客户最高决策者已批准该项目",
                        ),
                    ),
                    q(
                        2,
                        names(
                            "The budget is known: how much, and who pays",
                            "Il budget è noto: quanto, e chi paga",
                            "Budżet jest znany: ile i kto płaci",
                            "Biudžetas žinomas: kiek ir kas moka",
                            "资金预算已明确：多少，谁出钱",
                        ),
                    ),
                ],
            ),
            open(
                3,
                names("Shortlisted", "In lista ristretta", "Krótka lista", "Trumpajame sąraše", "入围客户"),
                50,
                Salesperson,
                45,
                vec![
                    q(
                        1,
                        names(
                            "The customer acknowledges our technical advantages over the competitors",
                            "Il cliente riconosce i nostri vantaggi tecnici sui concorrenti",
                            "Klient uznaje naszą przewagę techniczną nad konkurencją",
                            "Klientas pripažįsta mūsų techninius pranašumus prieš konkurentus",
                            "客户承认我们与竞争对手的技术差异优势",
                        ),
                    ),
                    q(
                        2,
                        names(
                            "The customer accepts our brand and our dealership",
                            "Il cliente apprezza il nostro marchio e la concessionaria",
                            "Klient akceptuje naszą markę i nasz salon",
                            "Klientas pripažįsta mūsų prekės ženklą ir atstovybę",
                            "客户认可我们的品牌和经销商",
                        ),
                    ),
                    q(
                        3,
                        names(
                            "Our offer has been submitted",
                            "La nostra offerta è stata presentata",
                            "Nasza oferta została złożona",
                            "Mūsų pasiūlymas pateiktas",
                            "我们已提交报价",
                        ),
                    ),
                ],
            ),
            open(
                4,
                names("Negotiation", "Trattativa", "Negocjacje", "Derybos", "商务谈判"),
                75,
                Manager,
                30,
                vec![
                    q(
                        1,
                        names(
                            "We know the customer's organisation and decision chain",
                            "Conosciamo l'organizzazione e la catena decisionale del cliente",
                            "Znamy strukturę i ścieżkę decyzyjną klienta",
                            "Žinome kliento struktūrą ir sprendimų grandinę",
                            "已摸清客户组织结构及决策链",
                        ),
                    ),
                    q(
                        2,
                        names(
                            "Someone inside the customer keeps us informed",
                            "Qualcuno presso il cliente ci tiene informati",
                            "Ktoś u klienta przekazuje nam informacje",
                            "Kažkas kliento viduje mus informuoja",
                            "客户内部有人为我们提供信息",
                        ),
                    ),
                    q(
                        3,
                        names(
                            "We know the purchase process and its key points",
                            "Conosciamo il processo d'acquisto e i suoi punti chiave",
                            "Znamy proces zakupowy i jego kluczowe punkty",
                            "Žinome pirkimo procesą ir jo svarbiausius žingsnius",
                            "我们已了解客户的采购流程和关键点",
                        ),
                    ),
                    q(
                        4,
                        names(
                            "We know where the competitors stand",
                            "Sappiamo a che punto sono i concorrenti",
                            "Wiemy, jak stoją konkurenci",
                            "Žinome, kur yra konkurentai",
                            "已清楚竞争对手的情况",
                        ),
                    ),
                    q(
                        5,
                        names(
                            "The key decision makers accept our terms",
                            "I decisori chiave accettano le nostre condizioni",
                            "Kluczowi decydenci akceptują nasze warunki",
                            "Pagrindiniai sprendimų priėmėjai sutinka su mūsų sąlygomis",
                            "决策链里的关键人认可我们的合作模式",
                        ),
                    ),
                ],
            ),
            open(
                5,
                names("Near win", "Quasi vinta", "Bliska wygranej", "Beveik laimėta", "接近赢单"),
                90,
                Manager,
                21,
                vec![q(
                    1,
                    names(
                        "The contract is ready to sign",
                        "Il contratto è pronto per la firma",
                        "Umowa jest gotowa do podpisu",
                        "Sutartis paruošta pasirašyti",
                        "合同已准备好签署",
                    ),
                )],
            ),
            closed(6, StageKind::Won, names("Won", "Vinta", "Wygrana", "Laimėta", "赢单"), 100),
            closed(7, StageKind::Lost, names("Lost", "Persa", "Przegrana", "Pralaimėta", "丢单"), 0),
            closed(8, StageKind::Postponed, names("Postponed", "Rinviata", "Odroczona", "Atidėta", "推迟"), 0),
        ];
        StageSettings { version: 0, stages }
    }

    pub fn stage(&self, id: i64) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn of_kind(&self, kind: StageKind) -> &Stage {
        self.stages.iter().find(|s| s.kind == kind).expect("a validated process has every closed stage")
    }

    /// The open stages in funnel order, then won: the steps a deal climbs.
    pub fn ladder(&self) -> impl Iterator<Item = &Stage> {
        self.stages
            .iter()
            .filter(|s| s.kind == StageKind::Open)
            .chain(self.stages.iter().filter(|s| s.kind == StageKind::Won))
    }

    /// A stage's place on the ladder (`None` for lost and postponed).
    pub fn position(&self, id: i64) -> Option<usize> {
        self.ladder().position(|s| s.id == id)
    }

    /// The first open stage a new deal may enter.
    pub fn first_open(&self) -> &Stage {
        self.stages
            .iter()
            .find(|s| s.kind == StageKind::Open && !s.retired)
            .expect("a validated process has an open stage")
    }

    /// Checks a process the manager saves against the one it replaces: every stage kept
    /// (retired rather than deleted), exactly one won, lost and postponed stage, at least one
    /// open stage in use. New stages and questions get their ids here; closed stages go to the
    /// end in a fixed order and get their fixed probabilities.
    pub fn validated(mut self, previous: &StageSettings) -> Result<StageSettings> {
        let mut errors = Vec::new();
        let mut next_id = previous.stages.iter().chain(&self.stages).map(|s| s.id).max().unwrap_or(0) + 1;
        for (i, s) in self.stages.iter_mut().enumerate() {
            let field = |name: &str| format!("stages.{i}.{name}");
            clean_names(&mut s.names);
            if s.names.values().all(|n| n.is_empty()) {
                errors.push(FieldError::new(field("name"), "validation.stage_name_required"));
            }
            if s.names.values().any(|n| n.chars().count() > 100) {
                errors.push(FieldError::new(field("name"), "validation.too_long"));
            }
            match s.kind {
                StageKind::Open if !(0..=100).contains(&s.probability) => {
                    errors.push(FieldError::new(field("probability"), "validation.probability"))
                }
                StageKind::Open => {}
                StageKind::Won => s.probability = 100,
                StageKind::Lost | StageKind::Postponed => s.probability = 0,
            }
            if s.kind.is_closed() {
                s.retired = false;
                s.checklist.clear();
                s.stall_days = 0;
            }
            if !(0..=3650).contains(&s.stall_days) {
                errors.push(FieldError::new(field("stall_days"), "validation.stall_days"));
            }
            for q in &mut s.checklist {
                clean_names(&mut q.text);
            }
            s.checklist.retain(|q| q.text.values().any(|t| !t.is_empty()));
            if s.checklist.iter().any(|q| q.text.values().any(|t| t.chars().count() > 300)) {
                errors.push(FieldError::new(field("checklist"), "validation.too_long"));
            }
            let mut next_q = s.checklist.iter().map(|q| q.id).max().unwrap_or(0).max(0) + 1;
            if let Some(old) = previous.stage(s.id) {
                next_q = next_q.max(old.checklist.iter().map(|q| q.id).max().unwrap_or(0) + 1);
                if old.kind != s.kind {
                    errors.push(FieldError::new(field("kind"), "validation.kind_fixed"));
                }
            }
            for q in s.checklist.iter_mut().filter(|q| q.id <= 0) {
                q.id = next_q;
                next_q += 1;
            }
            if s.id <= 0 {
                if s.kind.is_closed() {
                    errors.push(FieldError::new(field("kind"), "validation.kind_fixed"));
                }
                s.id = next_id;
                next_id += 1;
            }
        }
        let mut seen = std::collections::HashSet::new();
        if !self.stages.iter().all(|s| seen.insert(s.id)) {
            errors.push(FieldError::new("stages", "validation.stage_kept"));
        }
        if previous.stages.iter().any(|old| self.stage(old.id).is_none()) {
            errors.push(FieldError::new("stages", "validation.stage_kept"));
        }
        for kind in [StageKind::Won, StageKind::Lost, StageKind::Postponed] {
            if self.stages.iter().filter(|s| s.kind == kind).count() != 1 {
                errors.push(FieldError::new("stages", "validation.stage_kept"));
            }
        }
        if !self.stages.iter().any(|s| s.kind == StageKind::Open && !s.retired) {
            errors.push(FieldError::new("stages", "validation.open_stage_required"));
        }
        if !errors.is_empty() {
            errors.dedup();
            return Err(Error::Validation(errors));
        }
        let rank = |k: StageKind| match k {
            StageKind::Open => 0,
            StageKind::Won => 1,
            StageKind::Lost => 2,
            StageKind::Postponed => 3,
        };
        self.stages.sort_by_key(|s| rank(s.kind));
        self.version = previous.version + 1;
        Ok(self)
    }
}

fn clean_names(n: &mut Names) {
    for v in n.values_mut() {
        *v = v.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    n.retain(|k, v| !v.is_empty() && k.len() <= 8);
}

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

/// The lead sources an office starts with ([`crate::customer::LEAD_SOURCES`]), named in every
/// language by the catalogue's `lead_source.*` entries.
pub fn default_sources() -> Vec<Reason> {
    crate::customer::LEAD_SOURCES
        .iter()
        .map(|code| Reason {
            code: (*code).to_string(),
            names: crate::i18n::Locale::ALL
                .iter()
                .map(|l| (l.code().to_string(), crate::i18n::tr(*l, &format!("lead_source.{code}")).to_string()))
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

/// Vehicle categories a deal asks for (the fleet uses the same words).
pub const VEHICLE_CATEGORIES: &[&str] = &["tractor", "rigid", "tipper", "van", "bus", "trailer", "other"];

/// A line of vehicles wanted: "3 tractors, T 480".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VehicleLine {
    /// One of [`VEHICLE_CATEGORIES`].
    pub category: String,
    pub count: i64,
    pub model: String,
    /// Where the line came from: `"radar"` (a fleet vehicle due for renewal) or `""` (by hand).
    pub source: String,
    /// The fleet vehicle it renews, when it came from the renewal radar.
    pub vehicle_id: Option<i64>,
}

/// A competitor in the deal and the price they offered, when known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Competitor {
    /// The brand or dealer, as typed (linked to competitor records later).
    pub name: String,
    /// Offered price in minor units of `currency`.
    pub price: Option<i64>,
    pub currency: String,
    pub note: String,
}

/// What a salesperson edits on a deal. The stage changes only by [`MoveRequest`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DealData {
    pub owner_id: Option<i64>,
    pub title: String,
    /// The deal's value in minor units of `currency`.
    pub value: i64,
    pub currency: String,
    /// `YYYY-MM-DD`.
    pub expected_close: Option<String>,
    /// The owner commits to closing it this month: in the commit forecast whatever its stage.
    pub commit: bool,
    pub vehicles: Vec<VehicleLine>,
    /// The decision makers involved: people of the deal's customer.
    pub person_ids: Vec<i64>,
    pub competitors: Vec<Competitor>,
    pub notes: String,
}

/// The largest amount a deal holds: far above any fleet, far below overflow when weighted.
pub const MAX_VALUE: i64 = 1_000_000_000_000_000;

impl DealData {
    /// A new deal for a customer wanting `vehicles` (from the card or the renewal radar): a
    /// title made of the vehicles, expected to close in three months.
    pub fn prefilled(owner_id: Option<i64>, vehicles: Vec<VehicleLine>, currency: &str, today: NaiveDate) -> DealData {
        let title = vehicles
            .iter()
            .map(|v| {
                let what = if v.model.trim().is_empty() { v.category.clone() } else { v.model.trim().to_string() };
                format!("{} × {what}", v.count.max(1))
            })
            .collect::<Vec<_>>()
            .join(", ");
        DealData {
            owner_id,
            title,
            currency: currency.to_string(),
            expected_close: Some((today + chrono::Months::new(3)).format(DATE_FORMAT).to_string()),
            vehicles,
            ..Default::default()
        }
    }

    pub fn validated(mut self) -> Result<DealData> {
        self.title = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        self.notes = self.notes.trim_end().to_string();
        self.currency = self.currency.trim().to_uppercase();
        if self.currency.is_empty() {
            self.currency = "EUR".into();
        }
        let close = self.expected_close.as_deref().map(|d| d.trim()).filter(|d| !d.is_empty());
        let parsed = close.map(|d| NaiveDate::parse_from_str(d, DATE_FORMAT));
        self.expected_close = match parsed {
            Some(Ok(day)) => Some(day.format(DATE_FORMAT).to_string()),
            Some(Err(_)) => self.expected_close.clone(),
            None => None,
        };
        for v in &mut self.vehicles {
            v.model = v.model.trim().to_string();
            v.category = v.category.trim().to_string();
        }
        self.vehicles.retain(|v| v.count != 0 || !v.model.is_empty() || !v.category.is_empty());
        for c in &mut self.competitors {
            c.name = c.name.split_whitespace().collect::<Vec<_>>().join(" ");
            c.note = c.note.trim().to_string();
            c.currency = c.currency.trim().to_uppercase();
            if c.currency.is_empty() {
                c.currency = self.currency.clone();
            }
        }
        self.competitors.retain(|c| !c.name.is_empty() || c.price.is_some());
        self.person_ids.sort_unstable();
        self.person_ids.dedup();

        let mut errors = Vec::new();
        let mut err = |field, key| errors.push(FieldError::new(field, key));
        if self.title.is_empty() {
            err("title", "validation.deal_title_required");
        }
        if self.title.chars().count() > 200 {
            err("title", "validation.too_long");
        }
        if !(0..=MAX_VALUE).contains(&self.value) {
            err("value", "validation.amount");
        }
        if !CURRENCIES.contains(&self.currency.as_str()) {
            err("currency", "validation.currency");
        }
        if matches!(parsed, Some(Err(_))) {
            err("expected_close", "validation.date");
        }
        if self.vehicles.len() > 50
            || self.vehicles.iter().any(|v| {
                !(1..=9999).contains(&v.count)
                    || !VEHICLE_CATEGORIES.contains(&v.category.as_str())
                    || v.model.chars().count() > 200
            })
        {
            err("vehicles", "validation.deal_vehicles");
        }
        if self.competitors.len() > 20
            || self.competitors.iter().any(|c| {
                c.name.is_empty()
                    || c.name.chars().count() > 200
                    || c.note.chars().count() > 500
                    || c.price.is_some_and(|p| !(0..=MAX_VALUE).contains(&p))
                    || !CURRENCIES.contains(&c.currency.as_str())
            })
        {
            err("competitors", "validation.competitors");
        }
        if self.notes.chars().count() > 20_000 {
            err("notes", "validation.too_long");
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

/// Where a deal stands beside its data: its stage, how it got there and how it closed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealState {
    pub stage_id: i64,
    /// When the deal entered its stage (RFC 3339, UTC).
    pub stage_since: String,
    /// Every open stage (and won) the deal ever entered, ascending ids: how far it got.
    pub reached: Vec<i64>,
    /// Checklist questions answered, by stage id.
    pub answers: BTreeMap<i64, Vec<i64>>,
    /// The day it was won, lost or postponed (`YYYY-MM-DD`); `None` while open.
    pub closed_on: Option<String>,
    /// A reason code from the office's lost or postponed list.
    pub close_reason: String,
    pub close_note: String,
    /// Lost to whom, at what price (minor units of `lost_currency`), when known.
    pub lost_to: String,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
    /// A postponed deal comes back on this day (`YYYY-MM-DD`): it is in the agenda.
    pub revisit_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    #[serde(flatten)]
    pub data: DealData,
    #[serde(flatten)]
    pub state: DealState,
    /// How it started: `"card"`, `"radar"`, `"lead"`.
    pub origin: String,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub updated_at: String,
    pub version: i64,
}

/// One step of a deal's stage history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMove {
    pub id: i64,
    pub deal_id: i64,
    /// `None` for the deal's creation.
    pub from_stage_id: Option<i64>,
    pub to_stage_id: i64,
    /// RFC 3339, UTC.
    pub moved_at: String,
    pub moved_by: Option<i64>,
    /// How long the deal had been in `from_stage_id`.
    pub seconds_in_from: i64,
    pub reason: String,
    pub note: String,
}

/// A move to another stage, as the move dialog sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MoveRequest {
    pub to_stage_id: i64,
    /// Checklist questions answered, by stage: replaces the deal's answers for those stages.
    pub answers: BTreeMap<i64, Vec<i64>>,
    /// Required for lost and postponed: a code from the office's list.
    pub reason: String,
    pub note: String,
    pub lost_to: String,
    pub lost_price: Option<i64>,
    pub lost_currency: String,
    /// Required when postponing: `YYYY-MM-DD`, today or later.
    pub revisit_on: Option<String>,
}

/// A deal in a list or on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSummary {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub title: String,
    pub owner_id: Option<i64>,
    pub value: i64,
    pub currency: String,
    /// `value` × the stage's probability, rounded to a minor unit.
    pub weighted: i64,
    pub expected_close: Option<String>,
    pub commit: bool,
    pub stage_id: i64,
    pub stage_since: String,
    pub closed_on: Option<String>,
    pub revisit_on: Option<String>,
    /// Whole days in the current stage, as of the day asked.
    pub days_in_stage: i64,
    /// Longer in its stage than the stage allows.
    pub over_stage_days: bool,
    /// Open with its expected close date gone by.
    pub past_close: bool,
    pub version: i64,
}

impl DealSummary {
    pub fn stalled(&self) -> bool {
        self.over_stage_days || self.past_close
    }
}

/// `value × probability / 100`, rounded half up, without overflow.
pub fn weighted(value: i64, probability: i64) -> i64 {
    ((i128::from(value) * i128::from(probability) + 50) / 100) as i64
}

/// Which deals a list shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DealQuery {
    pub owner_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub stage_id: Option<i64>,
    /// `"open"` (the default), `"closed"` or `"all"`.
    pub status: String,
    /// Expected close month, `YYYY-MM`.
    pub close_month: Option<String>,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub currency: Option<String>,
    /// Only stalled deals (open, over their stage's days or past their close date).
    pub stalled: bool,
    /// The funnel's period (see [`crate::funnel::FunnelQuery`]): open deals closing in it,
    /// closed deals closed in it.
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: u32,
}

/// A postponed deal to come back to, for the agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revisit {
    pub deal_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub title: String,
    pub owner_id: Option<i64>,
    pub revisit_on: String,
    pub close_reason: String,
}

/// A prospect from a lead source, to be qualified into a deal or disqualified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadData {
    /// A code of the office's lead sources ([`ReasonSettings::sources`]).
    pub source: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
    pub owner_id: Option<i64>,
    pub note: String,
}

impl LeadData {
    /// Checks a new lead; its source must be one of the office's sources in use.
    pub fn validated(mut self, reasons: &ReasonSettings) -> Result<LeadData> {
        self.note = self.note.trim().to_string();
        self.source = self.source.trim().to_string();
        let mut errors = Vec::new();
        if !reasons.allows_source(&self.source, "") || self.source.is_empty() {
            errors.push(FieldError::new("source", "validation.lead_source"));
        }
        match NaiveDate::parse_from_str(self.received_on.trim(), DATE_FORMAT) {
            Ok(d) => self.received_on = d.format(DATE_FORMAT).to_string(),
            Err(_) => errors.push(FieldError::new("received_on", "validation.date")),
        }
        if self.note.chars().count() > 2000 {
            errors.push(FieldError::new("note", "validation.too_long"));
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Error::Validation(errors))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadStatus {
    Open,
    Qualified,
    Disqualified,
}

impl LeadStatus {
    pub fn code(self) -> &'static str {
        match self {
            LeadStatus::Open => "open",
            LeadStatus::Qualified => "qualified",
            LeadStatus::Disqualified => "disqualified",
        }
    }

    pub fn parse(s: &str) -> LeadStatus {
        match s {
            "qualified" => LeadStatus::Qualified,
            "disqualified" => LeadStatus::Disqualified,
            _ => LeadStatus::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lead {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    #[serde(flatten)]
    pub data: LeadData,
    pub status: LeadStatus,
    /// Why it was disqualified: a code of the office's list.
    pub reason: String,
    /// The deal it was qualified into.
    pub deal_id: Option<i64>,
    pub decided_on: Option<String>,
    pub created_at: String,
    pub created_by: Option<i64>,
    pub version: i64,
}

/// A lead as an import (or the demo) brings it, already decided or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadRecord {
    pub customer_id: i64,
    pub data: LeadData,
    pub status: LeadStatus,
    pub reason: String,
    pub deal_id: Option<i64>,
    pub decided_on: Option<String>,
    pub by: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_process_is_valid_and_ordered() {
        let p = StageSettings::default_process();
        let saved = p.clone().validated(&StageSettings { version: 0, stages: Vec::new() }).unwrap();
        assert_eq!(saved.version, 1);
        let probs: Vec<i64> = saved.ladder().map(|s| s.probability).collect();
        assert_eq!(probs, [10, 25, 50, 75, 90, 100]);
        assert_eq!(saved.position(6), Some(5));
        assert_eq!(saved.position(7), None);
        for s in &saved.stages {
            for l in ["en", "it", "pl", "lt", "zh"] {
                assert!(!name_in(&s.names, l).is_empty());
                assert!(s.checklist.iter().all(|q| q.text.contains_key(l)), "{l} question of {}", s.id);
            }
        }
        assert!(ReasonSettings::default_lists().validated(&ReasonSettings::default_lists()).is_ok());
    }

    #[test]
    fn a_stage_is_retired_never_deleted_and_new_ones_get_ids() {
        let old = StageSettings::default_process();
        let mut p = old.clone();
        p.stages.remove(1);
        assert!(p.validated(&old).is_err(), "a stage cannot disappear");
        let mut p = old.clone();
        p.stages[1].retired = true;
        let mut extra = p.stages[0].clone();
        extra.id = 0;
        extra.names = [("en".to_string(), "  Installation ".to_string())].into();
        extra.checklist = vec![Question { id: 0, text: [("en".into(), "Body built".into())].into() }];
        p.stages.insert(5, extra);
        let saved = p.validated(&old).unwrap();
        let new = saved.stages.iter().find(|s| name_in(&s.names, "it") == "Installation").unwrap();
        assert_eq!((new.id, new.checklist[0].id), (9, 1));
        assert_eq!(saved.stages.last().unwrap().kind, StageKind::Postponed);
    }

    #[test]
    fn deals_need_a_title_a_known_currency_and_sane_vehicles() {
        let d = DealData { title: " 3 ×  T 480 ".into(), value: 30_000_000, ..Default::default() }.validated().unwrap();
        assert_eq!((d.title.as_str(), d.currency.as_str()), ("3 × T 480", "EUR"));
        let bad = DealData {
            value: -1,
            currency: "XYZ".into(),
            expected_close: Some("31/12/2026".into()),
            vehicles: vec![VehicleLine { category: "rocket".into(), count: 1, ..Default::default() }],
            ..Default::default()
        };
        let Err(Error::Validation(e)) = bad.validated() else { panic!() };
        let fields: Vec<_> = e.iter().map(|f| f.field.as_ref()).collect();
        assert_eq!(fields, ["title", "value", "currency", "expected_close", "vehicles"]);
        let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let v = VehicleLine { category: "tractor".into(), count: 2, model: "T 480".into(), ..Default::default() };
        let p = DealData::prefilled(Some(3), vec![v], "PLN", day);
        assert_eq!((p.title.as_str(), p.expected_close.as_deref()), ("2 × T 480", Some("2027-02-23")));
    }

    #[test]
    fn weighting_rounds_half_up_in_integers() {
        assert_eq!(weighted(1_000_001, 25), 250_000);
        assert_eq!(weighted(2, 25), 1);
        assert_eq!(weighted(MAX_VALUE, 90), 900_000_000_000_000);
    }
}
