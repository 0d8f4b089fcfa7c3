ALTER TABLE `stash_scenes` ADD `basename` text;
--> statement-breakpoint
-- Scenes mirrored before this column have no basename, and Stash bumps none of them: without a
-- files watermark the next sync fetches every listed scene (docs/sync.md, step 2), which fills it.
INSERT INTO `stash_sync_writer` (`token`) VALUES ('migration');
--> statement-breakpoint
UPDATE `stash_sync_state` SET `files_watermark` = NULL WHERE `entity` = 'scenes';
--> statement-breakpoint
DELETE FROM `stash_sync_writer`;
