// SPDX-License-Identifier: GPL-2.0
/*
 * The shared data tables are consistent: names unique and well-formed,
 * no two rows for the same bit, bits within their register.
 */
#include <ctype.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../../common/mv_tables.h"

static bool well_formed(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) &&
		    *n != '_')
			return false;
	return true;
}

TEST(cpuid_feature_names_unique_and_well_formed)
{
	for (int i = 0; i < MV_F_COUNT; i++) {
		EXPECT_TRUE(well_formed(mv_cpuid_features[i].name)) {
			TH_LOG("bad name \"%s\"", mv_cpuid_features[i].name);
		}
		for (int j = i + 1; j < MV_F_COUNT; j++) {
			EXPECT_NE(0, strcmp(mv_cpuid_features[i].name,
					    mv_cpuid_features[j].name)) {
				TH_LOG("duplicate \"%s\"", mv_cpuid_features[i].name);
			}
		}
	}
}

TEST(cpuid_feature_bits_unique_and_in_range)
{
	for (int i = 0; i < MV_F_COUNT; i++) {
		const struct mv_cpuid_feature_desc *a = &mv_cpuid_features[i];

		EXPECT_LT(a->bit, 32);
		EXPECT_LE(a->reg, MV_EDX);
		for (int j = i + 1; j < MV_F_COUNT; j++) {
			const struct mv_cpuid_feature_desc *b = &mv_cpuid_features[j];

			EXPECT_FALSE(a->leaf == b->leaf && a->subleaf == b->subleaf &&
				     a->reg == b->reg && a->bit == b->bit) {
				TH_LOG("%s and %s share a bit", a->name, b->name);
			}
		}
	}
}

TEST(cpuid_feature_facts_spot_check)
{
	/* SDM Vol. 2A, Table 3-10/3-11 and leaf 7. */
	EXPECT_EQ(0x1, mv_cpuid_features[MV_F_sse4_2].leaf);
	EXPECT_EQ(MV_ECX, mv_cpuid_features[MV_F_sse4_2].reg);
	EXPECT_EQ(20, mv_cpuid_features[MV_F_sse4_2].bit);
	EXPECT_EQ(28, mv_cpuid_features[MV_F_avx].bit);
	EXPECT_EQ(0x7, mv_cpuid_features[MV_F_avx2].leaf);
	EXPECT_EQ(MV_EBX, mv_cpuid_features[MV_F_avx2].reg);
	EXPECT_EQ(5, mv_cpuid_features[MV_F_avx2].bit);
	EXPECT_EQ(16, mv_cpuid_features[MV_F_avx512f].bit);
	EXPECT_EQ(0x80000001, mv_cpuid_features[MV_F_lm].leaf);
	EXPECT_EQ(29, mv_cpuid_features[MV_F_lm].bit);
	EXPECT_EQ(MV_FF_HIDDEN, mv_cpuid_features[MV_F_osxsave].flags);
}

TEST(vmx_caps_unique_and_in_range)
{
	static const int width[MV_VCS_COUNT] = {
		[MV_VCS_PIN] = 32, [MV_VCS_PROC] = 32, [MV_VCS_PROC2] = 32,
		[MV_VCS_PROC3] = 64, [MV_VCS_EXIT] = 32, [MV_VCS_ENTRY] = 32,
		[MV_VCS_EPT] = 32, [MV_VCS_VPID] = 32, [MV_VCS_VMFUNC] = 64,
		[MV_VCS_BASIC] = 64, [MV_VCS_MISC] = 64, [MV_VCS_SYNTH] = 2,
	};

	EXPECT_LE(MV_VCAP_COUNT, MV_VMX_CAP_WORDS * 64);
	for (int i = 0; i < MV_VCAP_COUNT; i++) {
		const struct mv_vmx_cap_desc *a = &mv_vmx_caps[i];

		EXPECT_TRUE(well_formed(a->name));
		EXPECT_LT(a->source, MV_VCS_COUNT);
		EXPECT_LT(a->bit, width[a->source]) {
			TH_LOG("%s: bit %d out of range", a->name, a->bit);
		}
		for (int j = i + 1; j < MV_VCAP_COUNT; j++) {
			EXPECT_NE(0, strcmp(a->name, mv_vmx_caps[j].name));
			EXPECT_FALSE(a->source == mv_vmx_caps[j].source &&
				     a->bit == mv_vmx_caps[j].bit) {
				TH_LOG("%s and %s share a bit", a->name,
				       mv_vmx_caps[j].name);
			}
		}
	}
}

TEST_HARNESS_MAIN
