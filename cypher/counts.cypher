// How many nodes and relationships of the kinds graphlib-trade manages.
MATCH (n)
WHERE n:Company OR n:Component OR n:Product OR n:EndUser OR n:Restriction OR n:Licence OR n:RestrictionList
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r:OWNS|SUPPLIES|PART_OF|MAKES|SERVES|USES|TARGETS|LICENSES|ON_LIST]->()
RETURN nodes, count(r) AS relationships
