ALTER TABLE `stash_sync_runs` ADD `pictures_downloaded` integer;--> statement-breakpoint
ALTER TABLE `stash_sync_runs` ADD `pictures_already_cached` integer;--> statement-breakpoint
ALTER TABLE `stash_sync_runs` ADD `pictures_placeholders` integer;--> statement-breakpoint
ALTER TABLE `stash_sync_runs` ADD `pictures_failed` integer;--> statement-breakpoint
ALTER TABLE `stash_sync_runs` ADD `pictures_removed` integer;