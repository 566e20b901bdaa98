"""The Cypher queries of graphlib-trade, shipped as data files (``*.cypher``) in the wheel."""
