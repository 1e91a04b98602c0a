"""Evidence: untrusted documents loaded with limits (:mod:`.document`) and read key by key (:mod:`.reader`)."""
