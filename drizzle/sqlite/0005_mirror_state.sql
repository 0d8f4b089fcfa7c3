CREATE TABLE `stash_mirror_state` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
-- The deferred-indexes mark moves out of stash_sync_state, whose rows are watermarks: a mirror
-- whose first sync died with its indexes dropped still has them built back by its next open.
-- Registered as the sync's writer for these statements, the only way past stash_sync_state's guards.
INSERT INTO `stash_sync_writer` (`token`) VALUES ('migration');
--> statement-breakpoint
INSERT INTO `stash_mirror_state` (`name`, `value`, `updated_at`)
SELECT `entity`, `watermark`, `updated_at` FROM `stash_sync_state` WHERE `entity` = 'deferred-indexes';
--> statement-breakpoint
DELETE FROM `stash_sync_state` WHERE `entity` = 'deferred-indexes';
--> statement-breakpoint
DELETE FROM `stash_sync_writer`;
--> statement-breakpoint
CREATE TRIGGER `stash_mirror_state_readonly_insert` BEFORE INSERT ON `stash_mirror_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_mirror_state is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_mirror_state_readonly_update` BEFORE UPDATE ON `stash_mirror_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_mirror_state is read-only: only the Stash sync writes the mirror');
END;
--> statement-breakpoint
CREATE TRIGGER `stash_mirror_state_readonly_delete` BEFORE DELETE ON `stash_mirror_state`
WHEN NOT EXISTS (SELECT 1 FROM `stash_sync_writer`)
BEGIN
  SELECT RAISE(ABORT, 'stash_mirror_state is read-only: only the Stash sync writes the mirror');
END;
