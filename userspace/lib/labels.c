// SPDX-License-Identifier: GPL-2.0
/*
 * Node labels in NFD's feature-file format, and drift between two host
 * reports. Which baselines a host satisfies is common/policy.c's answer,
 * the same the module gives when a guest starts.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "json_print.h"
#include "labels.h"
#include "policy_io.h"

/* [A-Za-z0-9._-]*, alphanumeric at both ends, at most @max: names and values */
static bool label_word(const char *s, size_t len, size_t max)
{
	size_t i;

	if (!len || len > max || !isalnum((unsigned char)s[0]) ||
	    !isalnum((unsigned char)s[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i]))
			return false;
	return true;
}

/* A DNS subdomain (RFC 1123): lower-case labels joined by dots */
static bool dns_subdomain(const char *s, size_t len)
{
	size_t i, start = 0;

	if (!len || len > MV_LABEL_PREFIX_MAX)
		return false;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
			    s[i] != '-')
				return false;
			continue;
		}
		if (i == start || i - start > 63 || s[start] == '-' || s[i - 1] == '-')
			return false;
		start = i + 1;
	}
	return true;
}

bool mv_label_name_valid(const char *label)
{
	const char *slash = strchr(label, '/');

	if (!slash || !dns_subdomain(label, slash - label))
		return false;
	return label_word(slash + 1, strlen(slash + 1), MV_LABEL_NAME_MAX);
}

bool mv_label_value_valid(const char *value)
{
	return !*value || label_word(value, strlen(value), MV_LABEL_VALUE_MAX);
}

static int labels_append(struct mv_labels *l, const char *line, size_t n)
{
	if (n > MV_LABELS_SIZE_MAX - l->len)
		return -E2BIG;
	memcpy(l->buf + l->len, line, n);
	l->len += n;
	l->buf[l->len] = 0;
	return 0;
}

int mv_labels_add(struct mv_labels *l, const char *label, const char *value)
{
	char line[MV_LABEL_PREFIX_MAX + MV_LABEL_NAME_MAX + MV_LABEL_VALUE_MAX + 4];
	int n;

	if (!mv_label_name_valid(label) || !mv_label_value_valid(value))
		return -EINVAL;
	n = snprintf(line, sizeof(line), "%s=%s\n", label, value);
	return labels_append(l, line, n);
}

int mv_labels_expiry(struct mv_labels *l, time_t t)
{
	char line[64];
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm))
		return -EOVERFLOW;
	n = strftime(line, sizeof(line), "# +expiry-time=%Y-%m-%dT%H:%M:%SZ\n", &tm);
	return n ? labels_append(l, line, n) : -EOVERFLOW;
}

static uint64_t fnv(uint64_t h, uint64_t v, unsigned int bytes)
{
	/* Byte by byte, low first: the same hash on any host's byte order */
	for (unsigned int i = 0; i < bytes; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t mv_host_fingerprint(const struct mv_host *h)
{
	uint64_t fp = 0xcbf29ce484222325ull, prev = 0;
	unsigned int i, j, best;
	bool first = true;

	/* A version, so that a change of what goes in changes every hash */
	fp = fnv(fp, 1, 1);
	fp = fnv(fp, mv_policy_hash(&h->offer), 8);
	fp = fnv(fp, h->microcode, 4);
	for (i = 0; i < MV_VMX_CAP_WORDS; i++)
		fp = fnv(fp, h->vmx_caps[i], 8);
	/* MSRs by index: the report's order is the module's, not a promise */
	for (i = 0; i < h->n_msr; i++) {
		best = h->n_msr;
		for (j = 0; j < h->n_msr; j++) {
			if (!first && h->msr[j].index <= prev)
				continue;
			if (best == h->n_msr || h->msr[j].index < h->msr[best].index)
				best = j;
		}
		if (best == h->n_msr)
			break;
		prev = h->msr[best].index;
		first = false;
		fp = fnv(fp, h->msr[best].index, 4);
		fp = fnv(fp, h->msr[best].value, 8);
	}
	return fp;
}

const char *mv_host_kernel_mode(const struct mv_host *h)
{
	bool shared = false;
	unsigned int i;

	if (!h->n_root)
		return NULL;
	for (i = 0; i < h->n_root; i++) {
		switch (h->root[i].mode) {
		case MV_VMX_MODE_OWNED:
		case MV_VMX_MODE_OFF:
			/* A start turns VMX on itself (vmx_first_get()) */
			break;
		case MV_VMX_MODE_SHARED:
		case MV_VMX_MODE_KVM_ONLY:
			/* Inside kvm_intel's, which a start loads if need be */
			shared = true;
			break;
		default:
			/*
			 * Foreign: a start is refused while the other
			 * hypervisor holds VMX (before 6.12). Or a mode from
			 * a newer module. Either way, no label, not a guess.
			 */
			return NULL;
		}
	}
	/*
	 * CPUs that differ (VMX off on a few, for one) run guests partly in
	 * another owner's root: a scheduler that keeps such guests apart
	 * must see the host as shared.
	 */
	return shared ? "shared" : "owned";
}

static bool satisfies(const struct mv_host *h, const struct mv_policy *p)
{
	struct mv_policy_diff d;

	mv_policy_diff(p, &h->offer, &d);
	return !d.missing_count;
}

/* 0 added, 1 left out (invalid or a duplicate), or a negative errno */
static int add_baseline(struct mv_labels *l, const char *name, FILE *warn)
{
	char label[MV_LABEL_PREFIX_MAX + MV_LABEL_NAME_MAX + 2];
	char line[sizeof(label) + 8];
	int n, ret;

	n = snprintf(label, sizeof(label), MV_LABEL_PREFIX "/baseline.%s", name);
	if (n >= (int)sizeof(label) || !mv_label_name_valid(label)) {
		if (warn)
			fprintf(warn, "Warning: baseline \"%s\" left out: \"%s\" is not a valid label name (at most %d characters of A-Z a-z 0-9 . _ - after the \"/\", alphanumeric at both ends).\n",
				name, label, MV_LABEL_NAME_MAX);
		return 1;
	}
	/* A module baseline named like a model: one label, not two lines */
	n = snprintf(line, sizeof(line), "%s=", label);
	for (const char *s = l->buf; *s; s = strchr(s, '\n') + 1)
		if (!strncmp(s, line, n))
			return 0;
	ret = mv_labels_add(l, label, "true");
	return ret;
}

int mv_labels_for_host(struct mv_labels *l, const struct mv_host *h,
		       const struct mv_named_policy *extra, unsigned int n_extra,
		       time_t expiry, FILE *warn)
{
	const char *mode = mv_host_kernel_mode(h);
	int ret, skipped = 0;
	struct mv_policy p;
	char fp[20];
	unsigned int i;

	l->len = 0;
	l->buf[0] = 0;
	if (expiry) {
		ret = mv_labels_expiry(l, expiry);
		if (ret)
			return ret;
	}
	for (i = 0; i < mv_model_count(); i++) {
		if (mv_model_policy(mv_model_name(i), &p) || !satisfies(h, &p))
			continue;
		ret = add_baseline(l, mv_model_name(i), warn);
		if (ret < 0)
			return ret;
		skipped += ret;
	}
	for (i = 0; i < n_extra; i++) {
		if (!satisfies(h, &extra[i].p))
			continue;
		ret = add_baseline(l, extra[i].name, warn);
		if (ret < 0)
			return ret;
		skipped += ret;
	}
	snprintf(fp, sizeof(fp), "%016llx", (unsigned long long)mv_host_fingerprint(h));
	ret = mv_labels_add(l, MV_LABEL_PREFIX "/host-fingerprint", fp);
	if (!ret && mode)
		ret = mv_labels_add(l, MV_LABEL_PREFIX "/kernel-mode", mode);
	return ret ? ret : skipped;
}

int mv_labels_write(const char *dir, const char *file,
		    const struct mv_labels *l, char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	size_t off = 0;
	ssize_t n;
	int fd, dfd, e;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, file) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -ENAMETOOLONG;
	}
	/* A dot-file: NFD skips those, so it never reads a half-written one. */
	fd = mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot create a file in %s: %s", dir, strerror(e));
		return -e;
	}
	while (off < l->len) {
		n = write(fd, l->buf + off, l->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			snprintf(err, errlen, "%s: %s", tmp, strerror(e));
			goto fail;
		}
		off += n;
	}
	/* mkstemp() made it 0600; the labels are no secret */
	if (fchmod(fd, 0644) || fsync(fd)) {
		e = errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(e));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		e = errno;
		snprintf(err, errlen, "%s: %s", tmp, strerror(e));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		e = errno;
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(e));
		goto fail;
	}
	/* The rename itself, through a crash */
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -e;
}

/* SDM Vol. 4, Table 2-2: the VMX capability MSRs a host report holds */
static const char *msr_name(uint32_t index)
{
	static const char *const names[] = {
		"IA32_VMX_BASIC", "IA32_VMX_PINBASED_CTLS",
		"IA32_VMX_PROCBASED_CTLS", "IA32_VMX_EXIT_CTLS",
		"IA32_VMX_ENTRY_CTLS", "IA32_VMX_MISC", "IA32_VMX_CR0_FIXED0",
		"IA32_VMX_CR0_FIXED1", "IA32_VMX_CR4_FIXED0",
		"IA32_VMX_CR4_FIXED1", "IA32_VMX_VMCS_ENUM",
		"IA32_VMX_PROCBASED_CTLS2", "IA32_VMX_EPT_VPID_CAP",
		"IA32_VMX_TRUE_PINBASED_CTLS", "IA32_VMX_TRUE_PROCBASED_CTLS",
		"IA32_VMX_TRUE_EXIT_CTLS", "IA32_VMX_TRUE_ENTRY_CTLS",
		"IA32_VMX_VMFUNC", "IA32_VMX_PROCBASED_CTLS3",
	};

	return index >= 0x480 && index - 0x480 < ARRAY_SIZE(names) ?
	       names[index - 0x480] : "MSR";
}

static void change(const char *kind, const char *what, const char *before,
		   const char *after, const char *sep)
{
	open_json_object(NULL);
	print_string(PRINT_JSON, "kind", NULL, kind);
	print_string(PRINT_ANY, "what", "  %s", what);
	print_string(PRINT_ANY, "before", sep, before);
	print_string(PRINT_ANY, "after", " -> %s\n", after);
	close_json_object();
}

static void change_hex(const char *kind, const char *what, uint64_t before,
		       uint64_t after)
{
	char b[24], a[24];

	snprintf(b, sizeof(b), "0x%llx", (unsigned long long)before);
	snprintf(a, sizeof(a), "0x%llx", (unsigned long long)after);
	change(kind, what, b, a, " %s");
}

static const uint64_t *find_msr(const struct mv_host *h, uint32_t index)
{
	for (unsigned int i = 0; i < h->n_msr; i++)
		if (h->msr[i].index == index)
			return &h->msr[i].value;
	return NULL;
}

/* An MSR of @a that @b lacks or holds another value in; @a first, then @b's own */
static unsigned int msr_changes(const struct mv_host *a, const struct mv_host *b,
				bool a_is_before)
{
	char what[64], va[24], vb[24] = "absent";
	const uint64_t *other;
	unsigned int i, n = 0;

	for (i = 0; i < a->n_msr; i++) {
		other = find_msr(b, a->msr[i].index);
		if (other && (!a_is_before || *other == a->msr[i].value))
			continue;
		snprintf(what, sizeof(what), "vmx %s (0x%x)", msr_name(a->msr[i].index),
			 a->msr[i].index);
		snprintf(va, sizeof(va), "0x%llx", (unsigned long long)a->msr[i].value);
		if (other)
			snprintf(vb, sizeof(vb), "0x%llx", (unsigned long long)*other);
		else
			snprintf(vb, sizeof(vb), "absent");
		if (a_is_before)
			change("vmx_msr", what, va, vb, ": %s");
		else
			change("vmx_msr", what, "absent", va, ": %s");
		n++;
	}
	return n;
}

static unsigned int policy_changes(const struct mv_policy *a,
				   const struct mv_policy *b)
{
	static const char *const reg[] = { "EAX", "EBX", "ECX", "EDX" };
	struct mv_policy_diff d;
	unsigned int f, n = 0;
	char what[96], bits[8];

	/* What a has and b lacks is "missing": present before, absent now */
	mv_policy_diff(a, b, &d);
	for (f = 0; f < MV_F_COUNT; f++) {
		const struct mv_cpuid_feature_desc *fd = &mv_cpuid_features[f];
		bool lost = mv_diff_has(d.missing, f);

		if (!lost && !mv_diff_has(d.extra, f))
			continue;
		snprintf(what, sizeof(what), "cpuid %x.%u:%s[%u] %s", fd->leaf,
			 fd->subleaf, reg[fd->reg], fd->bit, fd->name);
		change("cpuid", what, lost ? "present" : "absent",
		       lost ? "absent" : "present", ": %s");
		n++;
	}
	if (a->xcr0 != b->xcr0 && ++n)
		change_hex("cpuid", "xcr0", a->xcr0, b->xcr0);
	if (a->signature != b->signature && ++n)
		change_hex("cpuid", "signature", a->signature, b->signature);
	if (a->max_leaf != b->max_leaf && ++n)
		change_hex("cpuid", "max_leaf", a->max_leaf, b->max_leaf);
	if (a->phys_bits != b->phys_bits && ++n) {
		snprintf(what, sizeof(what), "%u", a->phys_bits);
		snprintf(bits, sizeof(bits), "%u", b->phys_bits);
		change("cpuid", "physical address bits", what, bits, " %s");
	}
	if (strcmp(a->brand, b->brand) && ++n)
		change("cpuid", "brand", a->brand, b->brand, " \"%s\"");
	return n;
}

static void drift_baseline(const char *name, bool module,
			   const struct mv_host *before,
			   const struct mv_host *now,
			   const struct mv_policy *p, unsigned int *lost)
{
	bool was = satisfies(before, p), is = satisfies(now, p);

	*lost += was && !is;
	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "baseline %s", name);
	/* Only where true: a model's object stays as it was */
	if (module)
		print_bool(PRINT_JSON, "module", NULL, true);
	print_bool(PRINT_JSON, "before", NULL, was);
	print_bool(PRINT_JSON, "after", NULL, is);
	print_text("%s: %s\n", module ? " (module)" : "",
		   was && is ? "still satisfiable" :
		   was ? "NO LONGER SATISFIABLE" :
		   is ? "newly satisfiable" : "not satisfiable");
	close_json_object();
}

unsigned int mv_host_drift_print(const struct mv_host *before,
				 const struct mv_host *now,
				 const struct mv_named_policy *extra,
				 unsigned int n_extra, unsigned int *lost)
{
	const char *mb = mv_host_kernel_mode(before), *mn = mv_host_kernel_mode(now);
	unsigned int i, n = 0;
	char what[64];
	struct mv_policy p;
	bool was, is;

	open_json_array("changes");
	if (before->microcode != now->microcode && ++n)
		change_hex("microcode", "microcode", before->microcode, now->microcode);
	n += policy_changes(&before->offer, &now->offer);
	for (i = 0; i < MV_VCAP_COUNT; i++) {
		was = mv_host_has_vmx_cap(before, i);
		is = mv_host_has_vmx_cap(now, i);
		if (was == is)
			continue;
		snprintf(what, sizeof(what), "vmx cap %s", mv_vmx_caps[i].name);
		change("vmx_cap", what, was ? "present" : "absent",
		       is ? "present" : "absent", ": %s");
		n++;
	}
	n += msr_changes(before, now, true);
	n += msr_changes(now, before, false);
	/* Not in the fingerprint, but in the labels: say so when it moves */
	if ((mb || mn) && (!mb || !mn || strcmp(mb, mn)) && ++n)
		change("kernel_mode", "kernel mode", mb ? mb : "unknown",
		       mn ? mn : "unknown", ": %s");
	close_json_array();
	if (!n)
		print_text("  no change\n");

	*lost = 0;
	open_json_array("baselines");
	for (i = 0; i < mv_model_count(); i++)
		if (!mv_model_policy(mv_model_name(i), &p))
			drift_baseline(mv_model_name(i), false, before, now, &p,
				       lost);
	/*
	 * The module's own, which guests are started with and labelled for
	 * as much as the models: one named like a model is still its own
	 * policy, so it gets its own line.
	 */
	for (i = 0; i < n_extra; i++)
		drift_baseline(extra[i].name, true, before, now, &extra[i].p,
			       lost);
	close_json_array();
	return n;
}
