CREATE TABLE "stash_tag_closure" (
	"ancestor_id" integer NOT NULL,
	"descendant_id" integer NOT NULL,
	CONSTRAINT "stash_tag_closure_ancestor_id_descendant_id_pk" PRIMARY KEY("ancestor_id","descendant_id")
);
--> statement-breakpoint
CREATE INDEX "stash_tag_closure_descendant_idx" ON "stash_tag_closure" USING btree ("descendant_id");