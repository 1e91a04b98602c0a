"""Words for people: every message and label fivegood writes, by code, in English and Chinese (``catalogue``)."""
