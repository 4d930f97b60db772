//! The settings on the command line: the options and the `--help` section, both from the table.

use clap::{Arg, ArgMatches, Command};
use std::path::PathBuf;

use super::inputs::{Inputs, Source};
use super::table::{SETTINGS, help_section};

/// Adds an option for every setting that has one (global, so it works after a subcommand
/// too) and the list of every setting to the help of the command and its subcommands.
pub fn with_settings(command: Command) -> Command {
    let section = help_section();
    let mut command = command.after_help(section.clone());
    let names: Vec<String> = command.get_subcommands().map(|c| c.get_name().to_owned()).collect();
    for name in names {
        let section = section.clone();
        command = command.mut_subcommand(name, move |sub| sub.after_help(section));
    }
    command = command.arg(
        Arg::new("config")
            .long("config")
            .value_name("PATH")
            .value_parser(clap::value_parser!(PathBuf))
            .global(true)
            .help(format!(
                "Configuration file (TOML, keys as listed below) [default: {}, when it exists]",
                super::file::DEFAULT_PATH
            )),
    );
    for s in SETTINGS {
        if let Some(option) = s.option {
            command =
                command.arg(Arg::new(s.name).long(option).value_name(s.env).global(true).help(format!(
                    "{} [default: {}]",
                    s.help,
                    s.default_shown()
                )));
        }
    }
    command
}

/// The `--config` given, if any.
pub fn config_path(matches: &ArgMatches) -> Option<PathBuf> {
    matches.get_one::<PathBuf>("config").cloned()
}

impl Inputs {
    /// The options of [`with_settings`] that were given.
    pub fn fill_from_command_line(self, matches: &ArgMatches) -> Self {
        self.fill(Source::CommandLine, |s| s.option.and_then(|_| matches.get_one::<String>(s.name).cloned()))
    }
}
