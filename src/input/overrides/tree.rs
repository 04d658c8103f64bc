//! A YAML document as a tree of nodes that remember where they were written (line, column,
//! byte range), so that an override can be spliced into the text in place.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

/// A scalar YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
}

impl Scalar {
    /// The value as a YAML flow scalar that reads back as the same value anywhere (strings
    /// double-quoted).
    pub fn to_yaml(&self) -> String {
        match self {
            Scalar::Str(s) => serde_json::to_string(s).expect("a string serialises"),
            other => other.to_string(),
        }
    }

    /// What kind of value it is, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::Int(_) | Scalar::Float(_) => "a number",
            Scalar::Str(_) => "a string",
        }
    }

    /// Whether `self` may replace `current`: numbers and booleans keep their kind; a string,
    /// a null or an empty value may become anything (the scenario reader checks it then).
    pub fn fits(&self, current: &Scalar) -> bool {
        match current {
            Scalar::Int(_) | Scalar::Float(_) => matches!(self, Scalar::Int(_) | Scalar::Float(_)),
            Scalar::Bool(_) => matches!(self, Scalar::Bool(_)),
            Scalar::Str(_) | Scalar::Null => true,
        }
    }
}

/// Plain text: strings unquoted, numbers as written by Rust (`0.5`, `1000.0`).
impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Null => f.write_str("null"),
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(v) if v.is_nan() => f.write_str(".nan"),
            Scalar::Float(v) if v.is_infinite() => {
                f.write_str(if *v > 0.0 { ".inf" } else { "-.inf" })
            }
            Scalar::Float(v) => write!(f, "{v:?}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

/// A node of a YAML document.
#[derive(Debug, Clone)]
pub enum Node {
    /// A scalar.
    Scalar(Scalar),
    /// A list, items in order.
    Seq(Vec<Spanned<Node>>),
    /// A mapping, entries in file order (keys as strings).
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
}

impl Node {
    /// The value of `key` when this is a mapping holding it.
    pub fn get(&self, key: &str) -> Option<&Spanned<Node>> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k.value == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string value of `key` when this is a mapping holding a string there.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        match self.get(key).map(|v| &v.value) {
            Some(Node::Scalar(Scalar::Str(s))) => Some(s),
            _ => None,
        }
    }

    /// "a mapping", "a list" or the scalar's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Scalar(s) => s.kind(),
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// Parses one YAML document (or a value given on the command line) into a tree.
pub fn parse(text: &str) -> Result<Spanned<Node>, String> {
    serde_saphyr::from_str::<Spanned<Node>>(text).map_err(|e| {
        let msg = e.to_string();
        msg.lines().next().unwrap_or("invalid YAML").to_string()
    })
}

/// The byte range of a node in the text it was parsed from (collections: their start only).
pub fn byte_range(node: &Spanned<Node>) -> Option<(usize, usize)> {
    let span = node.referenced.span();
    let start = span.byte_offset()? as usize;
    Some((start, start + span.byte_len().unwrap_or(0) as usize))
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Null))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Int(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Int(v.into())))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Int(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Float(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Str(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Scalar::Str(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let key = Spanned::new(key.value.0, key.referenced, key.defined);
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

/// A mapping key of any scalar kind, as text (`1: a` has the key "1").
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<KeyText, D::Error> {
        match Node::deserialize(d)? {
            Node::Scalar(s) => Ok(KeyText(s.to_string())),
            other => Err(de::Error::custom(format!(
                "a mapping key must be a scalar, found {}",
                other.kind()
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_byte_ranges() {
        let text = "a: 1\nb:\n  - {c: \"x\"}\n";
        let root = parse(text).unwrap();
        let a = root.value.get("a").unwrap();
        assert_eq!(byte_range(a), Some((3, 4)));
        let Node::Seq(items) = &root.value.get("b").unwrap().value else {
            panic!("b is a list")
        };
        let c = items[0].value.get("c").unwrap();
        let (s, e) = byte_range(c).unwrap();
        assert_eq!(&text[s..e], "\"x\"");
    }

    #[test]
    fn strings_are_written_quoted_and_shown_plain() {
        assert_eq!(Scalar::Str("5s".into()).to_yaml(), "\"5s\"");
        assert_eq!(Scalar::Str("5s".into()).to_string(), "5s");
        assert_eq!(Scalar::Int(3).to_yaml(), "3");
        assert_eq!(Scalar::Float(0.5).to_yaml(), "0.5");
        assert!(!Scalar::Str("x".into()).fits(&Scalar::Int(3)));
        assert!(Scalar::Float(2.5).fits(&Scalar::Int(3)));
    }
}
