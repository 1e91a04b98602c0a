"""Check kinds: the contract every kind implements, the built-in leaves and groups, metrics and reward calculators."""
