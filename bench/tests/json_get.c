// SPDX-License-Identifier: GPL-2.0
/*
 * json_get.c - for test_results.sh: json_get FILE [KEY|INDEX ...] parses FILE
 * as a whole JSON document (exit 1 and the reason if it is not one: a
 * truncated file fails here) and prints the value at the path of object keys
 * and array indices, compact; strings bare; "length" after an array path
 * prints its size.  Exit 3 if the path is absent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int main(int argc, char **argv)
{
	json_error_t jerr;
	json_t *root, *v;
	char *text;

	if (argc < 2) {
		fprintf(stderr, "usage: json_get FILE [KEY|INDEX ...]\n");
		return 2;
	}
	root = json_load_file(argv[1], JSON_DECODE_ANY, &jerr);
	if (!root) {
		fprintf(stderr, "%s: line %d: %s\n", argv[1], jerr.line, jerr.text);
		return 1;
	}
	v = root;
	for (int i = 2; i < argc && v; i++) {
		if (json_is_array(v) && !strcmp(argv[i], "length")) {
			printf("%zu\n", json_array_size(v));
			json_decref(root);
			return 0;
		}
		v = json_is_array(v) ? json_array_get(v, strtoul(argv[i], NULL, 10)) :
			json_object_get(v, argv[i]);
	}
	if (!v) {
		json_decref(root);
		return 3;
	}
	if (json_is_string(v)) {
		puts(json_string_value(v));
	} else {
		text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		puts(text);
		free(text);
	}
	json_decref(root);
	return 0;
}
