"""Words for people: numbers and gaps as they are read, and the Chinese of the engine's messages."""
