/* in progress */
#include <stdio.h>
#include "tools/commands.h"
int cmd_zone(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "signet zone: not built yet\n");
	return 1;
}
