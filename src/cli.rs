//! Command-line arguments (clap derive types only).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// How `check` prints its report.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// For editors and CI.
    Json,
}

/// namrong: bilingual (Thai/English) static sites for open pilot reports.
#[derive(Debug, Parser)]
#[command(name = "namrong", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (ROOT/public by default).
    Build {
        /// The site folder (holding namrong.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pilots and updates marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Override base_url from namrong.toml.
        #[arg(long)]
        base_url: Option<String>,
        /// Print how long each step of the build took.
        #[arg(long)]
        timings: bool,
    },
    /// Preview the site: serve it on localhost and rebuild as you edit.
    Serve {
        /// The site folder (holding namrong.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on. Anything but 127.0.0.1/::1 exposes the preview to the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (the next free one is used if it is taken).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Hide pilots and updates marked `draft = true` (the preview shows them by default, marked
        /// as drafts).
        #[arg(long)]
        no_drafts: bool,
        /// Show drafts (the default; kept so older scripts still work).
        #[arg(long, hide = true, conflicts_with = "no_drafts")]
        drafts: bool,
        /// Open the preview in a web browser.
        #[arg(long)]
        open: bool,
        /// Also answer requests for this host name (e.g. the machine's name on the local
        /// network, with --bind 0.0.0.0); localhost and this machine's addresses always work.
        #[arg(long = "allow-host", value_name = "NAME")]
        allow_host: Vec<String>,
    },
    /// Check the site (records, links, templates) without writing anything.
    Check {
        /// The site folder (holding namrong.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat missing translations as errors.
        #[arg(long)]
        strict: bool,
        /// Check pilots and updates marked `draft = true` too.
        #[arg(long)]
        drafts: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Create a pilot folder, or a pair of update files with --update.
    New {
        /// The pilot's folder name: lowercase letters, digits and hyphens.
        slug: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Province of the new pilot (Thai or English name, or ISO code).
        #[arg(long, conflicts_with = "update")]
        province: Option<String>,
        /// Issue key of the new pilot.
        #[arg(long, conflicts_with = "update")]
        issue: Option<String>,
        /// Create update files named <today>-<NAME>.th.md / .en.md in the pilot's updates/.
        #[arg(long, value_name = "NAME")]
        update: Option<String>,
    },
}
