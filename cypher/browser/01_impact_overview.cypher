// Impact overview: every product and end user coloured by the status written back by
// `graphlib-trade impact --write-back`, with the makers and the end users that use them.
MATCH (p:Product)
OPTIONAL MATCH (maker:Company)-[m:MAKES]->(p)
OPTIONAL MATCH (u:EndUser)-[use:USES]->(p)
RETURN p, maker, m, u, use
