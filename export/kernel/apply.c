static void kdamond_apply_access_report(struct damon_access_report *report,
		struct damon_region *r, struct damon_ctx *ctx)
{
	unsigned long addr;

	if (damon_sample_filter_out(report, &ctx->sample_control))
		return;
	addr = damon_target_has_pid(ctx) ? report->vaddr : report->paddr;
	/* Reject reports straddling a region boundary. */
	if (r->ar.end - addr < report->size)
		return;
	/* One credit per region and sampling interval, however many hit. */
	if (!r->access_reported) {
		damon_update_region_access_rate(r, true, &ctx->attrs);
		r->access_reported = true;
	}
}
