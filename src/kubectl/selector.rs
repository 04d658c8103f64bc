//! `-l` label selectors parsed as kubectl parses them (k8s.io/apimachinery/pkg/labels
//! selector.go): `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`, `k>1`, `k<1`,
//! comma-separated and ANDed, into the model's set-based [`Requirement`]s.

use crate::model::labels::{Labels, Requirement, SelectorOp};

/// A parsed `-l` selector: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(Vec<Requirement>);

/// A lexical token of a selector (selector.go's Token).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    In,
    NotIn,
    Bang,
    Eq,
    DoubleEq,
    NotEq,
    Gt,
    Lt,
    Open,
    Close,
    Comma,
}

impl Token {
    /// The text kubectl quotes in its errors.
    fn text(&self) -> String {
        match self {
            Token::Ident(s) => s.clone(),
            Token::In => "in".into(),
            Token::NotIn => "notin".into(),
            Token::Bang => "!".into(),
            Token::Eq => "=".into(),
            Token::DoubleEq => "==".into(),
            Token::NotEq => "!=".into(),
            Token::Gt => ">".into(),
            Token::Lt => "<".into(),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
            Token::Comma => ",".into(),
        }
    }
}

fn is_special(c: char) -> bool {
    matches!(c, '!' | '=' | '(' | ')' | ',' | '<' | '>')
}

fn lex(s: &str) -> Vec<Token> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (token, len) = match (c, next) {
            ('!', Some('=')) => (Token::NotEq, 2),
            ('=', Some('=')) => (Token::DoubleEq, 2),
            ('!', _) => (Token::Bang, 1),
            ('=', _) => (Token::Eq, 1),
            ('>', _) => (Token::Gt, 1),
            ('<', _) => (Token::Lt, 1),
            ('(', _) => (Token::Open, 1),
            (')', _) => (Token::Close, 1),
            (',', _) => (Token::Comma, 1),
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !is_special(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                out.push(match word.as_str() {
                    "in" => Token::In,
                    "notin" => Token::NotIn,
                    _ => Token::Ident(word),
                });
                continue;
            }
        };
        out.push(token);
        i += len;
    }
    out
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn found(t: Option<&Token>) -> String {
        t.map(Token::text).unwrap_or_default()
    }

    fn identifier(&mut self, what: &str) -> Result<String, String> {
        match self.next() {
            Some(Token::Ident(s)) => Ok(s),
            t => Err(format!(
                "found '{}', expected: {what}",
                Self::found(t.as_ref())
            )),
        }
    }

    /// One requirement: `!key`, `key`, `key op value`, `key in|notin (values)`.
    fn requirement(&mut self) -> Result<Requirement, String> {
        if self.peek() == Some(&Token::Bang) {
            self.pos += 1;
            let key = self.identifier("identifier")?;
            return Ok(req(key, SelectorOp::DoesNotExist, Vec::new()));
        }
        let key = self.identifier("identifier")?;
        let op = match self.peek() {
            None | Some(Token::Comma) => return Ok(req(key, SelectorOp::Exists, Vec::new())),
            Some(Token::Eq | Token::DoubleEq) => SelectorOp::In,
            Some(Token::NotEq) => SelectorOp::NotIn,
            Some(Token::Gt) => SelectorOp::Gt,
            Some(Token::Lt) => SelectorOp::Lt,
            Some(Token::In) => {
                self.pos += 1;
                return Ok(req(key, SelectorOp::In, self.value_set()?));
            }
            Some(Token::NotIn) => {
                self.pos += 1;
                return Ok(req(key, SelectorOp::NotIn, self.value_set()?));
            }
            t => {
                return Err(format!(
                    "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                    Self::found(t)
                ))
            }
        };
        self.pos += 1;
        // An exact value may be empty (`k=`), as in parseExactValue.
        let value = match self.peek() {
            None | Some(Token::Comma) => String::new(),
            Some(Token::Ident(_)) => self.identifier("identifier")?,
            t => return Err(format!("found '{}', expected: identifier", Self::found(t))),
        };
        if matches!(op, SelectorOp::Gt | SelectorOp::Lt) && value.parse::<i64>().is_err() {
            return Err(format!(
                "for 'Gt', 'Lt' operators, the value must be an integer: {value:?}"
            ));
        }
        Ok(req(key, op, vec![value]))
    }

    /// `( v1, v2 )`: a non-empty set of values.
    fn value_set(&mut self) -> Result<Vec<String>, String> {
        match self.next() {
            Some(Token::Open) => {}
            t => {
                return Err(format!(
                    "found '{}', expected: '('",
                    Self::found(t.as_ref())
                ))
            }
        }
        let mut values = Vec::new();
        loop {
            match self.next() {
                Some(Token::Ident(v)) => values.push(v),
                Some(Token::Close) if values.is_empty() => {
                    return Err("for 'in', 'notin' operators, values set can't be empty".to_string())
                }
                t => {
                    return Err(format!(
                        "found '{}', expected: identifier",
                        Self::found(t.as_ref())
                    ))
                }
            }
            match self.next() {
                Some(Token::Comma) => {}
                Some(Token::Close) => break,
                t => {
                    return Err(format!(
                        "found '{}', expected: ',' or ')'",
                        Self::found(t.as_ref())
                    ))
                }
            }
        }
        values.sort();
        values.dedup();
        Ok(values)
    }
}

fn req(key: String, op: SelectorOp, values: Vec<String>) -> Requirement {
    Requirement { key, op, values }
}

/// Parses a `-l` selector; errors read like kubectl's `unable to parse requirement`.
pub fn parse_selector(s: &str) -> Result<Selector, String> {
    let mut p = Parser {
        tokens: lex(s),
        pos: 0,
    };
    let mut reqs = Vec::new();
    if p.tokens.is_empty() {
        return Ok(Selector(reqs));
    }
    loop {
        let r = p
            .requirement()
            .map_err(|e| format!("unable to parse requirement: {e}"))?;
        reqs.push(r);
        match p.next() {
            None => break,
            Some(Token::Comma) => {}
            Some(t) => {
                return Err(format!(
                    "unable to parse requirement: found '{}', expected: ','",
                    t.text()
                ))
            }
        }
    }
    Ok(Selector(reqs))
}

impl Selector {
    /// True if `labels` satisfy every requirement.
    pub fn matches(&self, labels: &Labels) -> bool {
        self.0.iter().all(|r| r.matches(labels))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_and_existence_requirements() {
        let s = parse_selector("app=web,tier!=db,!canary").unwrap();
        let mut l = Labels::new();
        l.insert("app".into(), "web".into());
        assert!(s.matches(&l));
        l.insert("canary".into(), "1".into());
        assert!(!s.matches(&l));
    }

    #[test]
    fn set_and_integer_requirements() {
        let s = parse_selector("env in (prod, qa),tier notin (cache),gen>2").unwrap();
        let mut l = Labels::new();
        l.insert("env".into(), "qa".into());
        l.insert("gen".into(), "3".into());
        assert!(s.matches(&l));
        l.insert("tier".into(), "cache".into());
        assert!(!s.matches(&l));
        assert!(parse_selector("gen>x").is_err());
        assert!(parse_selector("a,").is_err());
    }
}
