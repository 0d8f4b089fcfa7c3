-- The full-text index holds the words of each marker title, scene (title and details), tag name and
-- performer name once, normalized by the app (src/core/search/text.ts) so both databases index the
-- same words; the search puts a marker's text together from its rows at query time. It replaces
-- stash_marker_search, which repeated a scene's details and names in every one of its markers'
-- documents. kind: 0 marker, 1 scene, 2 tag, 3 performer. Derived from the mirror tables by the
-- sync, and read-only like them.
DROP TABLE "stash_marker_search";
--> statement-breakpoint
CREATE TABLE "stash_text_search" (
  "kind" smallint NOT NULL,
  "entity_id" integer NOT NULL,
  "document" tsvector NOT NULL,
  PRIMARY KEY ("kind", "entity_id")
);
--> statement-breakpoint
CREATE INDEX "stash_text_search_document_idx" ON "stash_text_search" USING gin ("document");
--> statement-breakpoint
CREATE TRIGGER "stash_text_search_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_text_search"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
