-- The search's state row (when the full-text index was last brought up to date) is no watermark
-- either: it moves to stash_mirror_state beside the deferred-indexes mark. Registered as the sync's
-- writer for these statements, the only way past the tables' guards.
INSERT INTO `stash_sync_writer` (`token`) VALUES ('migration');
--> statement-breakpoint
INSERT INTO `stash_mirror_state` (`name`, `value`, `updated_at`)
SELECT `entity`, NULL, `updated_at` FROM `stash_sync_state` WHERE `entity` = 'text-search';
--> statement-breakpoint
DELETE FROM `stash_sync_state` WHERE `entity` = 'text-search';
--> statement-breakpoint
DELETE FROM `stash_sync_writer`;
