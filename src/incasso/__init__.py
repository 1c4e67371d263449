"""Incasso: an open-source debt-collection system."""
