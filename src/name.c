/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interface name rules, as the kernel's dev_valid_name() has them, plus the
 * length that it would otherwise truncate silently, and the %d template.
 */
#include <ctype.h>
#include <net/if.h>
#include <string.h>

#include "name.h"

bool tk_name_is_template(const char *name)
{
	return strstr(name, "%d") != NULL;
}

bool tk_name_is_glob(const char *name)
{
	return strpbrk(name, "*?[") != NULL;
}

const char *tk_name_invalid(const char *name, bool template)
{
	const char *p, *pct;

	if (!*name)
		return "empty name";
	if (strlen(name) >= IF_NAMESIZE)
		return "name too long (at most 15 bytes)";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "\".\" and \"..\" are not names";
	for (p = name; *p; p++) {
		if (*p == '/')
			return "'/' is not allowed in a name";
		if (*p == ':')
			return "':' is not allowed in a name";
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return "whitespace and control characters are not allowed in a name";
	}
	pct = strchr(name, '%');
	if (pct) {
		if (!template)
			return "'%' is not allowed here (a template such as tap%d only with create)";
		if (pct[1] != 'd' || strchr(pct + 1, '%'))
			return "a template has exactly one \"%d\" and no other '%'";
	}
	return NULL;
}
