//! `--env-file`: `KEY=VALUE` lines as `.env` files write them.
//!
//! - blank lines and lines starting with `#` are skipped;
//! - `export KEY=VALUE` is `KEY=VALUE`;
//! - `KEY=` is an empty value;
//! - unquoted values end at ` #` (a comment) and are trimmed;
//! - `'single'` quotes keep everything literally, `"double"` quotes read
//!   `\n`, `\t`, `\r`, `\"`, `\\` and `\$`; both may span lines;
//! - nothing is expanded: `$OTHER` stays as written (compose interpolates
//!   the stack's variables on the server).

use std::path::Path;

use crate::failure::Failure;

/// Reads and parses the file at `path`.
pub fn load(path: &Path) -> Result<Vec<(String, String)>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the env file {} (--env-file): {e}",
            path.display()
        ))
    })?;
    parse(&text).map_err(|e| Failure::usage(format!("{}:{e}", path.display())))
}

/// The variables of an env file, in order (a repeated key appears twice;
/// the later one wins when they are applied). Errors are `LINE: message`.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut vars = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((index, raw)) = lines.next() {
        let number = index + 1;
        let line = raw.trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = strip_export(line);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(format!(
                "{number}: expected KEY=VALUE, found {:?}",
                raw.trim()
            ));
        };
        let key = key.trim();
        if key.is_empty() || key.chars().any(char::is_whitespace) {
            return Err(format!("{number}: {key:?} is not a variable name"));
        }
        let trimmed = rest.trim_start();
        let value = match trimmed.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let (value, after) = quoted(&trimmed[1..], q, &mut lines)
                    .ok_or_else(|| format!("{number}: the {q} quote of {key} is never closed"))?;
                let after = after.trim();
                if !after.is_empty() && !after.starts_with('#') {
                    return Err(format!(
                        "{number}: unexpected {after:?} after the quoted value of {key}"
                    ));
                }
                value
            }
            _ => unquoted(rest),
        };
        vars.push((key.to_owned(), value));
    }
    Ok(vars)
}

fn strip_export(line: &str) -> &str {
    match line.strip_prefix("export") {
        Some(rest) if rest.starts_with([' ', '\t']) => rest.trim_start(),
        _ => line,
    }
}

/// An unquoted value: up to a comment (`#` after whitespace, the
/// whitespace after `=` included), trimmed.
fn unquoted(rest: &str) -> String {
    let mut end = rest.len();
    let mut prev_space = false;
    for (i, c) in rest.char_indices() {
        if c == '#' && prev_space {
            end = i;
            break;
        }
        prev_space = c == ' ' || c == '\t';
    }
    rest[..end].trim().to_owned()
}

/// A value inside quotes `q`, starting after the opening quote, continued
/// on the following lines until the closing one. Returns the value and
/// what follows the closing quote on its line, or `None` if it never closes.
fn quoted<'t>(
    first: &'t str,
    q: char,
    lines: &mut impl Iterator<Item = (usize, &'t str)>,
) -> Option<(String, &'t str)> {
    let mut value = String::new();
    let mut line = first;
    loop {
        let mut chars = line.char_indices();
        while let Some((i, c)) = chars.next() {
            if c == q {
                return Some((value, &line[i + c.len_utf8()..]));
            }
            if c == '\\' && q == '"' {
                match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, e @ ('"' | '\\' | '$'))) => value.push(e),
                    Some((_, other)) => {
                        value.push('\\');
                        value.push(other);
                    }
                    None => value.push('\\'),
                }
                continue;
            }
            value.push(c);
        }
        let (_, next) = lines.next()?;
        value.push('\n');
        line = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let text = "# a comment\n\n   # indented comment\nTAG=1.27 # inline\nURL=http://x/#frag\n";
        assert_eq!(
            vars(text),
            [pair("TAG", "1.27"), pair("URL", "http://x/#frag")]
        );
    }

    #[test]
    fn export_is_dropped() {
        assert_eq!(
            vars("export TAG=1\nexport\tB=2\nexported=3\n"),
            [pair("TAG", "1"), pair("B", "2"), pair("exported", "3")]
        );
    }

    #[test]
    fn empty_values() {
        assert_eq!(
            vars("A=\nB=  \nC=\"\"\nD=''\nE= # nothing\n"),
            [
                pair("A", ""),
                pair("B", ""),
                pair("C", ""),
                pair("D", ""),
                pair("E", "")
            ]
        );
    }

    #[test]
    fn quotes() {
        let text = concat!(
            "SINGLE='keep $HOME \\n # as is'\n",
            "DOUBLE=\"line\\nnext \\\"q\\\" \\$5\" # comment\n",
            "SPACES=\"  padded  \"\n",
            "HASH=\"a # b\"\n",
            "MULTI=\"one\ntwo\"\n",
            "EQUALS=a=b=c\n",
            "  KEY  =  value with spaces  \n",
        );
        assert_eq!(
            vars(text),
            [
                pair("SINGLE", "keep $HOME \\n # as is"),
                pair("DOUBLE", "line\nnext \"q\" $5"),
                pair("SPACES", "  padded  "),
                pair("HASH", "a # b"),
                pair("MULTI", "one\ntwo"),
                pair("EQUALS", "a=b=c"),
                pair("KEY", "value with spaces"),
            ]
        );
    }

    #[test]
    fn windows_line_endings() {
        assert_eq!(vars("A=1\r\nB='2'\r\n"), [pair("A", "1"), pair("B", "2")]);
    }

    #[test]
    fn repeated_keys_are_kept_in_order() {
        assert_eq!(vars("A=1\nA=2\n"), [pair("A", "1"), pair("A", "2")]);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse("A=1\nnot a pair\n").unwrap_err(),
            "2: expected KEY=VALUE, found \"not a pair\""
        );
        assert_eq!(
            parse("A=1\n\nB=\"open\nstill open\n").unwrap_err(),
            "3: the \" quote of B is never closed"
        );
        assert!(parse("=1\n").unwrap_err().starts_with("1: "));
        assert!(parse("A='x' trailing\n").unwrap_err().contains("trailing"));
        assert!(parse("MY KEY=1\n").is_err());
    }
}
