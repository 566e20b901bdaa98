"""``python -m graphlib_trade`` runs the CLI."""

from __future__ import annotations

from graphlib_trade.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
