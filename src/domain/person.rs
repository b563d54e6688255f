//! How a person is named where people read: their name, else their user name.

/// The name shown for a user: the display name when one is set, else the user name.
pub fn shown_name<'a>(display_name: &'a str, username: &'a str) -> &'a str {
    match display_name.trim() {
        "" => username,
        name => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_table() {
        // (display name, user name, shown)
        let cases = [
            ("王小明", "wang", "王小明"),
            ("", "wang", "wang"),
            ("   ", "wang", "wang"),
            (" 李四 ", "li", "李四"),
        ];
        for (display, user, shown) in cases {
            assert_eq!(shown_name(display, user), shown, "{display:?} {user:?}");
        }
    }
}
