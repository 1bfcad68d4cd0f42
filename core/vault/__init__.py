"""Encryption at rest and durable writes."""
