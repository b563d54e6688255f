//! Compact JSON written straight to a writer: byte for byte what `serde_json::to_writer`
//! writes, with a string escape that passes over eight bytes at a time. A large preview is
//! megabytes of Chinese text, none of which needs escaping, and serde_json looks at it one
//! byte at a time.

use std::io::Write;

use serde::ser::{self, Serialize};

/// Errors are serde_json's, so callers treat both writers alike.
pub type Error = serde_json::Error;

/// Writes `value` as compact JSON, as `serde_json::to_writer` would.
pub fn to_writer<W: Write, T: ?Sized + Serialize>(writer: W, value: &T) -> Result<(), Error> {
    let mut w = Writer {
        out: writer,
        buf: Vec::with_capacity(FLUSH_AT + 4096),
    };
    value.serialize(&mut w)?;
    w.flush()
}

/// How much is gathered before it goes to the writer: the parts written are mostly a few
/// bytes long, and a `Vec` takes them more cheaply than an `io::Write`.
const FLUSH_AT: usize = 64 * 1024;

struct Writer<W> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    fn flush(&mut self) -> Result<(), Error> {
        self.out.write_all(&self.buf).map_err(Error::io)?;
        self.buf.clear();
        Ok(())
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), Error> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    fn string(&mut self, s: &str) -> Result<(), Error> {
        write_string(&mut self.buf, s);
        if self.buf.len() >= FLUSH_AT {
            self.flush()?;
        }
        Ok(())
    }

    /// A struct field's key and colon, after a comma unless it is the first.
    fn key(&mut self, first: bool, key: &str) -> Result<(), Error> {
        if !first {
            self.buf.push(b',');
        }
        write_string(&mut self.buf, key);
        self.buf.push(b':');
        Ok(())
    }

    fn integer(&mut self, n: impl itoa::Integer) -> Result<(), Error> {
        self.raw(itoa::Buffer::new().format(n).as_bytes())
    }
}

/// What serde_json writes for each byte: 0 for itself, else the escape's letter (`u` for
/// `\u00XX`).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = b'u';
        b += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0A] = b'n';
    t[0x0C] = b'f';
    t[0x0D] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// Whether any of eight bytes is a control character, `"` or `\` (exact for "any"; bit
/// tricks from "Bit Twiddling Hacks": a byte below n, a byte equal to zero).
fn any_to_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    below_space | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\'))) != 0
}

/// Whether no byte of the text needs escaping, eight at a time.
fn plain(bytes: &[u8]) -> bool {
    let mut words = bytes.chunks_exact(8);
    for eight in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(eight);
        if any_to_escape(u64::from_le_bytes(w)) {
            return false;
        }
    }
    // The last few bytes padded with spaces, which need no escape.
    let mut w = [b' '; 8];
    let tail = words.remainder();
    w[..tail.len()].copy_from_slice(tail);
    !any_to_escape(u64::from_le_bytes(w))
}

fn write_string(buf: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    buf.reserve(bytes.len() + 2);
    buf.push(b'"');
    if plain(bytes) {
        buf.extend_from_slice(bytes);
    } else {
        escaped(buf, bytes);
    }
    buf.push(b'"');
}

fn escaped(buf: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[usize::from(b)];
        if escape == 0 {
            continue;
        }
        buf.extend_from_slice(&bytes[start..i]);
        match escape {
            b'u' => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                buf.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 0xF)],
                ]);
            }
            letter => buf.extend_from_slice(&[b'\\', letter]),
        }
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
}

/// A sequence, map or struct being written: whether a comma comes before the next part.
struct Compound<'a, W> {
    ser: &'a mut Writer<W>,
    first: bool,
}

impl<W: Write> Compound<'_, W> {
    fn comma(&mut self) -> Result<(), Error> {
        if self.first {
            self.first = false;
            Ok(())
        } else {
            self.ser.raw(b",")
        }
    }

    fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        self.ser.key(self.first, key)?;
        self.first = false;
        value.serialize(&mut *self.ser)
    }
}

impl<'a, W: Write> ser::Serializer for &'a mut Writer<W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a, W>;
    type SerializeTuple = Compound<'a, W>;
    type SerializeTupleStruct = Compound<'a, W>;
    type SerializeTupleVariant = Compound<'a, W>;
    type SerializeMap = Compound<'a, W>;
    type SerializeStruct = Compound<'a, W>;
    type SerializeStructVariant = Compound<'a, W>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.raw(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.integer(v)
    }
    // Floats are rare here; serde_json's own shortest form keeps them identical.
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        serde_json::to_writer(&mut self.buf, &v)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        serde_json::to_writer(&mut self.buf, &v)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.raw(b"null")
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.raw(b"{")?;
        self.string(variant)?;
        self.raw(b":")?;
        value.serialize(&mut *self)?;
        self.raw(b"}")
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.raw(b"[")?;
        Ok(Compound {
            ser: self,
            first: true,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.raw(b"{")?;
        self.string(variant)?;
        self.raw(b":")?;
        self.serialize_seq(Some(len))
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a, W>, Error> {
        self.raw(b"{")?;
        Ok(Compound {
            ser: self,
            first: true,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a, W>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Compound<'a, W>, Error> {
        self.raw(b"{")?;
        self.string(variant)?;
        self.raw(b":")?;
        self.serialize_map(Some(len))
    }
}

impl<W: Write> ser::SerializeSeq for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.comma()?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.ser.raw(b"]")
    }
}

impl<W: Write> ser::SerializeTuple for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl<W: Write> ser::SerializeTupleStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        ser::SerializeSeq::end(self)
    }
}

impl<W: Write> ser::SerializeTupleVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<(), Error> {
        self.ser.raw(b"]}")
    }
}

impl<W: Write> ser::SerializeMap for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        self.comma()?;
        key.serialize(KeyWriter(&mut *self.ser))
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        self.ser.raw(b":")?;
        value.serialize(&mut *self.ser)
    }
    fn end(self) -> Result<(), Error> {
        self.ser.raw(b"}")
    }
}

impl<W: Write> ser::SerializeStruct for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.ser.raw(b"}")
    }
}

impl<W: Write> ser::SerializeStructVariant for Compound<'_, W> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.ser.raw(b"}}")
    }
}

/// A map key: strings as they are, numbers and booleans quoted (as serde_json does);
/// anything else cannot be a JSON key.
struct KeyWriter<'a, W>(&'a mut Writer<W>);

fn not_a_key() -> Error {
    ser::Error::custom("key must be a string")
}

impl<W: Write> KeyWriter<'_, W> {
    fn quoted(self, text: &[u8]) -> Result<(), Error> {
        self.0.raw(b"\"")?;
        self.0.raw(text)?;
        self.0.raw(b"\"")
    }

    fn integer(self, n: impl itoa::Integer) -> Result<(), Error> {
        self.quoted(itoa::Buffer::new().format(n).as_bytes())
    }
}

impl<W: Write> ser::Serializer for KeyWriter<'_, W> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.quoted(if v { b"true" } else { b"false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.integer(v)
    }
    fn serialize_f32(self, _v: f32) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_f64(self, _v: f64) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v)
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_some<T: ?Sized + Serialize>(self, _value: &T) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(not_a_key())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_a_key())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_a_key())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(not_a_key())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_a_key())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Serialize;

    use super::*;

    fn same<T: Serialize>(value: &T) {
        let mut ours = Vec::new();
        to_writer(&mut ours, value).expect("ours");
        let theirs = serde_json::to_vec(value).expect("serde_json");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs)
        );
    }

    #[derive(Serialize)]
    #[serde(tag = "status", rename_all = "snake_case")]
    enum Tagged {
        Known { id: i32 },
        Unknown,
    }

    #[derive(Serialize)]
    struct Inner {
        a: Option<u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
        #[serde(flatten)]
        t: Tagged,
    }

    #[derive(Serialize)]
    enum Shapes {
        Unit,
        New(i64),
        Tuple(u8, char),
        Struct { x: f64, y: f32 },
    }

    #[derive(Serialize)]
    struct Outer {
        #[serde(flatten)]
        inner: Inner,
        list: Vec<Inner>,
        shapes: Vec<Shapes>,
        map: BTreeMap<u32, bool>,
        keys: BTreeMap<String, ()>,
        date: chrono::NaiveDate,
        nothing: (),
        bytes: &'static [u8],
        big: (u128, i128, i8),
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let every_byte: String = (0u8..=127).map(char::from).collect();
        for text in [
            String::new(),
            "按照要求做好相关信息公开工作，每年至少开展培训2次。".to_string(),
            every_byte.clone(),
            format!("长长的{every_byte}文字\"\\\u{7f}\u{2028}末尾"),
            "a\"b".repeat(9),
        ] {
            same(&text);
            same(&vec![text.clone(); 3]);
        }
        same(&Outer {
            inner: Inner {
                a: Some(7),
                b: None,
                t: Tagged::Unknown,
            },
            list: vec![
                Inner {
                    a: None,
                    b: Some("\n\t\u{1}".into()),
                    t: Tagged::Known { id: -3 },
                },
                Inner {
                    a: Some(255),
                    b: Some(String::new()),
                    t: Tagged::Unknown,
                },
            ],
            shapes: vec![
                Shapes::Unit,
                Shapes::New(i64::MIN),
                Shapes::Tuple(0, '"'),
                Shapes::Struct {
                    x: 0.1 + 0.2,
                    y: f32::NAN,
                },
            ],
            map: [(1, true), (20, false)].into_iter().collect(),
            keys: [("k\"ey".to_string(), ()), (String::new(), ())]
                .into_iter()
                .collect(),
            date: chrono::NaiveDate::from_ymd_opt(2021, 9, 30).expect("date"),
            nothing: (),
            bytes: b"\x00\xff",
            big: (u128::MAX, i128::MIN, -1),
        });
        same(&Vec::<u8>::new());
        same(&BTreeMap::<String, u8>::new());
    }

    #[test]
    fn writes_every_fixture_preview_as_serde_json_does() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut written = 0;
        for sub in ["import", "real"] {
            for entry in std::fs::read_dir(format!("{dir}/{sub}")).expect("fixtures") {
                let path = entry.expect("entry").path();
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                let bytes = std::fs::read(&path).expect("fixture");
                let opts = crate::import::ImportOptions::for_year(2021);
                let Ok(preview) =
                    crate::service::imports::preview(&bytes, &name.unwrap_or_default(), &opts, &[])
                else {
                    continue;
                };
                same(&preview);
                written += 1;
            }
        }
        assert!(written >= 10, "only {written} previews");
    }
}
