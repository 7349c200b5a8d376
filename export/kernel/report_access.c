/**
 * damon_report_access() - Report identified access events to DAMON.
 * @report:	The reporting access information.
 *
 * Put the report into this CPU's ring for kdamond_check_reported_accesses()
 * to drain at the next sampling interval.  The ring is the @DESIGN@ design:
 * a producer that interrupts another one on the same CPU (an NMI on top of
 * the page-fault path) keeps its report too.
 *
 * Context: any, NMI included.  A report that finds its ring full is dropped
 * and fires the damon_perf_ring_overflow tracepoint.
 */
void damon_report_access(struct damon_access_report *report)
{
	union damon_report_ring *r;

	/* Pin to a CPU: each ring has the producers of one CPU only. */
	preempt_disable();
	r = this_cpu_ptr(&damon_report_rings);
	if (!damon_@D@_produce(&r->ring, report))
		trace_damon_perf_ring_overflow(smp_processor_id());
	preempt_enable();
}
