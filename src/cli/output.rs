//! The report's outputs as typed: format, files, sample size, and how it looks (colour,
//! width, CI annotations).

use std::path::PathBuf;

use clap::Args;

use crate::render::Format;
use crate::settings::SampleLimit;

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Write the report to this file instead of standard output (replaced atomically; `-` is
    /// standard output).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the JSON report to this file (any number of --json/--junit/--markdown/--csv,
    /// all from the same audit). Example: --json audit.json
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Also write JUnit XML (one testcase per check) to this file. Example: --junit audit.xml
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,

    /// Also write a Markdown summary to this file. Example: --markdown "$GITHUB_STEP_SUMMARY"
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,

    /// Also write the findings as CSV to this file. Example: --csv findings.csv
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,

    /// Also write OpenMetrics text to this file, for node_exporter's textfile collector (write
    /// it into its directory as NAME.prom: the file is replaced atomically) or a Pushgateway.
    /// Example: --openmetrics /var/lib/node_exporter/textfile/session_audit.prom
    #[arg(long, value_name = "FILE")]
    pub openmetrics: Option<PathBuf>,

    /// How many offending ids each check lists: a number, or `all` [default: 20]. Example: --sample 100
    #[arg(long, value_parser = parse_sample, value_name = "N|all")]
    pub sample: Option<SampleLimit>,

    #[command(flatten)]
    pub look: LookArgs,
}

/// How the report looks where it is read: colour, width, CI annotations.
#[derive(Debug, Args, Clone, Copy)]
pub struct LookArgs {
    /// Colour the table's statuses: auto (on a terminal, unless NO_COLOR is set), always (CI
    /// logs that show colour), never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Wrap the tables at N columns [default: the terminal's width; on a pipe COLUMNS when
    /// set; else no limit]. Example: --width 100
    #[arg(long, value_parser = clap::value_parser!(u16).range(40..), value_name = "N")]
    pub width: Option<u16>,

    /// Write GitHub Actions annotations (one ::error or ::warning line per failing, erroring
    /// or warning check) on stderr: auto (when GITHUB_ACTIONS=true), github, none.
    #[arg(long, value_enum, default_value_t = AnnotationChoice::Auto, value_name = "KIND")]
    pub annotations: AnnotationChoice,
}

impl Default for LookArgs {
    fn default() -> Self {
        LookArgs {
            color: ColorChoice::Auto,
            width: None,
            annotations: AnnotationChoice::Auto,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AnnotationChoice {
    Auto,
    Github,
    None,
}

fn parse_sample(text: &str) -> Result<SampleLimit, String> {
    if text.eq_ignore_ascii_case("all") {
        return Ok(SampleLimit::All);
    }
    text.parse::<u32>()
        .map(SampleLimit::First)
        .map_err(|_| format!("`{text}` is neither a whole number nor `all`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_is_a_number_or_all() {
        assert_eq!(parse_sample("all"), Ok(SampleLimit::All));
        assert_eq!(parse_sample("0"), Ok(SampleLimit::First(0)));
        assert!(parse_sample("-1").is_err());
    }
}
