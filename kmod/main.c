// SPDX-License-Identifier: GPL-2.0
/*
 * migvisor: a VMX-root module hosting lightweight guests under a pool-wide
 * CPUID baseline, so that they migrate live between CPU generations.
 *
 * This file only sequences the subsystems; each one lives in its own file.
 * VMX root is not entered here: VMXON happens when the first guest runs.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include <linux/migvisor.h>
#include <linux/migvisor_nl.h>

#include "baseline.h"
#include "chardev.h"
#include "cpuid/offer.h"
#include "guest.h"
#include "netlink.h"
#include "vmx/capabilities.h"
#include "vmx/vcpu.h"
#include "vmx/vmx.h"

static int __init mv_mod_init(void)
{
	int ret;

	ret = mv_vmx_probe();
	if (ret)
		return ret;

	mv_offer_init();
	ret = mv_vmx_init();
	if (ret)
		return ret;
	ret = mv_vpid_init();
	if (ret)
		goto err_vpid;
	ret = mv_chardev_init();
	if (ret)
		goto err_chardev;
	ret = mv_genl_init();
	if (ret)
		goto err_genl;

	pr_info("loaded: VMCS revision %u, EPT%s%s%s\n", mv_vmx.vmcs_revision,
		mv_cpu_has_vpid() ? ", VPID" : "",
		mv_cpu_has_unrestricted_guest() ? ", unrestricted guest" : "",
		mv_cpu_has_pml() ? ", PML" : "");
	return 0;

err_genl:
	mv_chardev_uninit();
err_chardev:
	mv_vpid_uninit();
err_vpid:
	mv_vmx_uninit();
	return ret;
}

static void __exit mv_mod_exit(void)
{
	mv_genl_uninit();
	mv_chardev_uninit();
	mv_guests_uninit();
	mv_baselines_uninit();
	mv_vpid_uninit();
	mv_vmx_uninit();
}

module_init(mv_mod_init);
module_exit(mv_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("migvisor: lightweight VMX guests with CPUID baselines and live migration");
MODULE_AUTHOR("The migvisor developers");
MODULE_ALIAS_GENL_FAMILY(MV_GENL_NAME);
