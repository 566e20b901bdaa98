"""graphlib-trade: which products and end users does an export restriction or licence affect, and why."""

from __future__ import annotations

__version__ = "0.1.0"
