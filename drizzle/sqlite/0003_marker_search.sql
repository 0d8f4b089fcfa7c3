-- Marker search. The words of each marker (title; primary and secondary tag names; scene title and
-- details; performer names), normalized by the app (src/core/search/text.ts) so both databases
-- index the same words, in a contentless FTS5 table keyed by marker id. It is derived from the
-- mirror tables by the sync and holds nothing else; a virtual table cannot carry triggers.
CREATE VIRTUAL TABLE `stash_marker_search` USING fts5(
  title, tags, scene, performers,
  content = '', contentless_delete = 1, tokenize = 'unicode61', prefix = '2 3'
);
--> statement-breakpoint
CREATE TRIGGER `stash_tag_closure_readonly_insert` BEFORE INSERT ON `stash_tag_closure`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_closure is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tag_closure_readonly_update` BEFORE UPDATE ON `stash_tag_closure`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_closure is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_tag_closure_readonly_delete` BEFORE DELETE ON `stash_tag_closure`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_tag_closure is read-only: only the Stash sync writes the mirror');
END;
