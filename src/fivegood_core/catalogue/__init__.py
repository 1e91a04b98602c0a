"""Plugins and what they provide: the plugin manager, ready-made plugins, the built-ins, and the catalogue of standards."""
