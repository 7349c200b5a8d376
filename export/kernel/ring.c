/*
 * One report ring per CPU, the @DESIGN@ design above, in static per-CPU
 * memory: DAMON_REPORT_RING_SLOTS slots of DAMON_REPORT_RING_RECORD bytes
 * for each of its producer lanes, and its indices.  The ring stores the
 * compact record only (damon_report_put() above has no other format).
 */
#define DAMON_REPORT_RING_SLOTS		@SLOTS@
#define DAMON_REPORT_RING_RECORD	@RECORD_NAME@
#define DAMON_REPORT_RING_BYTES		@BYTES@

/**
 * union damon_report_ring - one CPU's report ring and its slots.
 * @ring:	the ring; its slots follow it.
 * @bytes:	the memory of the ring and its slots.
 */
union damon_report_ring {
	struct damon_@D@_ring ring;
	u8 bytes[DAMON_REPORT_RING_BYTES];
};

static DEFINE_PER_CPU_ALIGNED(union damon_report_ring, damon_report_rings);

/**
 * damon_report_rings_init() - set up every possible CPU's report ring.
 *
 * Runs before any DAMON context can start, so before any report is made.
 *
 * Return: 0.
 */
static int __init damon_report_rings_init(void)
{
	unsigned int slots = DAMON_REPORT_RING_SLOTS;
	unsigned int rec = DAMON_REPORT_RING_RECORD;
	unsigned int cpu;

	BUILD_BUG_ON(!is_power_of_2(DAMON_REPORT_RING_SLOTS));
	if (WARN_ON(damon_@D@_size(slots, rec) > sizeof(union damon_report_ring)))
		return -EINVAL;
	for_each_possible_cpu(cpu)
		damon_@D@_init(&per_cpu_ptr(&damon_report_rings, cpu)->ring, slots, rec, cpu);
	return 0;
}
early_initcall(damon_report_rings_init);
