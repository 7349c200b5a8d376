/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcheck_nmi.h - what both test modules' producers share (ringdrain_kcheck.c,
 * kcheck_drain_main.c): the index of each producer's context, and the NMI
 * source, an NMI_LOCAL handler and NMI IPIs through the APIC.
 *
 * The NMI source is x86's.  Elsewhere (kcheck builds the modules for arm64
 * with W=1 and sparse, and does not boot them) kcheck_nmi_start() fails
 * with -EOPNOTSUPP and kcheck_nmi_raise() does nothing: the rings, the
 * lookup, the handlers and the task and hardirq producers build the same,
 * and a run reports at once that it has no NMI producer.
 */
#ifndef _KCHECK_NMI_H
#define _KCHECK_NMI_H

#include <linux/cpumask.h>
#include <linux/errno.h>
#ifdef CONFIG_X86
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nmi.h>
#endif

/* A producer's context. */
enum kcheck_context { KCHECK_TASK, KCHECK_IRQ, KCHECK_NMI, KCHECK_NR };

#ifdef CONFIG_X86
/* Take NMI_LOCAL NMIs with handler @fn (an identifier), named @name. */
#define kcheck_nmi_start(fn, name) register_nmi_handler(NMI_LOCAL, fn, 0, name)

/**
 * kcheck_nmi_stop() - stop taking them.
 * @name:	the handler's name.
 */
static inline void kcheck_nmi_stop(const char *name)
{
	unregister_nmi_handler(NMI_LOCAL, name);
}

/**
 * kcheck_nmi_raise() - send @cpu an NMI.
 * @cpu:	the CPU.
 *
 * Through the APIC's send_IPI_mask with NMI_VECTOR: in x2APIC mode
 * send_IPI_self writes the SELF IPI register, which sends fixed vectors
 * only.
 */
static inline void kcheck_nmi_raise(int cpu)
{
	__apic_send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
}
#else
/* asm/nmi.h's values on x86, so that the handlers build here too. */
#define NMI_DONE	0
#define NMI_HANDLED	1

struct pt_regs;

/* The handlers' type (x86's nmi_handler_t). */
typedef int (*kcheck_nmi_handler_t)(unsigned int type, struct pt_regs *regs);

/**
 * kcheck_nmi_none() - no NMI source here.
 * @fn:		the handler it would take.
 * @name:	its name.
 *
 * Return: -EOPNOTSUPP.
 */
static inline int kcheck_nmi_none(kcheck_nmi_handler_t fn, const char *name)
{
	return -EOPNOTSUPP;
}

#define kcheck_nmi_start(fn, name) kcheck_nmi_none(fn, name)

static inline void kcheck_nmi_stop(const char *name)
{
}

static inline void kcheck_nmi_raise(int cpu)
{
}
#endif /* CONFIG_X86 */

#endif /* _KCHECK_NMI_H */
