//! Long lists a person reads come a page at a time.

/// Rows on one page of a list a person reads.
pub const PER_PAGE: usize = 50;

/// One page of a list of `total` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Page {
    /// 1-based, within `1..=pages`.
    pub number: usize,
    /// At least 1, even for an empty list.
    pub pages: usize,
    /// Rows in the whole list.
    pub total: usize,
    /// The rows of this page: `start..end`.
    pub start: usize,
    pub end: usize,
}

impl Page {
    /// The page `asked` (1-based; out of range is brought to the nearest page) of `total`
    /// rows, `per_page` to a page.
    pub fn of(total: usize, asked: usize, per_page: usize) -> Page {
        let per_page = per_page.max(1);
        let pages = total.div_ceil(per_page).max(1);
        let number = asked.clamp(1, pages);
        let start = (number - 1) * per_page;
        Page {
            number,
            pages,
            total,
            start: start.min(total),
            end: (start + per_page).min(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_table() {
        // (total, asked, per page, expected number, pages, start, end)
        let cases = [
            (0, 1, 200, 1, 1, 0, 0),
            (5, 1, 200, 1, 1, 0, 5),
            (200, 1, 200, 1, 1, 0, 200),
            (201, 2, 200, 2, 2, 200, 201),
            (50_000, 250, 200, 250, 250, 49_800, 50_000),
            (50_000, 0, 200, 1, 250, 0, 200),
            (50_000, 999, 200, 250, 250, 49_800, 50_000),
        ];
        for (total, asked, per, number, pages, start, end) in cases {
            let p = Page::of(total, asked, per);
            assert_eq!(
                (p.number, p.pages, p.start, p.end),
                (number, pages, start, end),
                "{total} rows, page {asked}"
            );
        }
    }
}
