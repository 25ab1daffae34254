/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "lsq-policy.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LsqPolicy");

NS_OBJECT_ENSURE_REGISTERED(LsqPolicy);

TypeId
LsqPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LsqPolicy")
                            .SetParent<SedPolicy>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<LsqPolicy>();
    return tid;
}

std::string
LsqPolicy::GetName() const
{
    return "LSQ";
}

bool
LsqPolicy::IgnoresWeights() const
{
    return true;
}

} // namespace ns3
