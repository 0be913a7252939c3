"""Vendored helper libraries that Freqtrade strategy files import."""
