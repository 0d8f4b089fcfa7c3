CREATE TABLE `stash_performer_tags` (
	`performer_id` integer NOT NULL,
	`tag_id` integer NOT NULL,
	`synced_at` integer NOT NULL,
	PRIMARY KEY(`performer_id`, `tag_id`)
);
--> statement-breakpoint
CREATE INDEX `stash_performer_tags_tag_idx` ON `stash_performer_tags` (`tag_id`);--> statement-breakpoint
CREATE TABLE `stash_studios` (
	`id` integer PRIMARY KEY NOT NULL,
	`stash_updated_at` text NOT NULL,
	`synced_at` integer NOT NULL,
	`is_stale` integer DEFAULT false NOT NULL,
	`name` text NOT NULL,
	`parent_id` integer,
	`image_path` text
);
--> statement-breakpoint
CREATE INDEX `stash_studios_parent_idx` ON `stash_studios` (`parent_id`);--> statement-breakpoint
CREATE INDEX `stash_studios_stale_idx` ON `stash_studios` (`id`) WHERE "stash_studios"."is_stale";--> statement-breakpoint
ALTER TABLE `stash_performers` ADD `favorite` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `stash_scenes` ADD `rating100` integer;--> statement-breakpoint
ALTER TABLE `stash_scenes` ADD `organized` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `stash_scenes` ADD `studio_id` integer;--> statement-breakpoint
CREATE INDEX `stash_scenes_studio_idx` ON `stash_scenes` (`studio_id`);--> statement-breakpoint
-- The new tables are read-only like the others (0001).
CREATE TRIGGER `stash_performer_tags_readonly_insert` BEFORE INSERT ON `stash_performer_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performer_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_performer_tags_readonly_update` BEFORE UPDATE ON `stash_performer_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performer_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_performer_tags_readonly_delete` BEFORE DELETE ON `stash_performer_tags`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_performer_tags is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_studios_readonly_insert` BEFORE INSERT ON `stash_studios`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_studios is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_studios_readonly_update` BEFORE UPDATE ON `stash_studios`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_studios is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_studios_readonly_delete` BEFORE DELETE ON `stash_studios`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_studios is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
-- Performers and scenes mirrored before these columns lack them, and Stash bumps none of them:
-- without a watermark the next sync fetches every performer again, and without a files watermark
-- every listed scene (docs/sync.md, step 2), which fills them.
INSERT INTO `stash_sync_writer` (`token`) VALUES ('migration');
--> statement-breakpoint
UPDATE `stash_sync_state` SET `watermark` = NULL WHERE `entity` = 'performers';
--> statement-breakpoint
UPDATE `stash_sync_state` SET `files_watermark` = NULL WHERE `entity` = 'scenes';
--> statement-breakpoint
DELETE FROM `stash_sync_writer`;
