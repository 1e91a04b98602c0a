"""Reading standard files: TOML with line numbers, field schemas, and the loader that validates a standard."""
