// Schema: one uniqueness constraint on `id` per label (each also gives the index MERGE uses),
// and one on the stamp of the load journal.
CREATE CONSTRAINT company_id IF NOT EXISTS FOR (n:Company) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT component_id IF NOT EXISTS FOR (n:Component) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT end_user_id IF NOT EXISTS FOR (n:EndUser) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT restriction_id IF NOT EXISTS FOR (n:Restriction) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT restriction_list_id IF NOT EXISTS FOR (n:RestrictionList) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT licence_id IF NOT EXISTS FOR (n:Licence) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT load_stamp IF NOT EXISTS FOR (n:GraphlibTradeLoad) REQUIRE n.stamp IS UNIQUE;
