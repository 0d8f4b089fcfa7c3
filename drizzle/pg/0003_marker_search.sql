-- Marker search. The words of each marker (title; primary and secondary tag names; scene title and
-- details; performer names), normalized by the app (src/core/search/text.ts) so both databases
-- index the same words, as a weighted tsvector of the 'simple' configuration keyed by marker id.
-- Derived from the mirror tables by the sync, and read-only like them.
CREATE TABLE "stash_marker_search" (
  "marker_id" integer PRIMARY KEY NOT NULL,
  "document" tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX "stash_marker_search_document_idx" ON "stash_marker_search" USING gin ("document");
--> statement-breakpoint
CREATE TRIGGER "stash_marker_search_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_marker_search"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
--> statement-breakpoint
CREATE TRIGGER "stash_tag_closure_readonly" BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON "stash_tag_closure"
FOR EACH STATEMENT EXECUTE FUNCTION stash_mirror_refuse_write();
