/* Finding a zone's keys in a key directory (BIND's K<zone>+AAA+TTTTT
 * files), shared by `signet sign` and signetd's automatic signer. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "signet/dnssec.h"

/* Does the file name look like K<zone>+AAA+TTTTT.private for this zone? */
static bool key_file_for(const char *fname, const char *zone_text)
{
	size_t zl = strlen(zone_text), fl = strlen(fname);
	if (fl < 1 + zl + 18 || fname[0] != 'K')
		return false;
	if (strncasecmp(fname + 1, zone_text, zl) != 0 || fname[1 + zl] != '+')
		return false;
	return fl > 8 && !strcmp(fname + fl - 8, ".private");
}

int sg_keydir_find(sg_dnskey_t *keys, bool *active, size_t cap, const char *dir,
                   const uint8_t *zone, int64_t now, char *err, size_t errcap)
{
	char zt[SG_NAME_TEXT_MAX];
	if (errcap)
		err[0] = 0;
	if (sg_name_to_text(zt, sizeof(zt), zone) < 0)
		return SG_EINVAL;
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errcap, "%s: cannot open key directory: %s", dir, strerror(errno));
		return SG_EIO;
	}
	struct dirent *de;
	size_t n = 0;
	int rc = SG_OK;
	while ((de = readdir(d)) != NULL) {
		if (!key_file_for(de->d_name, zt))
			continue;
		if (n >= cap) {
			snprintf(err, errcap, "%s: more than %zu keys for %s", dir, cap, zt);
			rc = SG_ELIMIT;
			break;
		}
		char path[4096];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >=
		    sizeof(path)) {
			snprintf(err, errcap, "%s: path too long", dir);
			rc = SG_ETOOLONG;
			break;
		}
		int r = sg_keyfile_read(&keys[n], path, zone, 0, err, errcap);
		if (r < 0) {
			if (errcap && !err[0])
				snprintf(err, errcap, "%s: %s", path, sg_strerror(r));
			rc = r;
			break;
		}
		const sg_key_times_t *t = &keys[n].times;
		if (t->remove && t->remove <= now) {
			sg_dnskey_deinit(&keys[n]);
			continue;
		}
		bool published = !t->publish || t->publish <= now;
		bool act = (!t->activate || t->activate <= now) &&
		           !(t->inactive && t->inactive <= now) &&
		           !(keys[n].flags & SG_DNSKEY_REVOKE);
		if (!published && !act) {
			sg_dnskey_deinit(&keys[n]);
			continue;
		}
		active[n] = act;
		n++;
	}
	closedir(d);
	if (rc < 0) {
		for (size_t i = 0; i < n; i++)
			sg_dnskey_deinit(&keys[i]);
		return rc;
	}
	return (int)n;
}
