//! Writes a large, realistic, deterministic site for benchmarks:
//!
//! ```sh
//! cargo run --release --example gen_site -- --pilots 1000 --out /tmp/site-1000 [--seed 1]
//! ```
//!
//! The folder gets `namrong.toml` and `content/` (issues, N pilots with Thai and English
//! narratives, three dated updates per language each, indicators, and an about page). The same
//! N and seed always give byte-identical files, and `namrong build --root DIR` builds the result
//! without errors or warnings. Pilot `i` depends only on the seed and `i` (apart from which other
//! pilots it links to), so small and large corpora share their first pilots.
//!
//! Thai text is drawn from `bench/data/thai_sentences.txt` (clauses from public news items about
//! area-based pilots), English text from `bench/data/english_sentences.txt`.

#[path = "support/scene.rs"]
mod scene;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

const PROVINCES_TSV: &str = include_str!("../src/model/provinces.tsv");
const THAI_SENTENCES: &str = include_str!("../bench/data/thai_sentences.txt");
const ENGLISH_SENTENCES: &str = include_str!("../bench/data/english_sentences.txt");

/// Updates must not be dated in the future: all generated dates stay before this day.
const LAST_DATE: (i32, u32, u32) = (2025, 12, 31);

const USAGE: &str = "usage: gen_site --pilots N --out DIR [--seed S] [--photos-every K]\n\
  Writes DIR/namrong.toml and DIR/content/ (DIR/content must not exist yet).\n\
  Every K-th pilot (default 10; 0 for none) gets a 12-megapixel phone photo (4032×3024 JPEG).";

// ---------------------------------------------------------------------------------------------
// Fixed vocabularies

/// Issue key, Thai name, English name, Thai description, English description.
const ISSUES: [(&str, &str, &str, &str, &str); 12] = [
    (
        "haze-wildfire",
        "หมอกควันและไฟป่า",
        "Haze and wildfire",
        "การลดปัญหาหมอกควันและไฟป่า ควบคู่กับอาชีพที่ไม่ต้องพึ่งการเผา",
        "Reducing smoke haze and forest fires, alongside livelihoods that do not depend on burning.",
    ),
    (
        "aging-society",
        "สังคมสูงวัย",
        "Aging society",
        "การเตรียมความพร้อมของจังหวัดและชุมชนเพื่อรองรับสังคมสูงวัย",
        "Preparing provinces and communities for an aging society.",
    ),
    (
        "creative-industry",
        "อุตสาหกรรมสร้างสรรค์",
        "Creative industry",
        "การปรับตัวของอุตสาหกรรมในพื้นที่สู่ยุคอุตสาหกรรมสร้างสรรค์",
        "Helping local industries adapt to a creative-industry era.",
    ),
    (
        "inequality",
        "การลดความเหลื่อมล้ำ",
        "Reducing inequality",
        "การสร้างความเสมอภาคทางเศรษฐกิจและสังคมในระดับพื้นที่",
        "Building economic and social equity at the local level.",
    ),
    (
        "social-protection",
        "หลักประกันทางสังคม",
        "Social protection",
        "ระบบคุ้มครองและส่งต่อความช่วยเหลือแก่กลุ่มเปราะบาง",
        "Systems that protect vulnerable groups and refer them to help.",
    ),
    (
        "grassroots-economy",
        "เศรษฐกิจฐานราก",
        "Grassroots economy",
        "การสร้างรายได้และความเข้มแข็งทางเศรษฐกิจให้ชุมชน",
        "Raising community incomes and economic strength.",
    ),
    (
        "sustainable-tourism",
        "การท่องเที่ยวอย่างยั่งยืน",
        "Sustainable tourism",
        "การพัฒนาการท่องเที่ยวให้เกิดประโยชน์ระยะยาวโดยไม่ทำลายทรัพยากร",
        "Tourism whose benefits last without depleting resources.",
    ),
    (
        "local-planning",
        "การเชื่อมโยงแผนระดับพื้นที่",
        "Linking local plans",
        "การเชื่อมแผนพัฒนาตั้งแต่ระดับตำบลถึงระดับชาติให้เป็นทิศทางเดียวกัน",
        "Aligning development plans from subdistrict to national level.",
    ),
    (
        "research-innovation",
        "วิทยาศาสตร์ วิจัยและนวัตกรรม",
        "Science, research and innovation",
        "การนำผลงานวิจัยและนวัตกรรมมาใช้ขับเคลื่อนแผนพัฒนาในพื้นที่",
        "Using research and innovation to put development plans into practice locally.",
    ),
    (
        "water-management",
        "การบริหารจัดการน้ำ",
        "Water management",
        "การจัดการน้ำโดยชุมชนเพื่อลดผลกระทบจากภัยแล้งและน้ำท่วม",
        "Community water management against drought and flooding.",
    ),
    (
        "digital-services",
        "บริการภาครัฐดิจิทัล",
        "Digital public services",
        "การนำบริการภาครัฐไปถึงประชาชนด้วยเทคโนโลยีดิจิทัล",
        "Bringing public services to people with digital technology.",
    ),
    (
        "primary-health",
        "สุขภาพปฐมภูมิ",
        "Primary health care",
        "การดูแลสุขภาพใกล้บ้านโดยเครือข่ายโรงพยาบาลและอาสาสมัคร",
        "Care close to home through hospitals and volunteer networks.",
    ),
];

/// Lead agencies and partners (Thai, English).
const AGENCIES: [(&str, &str); 10] = [
    (
        "สำนักงานสภาพัฒนาการเศรษฐกิจและสังคมแห่งชาติ (สศช.)",
        "Office of the National Economic and Social Development Council (NESDC)",
    ),
    ("สำนักงานคณะกรรมการส่งเสริมวิทยาศาสตร์ วิจัยและนวัตกรรม (สกสว.)", "Thailand Science Research and Innovation (TSRI)"),
    ("กรมการพัฒนาชุมชน", "Community Development Department"),
    ("กระทรวงมหาดไทย", "Ministry of Interior"),
    ("กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "Ministry of Social Development and Human Security"),
    ("องค์การบริหารส่วนจังหวัด", "Provincial Administrative Organisation"),
    ("สถาบันการศึกษาในพื้นที่", "Local academic institutions"),
    ("สำนักงานกองทุนสนับสนุนการสร้างเสริมสุขภาพ (สสส.)", "Thai Health Promotion Foundation"),
    ("หอการค้าจังหวัด", "Provincial Chamber of Commerce"),
    ("เครือข่ายภาคประชาสังคมในพื้นที่", "Local civil-society network"),
];

/// Indicator name (th, en), unit (th, en), typical size.
const INDICATORS: [(&str, &str, &str, &str, i64); 8] = [
    ("ผู้เข้าร่วมกิจกรรม", "Participants", "คน", "people", 500),
    ("ครัวเรือนที่ได้รับการช่วยเหลือ", "Households supported", "ครัวเรือน", "households", 2000),
    ("หมู่บ้านปลอดการเผา", "Burn-free villages", "หมู่บ้าน", "villages", 120),
    ("วิสาหกิจชุมชนที่จดทะเบียน", "Registered community enterprises", "แห่ง", "enterprises", 60),
    ("รายได้เฉลี่ยต่อครัวเรือน", "Average household income", "บาทต่อเดือน", "baht a month", 15000),
    ("ผู้สูงอายุที่ได้รับการเยี่ยมบ้าน", "Older people visited at home", "คน", "people", 3000),
    ("เด็กที่ได้รับการส่งต่อความช่วยเหลือ", "Children referred to services", "คน", "children", 400),
    ("แผนตำบลที่เชื่อมกับแผนจังหวัด", "Subdistrict plans linked to the provincial plan", "แผน", "plans", 80),
];

/// Update file name, Thai title, English title.
const UPDATE_KINDS: [(&str, &str, &str); 8] = [
    ("kickoff-meeting", "ประชุมเริ่มต้นโครงการ", "Kick-off meeting"),
    ("field-visit", "ลงพื้นที่ติดตามผล", "Field visit"),
    ("progress-review", "ประชุมทบทวนความคืบหน้า", "Progress review"),
    ("community-forum", "เวทีประชาคมหมู่บ้าน", "Community forum"),
    ("data-workshop", "อบรมการใช้ข้อมูล", "Data workshop"),
    ("partner-meeting", "ประชุมภาคีเครือข่าย", "Partner meeting"),
    ("mid-term-report", "รายงานผลครึ่งทาง", "Mid-term report"),
    ("lessons-learned", "ถอดบทเรียน", "Lessons learned"),
];

/// Table rows: activity (th, en).
const ACTIVITIES: [(&str, &str); 8] = [
    ("ประชุมเชิงปฏิบัติการ", "Workshops"),
    ("อบรมอาสาสมัคร", "Volunteer training"),
    ("เยี่ยมบ้าน", "Home visits"),
    ("เวทีประชาคม", "Community forums"),
    ("สำรวจข้อมูลครัวเรือน", "Household surveys"),
    ("ตลาดชุมชน", "Community markets"),
    ("ศึกษาดูงาน", "Study visits"),
    ("ประชุมคณะกรรมการ", "Steering committee meetings"),
];

/// Section headings: (Thai variants, English variants) for the four sections of a narrative.
const HEADINGS: [([&str; 3], [&str; 3]); 4] = [
    (["ที่มาของพื้นที่นำร่อง", "ความเป็นมา", "ทำไมต้องเป็นพื้นที่นี้"], ["Background", "Why this area", "How the pilot started"]),
    (["สิ่งที่ดำเนินการ", "กิจกรรมหลัก", "แนวทางการทำงาน"], ["What the pilot does", "Main activities", "How the team works"]),
    (["ผลการดำเนินงาน", "ความคืบหน้า", "ตัวเลขสำคัญ"], ["Results so far", "Progress", "Key figures"]),
    (["พื้นที่นำร่องที่เกี่ยวข้อง", "อ่านเพิ่มเติม", "เชื่อมโยงกับงานอื่น"], ["Related pilots", "Further reading", "Links to other work"]),
];

const STATUSES: [&str; 4] = ["planned", "active", "completed", "suspended"];

// ---------------------------------------------------------------------------------------------
// Randomness and dates

/// splitmix64: tiny, fast and good enough for filler text.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xA24B_AED4_963E_E407));
        r.next();
        r
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `k` distinct indices below `n`, in increasing order.
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let x = self.below(n);
            if !out.contains(&x) {
                out.push(x);
            }
        }
        out.sort_unstable();
        out
    }
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `yyyy-mm-dd` for a day number from [`days_from_civil`].
fn civil(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

// ---------------------------------------------------------------------------------------------
// Text

struct Pools {
    th: Vec<&'static str>,
    en: Vec<&'static str>,
}

impl Pools {
    fn load() -> Self {
        let lines =
            |s: &'static str| -> Vec<&'static str> { s.lines().map(str::trim).filter(|l| !l.is_empty()).collect() };
        Pools { th: lines(THAI_SENTENCES), en: lines(ENGLISH_SENTENCES) }
    }

    fn of(&self, lang: Lang) -> &[&'static str] {
        match lang {
            Lang::Th => &self.th,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    Th,
    En,
}

impl Lang {
    fn code(self) -> &'static str {
        match self {
            Lang::Th => "th",
            Lang::En => "en",
        }
    }
}

/// A paragraph of about `budget` bytes: whole sentences, stopping near the budget.
fn paragraph(rng: &mut Rng, pool: &[&str], budget: usize) -> String {
    let mut out = String::with_capacity(budget + 200);
    loop {
        let s = rng.pick(pool);
        if !out.is_empty() && out.len() + s.len() / 2 > budget {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s);
    }
    out
}

/// Text of `lo..=hi` bytes built from sentences that fit (falls back to short sentences).
fn fitted(rng: &mut Rng, pool: &[&str], lo: usize, hi: usize) -> String {
    let mut out = String::new();
    let mut misses = 0;
    while out.len() < lo && misses < 1000 {
        let s = rng.pick(pool);
        let extra = s.len() + usize::from(!out.is_empty());
        if out.len() + extra > hi {
            misses += 1;
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s);
    }
    out
}

/// A sentence of at most `max` bytes (for summaries).
fn short_sentence(rng: &mut Rng, pool: &[&'static str], max: usize) -> &'static str {
    for _ in 0..1000 {
        let s = *rng.pick(pool);
        if s.len() <= max {
            return s;
        }
    }
    pool[0]
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn bilingual(th: &str, en: &str) -> String {
    format!("{{ th = {}, en = {} }}", toml_str(th), toml_str(en))
}

// ---------------------------------------------------------------------------------------------
// The site

struct Province {
    code: &'static str,
    th: &'static str,
    en: &'static str,
}

fn provinces() -> Vec<Province> {
    PROVINCES_TSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let (code, th, en) = (cols.next()?, cols.next()?, cols.next()?);
            code.starts_with("TH-").then_some(Province { code, th, en })
        })
        .collect()
}

/// What other pilots need to know about a pilot (to link to it).
struct Meta {
    slug: String,
    title_th: String,
    title_en: String,
    provinces: Vec<usize>,
    issues: Vec<usize>,
}

fn slug(i: usize) -> String {
    format!("pilot-{:05}", i + 1)
}

fn meta(seed: u64, i: usize, provinces: &[Province]) -> Meta {
    let mut rng = Rng::new(seed, 2 * i as u64 + 1);
    let np = rng.range(1, 3) as usize;
    let ni = rng.range(1, 3) as usize;
    let provs = rng.distinct(np, provinces.len());
    let issues = rng.distinct(ni, ISSUES.len());
    let (p, iss) = (&provinces[provs[0]], &ISSUES[issues[0]]);
    Meta {
        slug: slug(i),
        title_th: format!("{}: พื้นที่นำร่อง{} ชุดที่ {}", iss.1, p.th, i + 1),
        title_en: format!("{}: {} pilot {}", p.en, iss.2.to_lowercase(), i + 1),
        provinces: provs,
        issues,
    }
}

/// Writes files, counting them.
struct Writer {
    files: usize,
    bytes: usize,
    narrative_bytes: [usize; 2],
}

impl Writer {
    fn write(&mut self, path: &Path, text: &str) -> std::io::Result<()> {
        // One write call per file: the text is already fully buffered in memory.
        std::fs::write(path, text)?;
        self.files += 1;
        self.bytes += text.len();
        Ok(())
    }
}

struct Options {
    pilots: usize,
    out: PathBuf,
    seed: u64,
    photos_every: usize,
}

fn parse_args() -> Result<Options, String> {
    let mut pilots = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut photos_every = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--pilots" => pilots = Some(value()?.parse::<usize>().map_err(|e| format!("--pilots: {e}"))?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse::<u64>().map_err(|e| format!("--seed: {e}"))?,
            "--photos-every" => photos_every = value()?.parse::<usize>().map_err(|e| format!("--photos-every: {e}"))?,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    match (pilots, out) {
        (Some(pilots), Some(out)) if pilots > 0 => Ok(Options { pilots, out, seed, photos_every }),
        (Some(0), _) => Err("--pilots must be at least 1".into()),
        _ => Err("--pilots and --out are required".into()),
    }
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(msg) if msg.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(msg) => {
            eprintln!("error: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if opts.out.join("content").exists() {
        eprintln!("error: {} already exists; delete it or choose another --out", opts.out.join("content").display());
        return ExitCode::from(2);
    }
    let started = Instant::now();
    match generate(&opts) {
        Ok(w) => {
            println!(
                "wrote {} pilots ({} files, {:.1} MB; narratives average {} bytes Thai, {} bytes English) into {} in {:.2} s",
                opts.pilots,
                w.files,
                w.bytes as f64 / 1e6,
                w.narrative_bytes[0] / opts.pilots,
                w.narrative_bytes[1] / opts.pilots,
                opts.out.display(),
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn generate(opts: &Options) -> std::io::Result<Writer> {
    let pools = Pools::load();
    let provinces = provinces();
    let content = opts.out.join("content");
    std::fs::create_dir_all(content.join("pilots"))?;
    std::fs::create_dir_all(content.join("pages"))?;
    let mut w = Writer { files: 0, bytes: 0, narrative_bytes: [0, 0] };

    w.write(&opts.out.join("namrong.toml"), &site_config(opts.pilots))?;
    w.write(&content.join("issues.toml"), &issues_toml())?;
    let mut rng = Rng::new(opts.seed, 0);
    for lang in [Lang::Th, Lang::En] {
        w.write(&content.join(format!("pages/about.{}.md", lang.code())), &about_page(&mut rng, &pools, lang))?;
    }

    let metas: Vec<Meta> = (0..opts.pilots).map(|i| meta(opts.seed, i, &provinces)).collect();
    let mut photos = Photos::default();
    for i in 0..opts.pilots {
        write_pilot(&mut w, &content, opts, i, &metas, &provinces, &pools)?;
        if opts.photos_every > 0 && i % opts.photos_every == 0 {
            let dir = content.join("pilots").join(&metas[i].slug);
            photos.write(&mut w, &dir, opts.seed, i)?;
        }
    }
    Ok(w)
}

/// Phone photos: three landscapes rendered once, each copy with its own sensor grain so that
/// every photo is a different file (and is processed, not found in the cache, on a cold build).
#[derive(Default)]
struct Photos {
    scenes: Vec<Vec<u8>>,
}

impl Photos {
    const W: u32 = 4032;
    const H: u32 = 3024;

    fn write(&mut self, w: &mut Writer, dir: &Path, seed: u64, i: usize) -> std::io::Result<()> {
        if self.scenes.is_empty() {
            let kinds = [scene::Kind::HazyHills, scene::Kind::Coast, scene::Kind::Fields];
            self.scenes = kinds.iter().map(|&k| scene::render(k, seed, Self::W, Self::H)).collect();
        }
        let mut pixels = self.scenes[i % 3].clone();
        scene::regrain(&mut pixels, seed * 1_000_003 + i as u64);
        let jpeg = scene::jpeg(&pixels, Self::W, Self::H, 85);
        std::fs::write(dir.join("photo.jpg"), &jpeg)?;
        w.files += 1;
        w.bytes += jpeg.len();
        for (lang, alt) in [("th", "ภาพพื้นที่โครงการ"), ("en", "The pilot area")] {
            let path = dir.join(format!("{lang}.md"));
            let mut text = std::fs::read_to_string(&path)?;
            text.push_str(&format!("\n![{alt}](photo.jpg)\n"));
            std::fs::write(&path, &text)?;
            w.bytes += alt.len() + 14;
        }
        Ok(())
    }
}

fn site_config(n: usize) -> String {
    format!(
        "# A generated benchmark site with {n} pilots.\n\
         title = {}\n\
         description = {}\n\
         base_url = \"https://pilots.example.go.th/\"\n\
         default_language = \"th\"\n\
         languages = [\"th\", \"en\"]\n\
         theme = \"default\"\n\
         updates_per_page = 20\n\
         # Cards are measured separately (see BENCHMARKS.md).\n\
         social_cards = false\n\
         publisher = {{ name = {{ th = \"สำนักงานตัวอย่าง\", en = \"Example Office\" }}, email = \"data@example.go.th\" }}\n",
        bilingual("รายงานโครงการนำร่องเชิงพื้นที่ (ชุดทดสอบ)", "Area-Based Pilot Reports (benchmark set)"),
        bilingual("ข้อมูลสมมุติสำหรับทดสอบความเร็วในการสร้างเว็บไซต์", "Made-up pilots for measuring how fast the site builds."),
    )
}

fn issues_toml() -> String {
    let mut s = String::from("# Issue keys used by the generated pilots.\n");
    for (key, th, en, dth, den) in ISSUES {
        let _ = write!(
            s,
            "\n[{key}]\nth = {}\nen = {}\ndescription = {}\n",
            toml_str(th),
            toml_str(en),
            bilingual(dth, den)
        );
    }
    s
}

fn about_page(rng: &mut Rng, pools: &Pools, lang: Lang) -> String {
    let (title, desc, heading) = match lang {
        Lang::Th => ("เกี่ยวกับชุดข้อมูลทดสอบ", "ที่มาของข้อมูลในเว็บไซต์นี้", "ข้อมูลมาจากไหน"),
        Lang::En => {
            ("About this benchmark set", "Where the content of this site comes from", "Where the text comes from")
        }
    };
    let pool = pools.of(lang);
    format!(
        "+++\ntitle = {}\ndescription = {}\n+++\n{}\n\n## {heading}\n\n{}\n",
        toml_str(title),
        toml_str(desc),
        paragraph(rng, pool, 600),
        paragraph(rng, pool, 600)
    )
}

fn write_pilot(
    w: &mut Writer,
    content: &Path,
    opts: &Options,
    i: usize,
    metas: &[Meta],
    provinces: &[Province],
    pools: &Pools,
) -> std::io::Result<()> {
    let m = &metas[i];
    let mut rng = Rng::new(opts.seed, 2 * i as u64 + 2);
    let dir = content.join("pilots").join(&m.slug);
    std::fs::create_dir_all(dir.join("updates"))?;

    let last = days_from_civil(LAST_DATE.0, LAST_DATE.1, LAST_DATE.2);
    let start = rng.range(days_from_civil(2019, 1, 1), last - 30);
    let status = STATUSES[i % STATUSES.len()];
    let end = match status {
        "completed" => Some(rng.range(start + 30, last)),
        "suspended" if rng.chance(50) => Some(rng.range(start, last)),
        _ if rng.chance(40) => Some(start + rng.range(365, 4 * 365)),
        _ => None,
    };

    // Other pilots this one links to.
    let n = metas.len();
    let mut links: Vec<usize> = Vec::new();
    if n > 1 {
        for _ in 0..rng.range(1, 2) {
            let j = (i + 1 + rng.below(n - 1)) % n;
            if !links.contains(&j) {
                links.push(j);
            }
        }
    }

    w.write(&dir.join("pilot.toml"), &pilot_toml(&mut rng, m, status, start, end, last, provinces, pools))?;
    for (k, lang) in [Lang::Th, Lang::En].into_iter().enumerate() {
        let target = match lang {
            Lang::Th => 4000,
            Lang::En => 3000,
        };
        let text = narrative(&mut rng, pools, lang, target, &links, metas);
        w.narrative_bytes[k] += text.len();
        w.write(&dir.join(format!("{}.md", lang.code())), &text)?;
    }

    // Three updates, dated between the start and the last date, in both languages.
    let kinds = rng.distinct(3, UPDATE_KINDS.len());
    for k in kinds {
        let (name, th, en) = UPDATE_KINDS[k];
        let date = civil(rng.range(start, last));
        for lang in [Lang::Th, Lang::En] {
            let title = match lang {
                Lang::Th => th,
                Lang::En => en,
            };
            let text = update(&mut rng, pools, lang, title);
            w.write(&dir.join(format!("updates/{date}-{name}.{}.md", lang.code())), &text)?;
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn pilot_toml(
    rng: &mut Rng,
    m: &Meta,
    status: &str,
    start: i64,
    end: Option<i64>,
    last: i64,
    provinces: &[Province],
    pools: &Pools,
) -> String {
    let mut s = String::with_capacity(2048);
    let _ = writeln!(s, "title     = {}", bilingual(&m.title_th, &m.title_en));
    let _ = writeln!(
        s,
        "summary   = {}",
        bilingual(short_sentence(rng, &pools.th, 240), short_sentence(rng, &pools.en, 200))
    );
    let codes: Vec<String> = m.provinces.iter().map(|&p| toml_str(provinces[p].code)).collect();
    let _ = writeln!(s, "provinces = [{}]", codes.join(", "));
    if rng.chance(50) {
        let p = &provinces[m.provinces[0]];
        let _ = writeln!(s, "district  = {}", bilingual(&format!("อำเภอเมือง{}", p.th), &format!("Mueang {}", p.en)));
    }
    let keys: Vec<String> = m.issues.iter().map(|&k| toml_str(ISSUES[k].0)).collect();
    let _ = writeln!(s, "issues    = [{}]", keys.join(", "));
    let _ = writeln!(s, "status    = \"{status}\"");
    let _ = writeln!(s, "start     = {}", civil(start));
    if let Some(e) = end {
        let _ = writeln!(s, "end       = {}", civil(e));
    }
    let count = rng.range(1, 4) as usize;
    let agencies = rng.distinct(count, AGENCIES.len());
    let (lead_th, lead_en) = AGENCIES[agencies[0]];
    let _ = writeln!(s, "lead      = {}", bilingual(lead_th, lead_en));
    if agencies.len() > 1 {
        let partners: Vec<String> =
            agencies[1..].iter().map(|&a| format!("  {},", bilingual(AGENCIES[a].0, AGENCIES[a].1))).collect();
        let _ = writeln!(s, "partners  = [\n{}\n]", partners.join("\n"));
    }
    let count = rng.range(0, 4) as usize;
    for k in rng.distinct(count, INDICATORS.len()) {
        let (nth, nen, uth, uen, size) = INDICATORS[k];
        let baseline = rng.range(0, size / 2);
        let target = baseline + rng.range(size / 4, size);
        let _ = write!(
            s,
            "\n[[indicators]]\nname     = {}\nunit     = {}\nbaseline = {baseline}\ntarget   = {target}\n",
            bilingual(nth, nen),
            bilingual(uth, uen)
        );
        if status != "planned" && rng.chance(75) {
            let actual = baseline + rng.range(0, (target - baseline) * 6 / 5);
            let _ = write!(s, "actual   = {actual}\nas_of    = {}\n", civil(rng.range(start, last)));
        }
    }
    s
}

/// A pilot narrative of about `target` bytes: intro, four `##` sections, a bullet list, a table
/// and links to other pilots and to the about page.
fn narrative(rng: &mut Rng, pools: &Pools, lang: Lang, target: usize, links: &[usize], metas: &[Meta]) -> String {
    let pool = pools.of(lang);
    let th = lang == Lang::Th;
    let heading = |rng: &mut Rng, k: usize| -> &'static str {
        let (t, e) = &HEADINGS[k];
        if th { rng.pick::<&str>(t) } else { rng.pick::<&str>(e) }
    };

    // The fixed parts first, so the paragraphs can fill what is left of the target.
    let h: Vec<&str> = (0..4).map(|k| heading(rng, k)).collect();
    let mut bullets = String::new();
    for _ in 0..rng.range(3, 5) {
        let _ = writeln!(bullets, "- {}", short_sentence(rng, pool, 300));
    }
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{}",
        if th {
            "| กิจกรรม | ปี | จำนวนครั้ง | ผู้เข้าร่วม (คน) |"
        } else {
            "| Activity | Year | Times | Participants |"
        }
    );
    table.push_str("|---|---:|---:|---:|\n");
    for k in rng.distinct(4, ACTIVITIES.len()) {
        let (a_th, a_en) = ACTIVITIES[k];
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} |",
            if th { a_th } else { a_en },
            // Thai text gives Buddhist-Era years, as editors are asked to (and checked).
            rng.range(2019, 2025) + if th { 543 } else { 0 },
            rng.range(1, 24),
            rng.range(10, 900)
        );
    }
    let mut related = String::new();
    for (k, &j) in links.iter().enumerate() {
        let other = &metas[j];
        let title = if th { &other.title_th } else { &other.title_en };
        let sep = if k == 0 {
            ""
        } else if th {
            " และ "
        } else {
            " and "
        };
        let _ = write!(related, "{sep}[{title}](../{}/)", other.slug);
    }
    let about = format!("../../pages/about.{}.md", lang.code());
    let closing = match (th, related.is_empty()) {
        (true, false) => format!("งานนี้เชื่อมโยงกับ {related} ดูวิธีอ่านข้อมูลได้ที่ [เกี่ยวกับเว็บไซต์]({about})"),
        (false, false) => {
            format!("This work connects with {related}. See [about this site]({about}) for how to read the figures.")
        }
        (true, true) => format!("ดูวิธีอ่านข้อมูลได้ที่ [เกี่ยวกับเว็บไซต์]({about})"),
        (false, true) => format!("See [about this site]({about}) for how to read the figures."),
    };

    let fixed = h.iter().map(|x| x.len() + 5).sum::<usize>() + bullets.len() + table.len() + closing.len() + 24;
    let left = target.saturating_sub(fixed).max(400);
    // Shares of the remaining bytes for the seven paragraphs.
    let shares = [16, 16, 12, 16, 12, 16, 12];
    let total: usize = shares.iter().sum();
    let mut p = shares.iter().map(|s| paragraph(rng, pool, left * s / total));
    let mut next = || p.next().unwrap_or_default();

    format!(
        "{}\n\n## {}\n\n{}\n\n{}\n\n## {}\n\n{}\n\n{bullets}\n{}\n\n## {}\n\n{}\n\n{table}\n## {}\n\n{}\n\n{closing}\n",
        next(),
        h[0],
        next(),
        next(),
        h[1],
        next(),
        next(),
        h[2],
        next(),
        h[3],
        next(),
    )
}

/// An update file of 300–800 bytes with `title` and `summary` front matter.
fn update(rng: &mut Rng, pools: &Pools, lang: Lang, title: &str) -> String {
    let pool = pools.of(lang);
    let head =
        format!("+++\ntitle = {}\nsummary = {}\n+++\n", toml_str(title), toml_str(short_sentence(rng, pool, 160)));
    let lo = rng.range(300, 650) as usize;
    let body = fitted(rng, pool, lo.saturating_sub(head.len() + 1), 799 - head.len());
    format!("{head}{body}\n")
}
