// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID policies on the wire (enum mv_policy_attr). Input is checked to
 * the bit: an unknown word or a bit the feature table does not name is an
 * error, never silently dropped, so what the user asked for is what the
 * guest gets (after the documented dependency closure).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <net/netlink.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "policy_nl.h"
#include "../nl_gen.h"

static int parse_word(const struct nlattr *a, struct mv_policy *p,
		      u32 *seen, u32 *known, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MV_A_WORD_MAX + 1];
	u32 leaf, sub, reg, mask;
	int w, ret;

	ret = nla_parse_nested(tb, MV_A_WORD_MAX, a, migvisor_word_nl_policy, extack);
	if (ret)
		return ret;
	if (!tb[MV_A_WORD_LEAF] || !tb[MV_A_WORD_SUBLEAF] ||
	    !tb[MV_A_WORD_REG] || !tb[MV_A_WORD_MASK]) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "a policy word needs LEAF, SUBLEAF, REG and MASK");
		return -EINVAL;
	}
	leaf = nla_get_u32(tb[MV_A_WORD_LEAF]);
	sub = nla_get_u32(tb[MV_A_WORD_SUBLEAF]);
	reg = nla_get_u32(tb[MV_A_WORD_REG]);
	mask = nla_get_u32(tb[MV_A_WORD_MASK]);
	w = mv_cpuid_word_index(leaf, sub, reg);
	if (w < 0) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "not a CPUID feature word migvisor knows (leaf, subleaf, register)");
		return -EINVAL;
	}
	if (*seen & BIT(w)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "policy word given twice");
		return -EINVAL;
	}
	if (mask & ~known[w]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[MV_A_WORD_MASK],
				    "mask has bits the feature table does not name");
		return -EINVAL;
	}
	*seen |= BIT(w);
	p->word[w] = mask;
	return 0;
}

int mv_policy_from_nl(const struct nlattr *nest, struct mv_policy *p,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[MV_A_POLICY_MAX + 1];
	struct mv_policy known;
	const struct nlattr *a;
	u32 seen = 0;
	int rem, ret;

	ret = nla_parse_nested(tb, MV_A_POLICY_MAX, nest, migvisor_policy_nl_policy,
			       extack);
	if (ret)
		return ret;
	memset(p, 0, sizeof(*p));
	mv_policy_known(&known);
	/* WORD repeats: nla_parse keeps only the last, so walk them all. */
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MV_A_POLICY_WORD)
			continue;
		ret = parse_word(a, p, &seen, known.word, extack);
		if (ret)
			return ret;
	}
	if (tb[MV_A_POLICY_XCR0])
		p->xcr0 = nla_get_u64(tb[MV_A_POLICY_XCR0]);
	if (tb[MV_A_POLICY_MAX_LEAF])
		p->max_leaf = nla_get_u32(tb[MV_A_POLICY_MAX_LEAF]);
	if (tb[MV_A_POLICY_SIGNATURE])
		p->signature = nla_get_u32(tb[MV_A_POLICY_SIGNATURE]);
	p->phys_bits = tb[MV_A_POLICY_PHYS_BITS] ?
		       nla_get_u8(tb[MV_A_POLICY_PHYS_BITS]) : 36;
	if (tb[MV_A_POLICY_BRAND])
		nla_strscpy(p->brand, tb[MV_A_POLICY_BRAND], sizeof(p->brand));
	mv_policy_normalise(p);
	return 0;
}

size_t mv_policy_nl_size(void)
{
	return nla_total_size(MV_W_COUNT *
			      nla_total_size(4 * nla_total_size(sizeof(u32))) +
			      nla_total_size_64bit(sizeof(u64)) +
			      2 * nla_total_size(sizeof(u32)) +
			      nla_total_size(sizeof(u8)) +
			      nla_total_size(MV_BRAND_LEN));
}

int mv_policy_to_nl(struct sk_buff *skb, int type, const struct mv_policy *p)
{
	struct nlattr *nest, *wn;
	int w;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (w = 0; w < MV_W_COUNT; w++) {
		wn = nla_nest_start(skb, MV_A_POLICY_WORD);
		if (!wn ||
		    nla_put_u32(skb, MV_A_WORD_LEAF, mv_cpuid_words[w].leaf) ||
		    nla_put_u32(skb, MV_A_WORD_SUBLEAF, mv_cpuid_words[w].subleaf) ||
		    nla_put_u32(skb, MV_A_WORD_REG, mv_cpuid_words[w].reg) ||
		    nla_put_u32(skb, MV_A_WORD_MASK, p->word[w]))
			return -EMSGSIZE;
		nla_nest_end(skb, wn);
	}
	if (nla_put_u64_64bit(skb, MV_A_POLICY_XCR0, p->xcr0, MV_A_POLICY_PAD) ||
	    nla_put_u32(skb, MV_A_POLICY_MAX_LEAF, p->max_leaf) ||
	    nla_put_u32(skb, MV_A_POLICY_SIGNATURE, p->signature) ||
	    nla_put_u8(skb, MV_A_POLICY_PHYS_BITS, p->phys_bits) ||
	    nla_put_string(skb, MV_A_POLICY_BRAND, p->brand))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}
