/* The generic half of a daemon's YAML configuration. See yamlcfg.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/yamlcfg.h"
#include "signet/util.h"

void sg_ycfg_errf(char *err, size_t cap, const char *file, unsigned line, const char *fmt, ...)
{
	int n = 0;
	if (file && line)
		n = snprintf(err, cap, "%s:%u: ", file, line);
	else if (file)
		n = snprintf(err, cap, "%s: ", file);
	if (n < 0 || (size_t)n >= cap)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err + n, cap - (size_t)n, fmt, ap);
	va_end(ap);
}

unsigned sg_ycfg_line(const yaml_node_t *n)
{
	return (unsigned)n->start_mark.line + 1;
}

int sg_ycfg_open(sg_ycfg_t *y, yaml_node_t **root, const char *path, bool yaml_context, char *err,
                 size_t errcap)
{
	*root = NULL;
	y->f = fopen(path, "rb");
	if (!y->f) {
		sg_ycfg_errf(err, errcap, path, 0, "%s", strerror(errno));
		return -1;
	}
	if (!yaml_parser_initialize(&y->parser)) {
		fclose(y->f);
		sg_ycfg_errf(err, errcap, path, 0, "out of memory");
		return -1;
	}
	yaml_parser_set_input_file(&y->parser, y->f);
	if (!yaml_parser_load(&y->parser, &y->doc)) {
		const char *ctx = yaml_context ? y->parser.context : NULL;
		sg_ycfg_errf(err, errcap, path, (unsigned)y->parser.problem_mark.line + 1,
		             "YAML: %s%s%s", y->parser.problem ? y->parser.problem : "syntax error",
		             ctx ? " " : "", ctx ? ctx : "");
		yaml_parser_delete(&y->parser);
		fclose(y->f);
		return -1;
	}
	*root = yaml_document_get_root_node(&y->doc);
	if (*root && (*root)->type != YAML_MAPPING_NODE) {
		sg_ycfg_errf(err, errcap, path, sg_ycfg_line(*root),
		             "the configuration is a mapping of options");
		sg_ycfg_close(y);
		return -1;
	}
	return 0;
}

void sg_ycfg_close(sg_ycfg_t *y)
{
	yaml_document_delete(&y->doc);
	yaml_parser_delete(&y->parser);
	fclose(y->f);
}

const char *sg_ycfg_str(char **dst, const char *v)
{
	char *s = strdup(v);
	if (!s)
		return "out of memory";
	free(*dst);
	*dst = s;
	return NULL;
}

const char *sg_ycfg_uint(uint32_t *dst, const char *v, uint32_t min, uint32_t max, char *why,
                         size_t whycap)
{
	uint32_t u;
	if (sg_parse_u32(&u, v, strlen(v), max) < 0 || u < min) {
		snprintf(why, whycap, "expected a number from %u to %u", min, max);
		return why;
	}
	*dst = u;
	return NULL;
}

const char *sg_ycfg_bool(bool *dst, const char *v)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*dst = true;
	else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*dst = false;
	else
		return "expected true or false";
	return NULL;
}

const char *sg_ycfg_addr_add(cfg_addrs_t *a, const char *v, size_t max, char *why, size_t whycap)
{
	cfg_addr_t x;
	if (cfg_parse_addr(&x, v, 53) < 0)
		return "bad address (ADDR@PORT, IPv6 as ::1@53)";
	if (a->n >= max) {
		snprintf(why, whycap, "too many addresses (at most %zu)", max);
		return why;
	}
	cfg_addr_t *nv = realloc(a->v, (a->n + 1) * sizeof(*nv));
	if (!nv)
		return "out of memory";
	a->v = nv;
	a->v[a->n++] = x;
	return NULL;
}

void sg_ycfg_addrs_clear(cfg_addrs_t *a)
{
	free(a->v);
	a->v = NULL;
	a->n = 0;
}
