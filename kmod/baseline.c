// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline objects and their rules: a baseline in use by a guest is
 * neither replaced nor deleted, and a guest is never created with a
 * baseline this host cannot satisfy. Every refusal says why.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <asm/tsc.h>

#include "baseline.h"
#include "cpuid/offer.h"
#include "events.h"

DEFINE_MUTEX(mv_baselines_lock);
static LIST_HEAD(mv_baselines);
static struct mv_baseline *mv_default;		/* under the lock */

struct mv_baseline *mv_baseline_find(const char *name)
{
	struct mv_baseline *bl;

	lockdep_assert_held(&mv_baselines_lock);
	list_for_each_entry(bl, &mv_baselines, node)
		if (!strcmp(bl->name, name))
			return bl;
	return NULL;
}

struct mv_baseline *mv_baseline_default(void)
{
	lockdep_assert_held(&mv_baselines_lock);
	return mv_default;
}

bool mv_baseline_is_default(const struct mv_baseline *bl)
{
	return READ_ONCE(mv_default) == bl;
}

/* Ids only grow; a replaced baseline keeps its place and its id. */
static u64 mv_baselines_last_id;
static unsigned int mv_baselines_gen = 1;

struct mv_baseline *mv_baseline_next(u64 after, unsigned int *gen)
{
	struct mv_baseline *bl;

	mutex_lock(&mv_baselines_lock);
	*gen = mv_baselines_gen;
	list_for_each_entry(bl, &mv_baselines, node) {
		if (bl->id > after) {
			kref_get(&bl->ref);
			mutex_unlock(&mv_baselines_lock);
			return bl;
		}
	}
	mutex_unlock(&mv_baselines_lock);
	return NULL;
}

void mv_baseline_get(struct mv_baseline *bl)
{
	kref_get(&bl->ref);
}

static void baseline_free(struct kref *ref)
{
	kfree(container_of(ref, struct mv_baseline, ref));
}

void mv_baseline_put(struct mv_baseline *bl)
{
	if (bl)
		kref_put(&bl->ref, baseline_free);
}

/* -EBUSY with the names of the guests that use @bl. */
static int busy(struct mv_baseline *bl, const char *what,
		struct netlink_ext_ack *extack)
{
	struct mv_baseline_use *u;
	char names[160] = "";
	size_t used = 0;
	int n = 0;

	lockdep_assert_held(&mv_baselines_lock);
	list_for_each_entry(u, &bl->users, node) {
		if (used + strlen(u->name) + 6 < sizeof(names))
			used += scnprintf(names + used, sizeof(names) - used,
					  "%s%s", n ? ", " : "", u->name);
		else if (used + 4 < sizeof(names) && !strstr(names, "..."))
			used += scnprintf(names + used, sizeof(names) - used, "...");
		n++;
	}
	if (!n)
		return 0;
	mv_errmsg(extack, "baseline %s cannot be %s: in use by %d guest(s): %s",
		  bl->name, what, n, names);
	return -EBUSY;
}

void mv_baseline_use(struct mv_baseline *bl, struct mv_baseline_use *u,
		     const char *name)
{
	lockdep_assert_held(&mv_baselines_lock);
	u->name = name;
	list_add_tail(&u->node, &bl->users);
}

void mv_baseline_unuse(struct mv_baseline_use *u)
{
	mutex_lock(&mv_baselines_lock);
	list_del_init(&u->node);
	mutex_unlock(&mv_baselines_lock);
}

int mv_baseline_add(const char *name, const char *model,
		    const struct mv_policy *p, u32 khz, bool replace,
		    struct netlink_ext_ack *extack)
{
	struct mv_baseline *bl, *old;
	int ret;

	bl = kzalloc(sizeof(*bl), GFP_KERNEL_ACCOUNT);
	if (!bl)
		return -ENOMEM;
	kref_init(&bl->ref);
	INIT_LIST_HEAD(&bl->users);
	strscpy(bl->name, name, sizeof(bl->name));
	strscpy(bl->model, model, sizeof(bl->model));
	bl->policy = *p;
	mv_policy_normalise(&bl->policy);
	bl->hash = mv_policy_hash(&bl->policy);
	bl->tsc_khz = khz ?: tsc_khz;

	mutex_lock(&mv_baselines_lock);
	old = mv_baseline_find(name);
	if (old && !replace) {
		mv_errmsg(extack, "baseline %s exists (replace it with \"mvctl baseline change\")",
			  name);
		ret = -EEXIST;
		goto err;
	}
	if (old) {
		ret = busy(old, "replaced", extack);
		if (ret)
			goto err;
		bl->id = old->id;
		list_replace(&old->node, &bl->node);
		if (mv_default == old)
			WRITE_ONCE(mv_default, bl);
		mv_baseline_put(old);
	} else {
		bl->id = ++mv_baselines_last_id;
		list_add_tail(&bl->node, &mv_baselines);
	}
	mv_baselines_gen++;
	mutex_unlock(&mv_baselines_lock);
	return 0;
err:
	mutex_unlock(&mv_baselines_lock);
	kfree(bl);
	return ret;
}

int mv_baseline_del(const char *name, struct netlink_ext_ack *extack)
{
	struct mv_baseline *bl;
	int ret;

	mutex_lock(&mv_baselines_lock);
	bl = mv_baseline_find(name);
	if (!bl) {
		mv_errmsg(extack, "no baseline named %s", name);
		ret = -ENOENT;
		goto out;
	}
	ret = busy(bl, "deleted", extack);
	if (ret)
		goto out;
	list_del(&bl->node);
	mv_baselines_gen++;
	if (mv_default == bl)
		WRITE_ONCE(mv_default, NULL);
	mv_baseline_put(bl);
out:
	mutex_unlock(&mv_baselines_lock);
	return ret;
}

int mv_baseline_set_default(const char *name, struct netlink_ext_ack *extack)
{
	struct mv_baseline *bl = NULL;

	mutex_lock(&mv_baselines_lock);
	if (name) {
		bl = mv_baseline_find(name);
		if (!bl) {
			mutex_unlock(&mv_baselines_lock);
			mv_errmsg(extack, "no baseline named %s", name);
			return -ENOENT;
		}
	}
	WRITE_ONCE(mv_default, bl);
	mutex_unlock(&mv_baselines_lock);
	return 0;
}

static const char *const reg_names[] = { "EAX", "EBX", "ECX", "EDX" };

#define MV_MISSING_LEN	768

/*
 * -EOPNOTSUPP unless this host's offer covers @p, with every missing
 * feature named as "name (leaf.subleaf:REG[bit])". The list is not on the
 * stack: with the diff beside it, KASAN's redzones took the frame past
 * the kernel's limit.
 */
int mv_baseline_check_host(const struct mv_policy *p,
			   struct netlink_ext_ack *extack)
{
	struct mv_policy_diff d;
	size_t len = 0;
	int f, n = 0;
	char *list;

	mv_policy_diff(p, &mv_host_offer, &d);
	/* The offer covers @p. */
	if (!d.missing_count)
		return 0;
	list = kmalloc(MV_MISSING_LEN, GFP_KERNEL);
	if (!list) {
		NL_SET_ERR_MSG(extack, "this host cannot satisfy the baseline (no memory to name what it lacks)");
		return -EOPNOTSUPP;
	}
	list[0] = 0;
	for (f = 0; f < MV_F_COUNT; f++) {
		const struct mv_cpuid_feature_desc *fd = &mv_cpuid_features[f];

		if (!mv_diff_has(d.missing, f))
			continue;
		n++;
		len += scnprintf(list + len, MV_MISSING_LEN - len, "%s%s (%x.%u:%s[%u])",
				 n > 1 ? ", " : "", fd->name, fd->leaf,
				 fd->subleaf, reg_names[fd->reg], fd->bit);
	}
	if (d.xcr0_missing) {
		n++;
		len += scnprintf(list + len, MV_MISSING_LEN - len,
				 "%sXCR0 bits %#llx (d.0:EAX/EDX)", n > 1 ? ", " : "",
				 d.xcr0_missing);
	}
	if (d.phys_bits_short) {
		n++;
		scnprintf(list + len, MV_MISSING_LEN - len,
			  "%sphysical address bits %u > %u (80000008.0:EAX[7:0])",
			  n > 1 ? ", " : "", p->phys_bits, mv_host_offer.phys_bits);
	}
	if (n)
		mv_errmsg(extack, "this host cannot satisfy the baseline: it lacks %s",
			  list);
	kfree(list);
	return n ? -EOPNOTSUPP : 0;
}

void mv_baselines_uninit(void)
{
	struct mv_baseline *bl, *tmp;

	mutex_lock(&mv_baselines_lock);
	WRITE_ONCE(mv_default, NULL);
	list_for_each_entry_safe(bl, tmp, &mv_baselines, node) {
		list_del(&bl->node);
		mv_baseline_put(bl);
	}
	mutex_unlock(&mv_baselines_lock);
}
