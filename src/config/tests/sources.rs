//! Where settings come from: the one table of settings, `--help`, the command line, the
//! environment, the file and the defaults in their order, and the documents that list them
//! (README, the example file).

use super::*;

#[test]
fn every_setting_is_in_the_help_with_its_default_and_meaning() {
    let help = help_section();
    for s in SETTINGS {
        let line = format!("\n  {}", s.env);
        assert!(help.contains(&line), "{} in the help", s.env);
        assert!(help.contains(s.help), "the meaning of {}", s.env);
        assert!(help.contains(&format!("[default: {}]", s.default_shown())), "the default of {}", s.env);
        if let Some(option) = s.option {
            assert!(help.contains(&format!("{}, --{option}", s.env)), "--{option} beside {}", s.env);
        }
    }
}

#[test]
fn the_table_names_each_setting_once_and_keeps_secrets_off_the_command_line() {
    let mut seen = std::collections::HashSet::new();
    for s in SETTINGS {
        assert!(seen.insert(s.env) && seen.insert(s.name), "{} once", s.env);
        // DATABASE_URL kept its option: it holds a password only when the server wants one.
        let option_allowed = !s.secret || s.key == Key::DatabaseUrl;
        assert!(option_allowed || s.option.is_none(), "{} is a secret, so it has no option", s.env);
        if let Some(option) = s.option {
            assert_eq!(option, s.name.replace('_', "-"), "the option of {} is its name", s.env);
        }
    }
}

#[test]
fn the_environment_beats_the_default_and_its_source_is_kept() {
    let settings =
        from_env(&[("CONVOCA_BIND", "127.0.0.1:9090"), ("CONVOCA_DB_POOL_SIZE", "4")]).expect("ok");
    assert_eq!(settings.bind.to_string(), "127.0.0.1:9090");
    assert_eq!(settings.source(Key::Bind), Source::Environment);
    assert_eq!(settings.db_pool_size, 4);
    assert_eq!(settings.source(Key::DbPoolSize), Source::Environment);
    assert_eq!(settings.source(Key::MailFrom), Source::Default);
    assert_eq!(settings.mail_from.to_string(), "Convoca <convoca@localhost>");
    assert_eq!(settings.source(Key::SecretKey), Source::Program);
}

#[test]
fn each_layer_fills_only_what_the_layers_above_left_empty() {
    let env = |s: &Setting| match s.key {
        Key::Bind => Some("127.0.0.1:1".to_owned()),
        Key::DataDir => Some("from-env".to_owned()),
        Key::MailFrom => Some(String::new()),
        _ => None,
    };
    let cli = |s: &Setting| (s.key == Key::Bind).then(|| "127.0.0.1:2".to_owned());
    let inputs = Inputs::new().fill(Source::CommandLine, cli).fill(Source::Environment, env);
    assert_eq!(
        (inputs.given(Key::Bind), inputs.source(Key::Bind)),
        (Some("127.0.0.1:2"), Source::CommandLine)
    );
    assert_eq!(
        (inputs.given(Key::DataDir), inputs.source(Key::DataDir)),
        (Some("from-env"), Source::Environment)
    );
    // An empty variable counts as unset, as it always has.
    assert_eq!((inputs.given(Key::MailFrom), inputs.source(Key::MailFrom)), (None, Source::Default));
    assert_eq!(inputs.value(Key::MailFrom), Some("Convoca <convoca@localhost>"));
    assert_eq!(inputs.value(Key::BaseUrl), None, "a described default has no text");
}

#[test]
fn the_command_line_options_come_from_the_table() {
    let command = with_settings(clap::Command::new("convoca").subcommand(clap::Command::new("migrate")));
    command.clone().debug_assert();
    let matches = command
        .try_get_matches_from(["convoca", "migrate", "--bind", "127.0.0.1:3", "--data-dir", "d"])
        .expect("parses");
    let inputs = Inputs::new().fill_from_command_line(&matches);
    assert_eq!(inputs.given(Key::Bind), Some("127.0.0.1:3"));
    assert_eq!(inputs.source(Key::DataDir), Source::CommandLine);
    assert_eq!(inputs.source(Key::DatabaseUrl), Source::Default);
}

#[test]
fn only_the_settings_table_reads_the_environment() {
    fn files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src").flatten() {
            let path = entry.path();
            if path.is_dir() {
                files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let allowed = src.join("config").join("inputs.rs");
    // These tests name what they look for, and call their own `from_env`.
    let these = src.join("config").join("tests");
    for path in all.iter().filter(|p| **p != allowed && !p.starts_with(&these)) {
        let text = std::fs::read_to_string(path).expect("read");
        for needle in ["env::var", "var_os(", "env::vars", "from_default_env", "from_env("] {
            assert!(!text.contains(needle), "{} reads the environment ({needle})", path.display());
        }
    }
}

#[test]
fn the_readme_lists_every_setting() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    for s in SETTINGS {
        assert!(readme.contains(&format!("| `{}`", s.env)), "{} in the README's configuration table", s.env);
    }
}

/// The example file, with every commented-out `key = value` line turned on.
fn example_file() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join("convoca.example.toml");
    let text = std::fs::read_to_string(&path).expect("docs/convoca.example.toml");
    let on: String = text
        .lines()
        .map(|l| match l.strip_prefix("# ") {
            Some(rest)
                if rest
                    .split_once(" = ")
                    .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) =>
            {
                rest
            }
            _ => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    (path, on)
}

#[test]
fn the_example_file_names_every_setting_and_nothing_else() {
    let (path, on) = example_file();
    let file = FileValues::parse(&path, &on).expect("the example parses, every value of its type");
    let inputs = Inputs::new().fill_from_file(&file);
    for s in SETTINGS {
        assert_eq!(inputs.source(s.key), Source::File, "{} in docs/convoca.example.toml", s.name);
        assert!(on.contains(&format!("\n# {}", s.env)), "the variable {} beside its key", s.env);
    }
    let keys = on.lines().filter(|l| !l.starts_with('#') && l.contains(" = ")).count();
    assert_eq!(keys, SETTINGS.len(), "one line per setting");
}

#[test]
fn the_file_sits_below_the_environment_and_above_the_defaults() {
    let file = FileValues::parse(
        Path::new("convoca.toml"),
        "bind = \"127.0.0.1:1\"\ndata_dir = \"from-file\"\ndemo = false\nregistration_limit = 5\n",
    )
    .expect("parses");
    let env = |s: &Setting| (s.key == Key::Bind).then(|| "127.0.0.1:2".to_owned());
    let inputs = Inputs::new().fill(Source::Environment, env).fill_from_file(&file);
    assert_eq!(
        (inputs.given(Key::Bind), inputs.source(Key::Bind)),
        (Some("127.0.0.1:2"), Source::Environment)
    );
    assert_eq!((inputs.given(Key::DataDir), inputs.source(Key::DataDir)), (Some("from-file"), Source::File));
    assert_eq!(inputs.given(Key::Demo), Some("0"));
    assert_eq!(inputs.given(Key::RegistrationLimit), Some("5"));
    assert_eq!(inputs.source(Key::MailFrom), Source::Default);
    assert_eq!(file.locate(Key::DataDir).as_deref(), Some("convoca.toml line 2 (data_dir)"));
}
