//! URL / message parameter parsing and range checks (pure). OWNER: UI helper.
