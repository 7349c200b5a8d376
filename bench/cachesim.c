// SPDX-License-Identifier: GPL-2.0
/* cachesim.c - simulated cache counts of the NMI regime (see cachesim.h). */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "cachesim.h"
#include "ring/base.h"
#include "results_io.h"

extern char **environ;

static const char *const event_names[] = {
	"Ir", "Dr", "Dw", "D1mr", "D1mw", "DLmr", "DLmw",
};

static double *event_slot(struct rd_sim_entry *e, int i)
{
	double *slots[] = { &e->ir, &e->dr, &e->dw, &e->d1mr, &e->d1mw,
			    &e->dlmr, &e->dlmw };

	return slots[i];
}

void rd_sim_free(struct rd_sim *s)
{
	free(s->e);
	memset(s, 0, sizeof(*s));
}

/* A new zeroed entry of @s (room grows twofold); NULL when out of memory. */
static struct rd_sim_entry *sim_add(struct rd_sim *s)
{
	if (s->n == s->cap) {
		int ncap = s->cap ? 2 * s->cap : 32;
		struct rd_sim_entry *ne = realloc(s->e, ncap * sizeof(*s->e));

		if (!ne)
			return NULL;
		s->e = ne;
		s->cap = ncap;
	}
	memset(&s->e[s->n], 0, sizeof(*s->e));
	return &s->e[s->n++];
}

int rd_sim_parse_callgrind(const char *path, struct rd_sim *s,
			   struct rd_err *err)
{
	FILE *f = fopen(path, "r");
	char line[4096], events[512] = "";
	struct rd_sim_entry *cur = NULL;
	int lineno = 0, ret;

	memset(s, 0, sizeof(*s));
	if (!f)
		return rd_errf(err, errno, "%s: cannot open: %s", path,
			       strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		char *p;

		lineno++;
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "events: ", 8)) {
			if ((size_t)snprintf(events, sizeof(events), "%s",
					     line + 8) >= sizeof(events)) {
				ret = rd_errf(err, EINVAL,
					      "%s: line %d: more events than %zu bytes hold",
					      path, lineno, sizeof(events) - 1);
				goto bad;
			}
		} else if (!strncmp(line, "part: ", 6)) {
			cur = NULL;
		} else if ((p = strstr(line, "Trigger: Client Request: ")) &&
			   !strncmp(line, "desc: ", 6)) {
			char *name = p + 25, *calls = strstr(name, " calls:");

			if (!calls || atof(calls + 7) < 1) {
				ret = rd_errf(err, EINVAL,
					      "%s: line %d: dump '%s' lacks ' calls:N'",
					      path, lineno, name);
				goto bad;
			}
			cur = sim_add(s);
			if (!cur) {
				ret = rd_errf(err, ENOMEM, "%s: out of memory",
					      path);
				goto bad;
			}
			cur->calls = atof(calls + 7);
			*calls = 0;
			snprintf(cur->name, sizeof(cur->name), "%s", name);
		} else if (!strncmp(line, "summary: ", 9) && cur) {
			char ev[512], *save, *tok, *num = line + 9;
			int i = 0;

			snprintf(ev, sizeof(ev), "%s", events);
			for (tok = strtok_r(ev, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save), i++) {
				double v = strtod(num, &num);

				for (int k = 0; k < 7; k++)
					if (!strcmp(tok, event_names[k]))
						*event_slot(cur, k) = v;
			}
			if (!i || !strstr(events, "D1mr")) {
				ret = rd_errf(err, EINVAL,
					      "%s: line %d: no cache events (was --cache-sim=yes given?)",
					      path, lineno);
				goto bad;
			}
			cur = NULL;
		}
	}
	fclose(f);
	if (!s->n) {
		rd_sim_free(s);
		return rd_errf(err, EINVAL,
			       "%s: no parts dumped by the simulated run", path);
	}
	return 0;
bad:
	fclose(f);
	rd_sim_free(s);
	return ret;
}

int rd_sim_write(const char *path, const struct rd_sim *s, struct rd_err *err)
{
	json_t *root = json_object(), *list = json_array();
	int ret;

	if (!root || !list) {
		json_decref(root);
		json_decref(list);
		return rd_errf(err, ENOMEM, "cannot write %s: %s", path,
			       strerror(ENOMEM));
	}
	if (s->skipped[0])
		json_object_set_new(root, "skipped", json_string(s->skipped));
	json_object_set_new(root, "tool", json_string(s->tool));
	json_object_set_new(root, "model", json_pack("{s:s, s:s, s:s}",
		"I1", RD_SIM_I1, "D1", RD_SIM_D1, "LL", RD_SIM_LL));
	for (int i = 0; i < s->n; i++) {
		json_t *e = json_pack("{s:s, s:f}", "name", s->e[i].name,
				      "calls", s->e[i].calls);

		for (int k = 0; k < 7; k++)
			json_object_set_new(e, event_names[k],
				json_real(*event_slot(&s->e[i], k)));
		json_array_append_new(list, e);
	}
	json_object_set_new(root, "subjects", list);
	ret = rd_write_json(path, root, JSON_INDENT(1), err);
	json_decref(root);
	return ret;
}

int rd_sim_load(const char *path, struct rd_sim *s, struct rd_err *err)
{
	json_error_t jerr;
	struct rd_err rerr = { 0 };
	char *text = rd_read_file(path, NULL, &rerr);
	json_t *root, *list, *e;
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!text)
		return rd_errf(err, rerr.code, "%s: line 0: not valid JSON: %s",
			       path, rerr.msg + (strncmp(rerr.msg, path,
						strlen(path)) ? 0 :
						strlen(path) + 2));
	root = json_loads(text, 0, &jerr);
	free(text);
	if (!root)
		return rd_errf(err, EINVAL, "%s: line %d: not valid JSON: %s",
			       path, jerr.line, jerr.text);
	list = json_object_get(root, "subjects");
	if (!json_is_object(root) || !json_is_array(list)) {
		ret = rd_errf(err, EINVAL, "%s: no \"subjects\" array", path);
		goto bad;
	}
	snprintf(s->skipped, sizeof(s->skipped), "%s",
		 json_string_value(json_object_get(root, "skipped")) ?: "");
	snprintf(s->tool, sizeof(s->tool), "%s",
		 json_string_value(json_object_get(root, "tool")) ?: "");
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *calls = json_object_get(e, "calls");
		struct rd_sim_entry *d;

		if (!name) {
			ret = rd_errf(err, EINVAL,
				      "%s: subject #%zu has no name", path, i);
			goto bad;
		}
		if (!json_is_number(calls) || json_number_value(calls) < 1) {
			ret = rd_errf(err, EINVAL,
				      "%s: subject '%s': \"calls\" is not a number >= 1",
				      path, name);
			goto bad;
		}
		d = sim_add(s);
		if (!d) {
			ret = rd_errf(err, ENOMEM, "%s: out of memory", path);
			goto bad;
		}
		snprintf(d->name, sizeof(d->name), "%s", name);
		d->calls = json_number_value(calls);
		for (int k = 0; k < 7; k++) {
			json_t *v = json_object_get(e, event_names[k]);

			if (!json_is_number(v) || json_number_value(v) < 0) {
				ret = rd_errf(err, EINVAL,
					      "%s: subject '%s': \"%s\" is not a number >= 0",
					      path, name, event_names[k]);
				goto bad;
			}
			*event_slot(d, k) = json_number_value(v);
		}
	}
	json_decref(root);
	return 0;
bad:
	json_decref(root);
	rd_sim_free(s);
	return ret;
}

const struct rd_sim_entry *rd_sim_find(const struct rd_sim *s,
				       const char *name)
{
	for (int i = 0; s && i < s->n; i++)
		if (!strcmp(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

/* valgrind's path in PATH, or false. */
static bool find_valgrind(char *out, size_t len)
{
	const char *path = getenv("PATH") ?: "/usr/bin:/bin";

	for (const char *p = path; *p;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		snprintf(out, len, "%.*s/valgrind", (int)n, n ? p : ".");
		if (!access(out, X_OK))
			return true;
		p = end ? end + 1 : p + n;
	}
	return false;
}

static int skip(const char *dir, char *note, size_t len, int ret,
		const char *fmt, const char *arg)
{
	struct rd_sim s = { 0 };
	struct rd_err err = { 0 };
	char path[1100];

	snprintf(note, len, fmt, arg);
	snprintf(s.skipped, sizeof(s.skipped), "%s", note);
	snprintf(path, sizeof(path), "%s/%s", dir, RD_SIM_FILE);
	if (rd_sim_write(path, &s, &err))	/* the note says it too */
		snprintf(note + strlen(note), len - strlen(note), "; %s",
			 err.msg);
	return ret;
}

int rd_sim_run(char *const argv[], const char *dir, char *note, size_t len)
{
	char vg[1024], out[1100], log[1100], path[1100], outflag[1200];
	struct rd_err err = { 0 };
	char *args[64];
	posix_spawn_file_actions_t fa;
	struct rd_sim s;
	int n = 0, status;
	pid_t pid;

	if (!find_valgrind(vg, sizeof(vg)))
		return skip(dir, note, len, 1,
			    "simulated counts skipped: no valgrind in PATH%s", "");
	snprintf(out, sizeof(out), "%s/.callgrind.out", dir);
	snprintf(log, sizeof(log), "%s/.callgrind.log", dir);
	snprintf(outflag, sizeof(outflag), "--callgrind-out-file=%s", out);
	args[n++] = vg;
	args[n++] = "--tool=callgrind";
	args[n++] = "--cache-sim=yes";
	args[n++] = "--collect-atstart=no";
	args[n++] = "--combine-dumps=yes";
	args[n++] = "--dump-instr=no";
	args[n++] = "--dump-line=no";
	args[n++] = "--I1=" RD_SIM_I1;
	args[n++] = "--D1=" RD_SIM_D1;
	args[n++] = "--LL=" RD_SIM_LL;
	args[n++] = outflag;
	for (int i = 0; argv[i] && n < 63; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	unlink(out);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC,
					 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	errno = posix_spawn(&pid, vg, &fa, NULL, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (errno)
		return skip(dir, note, len, -1,
			    "simulated counts failed: cannot run valgrind: %s",
			    strerror(errno));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return skip(dir, note, len, -1,
			    "simulated counts failed: the run under valgrind failed (see %s)",
			    log);
	if (rd_sim_parse_callgrind(out, &s, &err))
		return skip(dir, note, len, -1, "simulated counts failed: %s",
			    err.msg);
	snprintf(s.tool, sizeof(s.tool),
		 "valgrind callgrind --cache-sim=yes, I1 %s D1 %s LL %s",
		 RD_SIM_I1, RD_SIM_D1, RD_SIM_LL);
	snprintf(path, sizeof(path), "%s/%s", dir, RD_SIM_FILE);
	if (rd_sim_write(path, &s, &err)) {
		rd_sim_free(&s);
		snprintf(note, len, "%s", err.msg);
		return -1;
	}
	snprintf(note, len, "simulated counts of %d subjects in %s", s.n, path);
	rd_sim_free(&s);
	unlink(out);
	unlink(log);
	return 0;
}
