//! End to end in a real headless Chromium: log in and see the home page.
