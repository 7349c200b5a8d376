/**
 * damon_build_target_lookup() - index every region of a context.
 * @ctx:	the context; kdamond is running it.
 *
 * Rebuilt at every sampling interval, before the drain, so it never holds a
 * region that was split, merged or destroyed since: region and target
 * changes happen in the kdamond itself (damon_call()), between drains.
 * The buffers are grow-only: a steady layout allocates nothing.
 *
 * Return: the lookup, or NULL if an allocation failed.
 */
static struct damon_target_lookup *damon_build_target_lookup(
		struct damon_ctx *ctx)
{
	struct damon_target_lookup *l = ctx->drain_snapshot.lookups;

	if (!l) {
		l = kzalloc(sizeof(*l), GFP_KERNEL);
		if (!l)
			return NULL;
		l->alloc.gfp = GFP_KERNEL;
		ctx->drain_snapshot.lookups = l;
		ctx->drain_snapshot.nr_lookups = 1;
	}
	if (damon_@S@_build(&l->index, ctx, &l->alloc))
		return NULL;
	return l;
}

/**
 * kdamond_drain_reports() - credit a batch of reports to their regions.
 * @ctx:	the context.
 * @l:		its lookup, with @n reports in &damon_target_lookup.reports.
 * @n:		how many.
 *
 * Stale reports (older than one sampling interval) and reports outside
 * every region are skipped.
 */
static void kdamond_drain_reports(struct damon_ctx *ctx,
				  struct damon_target_lookup *l, unsigned int n)
{
	unsigned long stale = jiffies -
		usecs_to_jiffies(ctx->attrs.sample_interval);
	unsigned int i;

	damon_@S@_lookup(&l->index, ctx, l->reports, n, l->regions);
	for (i = 0; i < n; i++) {
		struct damon_region *r = l->regions[i];

		if (!r || r == DAMON_LOOKUP_NO_TARGET)
			continue;
		if (time_before(l->reports[i].report_jiffies, stale))
			continue;
		kdamond_apply_access_report(&l->reports[i], r, ctx);
	}
}

/**
 * kdamond_check_reported_accesses() - drain every CPU's report ring.
 * @ctx:	the context.
 *
 * Every possible CPU's ring is drained, so the reports of a CPU that went
 * offline are credited, not left behind.
 *
 * Return: the largest nr_accesses of a region, as
 * kdamond_apply_zero_access_report() computes it.
 */
static unsigned int kdamond_check_reported_accesses(struct damon_ctx *ctx)
{
	struct damon_target_lookup *l;
	unsigned int cpu, n;

	l = damon_build_target_lookup(ctx);
	if (!l) {
		pr_warn_ratelimited("target lookup alloc failed; ring drain skipped this tick\n");
		return kdamond_apply_zero_access_report(ctx);
	}
	for_each_possible_cpu(cpu) {
		struct damon_@D@_ring *ring =
			&per_cpu_ptr(&damon_report_rings, cpu)->ring;

		while ((n = damon_@D@_consume(ring, l->reports, DAMON_DRAIN_BATCH)))
			kdamond_drain_reports(ctx, l, n);
	}
	/* For nr_accesses_bp, absence of access should also be reported. */
	return kdamond_apply_zero_access_report(ctx);
}
