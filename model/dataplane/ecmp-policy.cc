/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "ecmp-policy.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("EcmpPolicy");

NS_OBJECT_ENSURE_REGISTERED(EcmpPolicy);

TypeId
EcmpPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::EcmpPolicy")
                            .SetParent<LbPolicy>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<EcmpPolicy>();
    return tid;
}

uint32_t
EcmpPolicy::SelectServer(const FlowKey& /* key */,
                         uint32_t hashProposed,
                         const std::vector<ServerState>& /* servers */)
{
    return hashProposed;
}

std::string
EcmpPolicy::GetName() const
{
    return "ECMP";
}

} // namespace ns3
