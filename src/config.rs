//! Configuration: `config/default.toml` (compiled in), then `--config FILE`, then `WORKPLAN_*`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::zone::Zone;

/// The defaults shipped in the repository, compiled in so the binary runs from any folder.
const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Settings of one workplan instance.
#[derive(Debug, Clone, Deserialize)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://…`.
    pub database_url: String,
    /// Listen address of `serve`.
    pub bind: String,
    /// Folder for local state such as the generated JWT secret.
    pub data_dir: PathBuf,
    /// Evidence file storage root.
    pub storage_dir: PathBuf,
    /// Larger uploads are refused with 413.
    pub max_upload_bytes: u64,
    /// Token signing key; empty means "generate and keep in data_dir".
    pub jwt_secret: String,
    /// Lifetime of a login token: no session outlives it.
    pub token_minutes: i64,
    /// A session unused for this many minutes ends.
    pub idle_minutes: i64,
    /// Days a password may be used before it must be changed; 0: no limit.
    pub password_max_days: i64,
    /// Roles whose users must set up the second factor (TOTP) before anything else.
    pub totp_required_roles: Vec<crate::domain::role::Role>,
    /// Production mode: no generated secrets, Secure cookies.
    pub production: bool,
    /// Database connections per instance.
    pub pool_size: u32,
    /// How "M月前" is read (see config/default.toml).
    pub before_month_means_previous_month_end: bool,
    /// Items due within this many days are "due soon".
    pub due_soon_days: u32,
    /// Working days a lead division has to acknowledge an assignment.
    pub acknowledge_workdays: u32,
    /// Send e-mail copies of notifications.
    pub smtp_enabled: bool,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_from: String,
    /// Seconds between delivery rounds.
    pub mail_interval_secs: u64,
    /// Minutes after which an upload's temporary file nobody writes to is removed.
    pub stale_upload_minutes: u64,
    /// Seconds an upload may send nothing before it is ended (its temporary file removed).
    pub upload_idle_secs: u64,
    /// Where users open workplan (links in mails).
    pub public_url: String,
    /// The scoring rubric (a TOML file like config/rubric.toml); empty: the shipped one.
    pub rubric_file: String,
    /// Where the other agencies' rubrics are: `<dir>/<agency id>.toml` (a city's bureaus score
    /// their divisions by their own rules); empty, or no file for an agency: the shipped one.
    #[serde(default)]
    pub rubric_dir: String,
    /// The deadline phrase a rectification item gets in the new plan (e.g. 6月底前).
    pub rectification_deadline: String,
    /// The agency's time zone (IANA name): every time shown to a person is in it.
    pub timezone: String,
    /// The agency's full name (广州市体育局), recorded at the first start when none is
    /// recorded yet; empty: none. Afterwards the office edits it under 系统管理.
    pub agency_name: String,
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("无法读取配置文件 {path}：{source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("配置文件 {path} 格式有误：{source}")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    #[error("环境变量 {name} 的值无效：{value}")]
    Env { name: String, value: String },
    #[error("机关名称无效（环境变量 WORKPLAN_AGENCY_NAME 或配置项 agency_name）：{0}")]
    AgencyName(String),
    #[error("无法识别时区 {0}：请把 WORKPLAN_TIMEZONE（或配置项 timezone）设为 IANA 时区名，例如 Asia/Shanghai")]
    Timezone(String),
    #[error("生产模式下必须设置 WORKPLAN_JWT_SECRET（至少 32 个字符）")]
    MissingSecret,
    #[error("无法保存 JWT 密钥到 {path}：{source}")]
    Secret {
        path: String,
        source: std::io::Error,
    },
}

/// Keys a config file or environment variable may set; all optional so files can be partial.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Layer {
    database_url: Option<String>,
    bind: Option<String>,
    data_dir: Option<PathBuf>,
    storage_dir: Option<PathBuf>,
    max_upload_bytes: Option<u64>,
    jwt_secret: Option<String>,
    token_minutes: Option<i64>,
    idle_minutes: Option<i64>,
    password_max_days: Option<i64>,
    totp_required_roles: Option<Vec<crate::domain::role::Role>>,
    production: Option<bool>,
    pool_size: Option<u32>,
    before_month_means_previous_month_end: Option<bool>,
    due_soon_days: Option<u32>,
    acknowledge_workdays: Option<u32>,
    smtp_enabled: Option<bool>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_from: Option<String>,
    mail_interval_secs: Option<u64>,
    stale_upload_minutes: Option<u64>,
    upload_idle_secs: Option<u64>,
    public_url: Option<String>,
    rubric_file: Option<String>,
    rubric_dir: Option<String>,
    rectification_deadline: Option<String>,
    timezone: Option<String>,
    agency_name: Option<String>,
}

impl Layer {
    fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_string(),
            source: Box::new(e),
        })
    }

    fn from_env(get: &dyn Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        fn num<T: std::str::FromStr>(
            name: &str,
            v: Option<String>,
        ) -> Result<Option<T>, ConfigError> {
            v.map(|s| {
                s.trim().parse().map_err(|_| ConfigError::Env {
                    name: name.to_string(),
                    value: s.clone(),
                })
            })
            .transpose()
        }
        let flag = |name: &str| -> Result<Option<bool>, ConfigError> {
            get(name)
                .map(|s| match s.trim() {
                    "1" | "true" | "yes" => Ok(true),
                    "0" | "false" | "no" | "" => Ok(false),
                    _ => Err(ConfigError::Env {
                        name: name.to_string(),
                        value: s.clone(),
                    }),
                })
                .transpose()
        };
        Ok(Layer {
            database_url: get("WORKPLAN_DATABASE_URL"),
            bind: get("WORKPLAN_BIND"),
            data_dir: get("WORKPLAN_DATA_DIR").map(PathBuf::from),
            storage_dir: get("WORKPLAN_STORAGE_DIR").map(PathBuf::from),
            max_upload_bytes: num(
                "WORKPLAN_MAX_UPLOAD_BYTES",
                get("WORKPLAN_MAX_UPLOAD_BYTES"),
            )?,
            jwt_secret: get("WORKPLAN_JWT_SECRET"),
            token_minutes: num("WORKPLAN_TOKEN_MINUTES", get("WORKPLAN_TOKEN_MINUTES"))?,
            idle_minutes: num("WORKPLAN_IDLE_MINUTES", get("WORKPLAN_IDLE_MINUTES"))?,
            password_max_days: num(
                "WORKPLAN_PASSWORD_MAX_DAYS",
                get("WORKPLAN_PASSWORD_MAX_DAYS"),
            )?,
            totp_required_roles: get("WORKPLAN_TOTP_REQUIRED_ROLES")
                .map(|v| {
                    v.split([',', ' '])
                        .filter(|r| !r.is_empty())
                        .map(|r| {
                            crate::domain::role::Role::parse(r).ok_or_else(|| ConfigError::Env {
                                name: "WORKPLAN_TOTP_REQUIRED_ROLES".to_string(),
                                value: format!("{v}（角色须为 office、division、leader、auditor）"),
                            })
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?,
            production: flag("WORKPLAN_PRODUCTION")?,
            pool_size: num("WORKPLAN_POOL_SIZE", get("WORKPLAN_POOL_SIZE"))?,
            before_month_means_previous_month_end: flag(
                "WORKPLAN_BEFORE_MONTH_MEANS_PREVIOUS_MONTH_END",
            )?,
            due_soon_days: num("WORKPLAN_DUE_SOON_DAYS", get("WORKPLAN_DUE_SOON_DAYS"))?,
            acknowledge_workdays: num(
                "WORKPLAN_ACKNOWLEDGE_WORKDAYS",
                get("WORKPLAN_ACKNOWLEDGE_WORKDAYS"),
            )?,
            smtp_enabled: flag("WORKPLAN_SMTP_ENABLED")?,
            smtp_host: get("WORKPLAN_SMTP_HOST"),
            smtp_port: num("WORKPLAN_SMTP_PORT", get("WORKPLAN_SMTP_PORT"))?,
            smtp_from: get("WORKPLAN_SMTP_FROM"),
            mail_interval_secs: num(
                "WORKPLAN_MAIL_INTERVAL_SECS",
                get("WORKPLAN_MAIL_INTERVAL_SECS"),
            )?,
            stale_upload_minutes: num(
                "WORKPLAN_STALE_UPLOAD_MINUTES",
                get("WORKPLAN_STALE_UPLOAD_MINUTES"),
            )?,
            upload_idle_secs: num(
                "WORKPLAN_UPLOAD_IDLE_SECS",
                get("WORKPLAN_UPLOAD_IDLE_SECS"),
            )?,
            public_url: get("WORKPLAN_PUBLIC_URL"),
            rubric_file: get("WORKPLAN_RUBRIC_FILE"),
            rubric_dir: get("WORKPLAN_RUBRIC_DIR"),
            rectification_deadline: get("WORKPLAN_RECTIFICATION_DEADLINE"),
            timezone: get("WORKPLAN_TIMEZONE"),
            agency_name: get("WORKPLAN_AGENCY_NAME"),
        })
    }

    fn apply(self, c: &mut Config) {
        if let Some(v) = self.database_url {
            c.database_url = v;
        }
        if let Some(v) = self.bind {
            c.bind = v;
        }
        if let Some(v) = self.data_dir {
            c.data_dir = v;
        }
        if let Some(v) = self.storage_dir {
            c.storage_dir = v;
        }
        if let Some(v) = self.max_upload_bytes {
            c.max_upload_bytes = v;
        }
        if let Some(v) = self.jwt_secret {
            c.jwt_secret = v;
        }
        if let Some(v) = self.token_minutes {
            c.token_minutes = v;
        }
        if let Some(v) = self.idle_minutes {
            c.idle_minutes = v;
        }
        if let Some(v) = self.password_max_days {
            c.password_max_days = v;
        }
        if let Some(v) = self.totp_required_roles {
            c.totp_required_roles = v;
        }
        if let Some(v) = self.production {
            c.production = v;
        }
        if let Some(v) = self.pool_size {
            c.pool_size = v;
        }
        if let Some(v) = self.before_month_means_previous_month_end {
            c.before_month_means_previous_month_end = v;
        }
        if let Some(v) = self.due_soon_days {
            c.due_soon_days = v;
        }
        if let Some(v) = self.acknowledge_workdays {
            c.acknowledge_workdays = v;
        }
        if let Some(v) = self.smtp_enabled {
            c.smtp_enabled = v;
        }
        if let Some(v) = self.smtp_host {
            c.smtp_host = v;
        }
        if let Some(v) = self.smtp_port {
            c.smtp_port = v;
        }
        if let Some(v) = self.smtp_from {
            c.smtp_from = v;
        }
        if let Some(v) = self.mail_interval_secs {
            c.mail_interval_secs = v;
        }
        if let Some(v) = self.stale_upload_minutes {
            c.stale_upload_minutes = v;
        }
        if let Some(v) = self.upload_idle_secs {
            c.upload_idle_secs = v;
        }
        if let Some(v) = self.public_url {
            c.public_url = v;
        }
        if let Some(v) = self.rubric_file {
            c.rubric_file = v;
        }
        if let Some(v) = self.rubric_dir {
            c.rubric_dir = v;
        }
        if let Some(v) = self.rectification_deadline {
            c.rectification_deadline = v;
        }
        if let Some(v) = self.timezone {
            c.timezone = v;
        }
        if let Some(v) = self.agency_name {
            c.agency_name = v;
        }
    }
}

impl Config {
    /// How long sessions last and how old a password may grow, as configured.
    pub fn session_policy(&self) -> crate::domain::session::SessionPolicy {
        crate::domain::session::SessionPolicy {
            rules: crate::domain::session::SessionRules {
                idle: chrono::Duration::minutes(self.idle_minutes.max(1)),
                lifetime: chrono::Duration::minutes(self.token_minutes.max(1)),
            },
            password_max_age: (self.password_max_days > 0)
                .then(|| chrono::Duration::days(self.password_max_days)),
            second_factor_roles: self.totp_required_roles.clone(),
        }
    }

    /// Today's date in the agency's zone, the due-soon window and the zone, for item status
    /// and for the times files show.
    pub fn clock(&self) -> crate::service::plans::Clock {
        let zone = self.zone();
        crate::service::plans::Clock {
            today: zone.today(),
            due_soon_days: self.due_soon_days,
            zone,
        }
    }

    /// The agency's time zone (checked when the configuration was loaded).
    pub fn zone(&self) -> Zone {
        Zone::parse(&self.timezone).unwrap_or_default()
    }

    /// The scoring rubric: the agency's file when one is set (read afresh, so an edit
    /// applies to the next evaluation without a restart), else the shipped one.
    pub fn rubric(&self) -> Result<crate::domain::evaluation::Rubric, crate::error::AppError> {
        self.rubric_for(crate::db::queries::agency::FIRST)
    }

    /// The rubric an agency scores by: the first agency's is `rubric_file`; another agency's
    /// is `<rubric_dir>/<its id>.toml` when that file exists; otherwise the shipped one.
    pub fn rubric_for(
        &self,
        agency_id: i32,
    ) -> Result<crate::domain::evaluation::Rubric, crate::error::AppError> {
        use crate::domain::evaluation::Rubric;
        let file = if agency_id == crate::db::queries::agency::FIRST {
            PathBuf::from(self.rubric_file.trim())
        } else if self.rubric_dir.trim().is_empty() {
            PathBuf::new()
        } else {
            let f = Path::new(self.rubric_dir.trim()).join(format!("{agency_id}.toml"));
            if f.exists() {
                f
            } else {
                PathBuf::new()
            }
        };
        if file.as_os_str().is_empty() {
            return Ok(Rubric::builtin());
        }
        let text = std::fs::read_to_string(&file).map_err(|e| {
            crate::error::AppError::Internal(format!(
                "无法读取评分细则 {}：{e}；请检查 rubric_file / rubric_dir 配置",
                file.display()
            ))
        })?;
        Rubric::parse(&text).map_err(crate::error::AppError::Internal)
    }

    /// How long an upload may send nothing before it is ended (at least a second).
    pub fn upload_idle(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.upload_idle_secs.max(1))
    }

    /// How review-back makes rectification items.
    pub fn review_back_options(&self) -> crate::service::review_back::ReviewBackOptions {
        crate::service::review_back::ReviewBackOptions {
            rectification_deadline: self.rectification_deadline.clone(),
            deadline: self.import_options(2000).deadline,
        }
    }

    /// Import settings for a plan year under this configuration.
    pub fn import_options(&self, year: i32) -> crate::import::ImportOptions {
        let mut opts = crate::import::ImportOptions::for_year(year);
        opts.max_bytes = self.max_upload_bytes;
        opts.deadline.before_month_means_previous_month_end =
            self.before_month_means_previous_month_end;
        opts
    }

    /// Loads the layered configuration from the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        Self::load_with(file, &|k| std::env::var(k).ok())
    }

    /// Loads the layers with an explicit environment lookup (tests pass their own).
    pub fn load_with(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let mut config: Config = toml::from_str(DEFAULT_TOML).map_err(|e| ConfigError::Parse {
            path: "config/default.toml".into(),
            source: Box::new(e),
        })?;
        if let Some(path) = file {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                path: shown.clone(),
                source,
            })?;
            Layer::parse(&text, &shown)?.apply(&mut config);
        }
        Layer::from_env(env)?.apply(&mut config);
        if Zone::parse(&config.timezone).is_none() {
            return Err(ConfigError::Timezone(config.timezone));
        }
        // A name the office could not save either stops the start, instead of being
        // recorded or ignored.
        if !config.agency_name.trim().is_empty() {
            crate::domain::agency::Agency::new(&config.agency_name, "", "")
                .map_err(|e| ConfigError::AgencyName(e.to_string()))?;
        }
        Ok(config)
    }

    /// The signing key: configured, or made once and kept in `data_dir/jwt_secret` (mode 0600).
    pub fn resolve_jwt_secret(&self) -> Result<String, ConfigError> {
        if !self.jwt_secret.is_empty() {
            if self.production && self.jwt_secret.len() < 32 {
                return Err(ConfigError::MissingSecret);
            }
            return Ok(self.jwt_secret.clone());
        }
        if self.production {
            return Err(ConfigError::MissingSecret);
        }
        let path = self.data_dir.join("jwt_secret");
        let err = |source| ConfigError::Secret {
            path: path.display().to_string(),
            source,
        };
        if let Ok(existing) = std::fs::read_to_string(&path) {
            let existing = existing.trim().to_string();
            if existing.len() >= 32 {
                return Ok(existing);
            }
        }
        std::fs::create_dir_all(&self.data_dir).map_err(err)?;
        let secret = crate::auth::random_token(48);
        write_private(&path, &secret).map_err(err)?;
        Ok(secret)
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_match_the_design_table() {
        let c = Config::load_with(None, &env(&[])).expect("defaults parse");
        assert_eq!(c.database_url, "sqlite://data/workplan.db");
        assert_eq!(c.bind, "127.0.0.1:8080");
        assert_eq!(c.storage_dir, PathBuf::from("data/evidence"));
        assert_eq!(c.max_upload_bytes, 209_715_200);
    }

    #[test]
    fn file_then_environment_override() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("site.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:9000\"\nmax_upload_bytes = 10\n").expect("write");
        let c = Config::load_with(Some(&file), &env(&[("WORKPLAN_MAX_UPLOAD_BYTES", "20")]))
            .expect("load");
        assert_eq!(c.bind, "0.0.0.0:9000");
        assert_eq!(c.max_upload_bytes, 20);
    }

    #[test]
    fn bad_values_are_named() {
        let err = Config::load_with(None, &env(&[("WORKPLAN_MAX_UPLOAD_BYTES", "lots")]))
            .expect_err("must fail");
        assert!(err.to_string().contains("WORKPLAN_MAX_UPLOAD_BYTES"));
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "bnd = 1\n").expect("write");
        let err = Config::load_with(Some(&file), &env(&[])).expect_err("unknown key");
        assert!(err.to_string().contains("bad.toml"));
    }

    #[test]
    fn generated_secret_is_private_and_stable() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        let c = Config::load_with(
            None,
            &env(&[("WORKPLAN_DATA_DIR", data.to_str().expect("utf8"))]),
        )
        .expect("load");
        let first = c.resolve_jwt_secret().expect("secret");
        let second = c.resolve_jwt_secret().expect("secret");
        assert_eq!(first, second);
        assert!(first.len() >= 32);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(data.join("jwt_secret"))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn time_zone_is_configured_and_checked() {
        let noon = chrono::NaiveDate::from_ymd_opt(2021, 7, 1)
            .and_then(|d| d.and_hms_opt(4, 0, 0))
            .expect("time");
        let c = Config::load_with(None, &env(&[])).expect("defaults");
        assert_eq!(c.timezone, "Asia/Shanghai");
        assert_eq!(c.zone().show(noon), "2021-07-01 12:00");
        assert_eq!(c.clock().zone, c.zone());
        let c = Config::load_with(None, &env(&[("WORKPLAN_TIMEZONE", "Europe/London")]))
            .expect("London");
        assert_eq!(c.zone().show(noon), "2021-07-01 05:00");
        let err = Config::load_with(None, &env(&[("WORKPLAN_TIMEZONE", "Beijing")]))
            .expect_err("unknown zone");
        assert!(err.to_string().contains("Beijing") && err.to_string().contains("Asia/Shanghai"));
    }

    #[test]
    fn agency_name_is_read_and_checked() {
        let c = Config::load_with(None, &env(&[])).expect("defaults");
        assert_eq!(c.agency_name, "", "no name unless one is given");
        let c = Config::load_with(None, &env(&[("WORKPLAN_AGENCY_NAME", "广州市体育局")]))
            .expect("named");
        assert_eq!(c.agency_name, "广州市体育局");
        let err = Config::load_with(None, &env(&[("WORKPLAN_AGENCY_NAME", "广州市/体育局")]))
            .expect_err("a name no file may carry");
        assert!(err.to_string().contains("WORKPLAN_AGENCY_NAME"), "{err}");
    }

    #[test]
    fn production_needs_a_real_secret() {
        let c = Config::load_with(None, &env(&[("WORKPLAN_PRODUCTION", "true")])).expect("load");
        assert!(matches!(
            c.resolve_jwt_secret(),
            Err(ConfigError::MissingSecret)
        ));
    }

    #[test]
    fn each_agency_scores_by_its_own_rubric_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("2.toml"), "not a rubric").expect("write");
        let shipped = std::fs::read_to_string("config/rubric.toml").expect("shipped rubric");
        std::fs::write(dir.path().join("3.toml"), &shipped).expect("write");
        let c = Config::load_with(
            None,
            &env(&[(
                "WORKPLAN_RUBRIC_DIR",
                dir.path().to_str().expect("utf-8 path"),
            )]),
        )
        .expect("parses");
        // Agency 2's own file is read (and refused, being broken); 3's is read; 4 has none.
        assert!(c.rubric_for(2).is_err());
        assert!(c.rubric_for(3).is_ok());
        assert!(c.rubric_for(4).is_ok());
        // The first agency keeps rubric_file (empty: the shipped one), not the folder.
        assert!(c.rubric_for(1).is_ok());
    }
}
