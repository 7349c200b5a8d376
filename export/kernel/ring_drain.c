	/*
	 * Every possible CPU: the reports of a CPU that went offline are
	 * drained too.  kdamond is each ring's one consumer.
	 */
	for_each_possible_cpu(cpu) {
		union damon_report_ring *r = per_cpu_ptr(&damon_report_rings, cpu);
		unsigned long stale = jiffies -
			usecs_to_jiffies(ctx->attrs.sample_interval);
		struct damon_access_report report;

		while (damon_@D@_consume(&r->ring, &report, 1)) {
			if (time_before(report.report_jiffies, stale))
				continue;
			if (damon_sample_filter_out(&report, &ctx->sample_control))
				continue;
			for (i = 0; i < nr_targets; i++)
				kdamond_apply_access_report(&report, tbl[i].t,
							    tbl[i].regions,
							    tbl[i].nr_regions, ctx);
		}
	}
