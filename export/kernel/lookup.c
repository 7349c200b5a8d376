#define DAMON_DRAIN_BATCH	64

/**
 * struct damon_target_lookup - the drain's region lookup of a context.
 * @index:	the @S@ index over every region of the context.
 * @alloc:	how @index's buffers are allocated.
 * @reports:	a batch of reports taken from a ring.
 * @regions:	the region of each report of @reports.
 *
 * One per context, in &damon_ctx.drain_snapshot.lookups, made on the first
 * drain and freed with the context.
 */
struct damon_target_lookup {
	struct damon_@S@_lookup index;
	struct damon_snap_alloc alloc;
	struct damon_access_report reports[DAMON_DRAIN_BATCH];
	struct damon_region *regions[DAMON_DRAIN_BATCH];
};

/**
 * damon_destroy_target_lookup() - free a context's drain lookup.
 * @ctx:	the context, not running.
 */
static void damon_destroy_target_lookup(struct damon_ctx *ctx)
{
	struct damon_target_lookup *l = ctx->drain_snapshot.lookups;

	if (!l)
		return;
	damon_@S@_release(&l->index, &l->alloc);
	kfree(l);
	ctx->drain_snapshot.lookups = NULL;
	ctx->drain_snapshot.nr_lookups = 0;
}
