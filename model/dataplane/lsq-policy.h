/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_LSQ_POLICY_H
#define MARL_LB_LSQ_POLICY_H

#include "sed-policy.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Local shortest queue: the server with the fewest on-going flows that this load
 * balancer counts, whatever its weight.
 *
 * It is SED with every weight taken as 1, and it has the same TieBreak attribute.
 */
class LsqPolicy : public SedPolicy
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    std::string GetName() const override;

  protected:
    bool IgnoresWeights() const override;
};

} // namespace ns3

#endif // MARL_LB_LSQ_POLICY_H
