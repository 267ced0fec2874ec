//! The JSON renderer: the wire model of `crate::wire`, pretty-printed.

use std::io::Write;

use super::RenderOptions;
use crate::report::Report;

pub fn render(w: &mut dyn Write, report: &Report, _options: &RenderOptions) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &crate::wire::contract(report))?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::fixtures;

    #[test]
    fn json_matches_the_contract() {
        let mut out = Vec::new();
        render(&mut out, &fixtures::report(), &RenderOptions::default()).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }
}
