//! Whether a report holds anything the terminal would have to escape, found without writing it
//! out: a serde serializer that visits every string the report's JSON form would hold (keys of
//! maps included) and stops at the first hostile character.
//!
//! Nearly every report is clean, so `terminal::escaped` asks this first and only builds an
//! escaped copy when it says no. Going through `Serialize` rather than a list of fields means a
//! field added to the schema is checked without anyone remembering to; going through it without
//! JSON means no bytes are formatted, quoted or scanned (scanning the written JSON cost as much
//! as writing it, issue 18).
//!
//! The rule is [`terminal::escape`]'s: only a string under a `text` key (a requirement's text, or
//! the items of a list under that key) keeps its line breaks.

use super::terminal::is_hostile;
use serde::ser::{self, Serialize};
use std::fmt;

/// Whether `value`, serialised, holds a string `terminal::escape` would change.
pub(crate) fn holds_hostile<T: Serialize + ?Sized>(value: &T) -> bool {
    let mut finder = Finder::default();
    value.serialize(&mut finder).is_err()
}

/// Whether `text` holds a character [`is_hostile`] flags. Plain printable ASCII, nearly every
/// byte of a report, is passed over a byte at a time without decoding.
fn hostile_str(text: &str, keep_newlines: bool) -> bool {
    let plain = |b: &u8| (0x20..0x7f).contains(b) || *b == b'\t' || (keep_newlines && *b == b'\n');
    !text.as_bytes().iter().all(plain) && text.chars().any(|c| is_hostile(c, keep_newlines))
}

/// The serializer's only error: a hostile character was found (or a value refused to serialise,
/// which the caller treats the same way: take the careful path).
#[derive(Debug)]
pub(crate) struct Found;

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string a terminal must not show as it is")
    }
}

impl std::error::Error for Found {}

impl ser::Error for Found {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Found
    }
}

#[derive(Default)]
struct Finder {
    /// The value being visited sits under a `text` key.
    keep_newlines: bool,
    /// A map key is being visited: remember whether it is `text`.
    in_key: bool,
    key_is_text: bool,
    /// `keep_newlines` outside each tuple variant being visited, restored at its end.
    outside_variants: Vec<bool>,
}

impl Finder {
    fn string(&mut self, v: &str) -> Result<(), Found> {
        if self.in_key {
            self.key_is_text = v == "text";
            // Keys never keep line breaks.
            return if hostile_str(v, false) {
                Err(Found)
            } else {
                Ok(())
            };
        }
        if hostile_str(v, self.keep_newlines) {
            Err(Found)
        } else {
            Ok(())
        }
    }

    /// Visits `value` as the value of the field or key `text_key` says.
    fn under<T: Serialize + ?Sized>(&mut self, text_key: bool, value: &T) -> Result<(), Found> {
        let keep = std::mem::replace(&mut self.keep_newlines, text_key);
        let result = value.serialize(&mut *self);
        self.keep_newlines = keep;
        result
    }
}

type Done = Result<(), Found>;

impl ser::Serializer for &mut Finder {
    type Ok = ();
    type Error = Found;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn serialize_bool(self, _: bool) -> Done {
        Ok(())
    }
    fn serialize_i8(self, _: i8) -> Done {
        Ok(())
    }
    fn serialize_i16(self, _: i16) -> Done {
        Ok(())
    }
    fn serialize_i32(self, _: i32) -> Done {
        Ok(())
    }
    fn serialize_i64(self, _: i64) -> Done {
        Ok(())
    }
    fn serialize_u8(self, _: u8) -> Done {
        Ok(())
    }
    fn serialize_u16(self, _: u16) -> Done {
        Ok(())
    }
    fn serialize_u32(self, _: u32) -> Done {
        Ok(())
    }
    fn serialize_u64(self, _: u64) -> Done {
        Ok(())
    }
    fn serialize_f32(self, _: f32) -> Done {
        Ok(())
    }
    fn serialize_f64(self, _: f64) -> Done {
        Ok(())
    }
    fn serialize_char(self, v: char) -> Done {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Done {
        self.string(v)
    }
    /// JSON writes bytes as an array of numbers.
    fn serialize_bytes(self, _: &[u8]) -> Done {
        Ok(())
    }
    fn serialize_none(self) -> Done {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Done {
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Done {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Done {
        self.under(variant == "text", value)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Found> {
        self.outside_variants.push(self.keep_newlines);
        self.keep_newlines = variant == "text";
        Ok(self)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Found> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Found> {
        Ok(self)
    }
}

impl ser::SerializeSeq for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeTuple for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeTupleStruct for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeTupleVariant for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        value.serialize(&mut **self)
    }
    fn end(self) -> Done {
        self.keep_newlines = self.outside_variants.pop().unwrap_or(false);
        Ok(())
    }
}

impl ser::SerializeMap for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Done {
        self.in_key = true;
        self.key_is_text = false;
        let result = key.serialize(&mut **self);
        self.in_key = false;
        result
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Done {
        let text = std::mem::take(&mut self.key_is_text);
        self.under(text, value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeStruct for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.under(key == "text", value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl ser::SerializeStructVariant for &mut Finder {
    type Ok = ();
    type Error = Found;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Done {
        self.under(key == "text", value)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::holds_hostile;
    use serde_json::json;

    // r[verify robust.terminal-escapes]
    #[test]
    fn finds_what_the_terminal_escapes_and_nothing_else() {
        let cases = [
            (json!({"title": "plain ascii, tab\there"}), false),
            (json!({"text": "two\nlines"}), false),
            (json!({"text": ["a list\nunder text"]}), false),
            (json!({"title": "two\nlines"}), true),
            (json!({"inner": {"text": "ok\n"}, "title": "x"}), false),
            (json!({"text": {"title": "nested\nresets"}}), true),
            (json!({"message": "bell \u{7}"}), true),
            (json!({"message": "carriage\rreturn"}), true),
            (json!({"message": "del \u{7f}"}), true),
            (json!({"message": "c1 \u{9b}"}), true),
            (json!({"message": "bidi \u{202e}"}), true),
            (json!({"message": "isolate \u{2067}"}), true),
            (json!({"message": "accents é ü and — dashes ©"}), false),
            (json!({"key\u{1b}": 1}), true),
            (json!({"text\n": "x"}), true),
            (json!([{"text": "a\nb"}, "c\nd"]), true),
        ];
        for (value, hostile) in cases {
            assert_eq!(holds_hostile(&value), hostile, "{value}");
        }
    }

    // r[verify robust.terminal-escapes]
    #[test]
    fn a_tuple_variant_leaves_the_text_rule_as_it_found_it() {
        #[derive(serde::Serialize)]
        enum Item {
            Pair(String, String),
        }
        #[derive(serde::Serialize)]
        struct Holder {
            text: (Item, String),
        }
        // As JSON: {"text": [{"Pair": ["a", "b"]}, "c\nd"]}: the second string sits under
        // `text` and keeps its line break; inside the variant, line breaks are hostile.
        let after = Holder {
            text: (Item::Pair("a".into(), "b".into()), "c\nd".into()),
        };
        assert!(!holds_hostile(&after));
        let inside = Holder {
            text: (Item::Pair("a\nb".into(), "b".into()), "c".into()),
        };
        assert!(holds_hostile(&inside));
    }
}
