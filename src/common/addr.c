/* "ADDR@PORT" parsing, shared by signetd and signet-resolver. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "signet/util.h"

int cfg_parse_addr(cfg_addr_t *out, const char *text, uint16_t default_port)
{
	char host[64];
	const char *at = strrchr(text, '@');
	size_t hl = at ? (size_t)(at - text) : strlen(text);
	uint32_t port = default_port;
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, text, hl);
	host[hl] = 0;
	if (at && sg_parse_u32(&port, at + 1, strlen(at + 1), 65535) < 0)
		return -1;
	memset(out, 0, sizeof(*out));
	struct sockaddr_in *s4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		out->len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*s6);
	} else {
		return -1;
	}
	snprintf(out->text, sizeof(out->text), "%s@%u", host, (unsigned)port);
	return 0;
}
