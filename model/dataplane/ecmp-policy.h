/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_ECMP_POLICY_H
#define MARL_LB_ECMP_POLICY_H

#include "lb-policy.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief ECMP: every flow goes to the server that the Maglev consistent-hash table names.
 *
 * The table is built with equal weights, so each server gets an equal share of flows whatever
 * its capacity or load.
 */
class EcmpPolicy : public LbPolicy
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    uint32_t SelectServer(const FlowKey& key,
                          uint32_t hashProposed,
                          const std::vector<ServerState>& servers) override;
    std::string GetName() const override;
};

} // namespace ns3

#endif // MARL_LB_ECMP_POLICY_H
