/* gdb_sock.c - the gdb stub's socket: listening, sending, refusing (see gdbstub_int.h). */
#define _GNU_SOURCE
#include "debug/gdbstub_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define SEND_MS 10000		/* a reply gdb does not take in this long: it is gone */

bool gdbstub_address_ok(const char *address, struct err *e)
{
	const char *colon = strrchr(address, ':');

	if (strncmp(address, "unix:", 5) == 0) {
		if (address[5] == '\0' || strlen(address + 5) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
			err_set(e, "--gdb=%s: the path is empty or longer than %zu bytes", address,
				sizeof ((struct sockaddr_un *)0)->sun_path - 1);
			return false;
		}
		return true;
	}
	if (colon == NULL || colon[1] == '\0' || strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    strlen(colon + 1) > 5 || atoi(colon + 1) > 65535) {
		err_set(e, "--gdb=%s: expected HOST:PORT (PORT from 0 to 65535) or unix:PATH", address);
		return false;
	}
	if ((size_t)(colon - address) >= 128) {
		err_set(e, "--gdb=%s: the host name is too long", address);
		return false;
	}
	return true;
}

static int listen_unix(struct gdbstub *s, const char *path, struct err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "--gdb: socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 1) < 0) {
		err_set(e, "--gdb=unix:%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(s->unix_path, sizeof s->unix_path, "%s", path);
	snprintf(s->where, sizeof s->where, "unix:%s", path);
	s->listen_fd = fd;
	return 0;
}

static int listen_tcp(struct gdbstub *s, const char *address, struct err *e)
{
	char host[128];
	const char *colon = strrchr(address, ':'), *h = address;
	size_t hlen;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char nh[INET6_ADDRSTRLEN], np[8];
	int fd, rc, one = 1;

	if (!gdbstub_address_ok(address, e))
		return -1;
	hlen = (size_t)(colon - address);
	if (hlen >= 2 && h[0] == '[' && h[hlen - 1] == ']') {	/* [IPv6] */
		h++;
		hlen -= 2;
	}
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	rc = getaddrinfo(host[0] != '\0' ? host : "127.0.0.1", colon + 1, &hints, &ai);
	if (rc != 0)
		return err_set(e, "--gdb=%s: %s", address, gai_strerror(rc));
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		err_set(e, "--gdb=%s: socket: %s", address, strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	/* a restarted run may take the port back at once */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		err_set(e, "--gdb=%s: %s", address, strerror(errno));
		freeaddrinfo(ai);
		close(fd);
		return -1;
	}
	freeaddrinfo(ai);
	if (getnameinfo((struct sockaddr *)&ss, sl, nh, sizeof nh, np, sizeof np,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(nh, sizeof nh, "?");
	snprintf(s->where, sizeof s->where, strchr(nh, ':') ? "[%s]:%s" : "%s:%s", nh, np);
	s->listen_fd = fd;
	return 0;
}

int gdbsock_listen(struct gdbstub *s, const char *address, struct err *e)
{
	return strncmp(address, "unix:", 5) == 0 ? listen_unix(s, address + 5, e) :
						   listen_tcp(s, address, e);
}

bool gdbsock_send_all(struct gdbstub *s, const char *p, size_t len)
{
	while (len > 0) {
		struct pollfd pf = { .fd = s->client_fd, .events = POLLOUT };
		ssize_t n = send(s->client_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n < 0 && errno == EAGAIN && poll(&pf, 1, SEND_MS) == 0)
			return false;
	}
	return true;
}

bool gdbsock_send_reply(struct gdbstub *s)
{
	return gdbsock_send_all(s, s->out.buf, s->out.len);
}

void gdbsock_refuse_second(struct gdbstub *s)
{
	int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	close(fd);
	fprintf(stderr, "minikvm: gdb: refused a second debugger on %s: one is attached\n",
		s->where);
}
