//! The demo office and the people at its customers: names, e-mail addresses and phones per country.

use super::*;

/// The demo office, made when the store has no users yet: (name, initials, role).
pub(super) const OFFICE: &[(&str, &str, UserRole)] = &[
    ("Francesca Moretti", "FM", UserRole::Manager),
    ("Łukasz Wiśniewski", "ŁW", UserRole::Salesperson),
    ("Giulia Romano", "GR", UserRole::Salesperson),
    ("Rūta Jankauskienė", "RJ", UserRole::Salesperson),
    ("陈静", "CJ", UserRole::Salesperson),
    ("Marco Bianchi", "MB", UserRole::Salesperson),
    ("Žygimantas Petrauskas", "ŽP", UserRole::Salesperson),
    ("Agnieszka Dąbrowska", "AD", UserRole::Assistant),
    ("李娜", "LN", UserRole::Assistant),
    ("Alberto Conti", "AC", UserRole::Director),
];

/// The dealership's trucks and vans, and what customers trade in.
pub(super) const TRUCKS: &[&str] = &["TGX 18.510", "TGX 18.470", "TGX 18.640", "TGS 18.440", "TGS 18.510"];
pub(super) const RIGIDS: &[&str] = &["TGS 26.440", "TGS 33.430", "TGM 18.320", "TGL 12.250"];
pub(super) const VANS: &[&str] = &["TGE 3.180", "TGE 3.140", "TGE 5.180", "eTGE"];
pub(super) const TRADE_INS: &[&str] =
    &["Scania R 450", "DAF XF 480", "Volvo FH 460", "Iveco S-Way 490", "Mercedes-Benz Actros 1845", "Renault T 480"];

/// What a person does at a customer, in [`Lang::posts`] order, with its decision role.
pub(super) const POST_ROLES: [&str; 8] = [
    "decision_maker",           // owner
    "decision_maker",           // managing director
    "technical_decision_maker", // fleet manager
    "other",                    // purchasing
    "technical_decision_maker", // workshop chief
    "assistant",                // secretary
    "other",                    // accountant
    "user",                     // dispatcher
];
pub(super) const OWNER: usize = 0;
pub(super) const DIRECTOR: usize = 1;
pub(super) const SECRETARY: usize = 5;
pub(super) const DISPATCHER: usize = 7;

/// The words of one country: people's names and jobs, and what salespeople write down.
/// Templates may use {truck} (tractor unit), {rigid} (rigid truck), {van}, {old} (a trade-in),
/// {n}, {months}, {pct}, {km} (thousands), {weeks}.
pub(super) struct Lang {
    pub(super) male: &'static [&'static str],
    pub(super) female: &'static [&'static str],
    /// (male, female) academic or professional titles.
    pub(super) titles: &'static [(&'static str, &'static str)],
    /// (male, female) for each post, in [`POST_ROLES`] order.
    pub(super) posts: [(&'static str, &'static str); 8],
    pub(super) agreed: &'static [&'static str],
    /// (kind, text) of next actions.
    pub(super) next: &'static [(&'static str, &'static str)],
    pub(super) docs_sent: &'static [&'static str],
    pub(super) docs_received: &'static [&'static str],
    /// Materials sent regularly: (name, every so many days).
    pub(super) materials: &'static [(&'static str, i64)],
}

pub(super) const IT: Lang = Lang {
    male: &[
        "Marco",
        "Giuseppe",
        "Luca",
        "Alessandro",
        "Andrea",
        "Francesco",
        "Matteo",
        "Davide",
        "Stefano",
        "Paolo",
        "Nicolò",
        "Gianluca",
    ],
    female: &["Giulia", "Francesca", "Chiara", "Sara", "Elena", "Valentina", "Federica", "Alessia", "Martina", "Lucia"],
    titles: &[("Dott.", "Dott.ssa"), ("Ing.", "Ing."), ("Rag.", "Rag."), ("Geom.", "Geom.")],
    posts: [
        ("Titolare", "Titolare"),
        ("Amministratore delegato", "Amministratrice delegata"),
        ("Responsabile flotta", "Responsabile flotta"),
        ("Responsabile acquisti", "Responsabile acquisti"),
        ("Capo officina", "Capo officina"),
        ("Segretario", "Segretaria"),
        ("Responsabile amministrativo", "Responsabile amministrativa"),
        ("Responsabile traffico", "Responsabile traffico"),
    ],
    agreed: &[
        "Presentata l'offerta per {n} trattori {truck}; il cliente valuta il leasing a {months} mesi.",
        "Il titolare chiede una permuta per il suo {old}: valutazione entro la settimana.",
        "Prova su strada del {truck} con semirimorchio carico: consumi piaciuti, dubbi sul prezzo.",
        "Discusso il contratto di manutenzione full service per {n} veicoli, {km}.000 km l'anno.",
        "Interessati a {n} furgoni {van} per la distribuzione urbana; chiedono i tempi di consegna.",
        "Il cliente ha un'offerta concorrente più bassa del {pct}%: rivedere lo sconto.",
        "Finanziamento approvato dalla banca; in attesa della firma del contratto.",
        "Consegnato il {truck}: spiegati all'autista i sistemi di assistenza alla guida.",
        "Lamentela per i tempi di attesa in officina; promesso un veicolo sostitutivo.",
        "Rinnovo della flotta rinviato al prossimo anno per il calo dei noli.",
        "Richiesto un preventivo per l'allestimento frigorifero su {van}.",
        "Visita al deposito: diversi mezzi oltre i 900.000 km, buona occasione per la sostituzione.",
        "Confermato l'ordine di {n} {truck}; consegna prevista tra {weeks} settimane.",
        "Chiesti i documenti per il noleggio a lungo termine di {months} mesi.",
        "Chiesto un preventivo per {n} motrici {rigid} con cassone ribaltabile per i cantieri.",
        "Il cliente preferisce il {truck} al {old} per il comfort in cabina; decide il titolare.",
        "Offerta per il contratto di riparazione e manutenzione sul {old} appena acquistato usato.",
    ],
    next: &[
        ("phone", "Richiamare per l'esito dell'offerta"),
        ("phone", "Telefonare al titolare per la decisione sul leasing"),
        ("phone", "Sentire il capo officina dopo la prova del {truck}"),
        ("visit", "Visita in sede con l'offerta definitiva"),
        ("visit", "Portare in prova il {truck}"),
        ("visit", "Valutare in sede il {old} in permuta"),
        ("email", "Inviare l'offerta aggiornata per {n} {truck}"),
        ("email", "Mandare la proposta di contratto di manutenzione"),
        ("email", "Inviare il preventivo di leasing a {months} mesi"),
    ],
    docs_sent: &[
        "Offerta commerciale",
        "Scheda tecnica",
        "Preventivo leasing",
        "Contratto di manutenzione",
        "Listino allestimenti",
        "Brochure TGE",
    ],
    docs_received: &[
        "Visura camerale",
        "Bilancio d'esercizio",
        "Libretto di circolazione (permuta)",
        "Richiesta di finanziamento firmata",
        "Ordine firmato",
    ],
    materials: &[("Listino prezzi", 90), ("Newsletter Parc Veicoli", 30), ("Calendario corsi autisti", 180)],
};

pub(super) const PL: Lang = Lang {
    male: &[
        "Piotr",
        "Krzysztof",
        "Andrzej",
        "Tomasz",
        "Paweł",
        "Michał",
        "Marcin",
        "Łukasz",
        "Grzegorz",
        "Jarosław",
        "Wojciech",
    ],
    female: &[
        "Anna",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Joanna",
        "Ewa",
        "Magdalena",
        "Dorota",
        "Beata",
        "Żaneta",
    ],
    titles: &[("mgr", "mgr"), ("inż.", "inż."), ("mgr inż.", "mgr inż."), ("dr", "dr")],
    posts: [
        ("Właściciel", "Właścicielka"),
        ("Prezes zarządu", "Prezes zarządu"),
        ("Kierownik floty", "Kierownik floty"),
        ("Specjalista ds. zakupów", "Specjalistka ds. zakupów"),
        ("Kierownik warsztatu", "Kierownik warsztatu"),
        ("Sekretarz", "Sekretarka"),
        ("Główny księgowy", "Główna księgowa"),
        ("Dyspozytor", "Dyspozytorka"),
    ],
    agreed: &[
        "Przedstawiono ofertę na ciągniki siodłowe {truck}, {n} szt.; klient rozważa leasing na {months} miesięcy.",
        "Właściciel chce oddać w rozliczeniu pojazd {old}; wycena do końca tygodnia.",
        "Jazda próbna {truck} z naczepą: spalanie na plus, cena za wysoka.",
        "Omówiono kontrakt serwisowy full service na {n} szt. pojazdów, {km} 000 km rocznie.",
        "Zainteresowani furgonami {van} ({n} szt.) do dystrybucji miejskiej; pytają o termin dostawy.",
        "Konkurencja dała ofertę niższą o {pct}%; trzeba zrewidować rabat.",
        "Bank zatwierdził finansowanie; czekamy na podpisanie umowy.",
        "Wydano {truck}; kierowca przeszkolony z systemów wspomagania jazdy.",
        "Skarga na czas oczekiwania w serwisie; obiecano auto zastępcze.",
        "Wymiana floty przesunięta na przyszły rok z powodu spadku stawek frachtowych.",
        "Zapytanie o zabudowę chłodniczą na {van}.",
        "Wizyta w bazie: kilka pojazdów z przebiegiem ponad 900 000 km, dobra okazja do wymiany.",
        "Potwierdzono zamówienie: {truck}, {n} szt.; dostawa za {weeks} tygodni.",
        "Poproszono o dokumenty do wniosku o wynajem długoterminowy na {months} miesięcy.",
        "Zapytanie o podwozia {rigid} z wywrotką na budowy, {n} szt.",
        "Klient woli {truck} ze względu na kabinę, model {old} przegrywa; decyzja należy do właściciela.",
        "Oferta na kontrakt naprawczy dla używanego pojazdu {old}, kupionego w zeszłym miesiącu.",
    ],
    next: &[
        ("phone", "Zadzwonić w sprawie decyzji o ofercie"),
        ("phone", "Zapytać właściciela o decyzję leasingową"),
        ("phone", "Umówić jazdę próbną {truck}"),
        ("visit", "Wizyta z ostateczną ofertą"),
        ("visit", "Przyprowadzić {truck} na jazdę próbną"),
        ("visit", "Wycenić na miejscu pojazd {old} w rozliczeniu"),
        ("email", "Wysłać zaktualizowaną ofertę na {truck}, {n} szt."),
        ("email", "Wysłać projekt umowy serwisowej"),
        ("email", "Wysłać kalkulację leasingu na {months} miesięcy"),
    ],
    docs_sent: &[
        "Oferta handlowa",
        "Karta techniczna",
        "Kalkulacja leasingu",
        "Umowa serwisowa",
        "Cennik zabudów",
        "Broszura TGE",
    ],
    docs_received: &[
        "Odpis z KRS",
        "Sprawozdanie finansowe",
        "Dowód rejestracyjny (pojazd w rozliczeniu)",
        "Podpisany wniosek leasingowy",
        "Podpisane zamówienie",
    ],
    materials: &[("Cennik", 90), ("Newsletter", 30), ("Harmonogram szkoleń kierowców", 180)],
};

pub(super) const LT: Lang = Lang {
    male: &[
        "Jonas",
        "Tomas",
        "Mantas",
        "Andrius",
        "Darius",
        "Vytautas",
        "Žygimantas",
        "Giedrius",
        "Rimantas",
        "Linas",
        "Saulius",
        "Mindaugas",
    ],
    female: &["Rūta", "Jurgita", "Aušra", "Eglė", "Inga", "Lina", "Giedrė", "Vaida", "Kristina", "Rasa"],
    titles: &[("dr.", "dr.")],
    posts: [
        ("Savininkas", "Savininkė"),
        ("Direktorius", "Direktorė"),
        ("Transporto vadovas", "Transporto vadovė"),
        ("Pirkimų vadybininkas", "Pirkimų vadybininkė"),
        ("Dirbtuvių vadovas", "Dirbtuvių vadovė"),
        ("Sekretorius", "Sekretorė"),
        ("Vyriausiasis buhalteris", "Vyriausioji buhalterė"),
        ("Ekspeditorius", "Ekspeditorė"),
    ],
    agreed: &[
        "Pateiktas pasiūlymas vilkikams {truck}, {n} vnt.; klientas svarsto lizingą {months} mėn.",
        "Savininkas nori atiduoti savo {old} kaip dalį mokėjimo; įvertinimas iki savaitės pabaigos.",
        "Bandomasis važiavimas {truck} su puspriekabe: degalų sąnaudos patiko, kaina per didelė.",
        "Aptarta pilno serviso sutartis {n} vnt. transporto priemonių, {km} 000 km per metus.",
        "Domisi furgonais {van} ({n} vnt.) miesto paskirstymui; klausia apie pristatymo terminus.",
        "Konkurentų pasiūlymas {pct}% pigesnis; reikia peržiūrėti nuolaidą.",
        "Bankas patvirtino finansavimą; laukiame sutarties pasirašymo.",
        "Perduotas {truck}; vairuotojas apmokytas naudotis pagalbinėmis sistemomis.",
        "Skundas dėl laukimo servise; pažadėtas pakaitinis automobilis.",
        "Parko atnaujinimas atidėtas kitiems metams dėl mažesnių krovinių tarifų.",
        "Užklausa dėl šaldytuvo įrengimo ant {van}.",
        "Apsilankymas bazėje: keli vilkikai su daugiau nei 900 000 km rida, gera proga keisti.",
        "Patvirtintas užsakymas: {truck}, {n} vnt.; pristatymas po {weeks} sav.",
        "Paprašyta dokumentų ilgalaikei nuomai {months} mėn.",
        "Užklausa dėl {rigid} važiuoklių su savivarčiu kėbulu statyboms, {n} vnt.",
        "Klientui labiau patinka {truck} kabina nei {old}; sprendžia savininkas.",
        "Pasiūlyta remonto sutartis naudotam {old}, įsigytam praėjusį mėnesį.",
    ],
    next: &[
        ("phone", "Paskambinti dėl sprendimo pagal pasiūlymą"),
        ("phone", "Pasiteirauti savininko dėl lizingo sprendimo"),
        ("phone", "Suderinti {truck} bandomąjį važiavimą"),
        ("visit", "Vizitas su galutiniu pasiūlymu"),
        ("visit", "Atvežti {truck} bandomajam važiavimui"),
        ("visit", "Vietoje įvertinti keičiamą {old}"),
        ("email", "Išsiųsti atnaujintą pasiūlymą: {truck}, {n} vnt."),
        ("email", "Išsiųsti serviso sutarties projektą"),
        ("email", "Išsiųsti lizingo skaičiavimą {months} mėn."),
    ],
    docs_sent: &[
        "Komercinis pasiūlymas",
        "Techninė specifikacija",
        "Lizingo skaičiavimas",
        "Serviso sutartis",
        "Antstatų kainoraštis",
        "TGE brošiūra",
    ],
    docs_received: &[
        "Registrų centro išrašas",
        "Finansinės ataskaitos",
        "Registracijos liudijimas (keičiamas automobilis)",
        "Pasirašyta lizingo paraiška",
        "Pasirašytas užsakymas",
    ],
    materials: &[("Kainoraštis", 90), ("Naujienlaiškis", 30), ("Vairuotojų mokymų tvarkaraštis", 180)],
};

/// Chinese names are written in characters; the e-mail address uses their pinyin.
pub(super) const CN_SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("林", "lin"),
];
pub(super) const CN_GIVEN_MALE: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("勇", "yong"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("建国", "jianguo"),
    ("志强", "zhiqiang"),
    ("晓东", "xiaodong"),
    ("海波", "haibo"),
    ("国华", "guohua"),
];
pub(super) const CN_GIVEN_FEMALE: &[(&str, &str)] = &[
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("艳", "yan"),
    ("秀英", "xiuying"),
    ("海燕", "haiyan"),
    ("晓红", "xiaohong"),
    ("桂英", "guiying"),
    ("婷", "ting"),
    ("雪", "xue"),
];

pub(super) const CN: Lang = Lang {
    male: &[],
    female: &[],
    titles: &[],
    posts: [
        ("董事长", "董事长"),
        ("总经理", "总经理"),
        ("车队经理", "车队经理"),
        ("采购经理", "采购经理"),
        ("维修车间主任", "维修车间主任"),
        ("行政秘书", "行政秘书"),
        ("财务经理", "财务经理"),
        ("调度主管", "调度主管"),
    ],
    agreed: &[
        "向客户介绍了{n}台{truck}牵引车的报价，客户考虑{months}个月融资租赁。",
        "老板希望用旧车{old}置换，本周内给出评估价。",
        "{truck}牵引车满载试驾：油耗满意，价格偏高。",
        "讨论了{n}台车辆的全包维修保养合同，每年行驶{km}000公里。",
        "客户对{n}台{van}厢式车用于城市配送感兴趣，询问交货期。",
        "竞争对手报价低{pct}%，需要重新考虑折扣。",
        "银行已批准融资，等待签订合同。",
        "{truck}已交车，向司机讲解了驾驶辅助系统。",
        "客户投诉维修等待时间过长，承诺提供替代车辆。",
        "因运价下跌，车队更新推迟到明年。",
        "询问{van}加装冷藏厢的报价。",
        "参观车场：多台车辆行驶超过90万公里，是更新车辆的好机会。",
        "确认订购{n}台{truck}，预计{weeks}周后交车。",
        "客户要求提供{months}个月长期租赁的资料。",
        "询问{n}台{rigid}自卸车用于工地的报价。",
        "客户认为{truck}驾驶室比{old}舒适，由老板最终决定。",
        "为上月购入的二手{old}提供维修合同报价。",
    ],
    next: &[
        ("phone", "电话跟进报价结果"),
        ("phone", "询问老板融资租赁的决定"),
        ("phone", "预约{truck}试驾"),
        ("visit", "带最终报价上门拜访"),
        ("visit", "把{truck}开到客户处试驾"),
        ("visit", "上门评估置换车{old}"),
        ("email", "发送{n}台{truck}的更新报价"),
        ("email", "发送维修保养合同草案"),
        ("email", "发送{months}个月融资租赁方案"),
    ],
    docs_sent: &["商务报价单", "技术参数表", "融资租赁方案", "维修保养合同", "上装价格表", "TGE宣传册"],
    docs_received: &["营业执照复印件", "财务报表", "置换车辆行驶证", "已签融资申请", "已签订单"],
    materials: &[("价格表", 90), ("客户通讯", 30), ("驾驶员培训日程", 180)],
};

pub(super) fn lang(country: &str) -> &'static Lang {
    match country {
        "IT" => &IT,
        "PL" => &PL,
        "LT" => &LT,
        _ => &CN,
    }
}

/// A template with its placeholders filled in.
pub(super) fn fill(template: &str, rng: &mut Rng) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = template.to_string();
    for (key, value) in [
        ("{truck}", rng.pick(TRUCKS).to_string()),
        ("{rigid}", rng.pick(RIGIDS).to_string()),
        ("{van}", rng.pick(VANS).to_string()),
        ("{old}", rng.pick(TRADE_INS).to_string()),
        ("{n}", (2 + rng.below(14)).to_string()),
        ("{months}", rng.pick(&[36, 48, 60, 72]).to_string()),
        ("{pct}", (3 + rng.below(9)).to_string()),
        ("{km}", rng.pick(&[80, 100, 120, 150, 180]).to_string()),
        ("{weeks}", (6 + rng.below(11)).to_string()),
    ] {
        if out.contains(key) {
            out = out.replace(key, &value);
        }
    }
    out
}

/// The feminine form of a surname (Polish -ski/-cki, Lithuanian married -ienė).
pub(super) fn feminine_surname(country: &str, surname: &str) -> String {
    match country {
        "PL" if surname.ends_with("ki") => format!("{}a", &surname[..surname.len() - 1]),
        "LT" => ["ius", "as", "is", "ys", "us"]
            .iter()
            .find_map(|end| surname.strip_suffix(end))
            .map(|stem| format!("{stem}ienė"))
            .unwrap_or_else(|| surname.to_string()),
        _ => surname.to_string(),
    }
}

/// Letters and digits only, folded: the part of an e-mail address made from a name.
pub(super) fn mail_part(text: &str) -> String {
    crate::ground::search_key::fold(text).chars().filter(char::is_ascii_alphanumeric).collect()
}

/// A person's name and the local part of their e-mail address.
pub(super) fn person_name(country: &str, female: bool, rng: &mut Rng) -> (String, String) {
    if country == "CN" {
        let (surname, s_pinyin) = rng.pick(CN_SURNAMES);
        let (given, g_pinyin) = rng.pick(if female { CN_GIVEN_FEMALE } else { CN_GIVEN_MALE });
        return (format!("{surname}{given}"), format!("{g_pinyin}.{s_pinyin}"));
    }
    let l = lang(country);
    let first = rng.pick(if female { l.female } else { l.male });
    let surname = rng.pick(match country {
        "IT" => IT_SURNAMES,
        "PL" => PL_SURNAMES,
        _ => LT_SURNAMES,
    });
    let surname = if female { feminine_surname(country, surname) } else { surname.to_string() };
    let local = format!("{}.{}", mail_part(first).chars().next().unwrap_or('x'), mail_part(&surname));
    (format!("{first} {surname}"), local)
}

pub(super) fn mobile_number(country: &str, rng: &mut Rng) -> String {
    match country {
        "IT" => format!("+39 3{} {}", rng.digits(2), rng.digits(7)),
        "PL" => format!("+48 5{} {} {}", rng.digits(2), rng.digits(3), rng.digits(3)),
        "LT" => format!("+370 6{} {}", rng.digits(2), rng.digits(5)),
        _ => format!("+86 13{} {} {}", rng.digits(1), rng.digits(4), rng.digits(4)),
    }
}

/// The people of customer `c` (number `i`): 2–4, one main contact, some who left.
pub(super) fn people(i: usize, c: &CustomerData, rng: &mut Rng) -> Vec<PersonData> {
    let city = &CITIES[i % CITIES.len()];
    let l = lang(&c.country);
    let domain = c.email.split_once('@').map(|(_, d)| d).unwrap_or("example.com");
    let count = 2 + rng.below(3) as usize;
    let mut posts = vec![if rng.below(3) == 0 { DIRECTOR } else { OWNER }];
    while posts.len() < count {
        let post = 2 + rng.below(6) as usize;
        if !posts.contains(&post) {
            posts.push(post);
        }
    }
    let main = if rng.below(2) == 0 { 0 } else { 1 };
    let mut out: Vec<PersonData> = Vec::with_capacity(count);
    for (k, &post) in posts.iter().enumerate() {
        let female = rng.below(100) < if post == SECRETARY { 85 } else { 25 };
        // Names are unique within a customer: the timeline tells people apart by name.
        let (mut name, mut local) = person_name(&c.country, female, rng);
        for _ in 0..20 {
            if !out.iter().any(|p| p.name == name) {
                break;
            }
            (name, local) = person_name(&c.country, female, rng);
        }
        let (male_post, female_post) = l.posts[post];
        // Titles go with the owner's, managers' and experts' jobs; Lithuanians rarely use them.
        let titled = post != SECRETARY && post != DISPATCHER && rng.below(if c.country == "LT" { 12 } else { 4 }) == 0;
        let title = match l.titles {
            [] => "",
            titles if titled => {
                let (m, f) = rng.pick(titles);
                if female {
                    f
                } else {
                    m
                }
            }
            _ => "",
        };
        let decision_role = match POST_ROLES[post] {
            "assistant" if rng.below(3) == 0 => "receptionist",
            role => role,
        };
        let phone = match rng.below(3) {
            0 => String::new(),
            1 => c.phone.clone(),
            _ => match c.country.as_str() {
                "IT" => format!("+39 {} {}", city.area_code, rng.digits(7)),
                "PL" => format!("+48 {} {} {} {}", city.area_code, rng.digits(3), rng.digits(2), rng.digits(2)),
                "LT" => format!("+370 {} {}", city.area_code, rng.digits(8 - city.area_code.len())),
                _ => format!("+86 {} {} {}", city.area_code, rng.digits(4), rng.digits(4)),
            },
        };
        let mobile = if rng.below(100) < 85 { mobile_number(&c.country, rng) } else { String::new() };
        let email = if rng.below(100) < 80 { format!("{local}@{domain}") } else { String::new() };
        // About one person in twenty has left the company; never the main contact.
        let active = k == main || rng.below(1000) >= 75;
        out.push(PersonData {
            name,
            position: if female { female_post } else { male_post }.to_string(),
            title: title.to_string(),
            decision_role: decision_role.to_string(),
            phone,
            mobile,
            email,
            is_main: k == main,
            active,
            ..Default::default()
        });
    }
    out
}
