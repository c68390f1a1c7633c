/* in progress */
#include <stdio.h>
int main(void)
{
	fprintf(stderr, "signetd: not built yet\n");
	return 1;
}
