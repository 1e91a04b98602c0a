"""What people read: reports in every format, generated docs, evidence templates, version diffs."""
