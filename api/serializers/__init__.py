"""Serializers named after the contract's schemas: request validation and the OpenAPI schema."""
