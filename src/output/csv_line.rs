//! One CSV line built in a reused buffer, for the writers of the large per-run files
//! (pods, samples, per-node samples, events): each field is appended without a `String` of
//! its own, as the same text as its `Display` / `format!` form.

use std::io::Write;

use super::decimal::{push_fixed, push_u64};
use crate::engine::SimTime;

/// A CSV line under construction; [`CsvLine::end`] writes it and starts the next one.
#[derive(Debug, Default)]
pub struct CsvLine {
    buf: String,
    fields: usize,
}

impl CsvLine {
    /// An empty line.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts a new field: a comma unless it is the first of the line.
    fn field(&mut self) -> &mut String {
        if self.fields > 0 {
            self.buf.push(',');
        }
        self.fields += 1;
        &mut self.buf
    }

    /// A time as seconds with three decimals (`SimTime`'s `Display`, e.g. `12.500`).
    pub fn time(&mut self, t: SimTime) -> &mut Self {
        let ms = t.as_millis();
        let out = self.field();
        push_u64(out, ms / 1000);
        out.push('.');
        let frac = ms % 1000;
        out.extend([frac / 100, frac / 10 % 10, frac % 10].map(|d| char::from(b'0' + d as u8)));
        self
    }

    /// An optional time; empty when absent.
    pub fn opt_time(&mut self, t: Option<SimTime>) -> &mut Self {
        match t {
            Some(t) => self.time(t),
            None => self.raw(""),
        }
    }

    /// An unsigned integer.
    pub fn uint(&mut self, v: u64) -> &mut Self {
        push_u64(self.field(), v);
        self
    }

    /// A signed integer.
    pub fn int(&mut self, v: i64) -> &mut Self {
        let out = self.field();
        if v < 0 {
            out.push('-');
        }
        push_u64(out, v.unsigned_abs());
        self
    }

    /// A figure with six decimals (`format!("{v:.6}")`).
    pub fn ratio(&mut self, v: f64) -> &mut Self {
        push_fixed(self.field(), v, 6);
        self
    }

    /// Text written as is (a value known to need no quoting).
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.field().push_str(text);
        self
    }

    /// Text quoted when RFC 4180 needs it.
    pub fn text(&mut self, text: &str) -> &mut Self {
        let out = self.field();
        if (text.bytes()).any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
            out.push('"');
            out.push_str(&text.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(text);
        }
        self
    }

    /// The fields so far, without a newline.
    pub fn into_text(self) -> String {
        self.buf
    }

    /// Ends the line: writes it with its newline to `w` and clears the buffer.
    pub fn end(&mut self, w: &mut impl Write) -> std::io::Result<()> {
        self.buf.push('\n');
        let written = w.write_all(self.buf.as_bytes());
        self.buf.clear();
        self.fields = 0;
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line's text, as the writers' earlier `format!` forms spell each field.
    fn line(build: impl FnOnce(&mut CsvLine)) -> String {
        let mut l = CsvLine::new();
        build(&mut l);
        let mut out = Vec::new();
        l.end(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn fields_match_their_display_forms() {
        // Times: 0 ms is "0.000", 12 345 ms "12.345", 7 ms "0.007" (zero-padded millis),
        // 3 600 000 ms "3600.000"; each equals SimTime's Display.
        for ms in [0, 7, 12_345, 3_600_000, 86_399_999] {
            let t = SimTime::from_millis(ms);
            assert_eq!(
                line(|l| {
                    l.time(t);
                }),
                format!("{t}\n")
            );
        }
        assert_eq!(
            line(|l| {
                l.int(-42).uint(0).int(i64::MIN).uint(u64::MAX);
            }),
            format!("-42,0,{},{}\n", i64::MIN, u64::MAX)
        );
        // Six decimals as format!("{v:.6}"): 1/3 rounds down, 2/3 up, -0.0 keeps its sign.
        for v in [1.0 / 3.0, 2.0 / 3.0, 0.0, -0.0, 1.0, 0.1234565] {
            assert_eq!(
                line(|l| {
                    l.ratio(v);
                }),
                format!("{v:.6}\n")
            );
        }
        assert_eq!(
            line(|l| {
                l.opt_time(None).raw("");
            }),
            ",\n"
        );
    }

    #[test]
    fn text_is_quoted_only_when_needed() {
        // RFC 4180: a comma, quote, CR or LF makes a quoted field with quotes doubled.
        assert_eq!(
            line(|l| {
                l.text("web-1").text("a,b").text("say \"hi\"").text("x\ny");
            }),
            "web-1,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
        // The buffer is cleared by end: the next line starts without a comma.
        let mut l = CsvLine::new();
        let mut out = Vec::new();
        l.uint(1).end(&mut out).unwrap();
        l.uint(2).end(&mut out).unwrap();
        assert_eq!(out, b"1\n2\n");
    }
}
