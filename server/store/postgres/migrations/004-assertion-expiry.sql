-- The periodic sweep deletes expired identity-assertion bindings (docs/decisions/021-export-and-retention.md):
-- this index lets it find them without reading the whole table every few seconds.
CREATE INDEX used_assertions_expires_at ON used_assertions (expires_at);
