"""The model: plain frozen values that every other layer reads (definitions, verdicts, vocabulary, results)."""
