//! `-` as a path: standard input where a file is read (`--database-url-file -`, `--config -`,
//! `--waivers -`, `--compare -`) and standard output where one is written (`--output -`,
//! `--json -`), the convention of coreutils, jq and psql.
//!
//! Standard input is read once and kept: a run may read an input twice (the URL file is read
//! for the list of the run's inputs, then for the URL), and a pipe gives its text only once.

use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

/// Whether `path` is `-`.
pub fn is_dash(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The text of the file at `path`, or of standard input for `-`.
pub fn read_to_string(path: &Path) -> std::io::Result<String> {
    if !is_dash(path) {
        return std::fs::read_to_string(path);
    }
    static STDIN: OnceLock<Result<String, (std::io::ErrorKind, String)>> = OnceLock::new();
    STDIN
        .get_or_init(|| {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map(|_| text)
                .map_err(|e| (e.kind(), format!("standard input: {e}")))
        })
        .clone()
        .map_err(|(kind, message)| std::io::Error::new(kind, message))
}

/// Refuses `-` for more than one of `inputs` (flag name, path): each would get the same text.
pub fn one_reader(inputs: &[(&str, Option<&Path>)]) -> Result<(), String> {
    let readers: Vec<&str> = inputs
        .iter()
        .filter(|(_, path)| path.is_some_and(is_dash))
        .map(|(flag, _)| *flag)
        .collect();
    match readers.as_slice() {
        [] | [_] => Ok(()),
        many => Err(format!(
            "standard input (-) is given to {}; only one of them can read it: give the others files",
            many.join(" and ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_input_may_read_standard_input() {
        let dash = Path::new("-");
        assert!(one_reader(&[("--config", Some(dash)), ("--waivers", None)]).is_ok());
        let err = one_reader(&[("--config", Some(dash)), ("--waivers", Some(dash))]).unwrap_err();
        assert!(err.contains("--config and --waivers"), "{err}");
    }
}
