-- The full-text index holds the words of each marker title, scene (title and details), tag name and
-- performer name once, normalized by the app (src/core/search/text.ts) so both databases index the
-- same words; the search puts a marker's text together from its rows at query time. It replaces
-- stash_marker_search, which repeated a scene's details and names in every one of its markers'
-- documents. The rowid is the row's Stash id times 4 plus its kind (0 marker, 1 scene, 2 tag,
-- 3 performer). detail = none: only which rows hold a word is kept, not where in them — prefix
-- matching needs no more, and it makes indexing a fifth cheaper. Derived from the mirror tables by
-- the sync; a virtual table cannot carry triggers.
DROP TABLE `stash_marker_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `stash_text_search` USING fts5(
  words,
  content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61', prefix = '2 3'
);
