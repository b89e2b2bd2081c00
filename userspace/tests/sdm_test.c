// SPDX-License-Identifier: GPL-2.0
/*
 * What the SDM fixes, checked natively against the tables every host and
 * tool shares (common/policy.c), and the ioctl numbers against the ones
 * the kernel already gives out.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nsfs.h>

#include <linux/migvisor.h>
#include <linux/migvisor_rec.h>

#include "kselftest_harness.h"
#include "../lib/policy_io.h"

static struct mv_policy model(const char *name)
{
	struct mv_policy p;

	memset(&p, 0, sizeof(p));
	mv_model_policy(name, &p);
	return p;
}

/* CPUID.(0xD,1):EBX: the compacted size for XCR0 | IA32_XSS (SDM 13.4.3). */
TEST(xsavec_compacted_sizes)
{
	static const struct { uint64_t xcr0; uint32_t size; } s[] = {
		{ 0x1, 576 }, { 0x3, 576 }, { 0x7, 832 }, { 0xe7, 2432 },
	};
	struct mv_policy sky = model("skylake-server"), snb = model("sandybridge");
	struct mv_cpuid_dyn dyn = { .cr4 = 0x40620 };
	unsigned int i;
	uint32_t r[4];

	ASSERT_TRUE(mv_policy_has(&sky, mv_feature_lookup("xsavec")));
	ASSERT_FALSE(mv_policy_has(&snb, mv_feature_lookup("xsavec")));
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		dyn.xcr0 = s[i].xcr0;
		mv_policy_cpuid(&sky, 0xd, 1, &dyn, r);
		EXPECT_EQ(s[i].size, r[1]) {
			TH_LOG("XCR0 %#llx", (unsigned long long)s[i].xcr0);
		}
		/* Without XSAVEC or XSAVES, EBX is reserved: 0. */
		mv_policy_cpuid(&snb, 0xd, 1, &dyn, r);
		EXPECT_EQ(0u, r[1]);
	}
}

/*
 * No named model shows a feature migvisor cannot give (their MSRs would
 * #GP, or the host could never satisfy the model): tsc-deadline and
 * x2apic among them.
 */
TEST(models_show_only_offered_features)
{
	unsigned int i, f;

	for (i = 0; i < mv_model_count(); i++) {
		const char *name = mv_model_name(i) ?: "?";
		struct mv_policy p = model(name);

		for (f = 0; f < MV_F_COUNT; f++)
			EXPECT_FALSE(mv_policy_has(&p, f) && !mv_feature_offered(f)) {
				TH_LOG("%s shows feature %u", name, f);
			}
	}
	EXPECT_FALSE(mv_feature_offered(mv_feature_lookup("tsc_deadline_timer")));
	EXPECT_FALSE(mv_feature_offered(mv_feature_lookup("x2apic")));
}

/* 0xB7 is nsfs's: MV_IOC_SNAPSHOT was bit for bit NS_GET_NSTYPE. */
TEST(ioctl_numbers_are_ours)
{
	static const unsigned long ours[] = {
		MV_IOC_GET_VERSION, MV_IOC_GUEST_OPEN, MV_IOC_SET_ENTRY,
		MV_IOC_SNAPSHOT, MV_IOC_RESTORE, MV_IOC_RESTORE_NEW, MV_IOC_ERROR,
		MV_SNAP_IOC_ROUND, MV_SNAP_IOC_FINISH, MV_SNAP_IOC_COMMIT,
		MV_SNAP_IOC_ABORT, MV_SESS_IOC_ERROR, MV_SNAP_IOC_HANDOVER,
	};
	static const unsigned long nsfs[] = {
		NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID,
	};
	unsigned int i, j;

	EXPECT_EQ(0xE9, _IOC_TYPE(MV_IOC_SNAPSHOT));
	for (i = 0; i < ARRAY_SIZE(ours); i++) {
		EXPECT_EQ(MV_IOC_MAGIC, _IOC_TYPE(ours[i]));
		for (j = 0; j < ARRAY_SIZE(nsfs); j++)
			EXPECT_NE(nsfs[j], ours[i]);
		for (j = 0; j < i; j++)
			EXPECT_NE(ours[j], ours[i]);
	}
	/* The vCPU record took PAT and MTRR from its reserved tail: same size. */
	EXPECT_EQ(616, sizeof(struct mv_rec_vcpu));
}

TEST_HARNESS_MAIN
