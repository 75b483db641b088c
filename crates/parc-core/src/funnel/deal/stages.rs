//! The office's sales process: its stages (probability, checklist, responsible role, days to stall), written in every UI language.

use serde::{Deserialize, Serialize};

use crate::ground::error::{Error, FieldError, Result};
use crate::office::UserRole;

use crate::ground::i18n::{clean_names, names, Names};

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
