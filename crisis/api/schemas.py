"""Shared request/response schemas (pydantic) used by several domains."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import pydantic

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "details": {}},
        }
    },
}


class Strict(pydantic.BaseModel):
    """Request bodies: unknown fields are errors (a typo must not be silently ignored)."""

    model_config = pydantic.ConfigDict(extra="forbid", str_strip_whitespace=False)


T = TypeVar("T")


class Items(pydantic.BaseModel, Generic[T]):
    items: list[T]
