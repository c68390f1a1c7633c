/* in progress */
#include <stdio.h>
#include "tools/commands.h"
int cmd_query(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "signet query: not built yet\n");
	return 1;
}
