// An empty read of the graph, in effect: the node and relationship counts, which Neo4j keeps
// ready (count store), go into the graph's state token, and the bookmark the server gives for
// this read names the last transaction committed before it (see Store.state).
CALL { MATCH (n) RETURN count(n) AS nodes }
CALL { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
