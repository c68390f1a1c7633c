/* in progress */
#include <stdio.h>
#include "tools/commands.h"
int cmd_verify(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "signet verify: not built yet\n");
	return 1;
}
