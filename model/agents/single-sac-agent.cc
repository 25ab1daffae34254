/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "single-sac-agent.h"

#include "ns3/fatal-error.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SingleSacAgent");

NS_OBJECT_ENSURE_REGISTERED(SingleSacAgent);

TypeId
SingleSacAgent::GetTypeId()
{
    static TypeId tid = TypeId("ns3::SingleSacAgent")
                            .SetParent<SacAgent>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<SingleSacAgent>();
    return tid;
}

void
SingleSacAgent::Setup()
{
    NS_LOG_FUNCTION(this);
    if (GetTeamSize() != 1)
    {
        NS_FATAL_ERROR("RLB-S-SAC runs on a single load balancer, but the testbed has "
                       << GetTeamSize() << "; set the load balancer count to 1");
    }
    SacAgent::Setup();
}

} // namespace ns3
