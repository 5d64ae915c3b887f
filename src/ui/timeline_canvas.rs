//! Canvas drawing of large timelines. OWNER: seeing helper (placeholder created by the UI shell).
