"""Producers, their products and lots."""
